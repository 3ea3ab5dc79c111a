"""Ctrl-C during a real ``make grade``, and a forced regrade after hand grading.

One course copy with 01_losses and eight students (the demo class, and alice, who also writes a
written answer), graded by real ``python -m nnfin.course grade`` processes, as make runs them:

* the first grading gets SIGINT (sent to its whole process group, as a terminal's Ctrl-C is) once
  a submission is recorded: it ends with one line saying how many were recorded, no traceback,
  no nbgrader "Canceled" log, no process left behind, an intact gradebook; the next run grades
  only the rest;
* a grader gives alice's written answer 5 points and a comment; ``FORCE=1`` regrades her (narrowed
  with STUDENT=alice) and her answer stays graded, score and comment kept; once she changes the
  answer, it waits for a grader again.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from nnfin.grading import demo, notebook
from nnfin.grading.adapter import gradebook
from nnfin.grading.engine import containment, isolation

REPO = Path(__file__).resolve().parents[2]
ASSIGNMENT, NOTEBOOK = "01_losses", "losses.ipynb"
WRITTEN = "written_penalize_large_errors"
ANSWER = "Squaring makes a crash-day miss cost far more than many small ones; fat tails argue for Huber."

pytestmark = pytest.mark.skipif(
    containment.available() is not None or not isolation.bwrap_path(),
    reason="needs root, cgroups and bubblewrap")


def _grade_argv(course: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "nnfin.course", "grade", "--root", str(course), "--jobs", "2", *extra]


def _grade(course: Path, *extra: str) -> str:
    done = subprocess.run(_grade_argv(course, *extra), capture_output=True, text=True, timeout=600, cwd=REPO)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout + done.stderr


def _recorded(course: Path) -> int:
    db = course / "gradebook.db"
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as con:
            return con.execute("SELECT COUNT(*) FROM submitted_assignment").fetchone()[0]
    except sqlite3.Error:  # not created yet
        return 0


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("interrupt") / "course"
    (root / "source").mkdir(parents=True)
    shutil.copytree(REPO / "source" / ASSIGNMENT, root / "source" / ASSIGNMENT)
    shutil.copy(REPO / "nbgrader_config.py", root / "nbgrader_config.py")
    gradebook.release(root)
    demo.install(root)  # reference, blank and the five demo students (01_losses only here)
    alice = root / "submitted" / "alice" / ASSIGNMENT
    shutil.copytree(root / "submitted" / "reference" / ASSIGNMENT, alice)
    _write_answer(alice / NOTEBOOK, ANSWER)
    return root


def _write_answer(path: Path, text: str) -> None:
    nb = notebook.read(path)
    [cell] = [c for c in nb.cells if notebook.grade_id(c) == WRITTEN]
    cell.source = text
    nbformat.write(nb, path)


def test_ctrl_c_records_what_is_done_says_so_in_one_line_and_a_rerun_finishes(course):
    total = len(list((course / "submitted").iterdir()))
    grader = subprocess.Popen(_grade_argv(course), cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, start_new_session=True)  # its own group, like a terminal's job
    deadline = time.monotonic() + 300
    while _recorded(course) < 1 and grader.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert grader.poll() is None, "grading ended before it could be interrupted"
    os.killpg(grader.pid, signal.SIGINT)  # what Ctrl-C does: the grader and its pool processes
    out, err = grader.communicate(timeout=120)
    said = out + err
    assert grader.returncode == 130, said[-3000:]
    lines = [line for line in said.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Interrupted: "), said[-3000:]
    assert "Traceback" not in said and "KeyboardInterrupt" not in said
    recorded = int(re.search(r"Interrupted: (\d+) of (\d+)", lines[0]).group(1))
    assert 1 <= recorded < total and f"of {total} submissions" in lines[0]
    assert not list((course / "build" / "logs").glob("*.log")), "nbgrader logged a canceled autograde"
    with sqlite3.connect(course / "gradebook.db") as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    time.sleep(0.5)
    with pytest.raises(ProcessLookupError):  # the pool's processes stopped with the grader
        os.killpg(grader.pid, 0)

    rest = _grade(course)
    assert f"Graded {total - recorded} submissions, reused {recorded} unchanged results" in rest


def _grade_of(course: Path, student: str):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        grade = gb.find_grade(WRITTEN, NOTEBOOK[:-6], ASSIGNMENT, student)
        comment = gb.find_comment(WRITTEN, NOTEBOOK[:-6], ASSIGNMENT, student)
        return grade.manual_score, grade.needs_manual_grade, comment.manual_comment


def _hand_grade(course: Path, student: str, score: float, text: str) -> None:
    """What the formgrader's Save does: a manual score and comment, the cell marked as graded."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        grade = gb.find_grade(WRITTEN, NOTEBOOK[:-6], ASSIGNMENT, student)
        grade.manual_score, grade.needs_manual_grade = score, False
        gb.find_comment(WRITTEN, NOTEBOOK[:-6], ASSIGNMENT, student).manual_comment = text
        gb.db.commit()


def test_a_forced_regrade_keeps_an_unchanged_written_answer_graded(course):
    _grade(course, "--student", "alice")  # whatever the test above left, alice is graded now
    assert _grade_of(course, "alice")[1] is True  # a new written answer waits for a grader
    _hand_grade(course, "alice", 5.0, "Good; name the Huber delta.")

    forced = _grade(course, "--force", "--student", "alice")
    assert "Graded 1 submissions" in forced
    assert _grade_of(course, "alice") == (5.0, False, "Good; name the Huber delta.")
    assert "waiting for a grader" not in forced
    report = (course / "reports" / "class_report.html").read_text()  # a narrowed run: still the class
    for student in (p.name for p in (course / "submitted").iterdir()):
        assert f"<tr><th>{student}</th>" in report, student

    _write_answer(course / "submitted" / "alice" / ASSIGNMENT / NOTEBOOK, ANSWER + " Also: MAE.")
    changed = _grade(course, "--student", "alice")
    assert _grade_of(course, "alice") == (5.0, True, "Good; name the Huber delta.")  # to be looked at again
    assert "6 points of written answers are waiting for a grader." in changed
