"""The student's side of grading: load their code, then answer calls with plain data.

Runs inside the sandbox as ``python -I worker.py CELLS_JSON IN_FD OUT_FD``.
It is copied there with ``wire.py`` and imports nothing from the course
package (which the sandbox cannot see anyway). Whatever the student's code does
to this interpreter, only JSON leaves it, and the grader recomputes every
expected value in its own process.
"""

from __future__ import annotations

import copy
import io
import json
import os
import sys
import time
import traceback
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # -I leaves our folder off the path

import numpy as np  # noqa: E402
import wire  # noqa: E402  (copied next to this file inside the sandbox)

MAX_CAPTURE = 4000


def _short_error(exc: BaseException) -> dict:
    message = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else ""
    return {"type": type(exc).__name__, "message": message}


def _student_line(exc: BaseException) -> int | None:
    """The line of the student's cell where the error surfaced, if any."""
    line = None
    for frame, lineno in traceback.walk_tb(exc.__traceback__):
        if frame.f_code.co_filename.startswith("<cell"):
            line = lineno
    return line


class Worker:
    def __init__(self, cells: list[str], inp: io.BufferedReader, out: io.BufferedWriter) -> None:
        self.cells = cells
        self.inp = inp
        self.out = out
        self.namespace: dict = {"__name__": "__main__", "__builtins__": __builtins__}

    def send(self, message: dict) -> None:
        self.out.write(wire.dumps(message))
        self.out.flush()

    def load(self, skip: set[int]) -> None:
        """Run the student's cells in order, reporting each one as it finishes."""
        for index, source in enumerate(self.cells):
            if index in skip:
                self.send({"op": "cell", "index": index, "ok": False, "skipped": True})
                continue
            self.send({"op": "cell_start", "index": index})
            try:
                code = compile(source, f"<cell {index}>", "exec")
                exec(code, self.namespace)  # noqa: S102 - this is the student's code, sandboxed
            except BaseException as exc:  # noqa: BLE001 - report every failure, keep loading
                if isinstance(exc, KeyboardInterrupt):
                    raise
                error = _short_error(exc)
                error["line"] = _student_line(exc)
                self.send({"op": "cell", "index": index, "ok": False, "error": error})
            else:
                self.send({"op": "cell", "index": index, "ok": True})
            _close_figures()
        self.send({"op": "loaded"})

    def _resolve(self, arg):
        if isinstance(arg, wire.PyFunc):
            env = {"np": np, "__builtins__": __builtins__}
            return eval(arg.source, env)  # noqa: S307 - grader-supplied helper function
        if isinstance(arg, list):
            return [self._resolve(a) for a in arg]
        if isinstance(arg, tuple):
            return tuple(self._resolve(a) for a in arg)
        if isinstance(arg, dict):
            return {k: self._resolve(v) for k, v in arg.items()}
        return arg

    def handle(self, request: dict) -> dict:
        op = request.get("op")
        name = request.get("name")
        if op == "get":
            if name not in self.namespace:
                return {"ok": False, "error": {"kind": "missing", "type": "NameError",
                                               "message": f"name {name!r} is not defined"}}
            return {"ok": True, "value": wire.encode(self.namespace[name])}
        if op != "call":
            return {"ok": False, "error": {"kind": "protocol", "type": "", "message": "bad op"}}
        func = self.namespace.get(name)
        if func is None:
            return {"ok": False, "error": {"kind": "missing", "type": "NameError",
                                           "message": f"function {name!r} is not defined"}}
        if not callable(func):
            return {"ok": False, "error": {"kind": "not_callable", "type": "TypeError",
                                           "message": f"{name!r} is not a function"}}
        args = self._resolve([wire.decode(a) for a in request.get("args", [])])
        kwargs = self._resolve({k: wire.decode(v) for k, v in request.get("kwargs", {}).items()})
        before = (copy.deepcopy(args), copy.deepcopy(kwargs))
        started = time.perf_counter()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                result = func(*args, **kwargs)
            except Exception as exc:  # noqa: BLE001 - the student's exception is data
                error = _short_error(exc)
                error["kind"] = "exception"
                error["line"] = _student_line(exc)
                return {"ok": False, "error": error}
        pairs = enumerate(zip(before[0], args, strict=True))
        mutated = [str(i) for i, (a, b) in pairs if not _same(a, b)]
        mutated += [k for k in kwargs if not _same(before[1][k], kwargs[k])]
        return {
            "ok": True,
            "value": wire.encode(result),
            "mutated": mutated,
            "warnings": [str(w.message)[:200] for w in caught[:5]],
            "seconds": time.perf_counter() - started,
        }

    def serve(self) -> None:
        for line in self.inp:
            try:
                request = wire.loads(line)
                reply = self.handle(request)
            except wire.WireError as exc:
                reply = {"ok": False, "error": {"kind": "protocol", "type": "WireError",
                                                "message": str(exc)}}
            reply["id"] = request.get("id") if isinstance(request, dict) else None
            _close_figures()
            self.send(reply)


def _same(a, b) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        try:
            return (type(a) is type(b) and a.shape == b.shape
                    and bool(np.array_equal(a, b, equal_nan=True)))
        except Exception:  # noqa: BLE001
            return False
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(map(_same, a, b))
    if isinstance(a, dict):
        return type(b) is dict and a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    try:
        return bool(a == b) or (a != a and b != b)
    except Exception:  # noqa: BLE001
        return False


def _close_figures() -> None:
    plt = sys.modules.get("matplotlib.pyplot")
    if plt is not None:
        try:
            plt.close("all")
        except Exception:  # noqa: BLE001
            pass


def main() -> None:
    cells_path, in_fd, out_fd, skip = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    with open(cells_path, encoding="utf-8") as fh:
        cells = json.load(fh)
    inp = os.fdopen(in_fd, "rb")
    out = os.fdopen(out_fd, "wb")
    worker = Worker(cells, inp, out)
    worker.load({int(i) for i in skip.split(",") if i})
    worker.serve()


if __name__ == "__main__":
    main()
