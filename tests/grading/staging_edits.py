"""Harmless edits students make to a notebook's structure, applied to a fully answered 01_losses.

Each edit changes a notebook in place and names the cells whose repair staging must
report (none for an edit that needs no repair). A correct student who makes any of
them must keep every point.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path

from nbformat import NotebookNode

from nnfin.grading import notebook
from nnfin.grading.demo import _answered

REPO = Path(__file__).resolve().parents[2]
ASSIGNMENT = "01_losses"
NOTEBOOK = "losses.ipynb"


def answered(release_dir: Path, source_dir: Path = REPO / "source" / ASSIGNMENT) -> NotebookNode:
    """The released notebook with every code answer filled in as the model answer."""
    return _answered(notebook.read(source_dir / NOTEBOOK), notebook.read(release_dir / NOTEBOOK))


def cell(nb: NotebookNode, gid: str) -> NotebookNode:
    [hit] = [c for c in nb.cells if notebook.grade_id(c) == gid]
    return hit


def _meta(nb: NotebookNode, gid: str) -> dict:
    return cell(nb, gid).metadata.nbgrader


def _to_markdown(target: NotebookNode) -> None:
    target.cell_type = "markdown"
    target.pop("outputs", None)
    target.pop("execution_count", None)


def rename_test_id(nb):
    _meta(nb, "test_mse")["grade_id"] = "test_mse_v2"
    return ["test_mse"]


def grade_off_on_test(nb):
    _meta(nb, "test_rmse")["grade"] = False
    return ["test_rmse"]


def example_grade_on(nb):
    _meta(nb, "example_mse_three_stocks")["grade"] = True
    return ["example_mse_three_stocks"]


def locked_solution_on(nb):
    _meta(nb, "example_rmse_five_stocks")["solution"] = True
    return ["example_rmse_five_stocks"]


def points_changed(nb):
    _meta(nb, "test_huber")["points"] = 60
    return ["test_huber"]


def unlocked_test(nb):
    _meta(nb, "test_hit_rate")["locked"] = False
    return ["test_hit_rate"]


def metadata_deleted_on_test(nb):
    del cell(nb, "test_mae").metadata["nbgrader"]
    return ["test_mae"]


def answer_metadata_deleted(nb):
    del cell(nb, "strategy_pnl").metadata["nbgrader"]
    return ["strategy_pnl"]


def answer_duplicated(nb):
    """Jupyter's copy and paste: same metadata, a fresh cell id."""
    original = cell(nb, "mse")
    twin = copy.deepcopy(original)
    twin["id"] = "c0pyc0py"
    nb.cells.insert(nb.cells.index(original) + 1, twin)
    return ["mse"]


def markdown_swapped(nb):
    """Two unrelated plain markdown cells change places: nothing to repair, nothing to report."""
    first = nb.cells.index(cell(nb, "plot_error_squares")) + 1
    assert not notebook.nbgrader_meta(nb.cells[first]) and not notebook.nbgrader_meta(nb.cells[first + 1])
    nb.cells[first], nb.cells[first + 1] = nb.cells[first + 1], nb.cells[first]
    return []


def answer_to_markdown(nb):
    _to_markdown(cell(nb, "rmse"))
    return ["rmse"]


def added_cell_steals_points(nb):
    """A new cell with a copied test's metadata (and more points) must not score."""
    stolen = copy.deepcopy(cell(nb, "test_binary_cross_entropy"))
    stolen.update(id="5tea1000", source="assert True")
    stolen.metadata.nbgrader["points"] = 100
    nb.cells.append(stolen)
    return ["test_binary_cross_entropy"]


def ids_lost_and_edited(nb):
    """An old editor dropped every cell id, so only locked text, position and grade_id are left."""
    nb.nbformat_minor = 4
    for each in nb.cells:
        each.pop("id", None)
    return [*rename_test_id(nb), *answer_to_markdown(nb), *markdown_swapped(nb),
            *answer_metadata_deleted(nb)]


EDITS: dict[str, Callable[[NotebookNode], list[str]]] = {
    edit.__name__: edit for edit in (
        rename_test_id, grade_off_on_test, example_grade_on, locked_solution_on, points_changed,
        unlocked_test, metadata_deleted_on_test, answer_metadata_deleted, answer_duplicated,
        markdown_swapped, answer_to_markdown, added_cell_steals_points, ids_lost_and_edited,
    )
}
