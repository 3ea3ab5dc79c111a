"""Regrade only what changed: unchanged submissions keep their result, anything they depend on regrades."""

from __future__ import annotations

import shutil
import subprocess
import sys
from concurrent.futures import Executor
from pathlib import Path

import pytest

from nnfin import coursedir
from nnfin.grading import demo, pipeline, reuse
from nnfin.grading.adapter import gradebook
from nnfin.grading.engine import containment, isolation, pool
from nnfin.grading.engine.grade import grade_job

REPO = Path(__file__).resolve().parents[2]
ASSIGNMENTS = ("01_losses", "03_backpropagation")
MISTAKES = tuple(m for m in demo.DEMO_MISTAKES if m.student in ("sam_sum", "tom_transpose"))

pytestmark = pytest.mark.skipif(
    containment.available() is not None or not isolation.bwrap_path(),
    reason="needs root, cgroups and bubblewrap")


class Counting(Executor):
    """The local pool, counting which submissions it was asked to grade."""

    def __init__(self) -> None:
        self.pool = pool.local_pool(2)
        self.graded: list[tuple[str, str]] = []

    def submit(self, fn, /, *args, **kwargs):
        if fn is grade_job:
            self.graded.append((args[0].student, args[0].assignment))
        return self.pool.submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self.pool.shutdown(wait=wait, cancel_futures=cancel_futures)


def _grade(root: Path, force: bool = False) -> tuple[list[tuple[str, str]], dict, str]:
    counting = Counting()
    try:
        outcomes = pipeline.grade_class(root, progress=False, executor=counting, force=force)
    finally:
        counting.shutdown()
    scores = {(o.student, o.assignment): (o.score, o.max_score, o.problems) for o in outcomes if o.submitted}
    return sorted(counting.graded), scores, pipeline.summary_table(outcomes)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = tmp_path_factory.mktemp("regrade")
    for name in ASSIGNMENTS:
        shutil.copytree(REPO / "source" / name, root / "source" / name)
    shutil.copy(REPO / "nbgrader_config.py", root / "nbgrader_config.py")
    shutil.copytree(REPO / "grader_tests", root / "grader_tests")
    gradebook.release(root)
    demo.install(root, mistakes=MISTAKES)
    return root


def test_only_what_changed_is_graded_again(course, monkeypatch):
    monkeypatch.setattr(coursedir, "GRADER_TESTS", course / "grader_tests")  # a copy this test may edit
    students = ("reference", "blank", "sam_sum", "tom_transpose")
    everything = sorted((s, a) for s in students for a in ASSIGNMENTS)
    graded, first, table = _grade(course)
    assert graded == everything and "Graded 8 submissions, reused 0" in table
    assert first[("reference", "03_backpropagation")][0] == first[("reference", "03_backpropagation")][1]
    assert first[("sam_sum", "01_losses")][0] < first[("sam_sum", "01_losses")][1]

    graded, again, table = _grade(course)  # nothing changed: nothing runs, every result is kept
    assert graded == [] and again == first
    assert "Graded 0 submissions, reused 8 unchanged results (FORCE=1 grades them again)." in table
    assert reuse.unchanged_class(course) == 8  # make grade's quick path: no nbgrader, no sandbox
    done = subprocess.run([sys.executable, "-m", "nnfin.course", "grade", "--root", str(course)],
                          capture_output=True, text=True, timeout=300, cwd=REPO)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Nothing changed since the last grading: reused all 8 results" in done.stdout

    checks = course / "grader_tests" / "test_03_backpropagation.py"
    checks.write_text(checks.read_text() + "\n# a comment changes the hidden checks' fingerprint\n")
    assert reuse.unchanged_class(course) is None
    graded, after_checks, table = _grade(course)
    assert graded == [(s, "03_backpropagation") for s in ("blank", "reference", "sam_sum", "tom_transpose")]
    assert after_checks == first and "Graded 4 submissions, reused 4" in table

    shutil.copy(course / "submitted" / "reference" / "01_losses" / "losses.ipynb",  # sam fixes the mean
                course / "submitted" / "sam_sum" / "01_losses" / "losses.ipynb")
    shutil.copytree(course / "submitted" / "reference", course / "submitted" / "nina_new")
    graded, resubmitted, _ = _grade(course)
    assert graded == [("nina_new", a) for a in ASSIGNMENTS] + [("sam_sum", "01_losses")]
    assert resubmitted[("sam_sum", "01_losses")][0] == resubmitted[("sam_sum", "01_losses")][1]
    assert resubmitted[("nina_new", "03_backpropagation")] == first[("reference", "03_backpropagation")]

    shutil.rmtree(course / "autograded" / "tom_transpose" / "01_losses")  # its result is gone: regrade
    graded, _, _ = _grade(course)
    assert graded == [("tom_transpose", "01_losses")]

    graded, forced, table = _grade(course, force=True)
    assert len(graded) == 10 and "reused 0" in table and forced == resubmitted
