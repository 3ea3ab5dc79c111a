"""Where submissions are graded: a pool of warm workers behind `concurrent.futures.Executor`.

The pipeline only calls ``submit(grade_job, job)`` and reads futures, so a
cluster executor (for example Dask's, which implements the same interface)
can take the pool's place without touching anything else.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Executor, ProcessPoolExecutor
from multiprocessing.util import Finalize


def _start_worker() -> None:
    """Runs once in each pool process: warm the sandbox now, close it when the process ends."""
    from nnfin.grading.checks import runner  # noqa: F401  (pytest and the checks, imported once)
    from nnfin.grading.engine import local

    local.worker()
    Finalize(local, local.shutdown, exitpriority=100)


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) or 1


def local_pool(jobs: int | None = None) -> Executor:
    """``jobs`` processes, each owning one warm sandboxed worker (its own uid, folders and cgroup)."""
    return ProcessPoolExecutor(max_workers=jobs or default_jobs(),
                               mp_context=multiprocessing.get_context("fork"),
                               initializer=_start_worker)
