"""A submission that spends its whole wall-clock budget is recorded with the reason, and kept.

Issue [10]: a submission over a budget is recorded and not graded again until it changes, so a
slow or hostile notebook costs its time once, not on every `make grade`.
"""

from __future__ import annotations

import shutil
from concurrent.futures import Executor
from pathlib import Path

import nbformat
import pytest

from nnfin.grading import demo, pipeline
from nnfin.grading.adapter import gradebook
from nnfin.grading.engine import containment, isolation, pool
from nnfin.grading.engine.grade import grade_job

REPO = Path(__file__).resolve().parents[2]
LOSSES = "01_losses"
BUDGET = 6  # seconds for the notebook and every hidden-check call together

pytestmark = pytest.mark.skipif(
    containment.available() is not None or not isolation.bwrap_path(),
    reason="needs root, cgroups and bubblewrap")


class Counting(Executor):
    """The local pool, remembering which submissions it was asked to grade."""

    def __init__(self) -> None:
        self.pool = pool.local_pool(1)
        self.graded: list[str] = []

    def submit(self, fn, /, *args, **kwargs):
        if fn is grade_job:
            self.graded.append(args[0].student)
        return self.pool.submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self.pool.shutdown(wait=wait, cancel_futures=cancel_futures)


def _grade(root: Path) -> tuple[list[str], dict]:
    counting = Counting()
    try:
        outcomes = pipeline.grade_class(root, progress=False, executor=counting)
    finally:
        counting.shutdown()
    return sorted(counting.graded), {o.student: o for o in outcomes if o.submitted}


def _slow_down_every_function(notebook: Path) -> None:
    """Every graded function first sleeps a second: right answers, far too slow for the budget."""
    nb = nbformat.read(notebook, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code" and "\ndef " in "\n" + cell.source:
            lines = []
            for line in cell.source.splitlines():
                lines.append(line)
                if line.startswith("def ") and line.rstrip().endswith(":"):
                    lines.append("    __import__('time').sleep(1.0)")
            cell.source = "\n".join(lines)
    nbformat.write(nb, notebook)


def test_a_submission_over_its_budget_is_recorded_once_with_the_reason(tmp_path):
    root = tmp_path / "course"
    shutil.copytree(REPO / "source" / LOSSES, root / "source" / LOSSES)
    config = (REPO / "nbgrader_config.py").read_text()
    (root / "nbgrader_config.py").write_text(config + f"\nc.SubmissionLimits.submission_seconds = {BUDGET}\n")
    gradebook.release(root)
    demo.install(root, mistakes=())
    for student in list((root / "submitted").iterdir()):
        if student.name != "reference":
            shutil.rmtree(student)
    for other in (root / "submitted" / "reference").iterdir():
        if other.name != LOSSES:
            shutil.rmtree(other)
    shutil.copytree(root / "submitted" / "reference", root / "submitted" / "slow_sam")
    _slow_down_every_function(root / "submitted" / "slow_sam" / LOSSES / "losses.ipynb")

    graded, first = _grade(root)
    assert graded == ["reference", "slow_sam"]
    assert first["reference"].score == first["reference"].max_score
    slow = first["slow_sam"]
    assert slow.score < slow.max_score
    assert f"used up its time ({BUDGET} s" in " ".join(slow.problems), slow.problems

    graded, again = _grade(root)  # nothing changed: the spent budget is not spent again
    assert graded == []
    assert (again["slow_sam"].score, again["slow_sam"].max_score) == (slow.score, slow.max_score)
