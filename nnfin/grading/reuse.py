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

import contextlib
import hashlib
import json
import sqlite3
from dataclasses import asdict
from pathlib import Path

from nnfin.coursedir import assignments
from nnfin.grading import door
from nnfin.grading.engine import containment
from nnfin.grading.engine.containment import SubmissionLimits
from nnfin.grading.engine.fingerprint import Fingerprints

RECORDS = Path("build") / "fingerprints"
RUN = RECORDS / "_run.json"  # how the last run read nbgrader_config.py (for `unchanged_class`)
KEPT = ("parts", "problems", "cells_seconds", "sandbox", "refusal")


class Reuse:
    """Decides, per submission, whether its stored result still holds; remembers new results."""

    def __init__(self, root: Path, nbgrader, limits: SubmissionLimits, force: bool = False,
                 limits_from_config: bool = True) -> None:
        self.root = root
        self.nbgrader = nbgrader
        self.force = force
        self.limits = limits
        self.limits_from_config = limits_from_config

        self.fingerprints = Fingerprints(root, nbgrader.coursedir.course_id, limits)
        self.in_gradebook = {} if force else self._graded()
        self.current: dict[tuple[str, str], str] = {}
        self._ids: dict[tuple[str, str], str] | None = None  # every graded submission (for `latest`)

    def _graded(self) -> dict[tuple[str, str], str]:
        return _gradebook_ids(self.nbgrader.coursedir.db_url, self.nbgrader.coursedir.course_id)

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

    def latest(self, outcome) -> bool:
        """Fill ``outcome`` from its last recorded result while the gradebook still holds that
        submission, whether or not it is still current (for a run narrowed to other submissions)."""
        key = (outcome.student, outcome.assignment)
        if self._ids is None:
            self._ids = self._graded()
        record = _read(self._path(*key))
        if not record or record.get("submission") != self._ids.get(key):
            return False
        for name in KEPT:
            if name in record:
                setattr(outcome, name, record[name])
        outcome.reused = True
        return True

    def remember(self, outcomes: list) -> None:
        """Store the records of the outcomes graded in this run (call after the gradebook has them)."""
        ids = self._graded()
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
        if self.limits_from_config:
            coursedir = self.nbgrader.coursedir
            run = {"config": _sha(self.root / "nbgrader_config.py"),
                   "defaults": _sha(Path(containment.__file__)), "course_id": coursedir.course_id,
                   "db_url": coursedir.db_url, "limits": asdict(self.limits)}
            (self.root / RUN).parent.mkdir(parents=True, exist_ok=True)
            (self.root / RUN).write_text(json.dumps(run, indent=1))


def _record_path(root: Path, student: str, assignment: str) -> Path:
    return root / RECORDS / student / f"{assignment}.json"


def _read(path: Path) -> dict:
    try:
        record = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return record if isinstance(record, dict) else {}


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else ""


def _gradebook_ids(db_url: str, course_id: str) -> dict[tuple[str, str], str]:
    """Graded submissions, read straight from nbgrader's SQLite gradebook (read-only, no nbgrader import)."""
    path = Path(db_url.removeprefix("sqlite:///"))
    if not db_url.startswith("sqlite:///") or not path.exists():
        return {}
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        rows = db.execute("SELECT sa.student_id, a.name, sa.id FROM submitted_assignment sa "
                          "JOIN assignment a ON sa.assignment_id = a.id WHERE a.course_id = ?",
                          (course_id,))
        return {(student, assignment): sub_id for student, assignment, sub_id in rows}


def _same_setup(run: dict, root: Path) -> bool:
    return bool(run) and run.get("config") == _sha(root / "nbgrader_config.py") \
        and run.get("defaults") == _sha(Path(containment.__file__))


def unchanged_class(root: Path) -> int | None:
    """How many results ``make grade`` would reuse if nothing at all needs grading, else None.

    The quick path of ``make grade``: it needs neither nbgrader nor a sandbox. It trusts
    the last run's reading of nbgrader_config.py (course id, limits, gradebook) only while
    that file and the limits' defaults are byte for byte the same.
    """
    run = _read(root / RUN)
    submitted, reused = root / "submitted", 0
    if not _same_setup(run, root) or not submitted.is_dir():
        return None
    try:
        fingerprints = Fingerprints(root, run["course_id"], SubmissionLimits(**run["limits"]))
        graded = _gradebook_ids(run["db_url"], run["course_id"])
    except (KeyError, TypeError, sqlite3.Error):
        return None
    for student in door.student_folders(submitted).students:
        for assignment in assignments(root / "source"):
            current = fingerprints.submission(student, assignment)
            if current is None:
                continue
            record = _read(_record_path(root, student, assignment))
            same = record.get("fingerprint") == current and record.get("submission") == graded.get(
                (student, assignment))
            if not same or not (root / "autograded" / student / assignment).is_dir():
                return None
            reused += 1
    return reused


def refusals(root: Path) -> dict[tuple[str, str], str]:
    """Why each recorded submission that did not run got 0 (damaged, refused, over a budget)."""
    found = {}
    records = root / RECORDS
    for path in sorted(records.glob("*/*.json")) if records.is_dir() else []:
        reason = _read(path).get("refusal")
        if isinstance(reason, str) and reason:
            found[(path.parent.name, path.stem)] = reason
    return found


def summary_line(outcomes: list) -> str:
    """How many submissions ran this time and how many results were reused."""
    submitted = [o for o in outcomes if o.submitted]
    reused = sum(1 for o in submitted if o.reused)
    line = f"Graded {len(submitted) - reused} submissions, reused {reused} unchanged results"
    return line + (" (FORCE=1 grades them again)." if reused else ".")
