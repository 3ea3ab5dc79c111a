"""Grade one submission on this process's warm worker: the unit of work every executor runs.

A `Job` carries everything as plain data (cell sources, data files as bytes,
the seed and the limits), and a `JobResult` comes back as plain data (bounded
outputs per cell, the verdict per grade cell, the problems in the student's
words), so the same function runs in a local process pool or on another
machine. Nothing here writes the gradebook: the grader's main process does.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from nnfin.grading.checks.runner import run_checks
from nnfin.grading.engine import isolation, local
from nnfin.grading.engine.containment import SubmissionLimits
from nnfin.grading.engine.session import Cell, StudentSession
from nnfin.grading.engine.warm import WorkerError


@dataclass
class Job:
    student: str
    assignment: str
    seed: int
    cells: list[tuple[str, str]]  # (cell id, source) of every code cell, in order
    files: dict[str, bytes]
    limits: SubmissionLimits = field(default_factory=SubmissionLimits)
    test_cells: set[str] = field(default_factory=set)  # their visible asserts are reported in the cell


@dataclass
class JobResult:
    student: str
    assignment: str
    seed: int
    outputs: dict[str, list[dict]] = field(default_factory=dict)  # by cell id
    execution_counts: dict[str, int] = field(default_factory=dict)
    cell_errors: dict[str, str] = field(default_factory=dict)
    parts: dict[str, dict] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    internal: list[str] = field(default_factory=list)
    cells_seconds: float = 0.0
    seconds: float = 0.0
    sandbox: str = ""
    graded: bool = True


def _grade(job: Job) -> JobResult:
    started = time.perf_counter()
    warm = local.worker(job.limits)
    ids = [cell_id for cell_id, _ in job.cells]
    cells = [Cell(i, source) for i, (_, source) in enumerate(job.cells)]
    roots = "" if warm.bwrap else isolation.guard_roots(warm.folders)
    with StudentSession(warm, cells, job.files, job.limits, guard_roots=roots) as session:
        session.load()
        report = run_checks(job.assignment, session, job.seed)
    result = JobResult(job.student, job.assignment, job.seed, sandbox=isolation.describe(warm.bwrap))
    result.outputs = {ids[i]: out for i, out in session.outputs.items()}
    result.execution_counts = {ids[i]: n for i, n in session.execution_counts.items()}
    result.cell_errors = {ids[r.index]: r.error for r in session.failed_cells()}
    failed = [f"code cell {r.index + 1}: {r.error}" for r in session.failed_cells()
              if ids[r.index] not in job.test_cells]
    result.parts = {gid: {"score": p.score, "max_score": p.max_score, "messages": p.messages}
                    for gid, p in report.parts.items()}
    problems = failed + report.events + session.limit_messages() + session.output_notes
    result.problems = list(dict.fromkeys(problems))
    result.internal = [line for p in report.parts.values() for line in p.internal]
    result.cells_seconds = session.cells_seconds
    result.seconds = time.perf_counter() - started
    return result


def grade_job(job: Job) -> JobResult:
    """Grade ``job``; a failure of the worker (not of the student) is retried once on a fresh one."""
    for attempt in (1, 2):
        try:
            return _grade(job)
        except WorkerError as exc:
            local.shutdown()
            if attempt == 2:
                result = JobResult(job.student, job.assignment, job.seed, graded=False)
                result.problems = ["this submission could not be graded because the grader's sandbox "
                                   "failed; your instructor has the details"]
                result.internal = [f"worker error: {exc}"]
                return result
    raise AssertionError("unreachable")
