"""Bad submissions are repaired where safe and always explained; the student's files stay."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from nnfin.grading import notebook
from nnfin.grading.engine.staging import stage


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
    result = _stage(tmp_path, release, _submit(tmp_path, release, name="losses (1).ipynb"))
    assert result.gradable
    assert "renamed" in result.problems[0]
    assert (tmp_path / "staged" / "losses.ipynb").exists()


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
