"""Problems name a cell the way the student finds it: its kind, its id and the heading above it."""

from __future__ import annotations

from pathlib import Path

from nnfin.grading import notebook
from nnfin.grading.engine.containment import SubmissionLimits
from nnfin.grading.engine.grade import Job, grade_job

SOURCE = Path(__file__).resolve().parents[2] / "source" / "01_losses" / "losses.ipynb"


def _code(nb):
    return {c.get("id") or f"cell-{i}": c for i, c in enumerate(nb.cells) if c.cell_type == "code"}


def test_read_only_and_answer_cells_are_named_with_their_heading():
    nb = notebook.read(SOURCE)
    names = notebook.cell_names(nb, _code(nb))
    by_text = {name.split("'")[1]: name for name in names.values()}
    assert by_text["demo_two_forecasters"] == (
        "the read-only cell 'demo_two_forecasters' (in \"Two forecasters: lower MSE, lower P&L\")")
    assert by_text["mse"].startswith("your answer cell 'mse' (in \"Part 1: Mean squared error (MSE)\")")


def test_a_crash_in_a_read_only_cell_is_reported_by_name_not_number():
    nb = notebook.read(SOURCE)
    code = _code(nb)
    names = notebook.cell_names(nb, code)
    cells = [(cid, c.source) for cid, c in code.items()]
    demo = next(cid for cid, c in code.items() if notebook.grade_id(c) == "demo_two_forecasters")
    cells = [(cid, "raise RuntimeError('broken on purpose')" if cid == demo else src) for cid, src in cells]
    files = {"returns.npz": (SOURCE.parent / "returns.npz").read_bytes()}
    job = Job("s1", "01_losses", 0, cells, files, SubmissionLimits(),
              test_cells={cid for cid, c in code.items() if notebook.is_test_cell(c)}, cell_names=names)
    problems = grade_job(job).problems
    assert any(p.startswith("the read-only cell 'demo_two_forecasters' (in \"Two forecasters") and
               "RuntimeError" in p for p in problems), problems
    assert not any(p.startswith("code cell") for p in problems), problems
