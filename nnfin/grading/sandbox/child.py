"""One submission's process: run the notebook once, then answer the hidden checks from the same namespace.

Forked from the warm zygote, so numpy, matplotlib and IPython are already
loaded. It talks to the grader over its own socket in the wire format (one JSON
message per line). The grader asks; this process answers, and the grader
trusts none of it: outputs are re-validated and bounded there, and every
expected value is computed in the grader's process.
Imports nothing from the course package.
"""

from __future__ import annotations

import base64
import copy
import os
import resource
import socket
import sys
import time
import warnings

import numpy as np
import seal
import wire
from cellrun import CellRunner

RUNNER: CellRunner | None = None


def prepare() -> None:
    """Build the IPython shell in the zygote, so every child starts with one."""
    global RUNNER
    RUNNER = CellRunner()


def _short_error(exc: BaseException) -> dict:
    text = str(exc).strip()
    return {"type": type(exc).__name__, "message": text.splitlines()[0][:300] if text else ""}


def _student_line(exc: BaseException) -> int | None:
    """The line of the student's cell where the error surfaced, if any."""
    import traceback

    line = None
    for frame, lineno in traceback.walk_tb(exc.__traceback__):
        name = frame.f_code.co_filename
        if name.startswith("<ipython-input") or "/ipykernel_" in name or name.startswith("<cell"):
            line = lineno
    return line


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


class Child:
    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.reader = sock.makefile("rb")
        self.runner = RUNNER or CellRunner()
        self.pid = os.getpid()

    @property
    def namespace(self) -> dict:
        return self.runner.namespace

    def only_the_child(self) -> None:
        """A process the student's code forked ends when it comes back into the grader's code:
        it never answers the grader and never runs the rest of a batch."""
        if os.getpid() != self.pid:
            os._exit(0)

    def send(self, message: dict) -> None:
        self.only_the_child()
        self.sock.sendall(wire.dumps({**message, "pid": self.pid}))

    # -- the notebook -----------------------------------------------------
    def run(self, request: dict) -> None:
        """Write the submission's files, then run its cells in order, reporting each."""
        for name, data in (request.get("files") or {}).items():
            if "/" in name or name.startswith("."):
                continue
            with open(name, "xb") as fh:
                fh.write(base64.b64decode(data))
        rid = request.get("id")
        skip = set(request.get("skip") or [])
        capture = bool(request.get("capture", True))
        timeout = float(request.get("cell_timeout", 30))
        for cell in request.get("cells") or []:
            index = cell["index"]
            if index in skip:
                continue
            self.send({"op": "cell_start", "id": rid, "index": index})
            t0 = time.perf_counter()
            ok, outputs, error, count = self.runner.run(cell["source"], timeout)
            self.only_the_child()
            message = {"op": "cell", "id": rid, "index": index, "ok": ok, "error": error,
                       "execution_count": count, "seconds": time.perf_counter() - t0}
            if capture:
                message["outputs"] = outputs
            try:
                self.send(message)
            except ValueError:  # outputs that are not JSON (a hostile display publisher)
                message["outputs"] = []
                self.send(message)
        _close_figures()
        self.send({"op": "loaded", "id": rid})

    # -- the hidden checks' questions ---------------------------------------
    def _resolve(self, arg):
        if isinstance(arg, wire.PyFunc):
            return eval(arg.source, {"np": np, "__builtins__": __builtins__})  # noqa: S307
        if isinstance(arg, list):
            return [self._resolve(a) for a in arg]
        if isinstance(arg, tuple):
            return tuple(self._resolve(a) for a in arg)
        if isinstance(arg, dict):
            return {k: self._resolve(v) for k, v in arg.items()}
        return arg

    def handle(self, request: dict) -> dict:
        op, name = request.get("op"), request.get("name")
        if op == "get":
            if name not in self.namespace:
                return {"ok": False, "error": {"kind": "missing", "type": "NameError",
                                               "message": f"name {name!r} is not defined"}}
            return {"ok": True, "value": wire.encode(self.namespace[name])}
        if op == "call_many":
            calls = request.get("calls")
            if type(calls) is not list or len(calls) > 256:
                return {"ok": False, "error": {"kind": "protocol", "type": "", "message": "bad calls"}}
            replies = []
            for call in calls:
                if type(call) is not dict:
                    return {"ok": False, "error": {"kind": "protocol", "type": "", "message": "bad call"}}
                replies.append(self.handle({**call, "op": "call", "name": name, "id": request.get("id"),
                                            "helpers": request.get("helpers")}))
                _close_figures()
            return {"ok": True, "results": replies}
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
        standing_in = self._stand_in(request.get("id"), request.get("helpers"))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                result = func(*args, **kwargs)
            except Exception as exc:  # noqa: BLE001 - the student's exception is data
                error = _short_error(exc)
                error["kind"] = "exception"
                error["line"] = _student_line(exc)
                return {"ok": False, "error": error}
            finally:
                self.only_the_child()
                self.namespace.update(standing_in)
        mutated = [str(i) for i, (a, b) in enumerate(zip(before[0], args, strict=True)) if not _same(a, b)]
        mutated += [k for k in kwargs if not _same(before[1][k], kwargs[k])]
        return {"ok": True, "value": wire.encode(result), "mutated": mutated,
                "warnings": [str(w.message)[:200] for w in caught[:5]]}

    def _stand_in(self, rid, names) -> dict:
        """Replace each named function, for one call, by one that asks the grader for a right value.

        Returns what to put back. The part under check then runs with right helpers: the grader's
        errors carried forward (nnfin/grading/checks/contract.py)."""
        saved: dict = {}
        if type(names) is not list:
            return saved
        for name in names:
            if type(name) is str and name in self.namespace:
                saved[name] = self.namespace[name]
                self.namespace[name] = self._asker(rid, name)
        return saved

    def _asker(self, rid, name: str):
        child = self

        def helper(*args, **kwargs):
            child.send({"op": "helper", "id": rid, "name": name,
                        "args": [wire.encode(a) for a in args],
                        "kwargs": {str(k): wire.encode(v) for k, v in kwargs.items()}})
            reply = wire.loads(child.reader.readline() or b"{}")
            if reply.get("op") != "helper_reply" or reply.get("id") != rid:
                raise RuntimeError("the grader did not answer")
            if reply.get("ok") is not True:
                raise ValueError(str(reply.get("message", ""))[:300])
            return wire.decode(reply.get("value"))

        helper.__name__ = helper.__qualname__ = name
        return helper

    def serve(self) -> None:
        for line in self.reader:
            try:
                request = wire.loads(line)
            except wire.WireError:
                return
            if request.get("op") == "run":
                self.run(request)
                continue
            try:
                reply = self.handle(request)
            except wire.WireError as exc:
                reply = {"ok": False, "error": {"kind": "protocol", "type": "WireError",
                                                "message": str(exc)}}
            reply["id"] = request.get("id")
            _close_figures()
            self.send(reply)


def _limit(limits: dict) -> None:
    for key, name in (("cpu", "RLIMIT_CPU"), ("file_size", "RLIMIT_FSIZE"), ("open_files", "RLIMIT_NOFILE"),
                      ("address_space", "RLIMIT_AS")):
        value = limits.get(key)
        if isinstance(value, int) and value > 0:
            resource.setrlimit(getattr(resource, name), (value, value))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _guard(roots: str) -> None:
    """Without bubblewrap: the best-effort audit hook, installed before any student code."""
    os.environ["NNFIN_GUARD_ROOTS"] = roots
    import guard

    sys.addaudithook(guard._hook)


def main(fd: int, uid: int, gid: int, home: str, drop_privileges) -> None:
    sock = socket.socket(fileno=fd)
    drop_privileges(uid, gid)
    seal.own_stdio()
    seal.close_channel_at_fork(fd)
    seal.deny_keyrings()
    os.chdir(home)
    child = Child(sock)
    first = wire.loads(child.reader.readline() or b"{}")
    if first.get("op") != "run":
        os._exit(3)
    _limit(first.get("limits") or {})
    env = first.get("env") or {}
    os.environ.update({str(k): str(v) for k, v in env.items()})
    if first.get("guard_roots"):
        _guard(first["guard_roots"])
    child.run(first)
    child.serve()
    os._exit(0)
