"""Assignments 03 and 04 are fair to every student (issue 6): what the mutant suite cannot say.

(How many known mistakes pass the visible tests: tests/grading/test_visible_tests.py.)

- Look-ahead (a shuffled split, choosing a strategy on the future) costs the whole part.
- A part that calls the student's own wrong helper keeps its points (error carried forward),
  also where the source notebook's model answer does not call that helper, and also when it
  crashes only because that helper raises (checked again with a right one, the note names it).
"""

from __future__ import annotations

import importlib
from pathlib import Path

from nnfin.grading import notebook
from nnfin.grading.checks.runner import run_hidden_checks

REPO = Path(__file__).resolve().parents[2]
MODULES = {"03_backpropagation": "m03_backpropagation",
           "04_training_overfitting": "m04_training_overfitting"}


def _mutants(assignment: str) -> tuple[str, list[dict]]:
    module = importlib.import_module(f"tests.mutants.{MODULES[assignment]}")
    return module.ASSIGNMENT, module.MUTANTS


def _notebook(assignment: str, replace: dict[str, str]):
    folder = REPO / "source" / assignment
    nb = notebook.read(next(folder.glob("*.ipynb")))
    for cell in nb.cells:
        if notebook.grade_id(cell) in replace:
            cell.source = replace[notebook.grade_id(cell)]
    return nb, folder


def _graded(assignment: str, replace: dict[str, str], seed: int):
    """The report of the source notebook with some answer cells replaced, and the parts that lost."""
    nb, folder = _notebook(assignment, replace)
    report = run_hidden_checks(assignment, notebook.student_code_cells(nb), folder, seed=seed)
    losers = {gid: part.messages for gid, part in report.parts.items() if part.score < part.max_score}
    return report, losers


def test_look_ahead_costs_the_whole_part():
    assignment, mutants = _mutants("04_training_overfitting")
    module = importlib.import_module(f"tests.mutants.{MODULES[assignment]}")
    for mutant in (m for m in mutants if m["name"] in module.LOOK_AHEAD):
        nb, folder = _notebook(assignment, {mutant["cell"]: mutant["source"]})
        report = run_hidden_checks(assignment, notebook.student_code_cells(nb), folder, seed=99)
        part = report.parts["test_" + mutant["cell"]]
        assert part.max_score > 0 and part.score == 0, (mutant["name"], part.score, part.messages)
        assert "look-ahead" in " ".join(part.messages), (mutant["name"], part.messages)


BEST_OF_N_BY_ROWS = '''
def best_of_n_sharpe(returns, positions, split_day):
    pnl = positions * returns
    in_sample = np.array([sharpe_ratio(row[:split_day]) for row in pnl])
    out_of_sample = np.array([sharpe_ratio(row[split_day:]) for row in pnl])
    return int(np.argmax(in_sample)), in_sample, out_of_sample
'''

SHARPE_DDOF_0 = '''
def sharpe_ratio(daily_returns):
    r = np.asarray(daily_returns, dtype=float)
    if np.ptp(r) == 0:
        return 0.0
    return float(r.mean() / r.std() * np.sqrt(252))
'''


def test_best_of_n_keeps_its_points_when_only_the_students_sharpe_ratio_is_wrong():
    report, losers = _graded("04_training_overfitting", {"sharpe_ratio": SHARPE_DDOF_0,
                                                          "best_of_n_sharpe": BEST_OF_N_BY_ROWS}, 7)
    assert set(losers) == {"test_sharpe_ratio"}, losers
    assert "ddof=1" in " ".join(report.parts["test_sharpe_ratio"].messages)
    notes = " ".join(report.parts["test_best_of_n_sharpe"].messages)
    assert "keeps the points" in notes and "your sharpe_ratio()" in notes, notes
    assert "Fix that part first" in notes, notes


def test_a_wrong_sigmoid_prime_is_charged_once_and_its_callers_say_why():
    source = "def sigmoid_prime(z):\n    s = sigmoid(z)\n    return s * (1 - z)\n"
    report, losers = _graded("03_backpropagation", {"sigmoid_prime": source}, 5)
    assert set(losers) == {"test_sigmoid_prime"}, losers
    assert "s * (1 - z)" in " ".join(report.parts["test_sigmoid_prime"].messages)
    for caller in ("test_hidden_delta", "test_train_step_221", "test_backward"):
        notes = " ".join(report.parts[caller].messages)
        assert "keeps the points" in notes and "your sigmoid_prime()" in notes, (caller, notes)
        assert "Fix that part first" in notes, (caller, notes)


def test_a_raising_sigmoid_is_charged_once_and_its_callers_say_the_crash_comes_from_it():
    # every caller reaches the broken sigmoid (sigmoid_prime calls it, hidden_delta calls
    # sigmoid_prime, train_step_221 and backward call those): each is checked again with a
    # right sigmoid in its place, keeps its points and names sigmoid() as the part to fix
    source = "import math\n\ndef sigmoid(z):\n    return 1.0 / (1.0 + math.exp(-z))\n"
    report, losers = _graded("03_backpropagation", {"sigmoid": source}, 3)
    assert set(losers) == {"test_sigmoid"}, losers
    assert "np.exp" in " ".join(report.parts["test_sigmoid"].messages)
    for caller in ("test_sigmoid_prime", "test_hidden_delta", "test_train_step_221", "test_backward"):
        notes = " ".join(report.parts[caller].messages)
        assert "keeps the points" in notes and "your sigmoid()" in notes, (caller, notes)
        assert "Fix that part first" in notes, (caller, notes)
