"""Bad submissions are repaired where safe and always explained; the student's files stay."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import CheckCellMetadata
from nbgrader.utils import compute_checksum

from nnfin.grading import notebook
from nnfin.grading.engine.staging import stage
from tests.grading import staging_edits as edits


def _meta(gid: str, **flags) -> dict:
    base = {"grade": False, "solution": False, "locked": False, "grade_id": gid, "schema_version": 3}
    base.update(flags)
    return {"nbgrader": base}


def _release(tmp_path: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Losses"),
        nbformat.v4.new_code_cell("import numpy as np", metadata=_meta("setup", locked=True)),
        nbformat.v4.new_code_cell("def mse(a, b):\n    raise NotImplementedError()",
                                  metadata=_meta("mse", solution=True)),
        nbformat.v4.new_code_cell("assert mse([1.0], [1.0]) == 0",
                                  metadata=_meta("test_mse", grade=True, locked=True, points=2)),
    ]
    folder = tmp_path / "release" / "01_losses"
    folder.mkdir(parents=True)
    nbformat.write(nb, folder / "losses.ipynb")
    return folder


def _submit(tmp_path: Path, release: Path, edit=None, name="losses.ipynb", raw: str | None = None):
    folder = tmp_path / "submitted" / "ana" / "01_losses"
    folder.mkdir(parents=True)
    if raw is not None:
        (folder / name).write_text(raw)
        return folder
    nb = notebook.read(release / "losses.ipynb")
    nb.cells[2].source = "def mse(a, b):\n    return 0.0"
    if edit:
        edit(nb)
    nbformat.write(nb, folder / name)
    return folder


def _stage(tmp_path, release, folder):
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    result = stage(folder, "01_losses", release, tmp_path / "staged")
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before, "student files changed"
    return result


def test_a_clean_submission_passes_untouched(tmp_path):
    release = _release(tmp_path)
    result = _stage(tmp_path, release, _submit(tmp_path, release))
    assert result.gradable and result.problems == []
    staged = notebook.read(tmp_path / "staged" / "losses.ipynb")
    assert staged.cells[2].source == "def mse(a, b):\n    return 0.0"


def test_a_renamed_notebook_is_graded_under_its_name(tmp_path):
    release = _release(tmp_path)
    result = _stage(tmp_path, release, _submit(tmp_path, release, name="losses-Copy1.ipynb"))
    assert result.gradable
    assert "renamed" in result.problems[0]
    assert (tmp_path / "staged" / "losses.ipynb").exists()


def test_a_file_name_outside_the_allow_list_is_left_out_and_named(tmp_path):
    release = _release(tmp_path)
    result = _stage(tmp_path, release, _submit(tmp_path, release, name="losses (1).ipynb"))
    assert not result.gradable
    assert result.problems[0].startswith("'losses (1).ipynb' was left out: names may use only letters")
    assert "losses.ipynb is missing" in result.problems[1]
    assert list((tmp_path / "staged").iterdir()) == []


@pytest.mark.parametrize("raw", ['{"cells": [', "not a notebook at all", json.dumps({"a": 1})])
def test_a_damaged_notebook_gets_zero_with_a_reason(tmp_path, raw):
    release = _release(tmp_path)
    result = _stage(tmp_path, release, _submit(tmp_path, release, raw=raw))
    assert not result.gradable
    assert "0 points" in result.problems[0]
    assert not (tmp_path / "staged" / "losses.ipynb").exists()


def test_a_missing_notebook_is_reported(tmp_path):
    release = _release(tmp_path)
    folder = tmp_path / "submitted" / "ana" / "01_losses"
    folder.mkdir(parents=True)
    (folder / "notes.txt").write_text("I ran out of time")
    result = _stage(tmp_path, release, folder)
    assert not result.gradable and "missing" in result.problems[0]


def test_deleted_cells_come_back_in_place(tmp_path):
    release = _release(tmp_path)
    result = _stage(tmp_path, release, _submit(tmp_path, release, edit=lambda nb: nb.cells.pop(3)))
    assert result.gradable
    assert any("'test_mse' was deleted" in p for p in result.problems)
    staged = notebook.read(tmp_path / "staged" / "losses.ipynb")
    assert [notebook.grade_id(c) for c in staged.cells] == [None, "setup", "mse", "test_mse"]


def test_a_deleted_answer_comes_back_as_the_stub(tmp_path):
    release = _release(tmp_path)
    result = _stage(tmp_path, release, _submit(tmp_path, release, edit=lambda nb: nb.cells.pop(2)))
    assert any("'mse' was deleted" in p and "stub" in p for p in result.problems)
    staged = notebook.read(tmp_path / "staged" / "losses.ipynb")
    assert "NotImplementedError" in staged.cells[2].source


def test_an_edited_test_cell_is_reported(tmp_path):
    release = _release(tmp_path)

    def weaken(nb):
        nb.cells[3].source = "pass"

    result = _stage(tmp_path, release, _submit(tmp_path, release, edit=weaken))
    assert any("'test_mse' was edited" in p for p in result.problems)


# --- harmless structural edits on the real 01_losses notebook ---------------------------------------

RELEASE = edits.REPO / "release" / edits.ASSIGNMENT


def _stage_edit(tmp_path: Path, release: Path, name: str, target: Path):
    """Stage the answered notebook with one edit; return the result, the staged notebook and the names."""
    nb = edits.answered(release)
    expected = edits.EDITS[name](nb)
    folder = tmp_path / "incoming" / name / edits.ASSIGNMENT
    folder.mkdir(parents=True)
    nbformat.write(nb, folder / edits.NOTEBOOK)
    before = (folder / edits.NOTEBOOK).read_bytes()
    result = stage(folder, edits.ASSIGNMENT, release, target)
    assert (folder / edits.NOTEBOOK).read_bytes() == before, "student files changed"
    return result, notebook.read(target / edits.NOTEBOOK), expected


def _grading_cells(nb) -> list[tuple[str, str, dict]]:
    """Every cell with grading metadata, as (grade_id, cell type, metadata), in grade_id order."""
    return sorted(((notebook.grade_id(c), c.cell_type, notebook.nbgrader_meta(c)) for c in nb.cells
                   if notebook.nbgrader_meta(c)), key=lambda entry: entry[0])


def _assert_nbgrader_accepts(staged, release) -> None:
    """nbgrader's own checks: valid metadata, unique ids, and every locked cell's checksum."""
    CheckCellMetadata().preprocess(staged, {})
    for original in release.cells:
        meta = notebook.nbgrader_meta(original)
        if meta.get("locked"):
            assert compute_checksum(edits.cell(staged, meta["grade_id"])) == meta["checksum"]


@pytest.mark.parametrize("name", edits.EDITS)
def test_a_harmless_edit_costs_no_points(tmp_path, name):
    result, staged, expected = _stage_edit(tmp_path, RELEASE, name, tmp_path / "staged")
    release = notebook.read(RELEASE / edits.NOTEBOOK)
    assert result.gradable
    assert _grading_cells(staged) == _grading_cells(release)
    answered = edits.answered(RELEASE)
    for answer in answered.cells:
        if notebook.nbgrader_meta(answer).get("solution"):
            assert edits.cell(staged, notebook.grade_id(answer)).source == answer.source
    _assert_nbgrader_accepts(staged, release)
    assert len(result.problems) == len(expected), result.problems
    for gid in expected:
        assert any(f"'{gid}'" in p for p in result.problems), (gid, result.problems)


def test_the_real_submission_passes_untouched(tmp_path):
    nb = edits.answered(RELEASE)
    folder = tmp_path / "incoming" / "ana" / edits.ASSIGNMENT
    folder.mkdir(parents=True)
    nbformat.write(nb, folder / edits.NOTEBOOK)
    result = stage(folder, edits.ASSIGNMENT, RELEASE, tmp_path / "staged")
    assert result.problems == []
    assert notebook.read(tmp_path / "staged" / edits.NOTEBOOK).cells == nb.cells


def test_a_duplicated_answer_keeps_both_texts_but_one_label(tmp_path):
    result, staged, _ = _stage_edit(tmp_path, RELEASE, "answer_duplicated", tmp_path / "staged")
    index = staged.cells.index(edits.cell(staged, "mse"))
    twin = staged.cells[index + 1]
    assert twin.source == staged.cells[index].source and not notebook.nbgrader_meta(twin)
    assert result.problems == [f"cell {index + 2} carried the grading label 'mse' but is not that cell of "
                               "the assignment; it was kept as an ordinary cell"]


def test_a_repair_is_reported_in_plain_words(tmp_path):
    result, _, _ = _stage_edit(tmp_path, RELEASE, "grade_off_on_test", tmp_path / "staged")
    assert result.problems == ["the cell 'test_rmse' had its grading metadata changed (grade switched off); "
                               "it was restored from the assignment"]


# --- the real nbgrader autograde (without executing the notebooks) -----------------------------------

CONFIG = """c = get_config()
c.CourseDirectory.course_id = "staging-test"
# nbgrader's own autograde steps, except Execute: a clean run gives every test its points
c.Autograde.autograde_preprocessors = [
    "nbgrader.preprocessors.IgnorePattern", "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput", "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties", "nbgrader.preprocessors.CheckCellMetadata",
]
"""


def nbgrader(*args: str, cwd: Path, check: bool = True) -> subprocess.CompletedProcess:
    """The real nbgrader command line, with the venv first on PATH (nbgrader runs `alembic` from it)."""
    bin_dir = Path(sys.executable).parent
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    return subprocess.run([str(bin_dir / "nbgrader"), *args], cwd=cwd, check=check, capture_output=True,
                          text=True, env=env)


@pytest.fixture(scope="module")
def autograded(tmp_path_factory):
    """One temporary course: the real source, every edit staged as a student, one `nbgrader autograde`."""
    course = tmp_path_factory.mktemp("course")
    shutil.copytree(edits.REPO / "source" / edits.ASSIGNMENT, course / "source" / edits.ASSIGNMENT)
    (course / "nbgrader_config.py").write_text(CONFIG)
    nbgrader("generate_assignment", edits.ASSIGNMENT, cwd=course)
    release = course / "release" / edits.ASSIGNMENT
    for name in edits.EDITS:
        _stage_edit(course, release, name, course / "submitted" / name / edits.ASSIGNMENT)
    done = nbgrader("autograde", edits.ASSIGNMENT, cwd=course, check=False)
    with pytest.MonkeyPatch.context() as env:  # the gradebook runs `alembic` from the venv
        env.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
        with Gradebook(f"sqlite:///{course / 'gradebook.db'}", course_id="staging-test") as gb:
            scores = {name: _code_scores(gb, name) for name in edits.EDITS}
    return course, done.stdout + done.stderr, scores


def _code_scores(gb: Gradebook, student: str) -> dict[str, float] | None:
    """The autograder's score of every code test, as nbgrader's gradebook recorded it."""
    try:
        graded = gb.find_submission_notebook(Path(edits.NOTEBOOK).stem, edits.ASSIGNMENT, student)
    except MissingEntry:
        return None
    return {grade.name: grade.auto_score for grade in graded.grades if grade.cell_type == "code"}


@pytest.mark.parametrize("name", edits.EDITS)
def test_nbgrader_autograde_gives_every_test_its_points(autograded, name):
    course, log, scores = autograded
    release = notebook.read(course / "release" / edits.ASSIGNMENT / edits.NOTEBOOK)
    tests = {notebook.grade_id(c): float(notebook.nbgrader_meta(c)["points"])
             for c in release.cells if notebook.is_test_cell(c)}
    assert (course / "autograded" / name / edits.ASSIGNMENT / edits.NOTEBOOK).exists(), log
    assert scores[name] == tests
    mine = log.split(f"submitted/{name}/")[1].split("Sanitizing")[0]
    for complaint in ("has changed", "does not exist in the database", "exists multiple times", "ERROR"):
        assert complaint not in mine, mine
