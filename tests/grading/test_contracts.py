"""The hidden checks are the contracts the notebooks state, split by one rubric, each clause proved live.

For every assignment: each graded function's docstring lists exactly the clauses its
checks declare (and nothing else is checked), the points follow the one rubric and
add up to the notebook's, the notebook states that rubric, and every clause has a
known wrong answer in tests/mutants/ that breaks it alone (tests/grading/test_mutants.py
proves each mutant loses exactly its clauses' points).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from nnfin.coursedir import SOURCE, assignments
from nnfin.grading import notebook
from nnfin.grading.checks import direct
from nnfin.grading.checks.contract import (
    LECTURE,
    MAIN,
    MAIN_FLOOR,
    RUBRIC,
    RUBRIC_TEXT,
    Kind,
    clause_points,
    docstring_clauses,
)
from nnfin.grading.checks.contract import (
    test_name as clause_test_name,
)
from nnfin.grading.checks.docsync import answer_docstring, declared_parts, with_contract
from tests.grading.swap import catalogue, declared_clauses

ASSIGNMENTS = assignments()  # every assignment declares its checks as contracts
MUTANTS = catalogue("mutants", "m", "MUTANTS")


def test_every_assignment_declares_its_parts():
    assert ASSIGNMENTS, "no assignments found"
    for assignment in ASSIGNMENTS:
        assert declared_parts(assignment), f"{assignment}: its hidden checks declare no contracts (PARTS)"


def _notebook(assignment: str):
    return notebook.read(next((SOURCE / assignment).glob("*.ipynb")))


def _parts(assignment: str):
    parts = declared_parts(assignment)
    assert parts, f"{assignment}: its hidden checks declare no contracts (PARTS)"
    return parts


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_docstring_clause_has_a_check_and_every_check_a_clause(assignment):
    nb = _notebook(assignment)
    for part in _parts(assignment):
        cell = next(c for c in nb.cells if notebook.grade_id(c) == part.name)
        stated = docstring_clauses(answer_docstring(cell.source, part.name) or "")
        declared = {c.id: c.text for c in part.clauses}
        assert stated == declared, (
            f"{assignment}/{part.name}: the docstring's contract differs from the declared clauses; "
            f"run python -m nnfin.grading.checks.docsync {assignment}")


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_checks_are_the_clauses_and_nothing_else(assignment):
    module = Path(direct.__file__).resolve().parents[3] / "grader_tests" / f"test_{assignment}.py"
    checks = direct.plan(module)
    assert checks is not None, f"{assignment}: its checks must run as plain calls"
    parts = _parts(assignment)
    expected = {clause_test_name(p, c): (p.grade_id, c.points) for p in parts for c in p.clauses}
    assert {c.name: (c.grade_id, c.points) for c in checks} == expected


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_points_follow_the_one_rubric_and_add_up_to_the_notebook(assignment):
    cells = {notebook.grade_id(c): notebook.nbgrader_meta(c).get("points")
             for c in _notebook(assignment).cells if notebook.is_test_cell(c)}
    parts = _parts(assignment)
    assert set(cells) == {p.grade_id for p in parts}, "every graded test cell has a contract"
    for part in parts:
        points = [c.points for c in part.clauses]
        assert points == clause_points(part.points, [c.kind for c in part.clauses])
        assert sum(points) == pytest.approx(cells[part.grade_id]), part.name
        for clause in part.clauses:
            if clause.kind != MAIN:
                share = part.points * RUBRIC[clause.kind]
                assert clause.points == pytest.approx(share), (part.name, clause.id)
        main = sum(c.points for c in part.clauses if c.kind == MAIN)
        assert main >= MAIN_FLOOR * part.points - 1e-9, part.name


def test_the_rubric_splits_by_kind_alone():
    # the same kind costs the same share in a part of 3 points and in one of 10
    for points in (2, 3, 4, 5, 6, 8, 10):
        shares = clause_points(points, [Kind.TYPE, LECTURE, MAIN, Kind.RULE, Kind.UNCHANGED])
        assert [round(s / points, 6) for s in shares[:2] + shares[3:]] == [0.1, 0.1, 0.1, 0.1]
        assert sum(shares) == pytest.approx(points)
    with pytest.raises(ValueError, match="floor"):
        clause_points(4, [Kind.TYPE, LECTURE, MAIN] + [Kind.RULE] * 6 + [Kind.UNCHANGED])


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_notebook_states_the_rubric(assignment):
    text = " ".join(c.source for c in _notebook(assignment).cells if c.cell_type == "markdown")
    assert RUBRIC_TEXT in " ".join(text.split()), f"{assignment}: 'How you are graded' must state the rubric"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_clause_has_a_mutant_that_breaks_it_alone(assignment):
    missing = []
    for part in _parts(assignment):
        lecture = {c.id for c in part.clauses if c.kind == LECTURE}
        mutants = [set(declared_clauses(m, part.name)) for a, m in MUTANTS
                   if a == assignment and m["cell"] == part.name]
        for clause in part.clauses:
            allowed = {clause.id} | (lecture if clause.kind != LECTURE else set())
            if clause.whole_part:  # breaking it costs every rule of its part
                allowed = {c.id for c in part.clauses}
            if not any(clause.id in broken and broken <= allowed for broken in mutants):
                missing.append(f"{part.name}:{clause.id}")
    assert not missing, f"clauses without a mutant that breaks them alone: {missing}"


def test_docsync_rewrites_a_contract_section_in_place():
    part = _parts("01_losses")[0]
    source = ('def mse(y_true, y_pred):\n    """Mean.\n\n    Contract\n    --------\n    C1  old\n\n'
              '    Hint: x.\n    """\n')
    new = with_contract(source, part)
    assert docstring_clauses(answer_docstring(new, "mse")) == {c.id: c.text for c in part.clauses}
    assert "Hint: x." in new and "old" not in new
    assert with_contract(new, part) == new


def test_a_value_message_names_the_part_of_a_tuple_or_dict_that_is_off():
    import numpy as np

    from nnfin.grading.checks.contract import same_values

    def detail(got, want):
        answer = type("A", (), {"value": got, "want": want, "case": None})()
        try:
            same_values()(answer)
        except Exception as broken:  # noqa: BLE001 - Broken
            return broken.detail
        return None

    assert detail((np.array([1.0, 2.0]), 0.5), (np.array([1.0, 2.0]), 0.25)).startswith(
        "Its item 2 is off (relative error")
    assert detail({"w": np.zeros(2), "b": 0.0, "h": [1.0, float("nan")]},
                  {"w": np.zeros(2), "b": 0.0, "h": [1.0, 2.0]}).startswith("Its 'h' is off: it contains NaN")
    assert detail((1.0, 3.0), (1.0, 2.0)).startswith("Its value is off")  # plain numbers: as before
