"""The assignment notebooks: they run, they add up, and the release is generated and clean."""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from nnfin.coursedir import assignments
from nnfin.grading import notebook
from nnfin.grading.adapter import gradebook

REPO = Path(__file__).resolve().parents[1]
ASSIGNMENTS = assignments(REPO / "source")
LEAKS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "MARK SCHEME", "Mark scheme",
         "import nnfin", "from nnfin", "grader_tests")


def _nb_path(root: str, assignment: str) -> Path:
    paths = sorted((REPO / root / assignment).glob("*.ipynb"))
    assert len(paths) == 1, f"{root}/{assignment} should hold exactly one notebook"
    return paths[0]


def _execute(path: Path) -> tuple[nbformat.NotebookNode, float]:
    nb = notebook.read(path)
    client = NotebookClient(nb, timeout=120, allow_errors=True, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute()
    return nb, time.perf_counter() - start


def _errors(nb) -> list[tuple[int, dict]]:
    return [(i, o) for i, c in enumerate(nb.cells) if c.cell_type == "code"
            for o in c.get("outputs", []) if o.get("output_type") == "error"]


def test_there_are_four_assignments():
    assert len(ASSIGNMENTS) == 4, ASSIGNMENTS


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_source_notebook_runs_cleanly(assignment):
    # how long the notebooks take is measured by `make bench` (cells_seconds), not asserted here
    nb, _ = _execute(_nb_path("source", assignment))
    errors = _errors(nb)
    assert not errors, f"cell {errors[0][0]}: {errors[0][1].get('ename')}: {errors[0][1].get('evalue')}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_released_notebook_fails_only_in_its_tests_with_a_message(assignment):
    nb, _ = _execute(_nb_path("release", assignment))
    errors = _errors(nb)
    assert errors, "an unanswered notebook should fail its visible tests"
    for index, output in errors:
        cell = nb.cells[index]
        assert notebook.is_test_cell(cell), (
            f"cell {index} ({notebook.grade_id(cell)}) is not a test cell but raised "
            f"{output.get('ename')}: {output.get('evalue')}")
        assert output.get("evalue", "").strip(), f"test cell {notebook.grade_id(cell)} gave no message"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_points_add_up_to_the_stated_total(assignment):
    nb = notebook.read(_nb_path("source", assignment))
    stated = re.search(r"Total:\s*(\d+)\s*points", nb.cells[0].source)
    assert stated, "the first cell should state 'Total: N points'"
    points = sum(float(notebook.nbgrader_meta(c).get("points", 0)) for c in nb.cells
                 if notebook.nbgrader_meta(c).get("grade"))
    assert points == int(stated.group(1))
    assert int(stated.group(1)) % 5 == 0, "totals are round numbers"
    written = [c for c in nb.cells if c.cell_type == "markdown"
               and notebook.nbgrader_meta(c).get("grade")]
    assert written, "each assignment has a manually graded written answer"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_graded_part_has_an_answer_cell_and_a_locked_test(assignment):
    nb = notebook.read(_nb_path("source", assignment))
    ids = [notebook.grade_id(c) for c in nb.cells if notebook.grade_id(c)]
    assert len(ids) == len(set(ids)), "grade_ids must be unique"
    for cell in nb.cells:
        if notebook.is_test_cell(cell):
            assert notebook.nbgrader_meta(cell).get("locked"), notebook.grade_id(cell)
            assert notebook.nbgrader_meta(cell).get("points", 0) > 0


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("course")
    shutil.copytree(REPO / "source", root / "source")
    shutil.copy(REPO / "nbgrader_config.py", root / "nbgrader_config.py")
    gradebook.release(root)
    return root


def _comparable(nb) -> list[tuple]:
    return [(c.cell_type, c.source, notebook.nbgrader_meta(c)) for c in nb.cells]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_is_in_sync_with_source(regenerated, assignment):
    shipped = sorted(p.relative_to(REPO / "release") for p in (REPO / "release" / assignment).rglob("*")
                     if p.is_file())
    fresh = sorted(p.relative_to(regenerated / "release")
                   for p in (regenerated / "release" / assignment).rglob("*") if p.is_file())
    assert shipped == fresh, "run `make release` and commit release/"
    for rel in fresh:
        a, b = REPO / "release" / rel, regenerated / "release" / rel
        if rel.suffix == ".ipynb":
            assert _comparable(notebook.read(a)) == _comparable(notebook.read(b)), (
                f"{rel} is out of date: run `make release`")
        else:
            assert a.read_bytes() == b.read_bytes(), f"{rel} differs from source/"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_leaks_nothing(assignment):
    for path in (REPO / "release" / assignment).rglob("*"):
        if path.suffix == ".ipynb":
            text = "\n".join(c.source for c in notebook.read(path).cells)
            for leak in LEAKS:
                assert leak not in text, f"{path.name} contains {leak!r}"
            nb = notebook.read(path)
            assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
    assert not list((REPO / "release").rglob("test_*.py")), "hidden checks must not be released"
