"""The grader's side of one submission: run the notebook once, then ask the hidden checks' questions.

A hidden check calls ``student.call("mse", y, y_hat)`` and gets back plain
data, or a `StudentError` that says in the student's terms what went wrong
(function missing, exception, endless loop, crash, a limit). Everything that
comes back is parsed and bounded here: a message that was not asked for, or
that arrives out of order, ends the child. A child that hangs or dies is
replaced by a fresh fork that re-runs the cells (skipping the one that hung),
so one broken part never costs the points of another.

One wall-clock budget (``SubmissionLimits.submission_seconds``) covers the whole
submission, the notebook and every call together: once it is spent nothing more
is run, and a function that did not finish twice is not called again.
"""

from __future__ import annotations

import base64
import select
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from nnfin.grading.engine import explain, substitute
from nnfin.grading.engine import outputs as bounded
from nnfin.grading.engine.containment import SubmissionLimits
from nnfin.grading.engine.warm import ChildHandle, WarmWorker
from nnfin.grading.sandbox import wire

MAX_MESSAGE_BYTES = 24 * 1024 * 1024
MAX_HELPER_CALLS = 20_000  # a part's calls of its substituted helpers, in one call of the part
MAX_TIMEOUTS = 2  # a function that did not finish this many times is not called again
LIMIT_WORDS = {
    "processes": "your code started more than {processes} processes or threads at once",
    "memory": "your code used more than {memory} of memory (all its processes together)",
}


class StudentError(Exception):
    """Something in the student's process stopped a check; ``str()`` is student-safe.

    An exception of the student's code keeps its parts (``exception``: what, type,
    message, line) so that a check can say when it happened (`when`).
    """

    def __init__(self, kind: str, message: str, exception: tuple | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.exception = exception

    def when(self, context: str) -> StudentError:
        """The same error, saying under which circumstances it was raised ("when the loss is 0")."""
        if self.exception is None:
            return self
        return StudentError(self.kind, explain.sentence(*self.exception, when=context), self.exception)


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


@dataclass
class Cell:
    """One code cell to run: its position among the notebook's code cells and its source."""

    index: int
    source: str
    name: str = ""
    """How the student finds the cell in messages ("the read-only cell 'demo_...'"); default its number."""

    @property
    def label(self) -> str:
        return self.name or f"code cell {self.index + 1}"


class StudentSession:
    """One submission on one warm worker: `load()` runs the notebook, then `call()`/`get()`."""

    def __init__(self, worker: WarmWorker, cells: list[Cell], files: dict[str, bytes],
                 limits: SubmissionLimits) -> None:
        self.worker = worker
        self.cells = cells
        self.files = files
        self.limits = limits
        self.skip: set[int] = set()
        self.cell_reports: dict[int, CellReport] = {}
        self.outputs: dict[int, list[dict]] = {}
        self.execution_counts: dict[int, int] = {}
        self.cells_seconds = 0.0
        self.events: list[str] = []
        self.limits_hit: set[str] = set()
        self.output_notes: list[str] = []
        self.output_budget = limits.notebook_output_bytes
        self.child: ChildHandle | None = None
        self.buffer = b""
        self.next_id = 0
        self.started = 0.0
        self.loaded_once = False
        self.timeouts: dict[str, int] = {}
        self.unreadable: dict[str, str] = {}  # function -> the protocol error it caused: not asked again
        self.spent = False
        self.unloadable = ""  # why the notebook cannot be loaded: running it again would only repeat it

    # -- life cycle -------------------------------------------------------
    def __enter__(self) -> StudentSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._stop()

    def _stop(self) -> None:
        if self.child is None:
            return
        child, self.child = self.child, None
        self.limits_hit.update(self.worker.finish(child))

    def load(self) -> None:
        """Fork a fresh child and run every cell not known to hang, recording outputs the first time."""
        self._stop()
        if not self.started:
            self.started = time.monotonic()
        self.child = self.worker.fork(self.limits)
        self.buffer = b""
        self.next_id += 1
        rid = self.next_id
        request = {"op": "run", "id": rid, "skip": sorted(self.skip), "capture": not self.loaded_once,
                   "cells": [{"index": c.index, "source": c.source} for c in self.cells],
                   "cell_timeout": self.limits.cell_seconds, "env": self.worker.child_env(),
                   "files": {k: base64.b64encode(v).decode() for k, v in self.files.items()},
                   "limits": {"cpu": self.limits.cpu_seconds_per_process,
                              "file_size": self.limits.folder_bytes, "open_files": 512,
                              "address_space": self.limits.memory_bytes + 1024**3},
                   "guard_roots": self.worker.guard_roots()}
        self._send(request)
        expected = [c.index for c in self.cells if c.index not in self.skip]
        current = None
        while True:
            remaining = min(self.limits.notebook_seconds - (time.monotonic() - self.started),
                            self.budget_left())
            if remaining <= 0:
                self._out_of_time(expected, current)
                return
            try:
                message = self._read(min(self.limits.cell_seconds + 5, remaining))
            except StudentError as exc:
                if exc.kind == "timeout" and self.budget_left() <= 0:
                    self._out_of_time(expected, current)
                    return
                if exc.kind == "protocol" and current is not None:  # that cell is skipped, as below
                    return self._skip_and_reload(current, "sent the grader a message it could not read")
                if current is None:
                    self._stop()
                    self.events.append(f"your code could not be loaded: {exc}")
                    if exc.kind == "protocol":  # what it wrote, it would write again
                        self.unloadable = f"your code could not be loaded: {exc}"
                    self.loaded_once = True
                    return
                reason = (f"did not finish within {self.limits.cell_seconds} s (an endless loop?)"
                          if exc.kind == "timeout" else self._crash_reason())
                return self._skip_and_reload(current, reason)
            op = message.get("op")
            if message.get("id") != rid or op not in ("cell_start", "cell", "loaded"):
                if current is not None:  # that cell is skipped, like a cell that hangs
                    return self._skip_and_reload(current, "sent the grader a message it did not ask for")
                self._violation("sent the grader a message it did not ask for")
                return
            if op == "cell_start":
                index = message.get("index")
                if current is not None or not expected or index != expected[0]:
                    self._violation("sent the grader messages out of order")
                    return
                current = index
            elif op == "cell":
                if message.get("index") != current:
                    self._violation("sent the grader messages out of order")
                    return
                self._record_cell(current, message)
                expected.pop(0)
                current = None
            else:
                if expected:
                    self._violation("claimed to have finished before running every cell")
                    return
                self.loaded_once = True
                return

    def _record_cell(self, index: int, message: dict) -> None:
        ok = message.get("ok") is True
        error = message.get("error") if isinstance(message.get("error"), dict) else {}
        text = f"{str(error.get('type', ''))[:80]}: {str(error.get('message', ''))[:300]}".strip(": ")
        if index not in self.cell_reports or ok:
            self.cell_reports[index] = CellReport(index, ok, text)
        if not ok and error.get("type") == "CellTimeout" and index not in self.skip:
            self.skip.add(index)  # a later restart must not run it again
            self.events.append(f"{self.label(index)} did not finish within {self.limits.cell_seconds} s "
                               "(an endless loop?); it was interrupted")
        seconds = message.get("seconds")
        if not self.loaded_once and type(seconds) in (int, float) and 0 <= seconds < 1e6:
            self.cells_seconds += float(seconds)
        if index in self.outputs or self.loaded_once:
            return
        cleaned, used, notes = bounded.clean_outputs(message.get("outputs"), self.limits.output_bytes,
                                                     self.output_budget, self.limits.output_min_bytes)
        self.output_budget -= used
        self.output_notes += [f"{self.label(index)}: {n}" for n in notes]
        self.outputs[index] = cleaned
        count = message.get("execution_count")
        if type(count) is int and 0 < count < 100000:
            self.execution_counts[index] = count

    def _skip_and_reload(self, index: int, reason: str) -> None:
        self.skip.add(index)
        self.cell_reports[index] = CellReport(index, False, reason)
        self.events.append(f"{self.label(index)} {reason}; it was skipped")
        self.outputs.setdefault(index, [bounded.note(f"This cell {reason}.")])
        return self.load()

    def _out_of_time(self, expected: list[int], current: int | None) -> None:
        self._stop()
        if self.budget_left() <= 0:
            self._spend()
            self.events.append(f"{len(expected)} code cells did not run")
        else:
            self.events.append(f"the notebook did not finish within {self.limits.notebook_seconds / 60:g} "
                               f"minutes; {len(expected)} code cells did not run")
        for index in expected:
            self.cell_reports.setdefault(index, CellReport(index, False, "did not run (time limit)"))
            self.skip.add(index)
        self.loaded_once = True

    def _violation(self, what: str) -> None:
        self._stop()
        self.events.append(f"your code {what}; the rest of the notebook was not run")
        self.unloadable = f"your code {what} while the notebook ran"
        self.loaded_once = True

    def _crash_reason(self) -> str:
        self._stop()
        words = self.limit_messages()
        return "was stopped: " + "; ".join(words) if words else "crashed the Python interpreter"

    def limit_messages(self) -> list[str]:
        memory = f"{self.limits.memory_bytes / 1024**3:g} GiB"
        return [LIMIT_WORDS[k].format(processes=self.limits.processes, memory=memory)
                for k in sorted(self.limits_hit) if k in LIMIT_WORDS]

    # -- the wire -----------------------------------------------------------
    def _send(self, message: dict) -> None:
        try:
            self.child.sock.sendall(wire.dumps(message))
        except OSError:
            raise StudentError("crash", "the Python process running your code stopped") from None

    def _read(self, timeout: float) -> dict:
        """The child's next message; one that says it comes from another process (a child of the
        student's code that kept the channel somehow) is dropped, not held against the notebook."""
        deadline = time.monotonic() + timeout
        while True:
            message = self._read_any(deadline)
            pid, sender = self.child.inner_pid, message.get("pid", self.child.inner_pid)
            if pid is None or sender == pid:
                return message

    def _read_any(self, deadline: float) -> dict:
        sock = self.child.sock
        while b"\n" not in self.buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise StudentError("timeout", "did not finish in time")
            if not select.select([sock], [], [], remaining)[0]:
                continue
            chunk = sock.recv(1 << 20)
            if not chunk:
                raise StudentError("crash", "the Python process running your code stopped")
            self.buffer += chunk
            if len(self.buffer) > MAX_MESSAGE_BYTES:
                raise StudentError("protocol", "your code produced an answer that is far too large")
        line, self.buffer = self.buffer.split(b"\n", 1)
        try:
            return wire.loads(line)
        except wire.WireError:
            raise StudentError("protocol", "your code disturbed the grader's connection") from None

    # -- the budget ----------------------------------------------------------
    def budget_left(self) -> float:
        """Seconds left of the submission's one wall-clock budget (the notebook and every call)."""
        used = time.monotonic() - self.started if self.started else 0.0
        return self.limits.submission_seconds - used

    def _spend(self) -> StudentError:
        """The budget is gone: stop the child, say so once; the error every later call gets."""
        seconds = self.limits.submission_seconds
        if not self.spent:
            self.spent = True
            self._stop()
            self.events.append(f"your submission used up its time ({seconds} s for the notebook and all "
                               "the checks together): the checks after that were not run")
        return StudentError("budget", f"not checked: your submission used up its {seconds} s")

    def _request(self, message: dict, timeout: float,
                 helpers: Mapping[str, Callable[..., Any]] | None = None) -> dict:
        if self.spent or self.budget_left() <= 0:
            raise self._spend()
        if self.child is None and self.unloadable:
            raise StudentError("protocol", self.unloadable)
        if self.child is None:
            self.load()
            if self.child is None:
                raise StudentError("crash", "your code could not be loaded")
        self.next_id += 1
        message["id"] = self.next_id
        self._send(message)
        deadline = time.monotonic() + min(timeout, self.budget_left())
        asked = 0
        while True:
            reply = self._read(deadline - time.monotonic())
            if reply.get("op") != "helper" or reply.get("id") != self.next_id or not helpers:
                break
            asked += 1
            if asked > MAX_HELPER_CALLS:
                self._stop()
                raise StudentError("protocol", f"your code called the functions it uses more than "
                                               f"{MAX_HELPER_CALLS} times in one call")
            self._send(substitute.answer(helpers, reply, self.next_id))
        if reply.get("id") != self.next_id or "ok" not in reply:
            self._stop()
            raise StudentError("protocol", "your code sent the grader a reply it did not ask for")
        return reply

    def _unwrap(self, reply: dict, what: str) -> Any:
        if reply.get("ok") is not True:
            error = reply.get("error") if isinstance(reply.get("error"), dict) else {}
            kind = str(error.get("kind", "exception"))[:20]
            if kind == "exception":
                parts = (what, str(error.get("type", ""))[:80], str(error.get("message", ""))[:300],
                         error.get("line"))
                raise StudentError(kind, explain.sentence(*parts), parts)
            if kind == "missing":
                raise StudentError(kind, f"{what} is not defined: did you rename it, delete its "
                                         "cell, or does the cell fail before defining it?")
            raise StudentError(kind, f"{what}: {str(error.get('message', 'failed'))[:300]}")
        try:
            return wire.decode(reply.get("value"))
        except wire.WireError:
            raise StudentError("protocol", f"{what} returned something unreadable") from None

    def call(self, name: str, *args: Any, **kwargs: Any) -> CallResult:
        return self.call_with(name, args, kwargs)

    def call_with(self, name: str, args: tuple | list, kwargs: dict[str, Any],
                  helpers: Mapping[str, Callable[..., Any]] | None = None) -> CallResult:
        """The student's ``name(*args, **kwargs)``; each function named in ``helpers`` is replaced,
        for this call only, by the given (trusted) function, which the child asks for over the wire."""
        request = {"op": "call", "name": name, "args": [wire.encode(a) for a in args],
                   "kwargs": {k: wire.encode(v) for k, v in kwargs.items()}}
        if helpers:
            request["helpers"] = sorted(helpers)
        if name in self.unreadable:
            raise StudentError("protocol", self.unreadable[name])
        if self.timeouts.get(name, 0) >= MAX_TIMEOUTS:
            raise StudentError("timeout", f"{name}() was not called again: it did not finish within "
                               f"{self.limits.call_seconds} s before (is there an endless loop?)")
        try:
            reply = self._request(request, self.limits.call_seconds, helpers or {})
        except StudentError as exc:
            if exc.kind == "timeout" and self.budget_left() <= 0:
                raise self._spend() from None
            if exc.kind == "timeout":
                self.timeouts[name] = self.timeouts.get(name, 0) + 1
            if exc.kind == "protocol" and self.child is not None:  # the child disturbed this call
                self.unreadable[name] = f"{name}() was not called again: {exc}"
            if exc.kind in ("timeout", "crash"):
                self._stop()
                words = self.limit_messages()
                if words:
                    raise StudentError("limit", f"{name}() was stopped: {'; '.join(words)}") from None
                if exc.kind == "timeout":
                    raise StudentError("timeout", f"{name}() did not finish within "
                                       f"{self.limits.call_seconds} s: is there an endless loop?") from None
                raise StudentError("crash", f"{name}() crashed the Python interpreter") from None
            self._stop()
            raise
        result = self._result(name, reply)
        if isinstance(result, StudentError):
            raise result
        return result

    def call_many(self, name: str, calls: list[tuple[tuple | list, dict[str, Any]]],
                  helpers: Mapping[str, Callable[..., Any]] | None = None
                  ) -> list[CallResult | StudentError]:
        """``name`` on each (args, kwargs) in one round trip: the values, or the error of each call.

        The whole batch has one call's time; a batch that does not finish (or whose answer is too
        large) is asked again call by call, so a call that hangs costs only itself."""
        request = {"op": "call_many", "name": name,
                   "calls": [{"args": [wire.encode(a) for a in args],
                              "kwargs": {k: wire.encode(v) for k, v in kwargs.items()}}
                             for args, kwargs in calls]}
        if helpers:
            request["helpers"] = sorted(helpers)
        try:
            reply = self._request(request, self.limits.call_seconds, helpers or {})
            results = reply.get("results") if reply.get("ok") is True else None
            if type(results) is not list or len(results) != len(calls):
                raise StudentError("protocol", "unreadable batch")
        except StudentError as exc:
            self._stop()
            if exc.kind == "budget" or self.budget_left() <= 0:
                spent = self._spend()
                return [spent for _ in calls]
            return [self._one(name, args, kwargs, helpers) for args, kwargs in calls]
        return [self._result(name, r) if isinstance(r, dict) else
                StudentError("protocol", f"{name}() returned something unreadable") for r in results]

    def _one(self, name: str, args, kwargs, helpers) -> CallResult | StudentError:
        try:
            return self.call_with(name, args, kwargs, helpers)
        except StudentError as exc:
            return exc

    def _result(self, name: str, reply: dict) -> CallResult | StudentError:
        try:
            value = self._unwrap(reply, f"{name}()")
        except StudentError as exc:
            return exc
        mutated = [m for m in reply.get("mutated", []) if isinstance(m, str)][:20]
        warnings = [str(w)[:200] for w in reply.get("warnings", []) if isinstance(w, str)][:5]
        return CallResult(value, mutated, warnings)

    def get(self, name: str) -> Any:
        """The value of a variable the student's cells defined."""
        try:
            reply = self._request({"op": "get", "name": name}, self.limits.call_seconds)
        except StudentError:
            self._stop()
            raise
        return self._unwrap(reply, name)

    def label(self, index: int) -> str:
        """The words that name code cell ``index`` for the student."""
        cell = next((c for c in self.cells if c.index == index), None)
        return cell.label if cell else f"code cell {index + 1}"

    def failed_cells(self) -> list[CellReport]:
        return [r for r in sorted(self.cell_reports.values(), key=lambda r: r.index) if not r.ok]
