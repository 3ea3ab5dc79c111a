"""Ctrl-C during ``make grade``: keep what is recorded, stop the rest, and say so in one line.

A terminal's Ctrl-C sends SIGINT to make, the grader and the pool's processes alike. The pool's
processes ignore it (`nnfin.grading.engine.pool`), so no submission's run is cut short into a
false failure. The grader only takes note of it (`deferred`), so it never lands inside nbgrader's
autograde or a gradebook write (nbgrader would log "[ERROR] Canceled" and delete that submission's
autograded folder): the grading loop stops at its next turn, the running submissions are stopped,
what was recorded is kept (and reused by the next ``make grade``), and `GradingInterrupted` says how
far it got.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Callable, Iterator

EXIT_CODE = 130  # what a shell reports for a command ended by Ctrl-C


class GradingInterrupted(Exception):  # noqa: N818 - not an error of the grader's: the instructor asked
    """The instructor pressed Ctrl-C; ``recorded`` of ``total`` submissions were graded and recorded."""

    def __init__(self, recorded: int, total: int) -> None:
        super().__init__(f"interrupted after {recorded} of {total}")
        self.recorded, self.total = recorded, total

    def line(self) -> str:
        rest = self.total - self.recorded
        return (f"Interrupted: {self.recorded} of {self.total} submissions to grade were graded and "
                f"recorded in the gradebook (and grades.csv); `make grade` again grades the other {rest} "
                "and reuses these.")


@contextlib.contextmanager
def deferred() -> Iterator[Callable[[], bool]]:
    """Within the block SIGINT only sets a flag; yields the question "was Ctrl-C pressed?"."""
    pressed = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield pressed.is_set  # signals reach the main thread only: nothing to defer here
        return
    previous = signal.signal(signal.SIGINT, lambda signum, frame: pressed.set())
    try:
        yield pressed.is_set
    finally:
        signal.signal(signal.SIGINT, previous)


@contextlib.contextmanager
def ignored() -> Iterator[None]:
    """SIGINT ignored within the block (processes forked in it inherit that)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
