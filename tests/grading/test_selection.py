"""ASSIGNMENT= and STUDENT=: every target that acts on submissions takes them and refuses unknown names.

The narrowed grading itself runs in tests/grading/test_interrupt_and_regrade.py (STUDENT=alice);
here each command meets an unknown name, through make as an instructor types it, and must fail
before it touches anything, listing the names it knows.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from nnfin.grading import selection
from nnfin.grading.selection import Selection, UnknownName, check, from_text
from tests.makefile import make_argv, without_venv

REPO = Path(__file__).resolve().parents[2]
COURSE_ASSIGNMENTS = ["01_losses", "02_gradient_descent"]


def test_names_split_on_commas_and_spaces_and_empty_means_all():
    assert from_text("01_losses, 02_gradient_descent", "") == Selection(
        ("01_losses", "02_gradient_descent"), None)
    assert not from_text("", " ").narrowed
    assert from_text("01_losses", "alice bob").covers("bob", "01_losses")
    assert not from_text("01_losses", "alice").covers("alice", "02_gradient_descent")
    assert not from_text("01_losses", "alice").covers("bob", "01_losses")


def test_an_unknown_name_lists_the_known_ones():
    with pytest.raises(UnknownName, match="unknown ASSIGNMENT 03_nope: this course has 01_losses, "
                                          "02_gradient_descent"):
        check(from_text("01_losses,03_nope", ""), COURSE_ASSIGNMENTS)
    with pytest.raises(UnknownName, match=r"unknown STUDENT carol: submitted/ has alice, bob"):
        check(from_text("", "carol"), COURSE_ASSIGNMENTS, ["bob", "alice"])
    many = [f"s{i:03d}" for i in range(100)]
    with pytest.raises(UnknownName, match=f"and {100 - selection.SHOWN} more$"):
        check(from_text("", "zed"), None, many)
    with pytest.raises(UnknownName, match=r"'\\x1b\[31mred'"):  # a hostile folder name is shown inert
        check(from_text("", "x"), None, ["\x1b[31mred"])


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("select") / "course"
    for name in COURSE_ASSIGNMENTS:
        (root / "source" / name).mkdir(parents=True)
    shutil.copy(REPO / "nbgrader_config.py", root / "nbgrader_config.py")
    for student in ("alice", "bob"):
        (root / "submitted" / student / COURSE_ASSIGNMENTS[0]).mkdir(parents=True)
    return root


@pytest.mark.parametrize("target", ["grade", "feedback", "release-feedback", "export", "collect"])
def test_every_target_refuses_an_unknown_assignment(course, target):
    done = subprocess.run(make_argv(target, course, "ASSIGNMENT=nonexistent"), env=without_venv({}),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert ("unknown ASSIGNMENT nonexistent: this course has 01_losses, 02_gradient_descent"
            in done.stderr), done.stdout + done.stderr
    assert not (course / "gradebook.db").exists() and not (course / "feedback").exists()


def test_grading_refuses_an_unknown_student(course):
    done = subprocess.run([sys.executable, "-m", "nnfin.course", "grade", "--root", str(course),
                           "--student", "carol"], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert done.returncode != 0
    assert "unknown STUDENT carol: submitted/ has alice, bob" in done.stderr
    assert not (course / "gradebook.db").exists()
