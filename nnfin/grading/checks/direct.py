"""Run a hidden-check module as plain calls: pytest's verdicts without pytest's set-up per submission.

``pytest.main`` costs about 70 ms a submission before a check runs (configuration,
plugins, collection, fixtures), as much as all the checks' calls into the sandbox.
The hidden checks use a small, fixed part of pytest: test functions marked
``grade`` that take the ``student`` and ``rng`` fixtures. A module that keeps to
that part is run here, check by check in the order pytest would run them, with
the plugin's own fixture values and result rows (`pytest_plugin.result_row`).
A module that uses anything else (another fixture or mark, a class, a hook in
conftest.py) goes to pytest, so no check silently runs differently.
tests/grading/test_direct_checks.py proves both paths give the same rows.
"""

from __future__ import annotations

import ast
import importlib.util
import inspect
import sys
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from nnfin.grading.checks import pytest_plugin
from nnfin.grading.checks.expect import CrashCarried

FIXTURES = frozenset({"student", "rng"})


@dataclass(frozen=True)
class Check:
    """One hidden check: the test function and the grade cell it scores."""

    name: str
    func: Callable[..., object]
    grade_id: str
    points: float
    wants: tuple[str, ...]


_PLANS: dict[Path, tuple[tuple[int, int], list[Check] | None]] = {}


def plan(module_path: Path) -> list[Check] | None:
    """The module's checks in pytest's order, or None when only pytest can run it faithfully.

    Imported once per process and file version (a file edited since is imported again).
    """
    module_path = module_path.resolve()
    stat = module_path.stat()
    version = (stat.st_mtime_ns, stat.st_size)
    cached = _PLANS.get(module_path)
    if cached is not None and cached[0] == version:
        return cached[1]
    checks = _collect(module_path) if _plain_conftest(module_path.parent) else None
    _PLANS[module_path] = (version, checks)
    return checks


def _plain_conftest(folder: Path) -> bool:
    """conftest.py only loads the course's plugin (no fixtures, hooks or settings of its own)."""
    conftest = folder / "conftest.py"
    if not conftest.exists():
        return False
    for node in ast.parse(conftest.read_text()).body:
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # the docstring
        targets = [getattr(t, "id", None) for t in getattr(node, "targets", [])]
        if (isinstance(node, ast.Assign) and targets == ["pytest_plugins"]
                and ast.literal_eval(node.value) == [pytest_plugin.__name__]):
            continue
        return False
    return True


def _import(module_path: Path) -> object:
    name = f"nnfin_hidden_checks.{module_path.stem}"
    spec = importlib.util.spec_from_file_location(name, module_path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses and annotations look their module up by name
    with warnings.catch_warnings():  # inside a pytest session, `grade` is a mark it does not know
        warnings.simplefilter("ignore", pytest.PytestUnknownMarkWarning)
        spec.loader.exec_module(module)
    return module


def _collect(module_path: Path) -> list[Check] | None:
    module = _import(module_path)
    if getattr(module, "pytestmark", None):
        return None
    checks = []
    for name, obj in vars(module).items():  # definition order, as pytest collects a module
        if name.startswith("Test") and inspect.isclass(obj):
            return None
        if not name.startswith("test") or not callable(obj):
            continue
        plain = inspect.isfunction(obj) and not inspect.isgeneratorfunction(obj)
        if not plain or inspect.iscoroutinefunction(obj):
            return None
        check = _check(name, obj)
        if check is None:
            return None
        checks.append(check)
    return checks


def _check(name: str, func: Callable[..., object]) -> Check | None:
    marks = getattr(func, "pytestmark", [])
    if len(marks) != 1 or marks[0].name != "grade" or len(marks[0].args) != 1:
        return None
    if set(marks[0].kwargs) - {"points"}:
        return None
    params = inspect.signature(func).parameters.values()
    if any(p.name not in FIXTURES or p.kind not in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
           or p.default is not p.empty for p in params):
        return None
    return Check(name, func, marks[0].args[0], float(marks[0].kwargs.get("points", 1)),
                 tuple(p.name for p in params))


def run(checks: list[Check], context: pytest_plugin.Context) -> None:
    """Run every check against ``context.process``; their rows go to ``context.results``."""
    student = pytest_plugin.Student(context.process)
    for check in checks:
        values = {name: student if name == "student" else pytest_plugin.rng_for(context.seed, check.name)
                  for name in check.wants}
        failure: BaseException | None = None
        skipped = False
        with warnings.catch_warnings(record=True):  # pytest records a check's warnings, too
            warnings.simplefilter("always")
            try:
                check.func(**values)
            except CrashCarried:
                pass
            except pytest.skip.Exception:
                skipped = True
            except (KeyboardInterrupt, pytest.exit.Exception):
                raise
            except BaseException as exc:  # noqa: BLE001 - pytest counts any other exception a failure
                failure = exc
        passed = failure is None and not skipped
        context.results.append(pytest_plugin.result_row(check.grade_id, check.name, check.points,
                                                        passed, failure))
