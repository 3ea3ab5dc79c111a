"""Grade one submission on this process's warm worker: the unit of work every executor runs.

A `Job` carries everything as plain data (cell sources, data files as bytes,
the seed and the limits), and a `JobResult` comes back as plain data (bounded
outputs per cell, the verdict per grade cell, the problems in the student's
words), so the same function runs in a local process pool or on another
machine. Nothing here writes the gradebook: the grader's main process does.
"""

from __future__ import annotations

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
    cell_names: dict[str, str] = field(default_factory=dict)  # cell id -> how the student finds it


@dataclass
class JobResult:
    student: str
    assignment: str
    seed: int
    outputs: dict[str, list[dict]] = field(default_factory=dict)  # by cell id
    execution_counts: dict[str, int] = field(default_factory=dict)
    parts: dict[str, dict] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    internal: list[str] = field(default_factory=list)
    cells_seconds: float = 0.0
    sandbox: str = ""
    graded: bool = True


def _grade(job: Job) -> JobResult:
    warm = local.worker(job.limits)
    ids = [cell_id for cell_id, _ in job.cells]
    cells = [Cell(i, source, job.cell_names.get(cell_id, ""))
             for i, (cell_id, source) in enumerate(job.cells)]
    with StudentSession(warm, cells, job.files, job.limits) as session:
        session.load()
        tests = {i for i, (cell_id, _) in enumerate(job.cells) if cell_id in job.test_cells}
        report = run_checks(job.assignment, session, job.seed, leave_out=tests)
    result = JobResult(job.student, job.assignment, job.seed, sandbox=isolation.describe(warm.bwrap))
    result.outputs = {ids[i]: out for i, out in session.outputs.items()}
    result.execution_counts = {ids[i]: n for i, n in session.execution_counts.items()}
    result.parts = {gid: {"score": p.score, "max_score": p.max_score, "messages": p.messages,
                          "mistakes": p.mistakes}
                    for gid, p in report.parts.items()}
    problems = report.failed_cells + report.events + session.limit_messages() + session.output_notes
    result.problems = list(dict.fromkeys(problems))
    result.internal = [line for p in report.parts.values() for line in p.internal]
    result.cells_seconds = session.cells_seconds
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
