"""pytest glue for the hidden checks in grader_tests/.

A hidden check is a pytest test marked with the grade cell it scores::

    @pytest.mark.grade("test_mse", points=2)
    def test_mse_on_a_batch(student, rng): ...

Fixtures: ``student`` (the sandboxed `StudentSession` wrapped so that every
call is also checked for in-place mutation of its inputs) and ``rng`` (a numpy
Generator seeded per submission and per test, so regrading is reproducible).
Run directly, ``pytest grader_tests`` grades the model answers in source/;
``--submission NOTEBOOK`` grades any notebook.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from nnfin.grading import notebook
from nnfin.grading.checks.expect import CheckFailed, CrashCarried, take_notes
from nnfin.grading.engine.session import StudentError, StudentSession

REPO = Path(__file__).resolve().parents[3]


@dataclass
class Context:
    """What the runner hands to a pytest session it starts in-process."""

    process: StudentSession
    seed: int
    results: list = field(default_factory=list)


CONTEXT: Context | None = None


class Student:
    """The hidden checks' view of the student: plain data in, plain data out."""

    def __init__(self, process: StudentSession) -> None:
        self.process = process

    def call(self, name: str, *args: Any, when: str = "", **kwargs: Any) -> Any:
        """The student's ``name(*args, **kwargs)``; ``when`` says in an error message under which
        circumstances it raised ("when the first loss is 0"), without showing the inputs."""
        try:
            result = self.process.call(name, *args, **kwargs)
        except StudentError as exc:
            if when:
                raise exc.when(when) from None
            raise
        if result.mutated:
            which = ", ".join(_arg_label(m) for m in result.mutated)
            raise CheckFailed(
                f"{name}() changed its input ({which}) in place. A function must leave its "
                "inputs alone: build a new array (W = W - lr * dW) instead of W -= lr * dW, "
                "and copy before you modify.", "changes its input in place"
            )
        return result.value

    def get(self, name: str) -> Any:
        return self.process.get(name)


def _arg_label(m: str) -> str:
    return f"argument {int(m) + 1}" if m.isdigit() else f"argument {m!r}"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("nnfin")
    group.addoption("--submission", default=None, help="notebook to grade (default: source/)")
    group.addoption("--seed", type=int, default=0, help="seed of the hidden inputs")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "grade(grade_id, points): the grade cell a check scores")


def _source_notebook(module: Any) -> Path:
    folder = REPO / "source" / module.ASSIGNMENT
    return next(folder.glob("*.ipynb"))


@pytest.fixture(scope="module")
def student(request: pytest.FixtureRequest) -> Student:
    if CONTEXT is not None:
        yield Student(CONTEXT.process)
        return
    from nnfin.grading.engine import local

    path = request.config.getoption("--submission") or _source_notebook(request.module)
    nb = notebook.read(path)
    with local.session(notebook.student_code_cells(nb), Path(path).parent) as session:
        session.load()
        yield Student(session)


def rng_for(seed: int, test_name: str) -> np.random.Generator:
    """The hidden inputs of one check: fresh per submission and per check, the same on a regrade."""
    return np.random.default_rng([seed, zlib.crc32(test_name.encode())])


@pytest.fixture
def rng(request: pytest.FixtureRequest) -> np.random.Generator:
    seed = CONTEXT.seed if CONTEXT is not None else request.config.getoption("--seed")
    return rng_for(seed, request.node.name)


@pytest.hookimpl(wrapper=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function):
    """A check ended by `CrashCarried` passed: the part crashed only because a helper did."""
    try:
        return (yield)
    except CrashCarried:
        return True


def result_row(grade_id: str, test: str, points: float, passed: bool, failure: BaseException | None
               ) -> dict:
    """One check's verdict as the runner reads it; ``failure``: what ended a failed check."""
    message = ""
    internal = ""
    mistake = None
    notes = take_notes()
    if failure is not None:
        if isinstance(failure, (CheckFailed, StudentError)):
            message = str(failure)
            mistake = getattr(failure, "mistake", None)
            if getattr(failure, "exception", None):  # the student's code raised: count it by type
                mistake = f"raises {failure.exception[1] or 'an error'}"
        else:
            message = ("A hidden check could not finish on your answer; "
                       "your instructor has the details.")
            internal = f"{type(failure).__name__}: {failure}"[:500]
    return {"grade_id": grade_id, "test": test, "points": points, "passed": passed,
            "message": message, "internal": internal, "mistake": mistake,
            "notes": notes if passed else []}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or CONTEXT is None:
        return
    marker = item.get_closest_marker("grade")
    if marker is None:
        return
    failure = call.excinfo.value if report.failed and call.excinfo is not None else None
    CONTEXT.results.append(result_row(marker.args[0], item.name, float(marker.kwargs.get("points", 1)),
                                      report.passed, failure))
