"""Where submissions are graded: a pool of warm workers behind `concurrent.futures.Executor`.

The pipeline only calls ``submit(grade_job, job)`` and reads futures, so a
cluster executor (for example Dask's, which implements the same interface)
can take the pool's place without touching anything else.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from concurrent.futures import Executor, ProcessPoolExecutor
from multiprocessing.util import Finalize

from nnfin.grading.engine.containment import SubmissionLimits


def _stop(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)  # ends the running job; the Finalize below still closes the sandbox


def _start_worker(limits: SubmissionLimits | None) -> None:
    """Runs once in each pool process: warm the sandbox now, close it when the process ends.

    A terminal's Ctrl-C reaches every process of the grader: the pool's ignore it (the grader
    decides, see nnfin/grading/interrupt.py), and stop cleanly when the grader sends SIGTERM.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stop)
    from nnfin.grading.checks import runner  # noqa: F401  (pytest and the checks, imported once)
    from nnfin.grading.engine import local

    local.worker(limits)
    Finalize(local, local.shutdown, exitpriority=100)


def _ready() -> int:
    return os.getpid()


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) or 1


def local_pool(jobs: int | None = None, limits: SubmissionLimits | None = None,
               warm_now: bool = False) -> Executor:
    """``jobs`` processes, each owning one warm sandboxed worker (its own uid, folders and cgroup).

    With ``warm_now`` the processes start (and warm their sandboxes) at once, in the
    background, so the caller's own start-up (importing nbgrader, staging) overlaps theirs.
    """
    executor = ProcessPoolExecutor(max_workers=jobs or default_jobs(),
                                   mp_context=multiprocessing.get_context("fork"),
                                   initializer=_start_worker, initargs=(limits,))
    if warm_now:
        from nnfin.grading.interrupt import ignored

        with ignored():  # a Ctrl-C while they start must not reach them before _start_worker does
            executor.submit(_ready)  # a fork pool launches all its processes on the first submit
    return executor


def stop(executor: Executor) -> None:
    """Drop what waits and stop what runs now (each pool process closes its sandbox as it goes)."""
    processes = list((getattr(executor, "_processes", None) or {}).values())  # gone after shutdown
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        try:
            process.terminate()
        except (OSError, AttributeError):
            pass


def plain_pool(jobs: int | None = None) -> Executor:
    """Processes for the grader's own work (feedback pages): no sandbox, nothing of the students runs."""
    return ProcessPoolExecutor(max_workers=jobs or default_jobs(),
                               mp_context=multiprocessing.get_context("fork"))


def slots(executor: Executor) -> int | None:
    """How many submissions ``executor`` grades at once (None: it does not say)."""
    if isinstance(executor, ProcessPoolExecutor):
        return executor._max_workers  # noqa: SLF001 - set from max_workers, never changed
    capacity = getattr(executor, "slots", None)
    return int(capacity()) if callable(capacity) else None
