"""The grader's handle on one student's sandboxed process.

A hidden check calls ``student.call("mse", y, y_hat)`` and gets back plain
data, or a `StudentError` that says in the student's terms what went wrong
(function missing, exception, endless loop, crash). A process that hangs or
dies is replaced by a fresh one on the next call, so one broken part never
costs the points of another.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nnfin.grading.engine import isolation
from nnfin.grading.sandbox import wire

CELL_TIMEOUT = 30.0
CALL_TIMEOUT = 20.0


class StudentError(Exception):
    """Something in the student's process stopped a check; ``str()`` is student-safe."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass
class CallResult:
    value: Any
    mutated: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class CellReport:
    index: int
    ok: bool
    error: str = ""


class StudentProcess:
    """Loads the student's code cells in a sandbox and answers calls.

    ``cells`` are the sources of the code cells to run (test cells excluded);
    ``files`` is a folder whose contents (data files) are copied next to them.
    """

    def __init__(self, cells: list[str], files: Path | None = None,
                 limits: isolation.Limits | None = None,
                 cell_timeout: float = CELL_TIMEOUT, call_timeout: float = CALL_TIMEOUT) -> None:
        self.cells = list(cells)
        self.files = files
        self.limits = limits or isolation.Limits()
        self.cell_timeout = cell_timeout
        self.call_timeout = call_timeout
        self.skip: set[int] = set()
        self.cell_reports: dict[int, CellReport] = {}
        self.events: list[str] = []
        self._proc = None
        self._tmp: tempfile.TemporaryDirectory | None = None
        self._next_id = 0
        self._buffer = b""

    # -- life cycle -------------------------------------------------------
    def __enter__(self) -> StudentProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._kill()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def _kill(self) -> None:
        if self._proc is None:
            return
        try:
            os.killpg(self._proc.pid, 9)
        except (ProcessLookupError, PermissionError):
            pass
        self._proc.wait()
        for fd in (self._to_child, self._from_child):
            try:
                os.close(fd)
            except OSError:
                pass
        self._proc = None

    def _workdir(self) -> Path:
        if self._tmp is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="nnfin-student-")
            work = Path(self._tmp.name)
            if self.files is not None:
                for item in Path(self.files).iterdir():
                    if item.is_file() and item.suffix != ".ipynb":
                        shutil.copy(item, work / item.name)
            isolation.install_runtime(work)
            (work / ".grader" / "cells.json").write_text(json.dumps(self.cells))
            work.chmod(0o777)
        return Path(self._tmp.name)

    def start(self) -> None:
        """Start a fresh process and run every cell not known to hang."""
        self._kill()
        work = self._workdir()
        req_r, req_w = os.pipe()
        rep_r, rep_w = os.pipe()
        skip = ",".join(str(i) for i in sorted(self.skip))
        self._proc = isolation.popen(
            work, [".grader/worker.py", ".grader/cells.json", str(req_r), str(rep_w), skip],
            isolation.bwrap_path(), self.limits, pass_fds=(req_r, rep_w),
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        os.close(req_r)
        os.close(rep_w)
        self._to_child, self._from_child = req_w, rep_r
        self._buffer = b""
        current = None
        while True:
            try:
                message = self._read(self.cell_timeout)
            except StudentError as exc:
                if current is None:
                    raise
                self.skip.add(current)
                reason = (f"did not finish within {self.cell_timeout:.0f} s (an endless loop?)"
                          if exc.kind == "timeout" else "crashed the Python interpreter")
                self.cell_reports[current] = CellReport(current, False, reason)
                self.events.append(f"code cell {current + 1} {reason}; it was skipped")
                return self.start()
            op = message.get("op")
            if op == "cell_start":
                current = message.get("index")
            elif op == "cell":
                index = int(message.get("index", -1))
                error = message.get("error") or {}
                text = f"{error.get('type', '')}: {error.get('message', '')}".strip(": ")
                if index not in self.cell_reports or message.get("ok"):
                    self.cell_reports[index] = CellReport(index, bool(message.get("ok")), text)
                current = None
            elif op == "loaded":
                return

    # -- talking ------------------------------------------------------------
    def _read(self, timeout: float) -> dict:
        deadline = time.monotonic() + timeout
        while b"\n" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self._kill()
                raise StudentError("timeout", "did not finish in time")
            ready, _, _ = select.select([self._from_child], [], [], remaining)
            if not ready:
                continue
            chunk = os.read(self._from_child, 1 << 20)
            if not chunk:
                self._kill()
                raise StudentError("crash", "the Python process running your code stopped")
            self._buffer += chunk
            if len(self._buffer) > wire.MAX_MESSAGE_BYTES:
                self._kill()
                raise StudentError("protocol", "your code produced an answer that is far too large")
        line, self._buffer = self._buffer.split(b"\n", 1)
        try:
            return wire.loads(line)
        except wire.WireError:
            self._kill()
            raise StudentError("protocol", "your code disturbed the grader's connection") from None

    def _request(self, message: dict, timeout: float) -> dict:
        if self._proc is None:
            self.start()
        self._next_id += 1
        message["id"] = self._next_id
        try:
            os.write(self._to_child, wire.dumps(message))
        except OSError:
            self._kill()
            raise StudentError("crash", "the Python process running your code stopped") from None
        while True:
            reply = self._read(timeout)
            if reply.get("id") == self._next_id:
                return reply

    def _unwrap(self, reply: dict, what: str) -> Any:
        if not reply.get("ok"):
            error = reply.get("error") or {}
            kind = str(error.get("kind", "exception"))
            if kind == "exception":
                line = error.get("line")
                where = f" (line {line} of your cell)" if line else ""
                raise StudentError(kind, f"{what} raised {error.get('type', 'an error')}{where}: "
                                         f"{error.get('message', '')}".rstrip(": "))
            if kind == "missing":
                raise StudentError(kind, f"{what} is not defined: did you rename it, delete its "
                                         "cell, or does the cell fail before defining it?")
            raise StudentError(kind, f"{what}: {error.get('message', 'failed')}")
        try:
            return wire.decode(reply.get("value"))
        except wire.WireError:
            raise StudentError("protocol", f"{what} returned something unreadable") from None

    def call(self, name: str, *args: Any, **kwargs: Any) -> CallResult:
        request = {"op": "call", "name": name,
                   "args": [wire.encode(a) for a in args],
                   "kwargs": {k: wire.encode(v) for k, v in kwargs.items()}}
        try:
            reply = self._request(request, self.call_timeout)
        except StudentError as exc:
            if exc.kind == "timeout":
                seconds = f"{self.call_timeout:.0f} s"
                raise StudentError("timeout", f"{name}() did not finish within {seconds}: "
                                   "is there an endless loop?") from None
            if exc.kind == "crash":
                raise StudentError("crash", f"{name}() crashed the Python interpreter") from None
            raise
        value = self._unwrap(reply, f"{name}()")
        mutated = [str(m) for m in reply.get("mutated", []) if isinstance(m, str)]
        warnings = [str(w) for w in reply.get("warnings", []) if isinstance(w, str)]
        return CallResult(value, mutated, warnings)

    def get(self, name: str) -> Any:
        """The value of a variable the student's cells defined."""
        return self._unwrap(self._request({"op": "get", "name": name}, self.call_timeout), name)

    def failed_cells(self) -> list[CellReport]:
        return [r for r in sorted(self.cell_reports.values(), key=lambda r: r.index) if not r.ok]

