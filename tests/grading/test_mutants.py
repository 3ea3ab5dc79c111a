"""Known wrong answers lose exactly the points of their part, with the right message."""

from __future__ import annotations

import pytest

from nnfin.grading.checks.runner import run_hidden_checks
from tests.grading.swap import catalogue, swapped_cells

MUTANTS = catalogue("mutants", "m", "MUTANTS")


@pytest.mark.parametrize(("assignment", "mutant"), [
    pytest.param(a, m, id=f"{a}:{m['cell']}:{m['name']}") for a, m in MUTANTS])
def test_mutant_loses_exactly_its_part(assignment: str, mutant: dict) -> None:
    cells, folder = swapped_cells(assignment, mutant["cell"], mutant["source"], mutant.get("also"))
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
