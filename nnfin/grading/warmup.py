"""Start the warm sandboxed workers first, so their start-up overlaps the grader's own.

Importing nbgrader and staging a class take the grader's process a second or
two; each pool process meanwhile starts bubblewrap and imports numpy,
matplotlib and IPython in its sandbox. This module imports nothing heavy, so
``python -m nnfin.course grade`` can call `start` before it imports the rest.
"""

from __future__ import annotations

import os
from concurrent.futures import Executor
from pathlib import Path

from traitlets.config.loader import PyFileConfigLoader

from nnfin.grading.engine import isolation, local, pool
from nnfin.grading.engine.containment import SubmissionLimits


def course_limits(root: Path) -> SubmissionLimits:
    """``c.SubmissionLimits.<name> = value`` in the course's nbgrader_config.py overrides a default."""
    config = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    section = config.get("SubmissionLimits", {})
    known = set(SubmissionLimits.__dataclass_fields__)
    return SubmissionLimits(**{k: int(v) for k, v in section.items() if k in known})


def require_sandbox(unsandboxed: bool) -> None:
    """Refuse (SystemExit with the reason) to grade without bubblewrap unless told to."""
    if unsandboxed:
        os.environ["NNFIN_UNSANDBOXED"] = "1"
    try:
        isolation.choose(local.unsandboxed_ok())
    except isolation.SandboxUnavailable as exc:
        raise SystemExit(f"refusing to grade: {exc}") from None


def start(root: Path, jobs: int | None, unsandboxed: bool) -> Executor:
    """The class's pool of warm workers, already starting in the background."""
    require_sandbox(unsandboxed)
    return pool.local_pool(jobs, course_limits(root), warm_now=True)
