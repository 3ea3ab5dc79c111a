"""Run notebook cells in this process as Jupyter would, and keep their outputs as plain data.

A kernel is a second process that costs a second or two to start; an IPython
shell inside the already-warm sandbox child costs nothing and runs the same
code the same way (magics, ``%matplotlib inline``, rich display, tracebacks).
Outputs are nbformat v4 dicts, bounded here as a courtesy; the grader bounds
and validates them again, since nothing from this process is trusted.

Runs inside the sandbox: imports nothing from the course package.
"""

from __future__ import annotations

import os
import signal
import sys

from IPython.core.displayhook import DisplayHook
from IPython.core.displaypub import DisplayPublisher
from IPython.core.interactiveshell import InteractiveShell

MAX_STREAM_CHARS = 512 * 1024  # per stream per cell, head and tail
_RUNTIME = os.path.dirname(os.path.abspath(__file__))
_PYTHON = sorted({sys.prefix, sys.base_prefix}, key=len, reverse=True)


def student_traceback(stb: list[str]) -> list[str]:
    """A traceback in the student's terms: no frames of this runtime, no paths of this machine.

    The timer that interrupts an endless loop raises from a frame of ours; library frames
    name the grading machine's Python installation, shown as ``<python>`` instead.
    """
    kept = []
    for entry in stb:
        if _RUNTIME in entry:
            continue
        for prefix in _PYTHON:
            entry = entry.replace(prefix, "<python>")
        kept.append(entry)
    return kept


class _BoundedStream:
    """A stdout/stderr that keeps the head and tail of what a cell prints."""

    def __init__(self, name: str, outputs: list) -> None:
        self.name = name
        self.outputs = outputs
        self.head: list[str] = []
        self.tail = ""
        self.size = 0
        self.dropped = 0
        self.encoding = "utf-8"

    def write(self, text: object) -> int:
        text = text if isinstance(text, str) else str(text)
        half = MAX_STREAM_CHARS // 2
        if self.size < half:
            keep = text[: half - self.size]
            self.head.append(keep)
            self.size += len(keep)
            text = text[len(keep):]
        if text:
            self.tail = (self.tail + text)[-half:]
            self.dropped += len(text)
        return len(text)

    def flush(self) -> None:
        """Turn what was written so far into one stream output (Jupyter merges them too)."""
        text = "".join(self.head)
        if self.dropped > len(self.tail):
            cut = self.dropped - len(self.tail)
            text += f"\n... [{cut} characters of output cut] ...\n"
        text += self.tail
        if text:
            self.outputs.append({"output_type": "stream", "name": self.name, "text": text})
        self.head, self.tail, self.size, self.dropped = [], "", 0, 0

    def isatty(self) -> bool:
        return False

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        raise OSError("no file descriptor in the grader")


class _Publisher(DisplayPublisher):
    def __init__(self, runner: CellRunner) -> None:
        super().__init__()
        self.runner = runner

    def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kw):
        self.runner.flush_streams()
        self.runner.outputs.append({"output_type": "display_data", "data": dict(data),
                                    "metadata": dict(metadata or {})})

    def clear_output(self, wait=False):
        self.runner.outputs.clear()


class _Hook(DisplayHook):
    def __init__(self, shell: InteractiveShell, runner: CellRunner) -> None:
        super().__init__(shell=shell)
        self.runner = runner

    def start_displayhook(self):
        self.runner.flush_streams()
        self.data: dict = {}

    def write_output_prompt(self):
        pass

    def write_format_data(self, format_dict, md_dict=None):
        self.data = dict(format_dict)
        self.md = dict(md_dict or {})

    def finish_displayhook(self):
        self.runner.outputs.append({"output_type": "execute_result", "data": self.data,
                                    "metadata": self.md, "execution_count": self.prompt_count})


class _Shell(InteractiveShell):
    """An InteractiveShell that records tracebacks as error outputs."""

    runner: CellRunner | None = None

    def enable_gui(self, gui=None):
        """``%matplotlib inline`` needs no event loop; a kernel does the same."""

    def _showtraceback(self, etype, evalue, stb):
        self.runner.flush_streams()
        self.runner.outputs.append({"output_type": "error", "ename": getattr(etype, "__name__", "Error"),
                                    "evalue": str(evalue)[:2000], "traceback": student_traceback(stb)[-40:]})
        self.runner.error = {"type": getattr(etype, "__name__", "Error"),
                             "message": (str(evalue).strip().splitlines() or [""])[0][:300]}


class CellRunner:
    """One IPython shell; ``run(source)`` returns (ok, outputs, error) of one cell."""

    def __init__(self) -> None:
        self.outputs: list[dict] = []
        self.error: dict | None = None
        from traitlets.config import Config

        config = Config()
        config.HistoryManager.enabled = False  # no sqlite file, and nothing shared between students
        self.shell = _Shell.instance(config=config, colors="nocolor")
        self.shell.runner = self
        self.shell.display_pub = _Publisher(self)
        self.shell.displayhook = _Hook(self.shell, self)
        self.shell.display_trap.hook = self.shell.displayhook
        self.stdout = _BoundedStream("stdout", self.outputs)
        self.stderr = _BoundedStream("stderr", self.outputs)

    @property
    def namespace(self) -> dict:
        return self.shell.user_ns

    def flush_streams(self) -> None:
        self.stdout.outputs = self.stderr.outputs = self.outputs
        self.stdout.flush()
        self.stderr.flush()

    def run(self, source: str, timeout: float) -> tuple[bool, list[dict], dict | None, int]:
        """Run one cell; a timer interrupts it (KeyboardInterrupt) after ``timeout`` seconds."""
        self.outputs = []
        self.error = None
        self.stdout.outputs = self.stderr.outputs = self.outputs
        fired = []

        def alarm(signum, frame):  # a timer, not a thread: it needs no process slot of its own
            fired.append(True)
            raise KeyboardInterrupt

        previous = signal.signal(signal.SIGALRM, alarm)
        saved = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = self.stdout, self.stderr
        signal.setitimer(signal.ITIMER_REAL, timeout)
        try:
            result = self.shell.run_cell(source, store_history=True)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
            sys.stdout, sys.stderr = saved
        self.flush_streams()
        ok = result.success
        if fired and not ok:
            self.error = {"type": "CellTimeout", "message": f"did not finish within {timeout:g} s and "
                                                            "was interrupted (an endless loop?)"}
            self.outputs.append({"output_type": "stream", "name": "stderr",
                                 "text": f"[grader] {self.error['message']}\n"})
        if not ok and self.error is None:
            error = result.error_in_exec or result.error_before_exec
            self.error = {"type": type(error).__name__, "message": str(error)[:300]}
        return ok, self.outputs, self.error, self.shell.execution_count - 1
