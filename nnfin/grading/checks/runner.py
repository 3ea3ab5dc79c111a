"""Run one assignment's hidden checks (pytest tests, in the trusted process) against one student's session.

A module that keeps to what `direct` understands runs as plain calls (the same verdicts
without pytest's set-up per submission); any other goes through ``pytest.main``.
"""

from __future__ import annotations

import contextlib
import io
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from nnfin import coursedir
from nnfin.coursedir import checks_module
from nnfin.grading.checks import direct, pytest_plugin
from nnfin.grading.checks.contract import CLAUSE_OF_TEST
from nnfin.grading.engine.session import StudentSession


@dataclass
class PartResult:
    """The verdict on one grade cell."""

    grade_id: str
    score: float = 0.0
    max_score: float = 0.0
    messages: list[str] = field(default_factory=list)
    internal: list[str] = field(default_factory=list)
    mistakes: list[str] = field(default_factory=list)
    """Short labels of the misconceptions the failed checks named (for the class report)."""
    clauses: dict[str, bool] = field(default_factory=dict)
    """Contract clause id -> held, for checks declared as contracts (nnfin/grading/checks/contract.py)."""


@dataclass
class CheckReport:
    seed: int
    parts: dict[str, PartResult]
    failed_cells: list[str]
    events: list[str]

    @property
    def score(self) -> float:
        return sum(p.score for p in self.parts.values())

    @property
    def max_score(self) -> float:
        return sum(p.max_score for p in self.parts.values())


def checks_seed(course: str, assignment: str) -> int:
    """The seed of a check's ``rng``: the same for every student of a course (equal work, equal
    marks), and on every regrade. Checks declared as contracts use fixed cases and ignore it."""
    return zlib.crc32(f"{course}/{assignment}".encode()) & 0x7FFFFFFF


def run_checks(assignment: str, session: StudentSession, seed: int,
               leave_out: set[int] = frozenset()) -> CheckReport:
    """Score every grade cell of ``assignment`` from the hidden checks, asking ``session``.

    ``leave_out``: code cells whose failures the report need not list (visible test cells,
    whose own output already says what failed).
    """
    module = checks_module(assignment)
    if not module.exists():
        raise FileNotFoundError(f"no hidden checks for assignment {assignment!r}: {module}")
    context = pytest_plugin.Context(process=session, seed=seed)
    quiet_out, quiet_err = io.StringIO(), io.StringIO()
    checks = direct.plan(module)
    with contextlib.redirect_stdout(quiet_out), contextlib.redirect_stderr(quiet_err):
        if checks is not None:
            direct.run(checks, context)
        else:
            _run_pytest(module, context)
    parts: dict[str, PartResult] = {}
    for row in context.results:
        part = parts.setdefault(row["grade_id"], PartResult(row["grade_id"]))
        part.max_score += row["points"]
        if row["passed"]:
            part.score += row["points"]
        elif row["message"] not in part.messages:
            part.messages.append(row["message"])
        if not row["passed"] and row["mistake"] and row["mistake"] not in part.mistakes:
            part.mistakes.append(row["mistake"])
        part.messages += [n for n in row["notes"] if n not in part.messages]
        clause = CLAUSE_OF_TEST.match(row["test"])
        if clause:
            part.clauses[clause["clause"]] = bool(row["passed"])
        if row["internal"]:
            part.internal.append(f"{row['test']}: {row['internal']}")
    for part in parts.values():  # clause points are hundredths: keep their sums exact
        part.score, part.max_score = round(part.score, 6), round(part.max_score, 6)
    failed = [f"{session.label(r.index)}: {r.error}" for r in session.failed_cells()
              if r.index not in leave_out]
    return CheckReport(seed, parts, failed, list(session.events) + session.limit_messages())


def _run_pytest(module: Path, context: pytest_plugin.Context) -> None:
    """The checks through pytest itself, for a module `direct` cannot run as pytest would."""
    pytest_plugin.CONTEXT = context
    try:
        pytest.main([str(module), "-q", "--assert=plain", "-p", "no:cacheprovider",
                     "-p", "no:xdist", "-p", "no:randomly", "-p", "no:unraisableexception",
                     "-p", "no:threadexception", "-p", "no:faulthandler", "-p", "no:logging",
                     "-p", "no:junitxml", "-p", "no:pastebin", "-p", "no:doctest", "-o", "addopts=",
                     "--rootdir", str(coursedir.GRADER_TESTS),
                     "-W", "ignore::pytest.PytestAssertRewriteWarning"])
    finally:
        pytest_plugin.CONTEXT = None


def run_hidden_checks(assignment: str, cells: list[str], files: Path | None, seed: int) -> CheckReport:
    """Grade loose code cells (the project's tests use this): load them on a local warm worker."""
    from nnfin.grading.engine import local

    with local.session(cells, files) as session:
        session.load()
        return run_checks(assignment, session, seed)
