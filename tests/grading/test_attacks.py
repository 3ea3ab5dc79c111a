"""Tampering scores nothing: every attack below replaces the answer to mse() in 01_losses.

The attacks that *would* produce the right answer if they worked (reading or importing
the reference) prove the sandbox; the others prove that only plain data crosses over.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from nnfin.grading import notebook
from nnfin.grading.checks.runner import run_hidden_checks

REPO = Path(__file__).resolve().parents[2]
ASSIGNMENT, CELL, TEST = "01_losses", "mse", "test_mse"

ATTACKS = {
    "numpy patched to call everything equal": """
import numpy as np
np.allclose = lambda *a, **k: True
np.isclose = lambda *a, **k: np.True_
np.array_equal = lambda *a, **k: True
np.testing.assert_allclose = lambda *a, **k: None
def mse(y_true, y_pred):
    return 0.0
""",
    "fake modules in sys.modules": """
import sys, types
for name in ("nnfin", "nnfin.grading", "nnfin.grading.checks", "nnfin.reference",
             "nnfin.reference.losses", "pytest", "grader_tests"):
    fake = types.ModuleType(name)
    fake.mse = lambda *a, **k: 0.0
    fake.expect_close = lambda *a, **k: None
    sys.modules[name] = fake
def mse(y_true, y_pred):
    return 0.0
""",
    "assert-stripping hook": """
import ast
class StripAsserts(ast.NodeTransformer):
    def visit_Assert(self, node):
        return ast.Pass()
try:
    get_ipython().ast_transformers.append(StripAsserts())
except NameError:
    pass
import builtins
builtins.AssertionError = type("AssertionError", (Exception,), {})
def mse(y_true, y_pred):
    return 0.0
""",
    "rigged __eq__ float": """
class Always(float):
    def __eq__(self, other):
        return True
    def __ne__(self, other):
        return False
    __lt__ = __le__ = __gt__ = __ge__ = __eq__
    def __sub__(self, other):
        return 0.0
    __rsub__ = __sub__
def mse(y_true, y_pred):
    return Always(0.0)
""",
    "rigged ndarray subclass": """
import numpy as np
class Always(np.ndarray):
    def __eq__(self, other):
        return True
def mse(y_true, y_pred):
    return np.zeros(()).view(Always)
""",
    "read the reference from disk": f"""
_ns = {{}}
exec(open({str(REPO / 'nnfin' / 'reference' / 'losses.py')!r}).read(), _ns)
def mse(y_true, y_pred):
    return _ns["mse"](y_true, y_pred)
""",
    "read the hidden checks from disk": f"""
_hidden = open({str(REPO / 'grader_tests' / 'test_01_losses.py')!r}).read()
def mse(y_true, y_pred):
    return 0.0
""",
    "import the reference": """
from nnfin.reference.losses import mse
""",
    "write to the gradebook": f"""
open({str(REPO / 'gradebook.db')!r}, "w").write("owned")
def mse(y_true, y_pred):
    return 0.0
""",
}


def _cells_with(source: str) -> tuple[list[str], Path]:
    folder = REPO / "source" / ASSIGNMENT
    nb = notebook.read(next(folder.glob("*.ipynb")))
    [cell] = [c for c in nb.cells if notebook.grade_id(c) == CELL]
    cell.source = source
    return notebook.student_code_cells(nb), folder


@pytest.mark.parametrize("name", list(ATTACKS))
def test_attack_scores_nothing(name):
    gradebook = REPO / "gradebook.db"
    before = gradebook.read_bytes() if gradebook.exists() else None
    cells, folder = _cells_with(ATTACKS[name])
    report = run_hidden_checks(ASSIGNMENT, cells, folder, seed=31337)
    assert report.parts[TEST].score == 0, f"{name}: {report.parts[TEST]}"
    assert (gradebook.read_bytes() if gradebook.exists() else None) == before
