"""Known wrong answers lose exactly the points of the clauses they break, named, under every id.

Each mutant in tests/mutants/ declares the clauses of its part it breaks (``clauses``, or a dict of
them by part for a mutant that costs two parts); it must
lose exactly their points (a main clause also takes the lecture clause it gates), keep every
other part whole (a part that calls the wrong helper keeps its points, with a note), show the
expected words, and score the same under five student ids (``stateful`` mutants, which keep state
between calls, get a fresh process for each, as every submission does in a class).
"""

from __future__ import annotations

import pytest

from nnfin.grading.checks.contract import LECTURE, MAIN
from nnfin.grading.checks.docsync import declared_parts
from tests.grading.swap import FIVE_IDS, catalogue, declared_clauses, grade_under_ids, swapped_cells

MUTANTS = catalogue("mutants", "m", "MUTANTS")
PARTS = {a: {p.grade_id: p for p in declared_parts(a)} for a in {a for a, _ in MUTANTS}}


@pytest.mark.parametrize(("assignment", "mutant"), [
    pytest.param(a, m, id=f"{a}:{m['cell']}:{m['name']}") for a, m in MUTANTS])
def test_mutant_loses_exactly_its_clauses(assignment: str, mutant: dict) -> None:
    cells, folder = swapped_cells(assignment, mutant["cell"], mutant["source"], mutant.get("also"))
    reports = grade_under_ids(assignment, cells, folder, FIVE_IDS, fresh=mutant.get("stateful", False))
    report = reports[0]
    for other in reports[1:]:
        marks = {g: (p.score, p.messages) for g, p in other.parts.items()}
        assert marks == {g: (p.score, p.messages) for g, p in report.parts.items()}, (
            f"{mutant['name']}: marks differ by id")
    losers = set(mutant.get("loses", ["test_" + mutant["cell"]]))
    assert losers <= set(report.parts), f"unknown grade cells {losers - set(report.parts)}"
    for grade_id, part in report.parts.items():
        if grade_id not in losers:
            assert part.score == part.max_score, (
                f"{mutant['name']}: {grade_id} lost points too: {part.messages}")
            continue
        feedback = " ".join(part.messages)
        assert part.score < part.max_score, f"{mutant['name']}: {grade_id} kept all its points"
        assert mutant["message"].lower() in feedback.lower(), f"{mutant['name']}: feedback was {feedback!r}"
        contract = PARTS[assignment][grade_id]
        broken = {c for c, held in part.clauses.items() if not held}
        assert broken == set(declared_clauses(mutant, contract.name)), (
            f"{mutant['name']}: broke {sorted(broken)}: {part.messages}")
        gated = {c.id for c in contract.clauses if c.kind == LECTURE} if any(
            contract.clause(c).kind == MAIN for c in broken) else set()
        lost = sum(contract.clause(c).points for c in broken | gated)
        assert part.max_score - part.score == pytest.approx(lost), f"{mutant['name']}: lost the wrong points"
    for helper_user in mutant.get("also", {}):
        part = report.parts.get(f"test_{helper_user}")
        if part is not None and mutant["cell"] in " ".join(part.messages):
            assert any("Fix that part first" in m for m in part.messages)
