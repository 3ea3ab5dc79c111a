"""A warm worker for this process: what the grading pool's workers and the project's tests share.

One per process, started on first use and closed when the process exits, so
grading many submissions in a row pays the sandbox's start-up once.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from nnfin.grading.engine import isolation
from nnfin.grading.engine.containment import SubmissionLimits
from nnfin.grading.engine.session import Cell, StudentSession
from nnfin.grading.engine.warm import UID_BASE, WarmWorker

LOCKS = Path(tempfile.gettempdir()) / "nnfin-sandbox-uids"
_WORKER: WarmWorker | None = None
_LOCK = None


def _claim_index() -> int:
    """A worker index (and so a sandbox uid) no other grading process on this machine holds."""
    global _LOCK
    LOCKS.mkdir(mode=0o700, exist_ok=True)
    for index in range(1000):
        handle = open(LOCKS / f"{UID_BASE + index}.lock", "w")  # noqa: SIM115 - held while we live
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            continue
        _LOCK = handle
        return index
    raise RuntimeError("no free sandbox uid")


def unsandboxed_ok() -> bool:
    return os.environ.get("NNFIN_UNSANDBOXED") == "1"


def worker(limits: SubmissionLimits | None = None) -> WarmWorker:
    """This process's warm worker, (re)started when needed or when its folders need other sizes."""
    global _WORKER
    limits = limits or SubmissionLimits()
    if _WORKER is not None and _WORKER.alive() and _WORKER.fits(limits):
        return _WORKER
    if _WORKER is not None:
        _WORKER.close()
    bwrap = isolation.choose(unsandboxed_ok())
    index = _claim_index() if _LOCK is None else int(Path(_LOCK.name).stem) - UID_BASE
    _WORKER = WarmWorker(index, limits, bwrap, run=f"{os.getpid()}")
    _WORKER.start()
    return _WORKER


def shutdown() -> None:
    global _WORKER
    if _WORKER is not None and os.getpid() == int(_WORKER.run):
        _WORKER.close()
    _WORKER = None


atexit.register(shutdown)


def read_files(folder: Path | None) -> dict[str, bytes]:
    """The data files next to a notebook (never the notebook, never anything hidden)."""
    if folder is None:
        return {}
    return {p.name: p.read_bytes() for p in sorted(Path(folder).iterdir())
            if p.is_file() and p.suffix != ".ipynb" and not p.name.startswith(".")}


@contextlib.contextmanager
def session(cells: list[str], files: Path | None, limits: SubmissionLimits | None = None
            ) -> Iterator[StudentSession]:
    limits = limits or SubmissionLimits()
    warm = worker(limits)
    numbered = [Cell(i, source) for i, source in enumerate(cells)]
    with StudentSession(warm, numbered, read_files(files), limits) as student:
        yield student
