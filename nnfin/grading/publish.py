"""After grading: every student's feedback page, and grades.csv.

As in nbgrader, feedback is its own step (``make feedback``), not part of
autograding: written answers are graded by hand after ``make grade``, and the
feedback should show those points too. The pages are rendered in parallel, one
process per core; they only read the gradebook, so nothing here races with its
one writer.
"""

from __future__ import annotations

import csv
import re
import sys
from concurrent.futures import as_completed
from pathlib import Path

from tqdm import tqdm

from nnfin.coursedir import REPO, assignments
from nnfin.grading import door
from nnfin.grading.adapter import gradebook
from nnfin.grading.engine import pool
from nnfin.grading.selection import EVERYTHING, Selection, check


def graded_submissions(root: Path) -> list[tuple[str, str]]:
    """(student, assignment) of every autograded notebook folder under ``root/autograded``."""
    folder = root / "autograded"
    if not folder.is_dir():
        return []
    return sorted({(nb.parent.parent.name, nb.parent.name) for nb in folder.glob("*/*/*.ipynb")
                   if door.is_name(nb.parent.parent.name) and door.is_name(nb.parent.name)})


def feedback_class(root: Path = REPO, jobs: int | None = None, progress: bool = True,
                   selection: Selection = EVERYTHING) -> list[str]:
    """Render the feedback of every graded submission in ``selection``; return what could not be."""
    from nnfin.grading.adapter import mathjax

    work = graded_submissions(root)
    check(selection, assignments(root / "source"), {s for s, _ in work}, where="autograded/")
    try:
        mathjax.require()  # every page inlines it: without it, refuse before rendering any
    except mathjax.MathJaxMissing as exc:
        raise SystemExit(str(exc)) from None
    work = [(s, a) for s, a in work if selection.covers(s, a)]
    failed: list[str] = []
    if not work:
        return failed
    bar = tqdm(total=len(work), desc="feedback", unit="page", disable=None if progress else True,
               file=sys.stderr)
    with pool.plain_pool(min(jobs or pool.default_jobs(), len(work))) as executor:
        futures = {executor.submit(gradebook.feedback, root, assignment, student): (student, assignment)
                   for student, assignment in work}
        for future in as_completed(futures):
            student, assignment = futures[future]
            if future.exception() is not None or not future.result():
                failed.append(f"{student}/{assignment}")
            bar.update(1)
    bar.close()
    return sorted(failed)


def main_feedback(root: Path = REPO, jobs: int | None = None,
                  selection: Selection = EVERYTHING) -> list[str]:
    failed = feedback_class(root, jobs, selection=selection)
    for name in failed:
        print(f"nbgrader could not write the feedback of {name}", file=sys.stderr)
    print(f"Feedback:   {root / 'feedback'}/<student>/<assignment>/*.html")
    return failed


def main_export(root: Path = REPO, selection: Selection = EVERYTHING) -> Path:
    """grades.csv for the whole class; narrowed, also grades-<selection>.csv with only those rows."""
    check(selection, assignments(root / "source"))
    path = gradebook.export(root)
    print(f"Grades:     {path}")
    if selection.narrowed:
        path = _narrowed_export(path, selection)
        print(f"            {path} ({selection.describe()} only)")
    return path


def _narrowed_export(path: Path, selection: Selection) -> Path:
    """The rows of ``path`` (nbgrader's export) that ``selection`` covers, in a file of their own."""
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
        columns = reader.fieldnames or []
    check(selection, students={r.get("student_id", "") for r in rows}, where="the gradebook")
    tag = "-".join(["_".join(selection.assignments or ()), "_".join(selection.students or ())]).strip("-")
    tag = re.sub(r"[^A-Za-z0-9_.+@-]", "_", tag)[:120]
    target = path.with_name(f"{path.stem}-{tag}{path.suffix}")
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(r for r in rows
                         if selection.covers(r.get("student_id", ""), r.get("assignment", "")))
    return target


def main_release_feedback(root: Path = REPO, selection: Selection = EVERYTHING) -> bool:
    """``make release-feedback``: False when nbgrader failed for an assignment."""
    from nnfin.grading.adapter import feedback_release

    done = feedback_release.release(root, assignments(root / "source"), selection)
    for line in feedback_release.report(done):
        print(line)
    return not done.failed
