"""Correct answers in other styles get full marks on every part (the guard against false negatives).

tests/equivalents/eNN_<assignment>.py mirrors tests/mutants/: ``ASSIGNMENT`` and
``EQUIVALENTS``, a list of {"cell": grade_id of the answer cell, "name": the style,
"source": the full replacement cell}. Each is graded with a seed of its own, so
the hidden checks see other inputs than the mutant suite does.
"""

from __future__ import annotations

import zlib

import pytest

from nnfin.grading.checks.runner import run_hidden_checks
from tests.grading.swap import catalogue, swapped_cells

EQUIVALENTS = catalogue("equivalents", "e", "EQUIVALENTS")


@pytest.mark.parametrize(("assignment", "equivalent"), [
    pytest.param(a, e, id=f"{a}:{e['cell']}:{e['name']}") for a, e in EQUIVALENTS])
def test_equivalent_answer_gets_full_marks(assignment: str, equivalent: dict) -> None:
    cells, folder = swapped_cells(assignment, equivalent["cell"], equivalent["source"])
    seed = zlib.crc32(f"{assignment}:{equivalent['cell']}:{equivalent['name']}".encode())
    report = run_hidden_checks(assignment, cells, folder, seed=seed)
    lost = {gid: part.messages for gid, part in report.parts.items() if part.score < part.max_score}
    assert not lost, f"{equivalent['name']}: lost points in {lost}"
    assert report.parts, "no hidden checks ran"
