"""Known wrong answers lose exactly the points of their part, with the right message."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from nnfin.grading import notebook
from nnfin.grading.checks.runner import run_hidden_checks

REPO = Path(__file__).resolve().parents[2]


def _cases():
    for path in sorted((REPO / "tests" / "mutants").glob("m*.py")):
        module = importlib.import_module(f"tests.mutants.{path.stem}")
        for mutant in module.MUTANTS:
            yield pytest.param(module.ASSIGNMENT, mutant,
                               id=f"{module.ASSIGNMENT}:{mutant['cell']}:{mutant['name']}")


def _mutated_cells(assignment: str, cell_id: str, source: str) -> tuple[list[str], Path]:
    folder = REPO / "source" / assignment
    nb = notebook.read(next(folder.glob("*.ipynb")))
    hits = [c for c in nb.cells if notebook.grade_id(c) == cell_id]
    assert len(hits) == 1, f"no solution cell {cell_id!r} in {assignment}"
    hits[0].source = source
    return notebook.student_code_cells(nb), folder


@pytest.mark.parametrize(("assignment", "mutant"), list(_cases()))
def test_mutant_loses_exactly_its_part(assignment: str, mutant: dict) -> None:
    cells, folder = _mutated_cells(assignment, mutant["cell"], mutant["source"])
    report = run_hidden_checks(assignment, cells, folder, seed=1234)
    losers = set(mutant.get("loses", ["test_" + mutant["cell"]]))
    for grade_id, part in report.parts.items():
        if grade_id in losers:
            assert part.score < part.max_score, f"{mutant['name']}: {grade_id} kept all its points"
            feedback = " ".join(part.messages)
            assert mutant["message"].lower() in feedback.lower(), (
                f"{mutant['name']}: feedback for {grade_id} was {feedback!r}")
        else:
            assert part.score == part.max_score, (
                f"{mutant['name']}: {grade_id} lost points too: {part.messages}")
    assert losers <= set(report.parts), f"unknown grade cells {losers - set(report.parts)}"
