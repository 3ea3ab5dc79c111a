"""A posted notebook becomes a job through the same door as ``make grade``, and an answer comes back.

The notebook's bytes are written into a fresh inbox folder beside the release's data
files, staged by `nnfin.grading.pipeline.stage_job` (the door, the budgets, the repairs)
and graded by `grade_job` on a warm worker, with the course's seed and limits. The
answer keeps, per part, only what a feedback page shows: points, messages and mistake
labels; never outputs, hidden inputs, check code or the grader's internal lines.
"""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

from traitlets.config.loader import PyFileConfigLoader

from nnfin.coursedir import assignments
from nnfin.grading import door, pipeline
from nnfin.grading.engine.containment import SubmissionLimits
from nnfin.grading.engine.grade import Job, JobResult

INBOX = Path("build") / "check" / "inbox"
MESSAGE_CHARS = 2000  # per message, as a bound on what goes back


class NotGradable(Exception):
    """The posted notebook cannot be graded as it is; ``str()`` says why, for the student."""


def course_id(root: Path) -> str:
    """The course id exactly as `make grade` reads it (nbgrader's), so the checks' seed is the same."""
    from nbgrader.coursedir import CourseDirectory

    config = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    return CourseDirectory(config=config).course_id


class Course:
    """What a check needs of the course: its assignments, their notebooks, seed and limits."""

    def __init__(self, root: Path, limits: SubmissionLimits) -> None:
        self.root, self.limits = root, limits
        self.course_id = course_id(root)
        self.assignments = assignments(root / "source")
        self.notebooks = {a: sorted(p.name for p in (root / "release" / a).glob("*.ipynb"))
                          for a in self.assignments}

    def assignment_of(self, assignment: str, name: str) -> str | None:
        """The assignment named, or else the one whose release has a notebook called ``name``."""
        if assignment:
            return assignment if assignment in self.assignments else None
        owners = [a for a, names in self.notebooks.items() if name in names]
        return owners[0] if len(owners) == 1 else None

    def job(self, student: str, assignment: str, raw: bytes) -> tuple[Job, list[str]]:
        """The job for ``raw`` (a notebook) and the repairs staging made; `NotGradable` if none."""
        names = self.notebooks[assignment]
        if len(names) != 1:
            raise NotGradable(f"{assignment} has {len(names)} notebooks; checks take one")
        inbox = self.root / INBOX / uuid.uuid4().hex
        folder = inbox / student / assignment
        try:
            folder.mkdir(parents=True)
            release = self.root / "release" / assignment
            for path in sorted(release.iterdir()):  # the release's data files, not the student's
                if path.is_file() and path.suffix != ".ipynb" and door.is_name(path.name):
                    shutil.copy(path, folder / path.name)
            (folder / names[0]).write_bytes(raw)
            job, staged = pipeline.stage_job(folder, release, inbox / "staged", self.course_id, self.limits)
        finally:
            shutil.rmtree(inbox, ignore_errors=True)
        if job is None:
            raise NotGradable(staged.refusal or "the notebook could not be read")
        return job, staged.problems


def answer(result: JobResult) -> dict[str, dict]:
    """Per part: score, max_score, messages and mistakes, nothing else of the result."""
    return {gid: {"score": float(p["score"]), "max_score": float(p["max_score"]),
                  "messages": [str(m)[:MESSAGE_CHARS] for m in p.get("messages", [])],
                  "mistakes": [str(m)[:200] for m in p.get("mistakes", [])]}
            for gid, p in result.parts.items()}
