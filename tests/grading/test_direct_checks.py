"""The hidden checks run as plain calls give pytest's verdicts, and anything else goes to pytest."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from nnfin.coursedir import REPO, assignments
from nnfin.grading import notebook
from nnfin.grading.checks import direct, pytest_plugin, runner
from nnfin.grading.engine import local
from tests.grading.swap import catalogue, swapped_cells

ASSIGNMENTS = assignments(REPO / "source")
MUTANTS = catalogue("mutants", "m", "MUTANTS")
PLUGIN_CONFTEST = f'"""Loads the course plugin."""\n\npytest_plugins = ["{pytest_plugin.__name__}"]\n'


def _rows(module: Path, process: object, seed: int, through_pytest: bool) -> list[dict]:
    context = pytest_plugin.Context(process=process, seed=seed)
    if through_pytest:
        runner._run_pytest(module, context)
    else:
        direct.run(direct.plan(module), context)
    return context.results


def _submissions(assignment: str) -> list[tuple[str, list[str], Path]]:
    """The model answer and two known mistakes (the first and a middle one of the catalogue)."""
    source = next((REPO / "source" / assignment).glob("*.ipynb"))
    found = [("model answer", notebook.student_code_cells(notebook.read(source)), source.parent)]
    mutants = [m for a, m in MUTANTS if a == assignment]
    for mutant in (mutants[0], mutants[len(mutants) // 2]):
        cells, folder = swapped_cells(assignment, mutant["cell"], mutant["source"], mutant.get("also"))
        found.append((mutant["name"], cells, folder))
    return found


def test_every_course_module_takes_the_direct_path() -> None:
    for assignment in ASSIGNMENTS:
        checks = direct.plan(runner.checks_module(assignment))
        assert checks, f"{assignment}: the hidden checks would go through pytest.main"
        assert all(c.grade_id.startswith("test_") for c in checks)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_direct_rows_equal_pytest_rows(assignment: str) -> None:
    module = runner.checks_module(assignment)
    for name, cells, folder in _submissions(assignment):
        with local.session(cells, folder) as session:
            session.load()
            through_pytest = _rows(module, session, 4321, through_pytest=True)
            plain = _rows(module, session, 4321, through_pytest=False)
        assert len(plain) == len(direct.plan(module)) > 0
        assert plain == through_pytest, f"{assignment}, {name}: the two paths disagree"
        if name != "model answer":
            assert not all(row["passed"] for row in plain), f"{name} lost no points"


EDGE_CASES = '''
import pytest
from nnfin.grading.checks.expect import CheckFailed, CrashCarried, note


@pytest.mark.grade("test_a", points=2)
def test_passes(rng):
    assert 0.0 <= rng.random() < 1.0


@pytest.mark.grade("test_a", points=1)
def test_names_a_mistake():
    raise CheckFailed("the sign of the gradient is flipped", "flips the sign")


@pytest.mark.grade("test_b")
def test_breaks_inside():
    return {}["missing"]


@pytest.mark.grade("test_b", points=3)
def test_crash_carried():
    note("fix the helper first")
    raise CrashCarried()


@pytest.mark.grade("test_c")
def test_skipped():
    pytest.skip("not today")


@pytest.mark.grade("test_c")
def test_plain_assert():
    assert 1 == 2, "a bare assert"
'''


def _write_module(folder: Path, body: str, conftest: str = PLUGIN_CONFTEST) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "conftest.py").write_text(conftest)
    # not test_*.py: this session's own assertion rewriting would change pytest's messages
    module = folder / "edge_checks.py"
    module.write_text(textwrap.dedent(body))
    return module


def test_edge_cases_give_pytest_rows(tmp_path: Path) -> None:
    module = _write_module(tmp_path / "checks", EDGE_CASES)
    plain = _rows(module, None, 7, through_pytest=False)
    through_pytest = _rows(module, None, 7, through_pytest=True)
    assert plain == through_pytest
    verdicts = {row["test"]: row["passed"] for row in plain}
    assert verdicts == {"test_passes": True, "test_names_a_mistake": False, "test_breaks_inside": False,
                        "test_crash_carried": True, "test_skipped": False, "test_plain_assert": False}
    by_test = {row["test"]: row for row in plain}
    assert by_test["test_names_a_mistake"]["mistake"] == "flips the sign"
    assert by_test["test_breaks_inside"]["internal"].startswith("KeyError")
    assert by_test["test_crash_carried"]["notes"] == ["fix the helper first"]


@pytest.mark.parametrize(("body", "conftest"), [
    ("import pytest\n\n@pytest.fixture\ndef data():\n    return 1\n\n"
     "@pytest.mark.grade('test_a')\ndef test_x(data):\n    assert data\n", PLUGIN_CONFTEST),
    ("import pytest\n\n@pytest.mark.grade('test_a')\n@pytest.mark.slow\ndef test_x(rng):\n    pass\n",
     PLUGIN_CONFTEST),
    ("import pytest\n\n@pytest.mark.grade('test_a')\n@pytest.mark.parametrize('n', [1, 2])\n"
     "def test_x(n):\n    pass\n", PLUGIN_CONFTEST),
    ("import pytest\n\nclass TestPart:\n    @pytest.mark.grade('test_a')\n    def test_x(self):\n"
     "        pass\n", PLUGIN_CONFTEST),
    ("def test_unmarked():\n    pass\n", PLUGIN_CONFTEST),
    ("import pytest\n\n@pytest.mark.grade('test_a')\ndef test_x(rng):\n    pass\n",
     PLUGIN_CONFTEST + "\nimport pytest\n\n@pytest.fixture\ndef rng():\n    return None\n"),
], ids=["other fixture", "other mark", "parametrize", "class", "unmarked", "conftest fixture"])
def test_anything_else_goes_to_pytest(tmp_path: Path, body: str, conftest: str) -> None:
    assert direct.plan(_write_module(tmp_path / "checks", body, conftest)) is None


def test_an_edited_module_is_imported_again(tmp_path: Path) -> None:
    body = "import pytest\n\n@pytest.mark.grade('test_a')\ndef test_one(rng):\n    pass\n"
    module = _write_module(tmp_path / "checks", body)
    assert [c.name for c in direct.plan(module)] == ["test_one"]
    module.write_text(body + "\n\n@pytest.mark.grade('test_b', points=2)\ndef test_two(student):\n    pass\n")
    assert [(c.name, c.points) for c in direct.plan(module)] == [("test_one", 1.0), ("test_two", 2.0)]
