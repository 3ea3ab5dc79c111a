"""The hidden checks: full marks for the model answers, zero for a blank notebook, every
grade cell covered with the right points, and the same score on every regrade."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from nnfin.coursedir import assignments
from nnfin.grading import notebook
from nnfin.grading.checks.runner import checks_module, run_hidden_checks

REPO = Path(__file__).resolve().parents[2]
ASSIGNMENTS = assignments(REPO / "source")


def _cells(root: str, assignment: str) -> tuple[list[str], Path, dict]:
    path = next((REPO / root / assignment).glob("*.ipynb"))
    nb = notebook.read(path)
    points = {notebook.grade_id(c): float(notebook.nbgrader_meta(c)["points"])
              for c in nb.cells if notebook.is_test_cell(c)}
    return notebook.student_code_cells(nb), path.parent, points


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_model_answers_get_full_marks(assignment):
    cells, folder, points = _cells("source", assignment)
    report = run_hidden_checks(assignment, cells, folder, seed=2024)
    assert set(report.parts) == set(points), "every test cell needs hidden checks, and only those"
    for gid, part in report.parts.items():
        assert part.max_score == pytest.approx(points[gid]), f"{gid}: hidden points != cell points"
        assert part.score == part.max_score, f"{gid}: {part.messages} {part.internal}"
    assert not report.failed_cells and not report.events


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_blank_release_scores_zero_with_messages(assignment):
    cells, folder, _ = _cells("release", assignment)
    report = run_hidden_checks(assignment, cells, folder, seed=7)
    assert report.score == 0
    for part in report.parts.values():
        assert part.messages and not part.internal, part
        assert all("NotImplementedError" in m or "not defined" in m for m in part.messages)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_regrading_gives_the_same_verdict(assignment):
    cells, folder, _ = _cells("source", assignment)
    answer_cell = next(i for i, c in enumerate(cells) if c.lstrip().startswith("def "))
    broken = cells[:answer_cell] + ["raise RuntimeError('half done')"] + cells[answer_cell + 1:]
    first = run_hidden_checks(assignment, broken, folder, seed=99)
    second = run_hidden_checks(assignment, broken, folder, seed=99)
    assert first.score < first.max_score
    assert {g: (p.score, p.messages) for g, p in first.parts.items()} == \
           {g: (p.score, p.messages) for g, p in second.parts.items()}


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_hidden_checks_never_print_their_inputs(assignment):
    """Failure messages come from CheckFailed texts, not from repr() of hidden arrays."""
    source = checks_module(assignment).read_text()
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Assert):
            pytest.fail(f"line {node.lineno}: use CheckFailed with a student message, not assert")
