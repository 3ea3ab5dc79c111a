"""``make release-feedback``: every page that a student can fetch goes into the exchange.

nbgrader's release_feedback names each page in the exchange after the submission's secret and
timestamp (``submission_secret.txt``, ``timestamp.txt``, written when a student submits through the
exchange and carried into ``feedback/`` by autograde). A submission that did not come through the
exchange (the demo class, a notebook copied in by hand) has neither, and nbgrader stops at the
first such folder with a FileNotFoundError: nobody gets feedback. Here every folder is checked
first; those that cannot be released are skipped with one line each, and nbgrader releases the
others, with the skipped students excluded (``CourseDirectory.student_id_exclude``).
"""

from __future__ import annotations

import stat
from dataclasses import dataclass, field
from pathlib import Path

from nbgrader.utils import parse_utc, temp_attrs

from nnfin.grading.adapter import gradebook
from nnfin.grading.selection import EVERYTHING, Selection, check, shown

FILE_LIMIT = 4096  # bytes: a timestamp or a secret is a line


@dataclass
class Released:
    released: list[tuple[str, str]] = field(default_factory=list)  # (student, assignment)
    skipped: list[tuple[str, str, str]] = field(default_factory=list)  # (student, assignment, why)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (assignment, nbgrader's log)


def _small_file(path: Path) -> str | None:
    """The text of a small regular file (never through a link), else None."""
    try:
        info = path.lstat()
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode) or info.st_size > FILE_LIMIT:
        return None
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def why_not(folder: Path) -> str | None:
    """Why the feedback in ``folder`` cannot be released (None: it can)."""
    if not any(p.is_file() and not p.is_symlink() for p in folder.glob("*.html")):
        return "no feedback page (make feedback writes it)"
    timestamp = _small_file(folder / "timestamp.txt")
    if timestamp is None:
        return ("no timestamp.txt: it was not handed in through the exchange, so nobody can fetch "
                "its feedback")
    try:
        parse_utc(timestamp.strip())
    except (ValueError, OverflowError, TypeError):
        return "its timestamp.txt is not a time"
    if _small_file(folder / "submission_secret.txt") is None:
        return "no submission_secret.txt (it was not autograded from an exchange submission)"
    return None


def students_with_feedback(root: Path) -> list[str]:
    folder = root / "feedback"
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir()
                  if p.is_dir() and not p.is_symlink() and not p.name.startswith("."))


def release(root: Path, assignments: list[str], selection: Selection = EVERYTHING) -> Released:
    """Release the feedback of ``assignments`` (narrowed by ``selection``) into the exchange."""
    students = students_with_feedback(root)
    check(selection, assignments, students, where="feedback/")
    done = Released()
    api = gradebook.api(root)
    for assignment in selection.of(assignments):
        ready, skipped = [], []
        for student in students:
            folder = root / "feedback" / student / assignment
            if not selection.covers(student, assignment) or not folder.is_dir() or folder.is_symlink():
                continue
            reason = why_not(folder)
            (skipped if reason else ready).append((student, reason))
        done.skipped += [(student, assignment, reason) for student, reason in skipped]
        if not ready:
            continue
        excluded = [student for student in students if student not in {s for s, _ in ready}]
        with temp_attrs(api.coursedir, student_id_exclude=",".join(excluded)):
            result = api.release_feedback(assignment)
        if result.get("success"):
            done.released += [(student, assignment) for student, _ in ready]
        else:
            done.failed.append((assignment, str(result.get("log", "")) + str(result.get("error", ""))))
    return done


def report(done: Released) -> list[str]:
    """One line per skipped student (and reason), then what reached the exchange."""
    grouped: dict[tuple[str, str], list[str]] = {}
    for student, assignment, why in done.skipped:
        grouped.setdefault((student, why), []).append(assignment)
    lines = [f"skipped {shown(student)} ({', '.join(names)}): {why}"
             for (student, why), names in grouped.items()]
    lines += [f"nbgrader could not release the feedback of {assignment}:\n{log}"
              for assignment, log in done.failed]
    lines.append(f"Released the feedback of {len(done.released)} submissions to the exchange"
                 + (f"; skipped {len(done.skipped)} that nobody can fetch." if done.skipped else "."))
    return lines
