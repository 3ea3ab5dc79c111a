"""After grading: every student's feedback page, and grades.csv.

As in nbgrader, feedback is its own step (``make feedback``), not part of
autograding: written answers are graded by hand after ``make grade``, and the
feedback should show those points too. The pages are rendered in parallel, one
process per core; they only read the gradebook, so nothing here races with its
one writer.
"""

from __future__ import annotations

import sys
from concurrent.futures import as_completed
from pathlib import Path

from tqdm import tqdm

from nnfin.coursedir import REPO
from nnfin.grading import door
from nnfin.grading.adapter import gradebook
from nnfin.grading.engine import pool


def graded_submissions(root: Path) -> list[tuple[str, str]]:
    """(student, assignment) of every autograded notebook folder under ``root/autograded``."""
    folder = root / "autograded"
    if not folder.is_dir():
        return []
    return sorted({(nb.parent.parent.name, nb.parent.name) for nb in folder.glob("*/*/*.ipynb")
                   if door.is_name(nb.parent.parent.name) and door.is_name(nb.parent.name)})


def feedback_class(root: Path = REPO, jobs: int | None = None, progress: bool = True) -> list[str]:
    """Render the feedback of every graded submission; return what could not be rendered."""
    work = graded_submissions(root)
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


def main_feedback(root: Path = REPO, jobs: int | None = None) -> list[str]:
    failed = feedback_class(root, jobs)
    for name in failed:
        print(f"nbgrader could not write the feedback of {name}", file=sys.stderr)
    print(f"Feedback:   {root / 'feedback'}/<student>/<assignment>/*.html")
    return failed


def main_export(root: Path = REPO) -> Path:
    path = gradebook.export(root)
    print(f"Grades:     {path}")
    return path
