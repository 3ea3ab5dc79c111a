"""grades.csv, written with Python's csv module: what nbgrader's CSV export has, safely quoted.

nbgrader's own CsvExportPlugin joins fields with commas and no quoting, so an id or a
name holding a comma shifts every column after it (a blank notebook then showed 34/34).
Here every field is quoted by the csv module, and any text field that a spreadsheet would
read as a formula (it starts with ``= + - @``, a tab or a carriage return) is neutralised
as OWASP recommends for CSV injection: prefixed with a single quote. Numbers are written
as numbers. One more column, ``reason``, says why a submission got 0 without running
(damaged, refused, over a budget), so an LMS import never meets a silent zero.
"""

from __future__ import annotations

import csv
import os
import sys
import tempfile
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry

from nnfin.grading import door

COLUMNS = ("assignment", "duedate", "timestamp", "student_id", "last_name", "first_name", "email",
           "raw_score", "late_submission_penalty", "score", "max_score", "reason")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> str:
    """A text field as it may enter a spreadsheet: never the start of a formula (OWASP)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _number(value: object) -> str:
    return repr(float(value or 0.0))


def rows(gb: Gradebook, reasons: dict[tuple[str, str], str]) -> list[dict[str, str]]:
    """One row per assignment and student of the gradebook, as nbgrader's export has them."""
    found = []
    for assignment in gb.assignments:
        for student in gb.students:
            if not door.is_name(student.id):
                print(f"grades.csv: the gradebook's student id {door.shown(student.id)} did not come "
                      "through the door; it is written quoted and neutralised", file=sys.stderr)
            row = {"assignment": assignment.name, "duedate": assignment.duedate or "",
                   "student_id": student.id, "last_name": student.last_name, "first_name": student.first_name,
                   "email": student.email, "max_score": _number(assignment.max_score),
                   "reason": reasons.get((student.id, assignment.name), "")}
            try:
                sub = gb.find_submission(assignment.name, student.id)
            except MissingEntry:
                row.update(timestamp="", raw_score=_number(0), late_submission_penalty=_number(0),
                           score=_number(0))
            else:
                penalty = sub.late_submission_penalty or 0.0
                row.update(timestamp=sub.timestamp or "", raw_score=_number(sub.score),
                           late_submission_penalty=_number(penalty),
                           score=_number(max(0.0, sub.score - penalty)))
            numbers = ("raw_score", "late_submission_penalty", "score", "max_score")
            found.append({k: row[k] if k in numbers else neutralise(row[k]) for k in COLUMNS})
    return found


def write(path: Path, gb: Gradebook, reasons: dict[tuple[str, str], str] | None = None) -> Path:
    """Write grades.csv whole, or not at all (a reader never sees half a file)."""
    table = rows(gb, reasons or {})
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".grades-", suffix=".csv")
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=COLUMNS, quoting=csv.QUOTE_ALL)
            writer.writeheader()
            writer.writerows(table)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
