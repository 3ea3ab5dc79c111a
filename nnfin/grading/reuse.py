"""Regrade only what changed: reuse a graded result whose fingerprint has not moved.

After a submission is graded, a small record is written to
``build/fingerprints/<student>/<assignment>.json``: its fingerprint (see
`engine.fingerprint`), the gradebook's id of the graded submission, and what the
summary shows about it (parts, problems). The scores themselves stay in
nbgrader's gradebook, the record of truth; the record only says "this result
still holds". A later ``make grade`` reuses it when the fingerprint is the same,
the gradebook still holds that very submission (same id) and its autograded
folder exists; anything else, or ``FORCE=1``, grades it again. A file per
submission (rather than the gradebook's extra columns) keeps nbgrader's schema
untouched and lets an instructor drop one result by deleting one file.
"""

from __future__ import annotations

import json
from pathlib import Path

from nnfin.coursedir import assignments
from nnfin.grading.engine.containment import SubmissionLimits
from nnfin.grading.engine.fingerprint import Fingerprints

RECORDS = Path("build") / "fingerprints"
KEPT = ("parts", "problems", "cells_seconds", "sandbox")


class Reuse:
    """Decides, per submission, whether its stored result still holds; remembers new results."""

    def __init__(self, root: Path, nbgrader, limits: SubmissionLimits, force: bool = False) -> None:
        self.root = root
        self.nbgrader = nbgrader
        self.force = force
        from nnfin.grading.adapter import gradebook  # nbgrader: only once grading has begun

        self.fingerprints = Fingerprints(root, nbgrader.coursedir.course_id, limits)
        self.in_gradebook = {} if force else gradebook.submission_ids(nbgrader)
        self.current: dict[tuple[str, str], str] = {}

    def _path(self, student: str, assignment: str) -> Path:
        return _record_path(self.root, student, assignment)

    def restore(self, outcome) -> bool:
        """Fill ``outcome`` from its stored result if that still holds (and say so); else False."""
        key = (outcome.student, outcome.assignment)
        fingerprint = self.fingerprints.submission(*key)
        if fingerprint is None:
            return False
        self.current[key] = fingerprint
        if self.force or key not in self.in_gradebook:
            return False
        record = _read(self._path(*key))
        autograded = self.root / "autograded" / outcome.student / outcome.assignment
        if (record.get("fingerprint") != fingerprint or record.get("submission") != self.in_gradebook[key]
                or not autograded.is_dir()):
            return False
        for name in KEPT:
            if name in record:
                setattr(outcome, name, record[name])
        outcome.reused = True
        return True

    def remember(self, outcomes: list) -> None:
        """Store the records of the outcomes graded in this run (call after the gradebook has them)."""
        from nnfin.grading.adapter import gradebook

        ids = gradebook.submission_ids(self.nbgrader)
        for outcome in outcomes:
            key = (outcome.student, outcome.assignment)
            path = self._path(*key)
            if outcome.reused:
                continue
            if not getattr(outcome, "recorded", False) or key not in ids or key not in self.current:
                path.unlink(missing_ok=True)  # not graded this time: never reuse an older result
                continue
            record = {"fingerprint": self.current[key], "submission": ids[key],
                      **{name: getattr(outcome, name) for name in KEPT}}
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(record, indent=1))


def _record_path(root: Path, student: str, assignment: str) -> Path:
    return root / RECORDS / student / f"{assignment}.json"


def _read(path: Path) -> dict:
    try:
        record = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return record if isinstance(record, dict) else {}


def nothing_to_grade(root: Path) -> bool:
    """A quick look before any sandbox starts: does every submission still match its stored result?

    Files only (the gradebook is checked again when grading): True lets ``make grade``
    skip warming the pool when nothing changed.
    """
    from traitlets.config.loader import PyFileConfigLoader

    from nnfin.grading import warmup

    submitted = root / "submitted"
    if not submitted.is_dir():
        return False
    config = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    fingerprints = Fingerprints(root, config.CourseDirectory.course_id, warmup.course_limits(root))
    for student in sorted(p.name for p in submitted.iterdir() if p.is_dir() and not p.name.startswith(".")):
        for assignment in assignments(root / "source"):
            current = fingerprints.submission(student, assignment)
            stored = _read(_record_path(root, student, assignment)).get("fingerprint")
            if current is not None and stored != current:
                return False
    return True


def summary_line(outcomes: list) -> str:
    """How many submissions ran this time and how many results were reused."""
    submitted = [o for o in outcomes if o.submitted]
    reused = sum(1 for o in submitted if o.reused)
    line = f"Graded {len(submitted) - reused} submissions, reused {reused} unchanged results"
    return line + (" (FORCE=1 grades them again)." if reused else ".")
