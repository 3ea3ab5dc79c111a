"""Grade a whole class: stage, run every submission once on the pool, record through nbgrader.

``make grade`` runs `main_grade`. One long-lived process (this one) stages each
``submitted/<student>/<assignment>/``, hands the submissions to an executor of
warm sandboxed workers, and, as each result comes back, has nbgrader record it
(autograde through its Python API, with the engine's results in place of
execution). This process is the only writer of the gradebook. Then it writes
``grades.csv`` and the class report; feedback pages are a step of their own
(`nnfin.grading.publish`). One submission's failure never stops the batch: it is
recorded with its reason, and the batch goes on.
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from nnfin.coursedir import REPO, assignments
from nnfin.grading import door, interrupt, notebook, publish, report, warmup
from nnfin.grading.adapter import gradebook, speedups
from nnfin.grading.adapter.preprocessors import RESULTS
from nnfin.grading.checks.runner import checks_seed
from nnfin.grading.engine import local, pool, schedule, staging
from nnfin.grading.engine.containment import SubmissionLimits
from nnfin.grading.engine.grade import Job, JobResult, grade_job
from nnfin.grading.reuse import Reuse, summary_line
from nnfin.grading.selection import EVERYTHING, Selection, check

STAGED = Path("build") / "staged"
STATS = Path("build") / "grade_stats.json"


@dataclass
class Outcome:
    """One student's result on one assignment, as the summary shows it."""

    student: str
    assignment: str
    score: float = 0.0
    max_score: float = 0.0
    manual_pending: float = 0.0
    problems: list[str] = field(default_factory=list)
    parts: dict[str, dict] = field(default_factory=dict)
    submitted: bool = True
    cells_seconds: float = 0.0
    sandbox: str = ""
    reused: bool = False  # its stored result still holds (see nnfin/grading/reuse.py)
    refusal: str = ""  # why it got 0 without running (damaged, refused, over a budget): in every export
    recorded: bool = False  # graded and recorded this run (a failure of the grader is not)
    selected: bool = True  # in this run's ASSIGNMENT=/STUDENT= (the others only fill the class report)

    @property
    def percent(self) -> float:
        return 100.0 * self.score / self.max_score if self.max_score else 0.0


def _stage(root: Path, student: str, assignment: str, course_id: str,
           outcome: Outcome, limits: SubmissionLimits) -> Job | JobResult:
    """Repair a copy of the submission and turn it into a job; a result at 0 when it cannot run."""
    student_dir = root / "submitted" / student / assignment  # names passed the door in `_to_grade`
    target = root / STAGED / student / assignment
    shutil.rmtree(target, ignore_errors=True)
    release = root / "release" / assignment
    job, staged = stage_job(student_dir, release, target, course_id, limits)
    outcome.problems += staged.problems
    if job is None:
        outcome.refusal = staged.refusal or "no notebook to grade"
        for path in release.glob("*.ipynb"):  # nbgrader records the untouched release at 0
            shutil.copy(path, target / path.name)
        return _zero_result(outcome, target)
    return job


def stage_job(student_dir: Path, release: Path, target: Path, course_id: str, limits: SubmissionLimits
              ) -> tuple[Job | None, staging.StagedSubmission]:
    """``student_dir`` (``.../<student>/<assignment>``) staged into ``target`` through the door, as a job.

    The one way a notebook becomes a job: `make grade` and the check service (nnfin/check) both
    come here, so a check grades exactly what `make grade` would. None when it cannot run.
    """
    student, assignment = student_dir.parent.name, student_dir.name
    staged = staging.stage(student_dir, assignment, release, target, limits)
    notebooks = sorted(target.glob("*.ipynb"))
    if not staged.gradable or not notebooks:
        return None, staged
    nb = notebook.read(notebooks[0])
    code = [(c.get("id") or f"cell-{i}", c) for i, c in enumerate(nb.cells)
            if c.cell_type == "code" and notebook.grade_id(c) != notebook.CHECK_CELL]
    return Job(student, assignment, checks_seed(course_id, assignment),
               [(cid, c.source) for cid, c in code], local.read_files(target), limits,
               test_cells={cid for cid, c in code if notebook.is_test_cell(c)},
               cell_names=notebook.cell_names(nb, {cid: c for cid, c in code})), staged


def _zero_result(outcome: Outcome, target: Path) -> JobResult:
    """Every test cell of the staged notebooks at 0 (with the problems): what nbgrader records
    for a submission that cannot run, so it is in the gradebook and every export like any other."""
    parts = {}
    for path in sorted(target.glob("*.ipynb")):
        for gid, cell in notebook.test_cells(notebook.read(path)).items():
            points = float(notebook.nbgrader_meta(cell).get("points", 0))
            parts[gid] = {"score": 0.0, "max_score": points, "messages": [], "mistakes": []}
    return JobResult(outcome.student, outcome.assignment, 0, parts=parts, problems=list(outcome.problems))


def _record(api, root: Path, outcome: Outcome, result: JobResult | None) -> bool:
    """nbgrader records the submission: with the engine's result, or at 0 with the reason."""
    if result is not None:
        outcome.problems += [p for p in result.problems if p not in outcome.problems]
        outcome.cells_seconds = result.cells_seconds
        outcome.sandbox = result.sandbox
        for line in result.internal:
            print(f"hidden check error ({outcome.student}/{outcome.assignment}): {line}", file=sys.stderr)
    ran = result is not None and result.graded
    if not ran:  # the grader failed, not the student: recorded at 0 now, graded again next time
        result = _zero_result(outcome, root / STAGED / outcome.student / outcome.assignment)
        outcome.refusal = outcome.problems[-1] if outcome.problems else "not graded"
    if not outcome.refusal:
        outcome.parts = result.parts
    RESULTS[(outcome.student, outcome.assignment)] = result
    graded_by_hand = gradebook.hand_graded(api, outcome.assignment, outcome.student)
    try:
        done = api.autograde(outcome.assignment, outcome.student, force=True, create=True)
    finally:
        RESULTS.pop((outcome.student, outcome.assignment), None)
    outcome.recorded = bool(done.get("success")) and ran
    if done.get("success"):  # unchanged written answers keep their hand grade (nbgrader would flag them)
        gradebook.keep_hand_grades(api, outcome.assignment, outcome.student, graded_by_hand)
    if not done.get("success"):
        log = root / "build" / "logs" / f"{outcome.student}__{outcome.assignment}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text(str(done.get("log", "")) + "\n" + str(done.get("error", "")))
        outcome.problems.append(f"nbgrader could not record this submission (see {log})")
        return False
    return outcome.recorded


def grade_class(root: Path = REPO, jobs: int | None = None, progress: bool = True,
                executor: Executor | None = None, limits: SubmissionLimits | None = None,
                force: bool = False, selection: Selection = EVERYTHING) -> list[Outcome]:
    """Grade every submission under ``root/submitted``; return one outcome per (student, assignment).

    A submission whose fingerprint and gradebook entry are unchanged keeps its result unless ``force``.
    With a narrowed ``selection`` only its submissions are graded; every other one comes back with
    its last recorded result and ``selected=False``, so the class report still covers the class.
    """
    with speedups.shared_engines():  # nbgrader opens the gradebook ~9 times a submission
        return _grade_class(root, jobs, progress, executor, limits, force, selection)


def _grade_class(root: Path, jobs: int | None, progress: bool, executor: Executor | None,
                 limits: SubmissionLimits | None, force: bool, selection: Selection) -> list[Outcome]:
    started = time.perf_counter()
    api = gradebook.api(root, STAGED)
    try:
        gradebook.require_engine(api)
    except gradebook.NotRoutedThroughEngine as exc:
        raise SystemExit(f"refusing to grade: {exc}") from None
    from_config = limits is None
    limits = limits or warmup.course_limits(root)
    names = assignments(root / "source")
    outcomes: list[Outcome] = []
    reuse = Reuse(root, api, limits, force, limits_from_config=from_config)
    folders = door.student_folders(root / "submitted")  # `nnfin.course` printed those it refused
    to_grade = _to_grade(root, folders.students, names, reuse, outcomes, selection)
    own = executor is None
    executor = executor or pool.local_pool(jobs, limits)
    bar = tqdm(total=len(to_grade), desc="grading", unit="submission", disable=None if progress else True,
               file=sys.stderr)
    with interrupt.deferred() as pressed:  # Ctrl-C stops the loop at its next turn, never mid-record
        try:
            stopped = _grade_on(executor, api, root, limits, to_grade, bar, pressed)
        finally:
            bar.close()
            if own:
                executor.shutdown(wait=True, cancel_futures=True)
        gradebook.fill_scores(api, outcomes)
        reuse.remember(outcomes)  # what was recorded is reused by the next run, also after Ctrl-C
        gradebook.export(root, api, {(o.student, o.assignment): o.refusal for o in outcomes if o.refusal})
        if stopped:
            raise interrupt.GradingInterrupted(sum(o.recorded for o in to_grade), len(to_grade))
    _write_stats(root, outcomes, jobs or pool.default_jobs(), time.perf_counter() - started)
    return outcomes


def _to_grade(root: Path, students: list[str], names: list[str], reuse: Reuse, outcomes: list[Outcome],
              selection: Selection = EVERYTHING) -> list[Outcome]:
    """One outcome per (student, assignment) into ``outcomes``; return those that need grading."""
    to_grade = []
    for student in students:
        for assignment in names:
            outcome = Outcome(student, assignment, selected=selection.covers(student, assignment))
            if not outcome.selected:  # left alone: its last recorded result, for the class report
                if reuse.latest(outcome):
                    outcomes.append(outcome)
                continue
            outcomes.append(outcome)
            if reuse.restore(outcome):
                continue
            if not door.handed_in(root / "submitted", student, assignment):
                outcome.submitted = False
                outcome.problems.append("no submission")
                continue
            to_grade.append(outcome)
    return to_grade


def _grade_on(executor: Executor, api, root: Path, limits: SubmissionLimits, to_grade: list[Outcome],
              bar: tqdm, pressed=lambda: False) -> bool:
    """Stage, grade and record each submission, slowest assignment first (see `schedule`).

    Submissions are staged as they are handed out, so the first workers start before the
    whole class is staged, and only a few wait in the executor at a time. Once ``pressed()``
    (Ctrl-C), nothing more is handed out or recorded, the running jobs are stopped: True.
    """
    course_id = api.coursedir.course_id
    costs = schedule.previous_costs(root / STATS)
    order = schedule.LongestFirst([(o.assignment, o) for o in to_grade], costs)
    pending: dict[Future, Outcome] = {}
    while True:
        if pressed():
            for future in pending:
                future.cancel()
            pool.stop(executor)
            return True
        # enough to keep every worker busy; asked each time, since a cluster may grow
        in_flight = 2 * (pool.slots(executor) or len(to_grade) or 1)
        while len(pending) < in_flight and not pressed() and (outcome := order.next()) is not None:
            job = _stage(root, outcome.student, outcome.assignment, course_id, outcome, limits)
            if isinstance(job, JobResult):  # not gradable as handed in: recorded at 0, the same next time
                _record(api, root, outcome, job)
                _advance(bar, outcome)
                continue
            pending[executor.submit(grade_job, job)] = outcome
        if not pending:
            if pressed():
                continue  # stopped while handing out: say so
            return False
        done, _ = wait(pending, timeout=0.25, return_when=FIRST_COMPLETED)  # a turn to see Ctrl-C
        for future in done:
            if pressed():
                break
            outcome = pending.pop(future)
            result = _result_of(future, outcome)
            if result is not None:
                order.learn(outcome.assignment, result.cells_seconds)
            _record(api, root, outcome, result)
            _advance(bar, outcome)


def _advance(bar: tqdm, outcome: Outcome) -> None:
    bar.update(1)
    bar.set_postfix_str(f"{outcome.student}/{outcome.assignment}")


def _result_of(future: Future, outcome: Outcome) -> JobResult | None:
    """The job's result; None (and the instructor told why) when the executor failed, not the student."""
    try:
        return future.result()
    except Exception as exc:  # noqa: BLE001 - the executor failed, not the student
        outcome.problems.append("this submission could not be graded because the grader "
                                "failed; your instructor has the details")
        print(f"grading {outcome.student}/{outcome.assignment} failed: {exc!r}", file=sys.stderr)
        return None


def _write_stats(root: Path, outcomes: list[Outcome], jobs: int, wall: float) -> None:
    rows = [{"student": o.student, "assignment": o.assignment, "cells_seconds": o.cells_seconds,
             "score": o.score, "max_score": o.max_score, "problems": o.problems, "parts": o.parts}
            for o in outcomes if o.submitted]
    path = root / STATS
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"jobs": jobs, "wall_seconds": wall, "submissions": rows}, indent=1))


def summary_table(outcomes: list[Outcome]) -> str:
    """Students down, assignments across: autograded percent, with problems listed after."""
    outcomes = [o for o in outcomes if o.selected]
    students = sorted({o.student for o in outcomes})
    names = sorted({o.assignment for o in outcomes})
    by = {(o.student, o.assignment): o for o in outcomes}
    width = max([7] + [len(s) for s in students])
    header = f"{'student':<{width}}  " + "  ".join(f"{a[:24]:>24}" for a in names) + "   total"
    lines = [header, "-" * len(header)]
    for s in students:
        row = [by[(s, a)] for a in names]
        cells = [f"{o.score:>6.1f}/{o.max_score:<5.0f}{o.percent:>5.0f}% " if o.submitted
                 else "not submitted" for o in row]
        got, out_of = sum(o.score for o in row), sum(o.max_score for o in row)
        total = 100.0 * got / out_of if out_of else 0.0
        lines.append(f"{s:<{width}}  " + "  ".join(f"{c:>24}" for c in cells) + f"  {total:5.1f}%")
    problems = [(o.student, o.assignment, p) for o in outcomes for p in o.problems if o.submitted]
    if problems:
        lines += ["", "Problems (each cost only its own submission's points):"]
        lines += [f"  {s}/{a}: {p}" for s, a, p in problems]
    lines += ["", "Scores count autograded points; written answers are graded by hand in "
                  "the formgrader (make lab, then Nbgrader > Formgrader)."]
    pending = sum(o.manual_pending for o in outcomes)
    if pending:
        lines.append(f"{pending:g} points of written answers are waiting for a grader.")
    sandboxes = {o.sandbox for o in outcomes if o.sandbox}
    lines += [f"Student code ran {s}." for s in sorted(sandboxes)]
    lines.append(summary_line(outcomes))
    return "\n".join(lines)


def print_where_to_look(root: Path, feedback: bool) -> None:
    print()
    print(f"Grades:     {root / 'grades.csv'}   (nbgrader export; gradebook {root / 'gradebook.db'})")
    if feedback:
        print(f"Feedback:   {root / 'feedback'}/<student>/<assignment>/*.html")
    else:
        print("Feedback:   not written yet: `make feedback` writes it (after grading written answers)")
    print(f"Autograded: {root / 'autograded'}/<student>/<assignment>/")
    print(f"Report:     {root / report.REPORT}")


def _cluster(scheduler: str, unsandboxed: bool) -> Executor:
    """The Dask cluster at ``scheduler`` (Dask is imported only here, only when asked for)."""
    try:
        from nnfin.grading.engine import cluster
    except ImportError as exc:
        raise SystemExit(f"grading on a cluster needs Dask ({exc}): "
                         ".venv/bin/pip install -c constraints.txt -e '.[cluster]'") from None
    try:
        return cluster.connect(scheduler, unsandboxed)
    except cluster.ClusterUnavailable as exc:
        raise SystemExit(f"refusing to grade on {scheduler}: {exc}") from None


def main_grade(root: Path = REPO, jobs: int | None = None, unsandboxed: bool = False,
               fresh_release: bool = True, executor: Executor | None = None,
               announce: bool = True, scheduler: str | None = None, force: bool = False,
               selection: Selection = EVERYTHING) -> list[Outcome]:
    """``make grade``; ``executor`` is a pool already warming up (see `warmup.start`), shut down here.

    With ``scheduler`` the submissions go to that Dask cluster, whose workers check their own sandbox.
    ``selection`` (make's ASSIGNMENT= and STUDENT=) narrows what is graded; unknown names refuse.
    """
    try:
        door.refuse_empty(root)
        check(selection, assignments(root / "source"), door.student_folders(root / "submitted").students)
    except SystemExit:
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)
        raise
    if scheduler:
        executor = executor or _cluster(scheduler, unsandboxed)
    else:
        warmup.require_sandbox(unsandboxed)
    try:
        if fresh_release:
            gradebook.release(root, force=False)
        outcomes = grade_class(root, jobs, executor=executor, force=force, selection=selection)
    except interrupt.GradingInterrupted as stopped:  # the instructor's Ctrl-C: one line, no traceback
        print(stopped.line(), file=sys.stderr)
        raise SystemExit(interrupt.EXIT_CODE) from None
    except KeyboardInterrupt:  # before the grading loop: nothing was recorded
        print("Interrupted before any submission was graded: nothing was recorded; "
              "`make grade` starts again.", file=sys.stderr)
        raise SystemExit(interrupt.EXIT_CODE) from None
    finally:
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)
    print(summary_table(outcomes))
    report.write(root, outcomes)
    if announce:
        print_where_to_look(root, feedback=False)
    return outcomes


def main_demo(root: Path = REPO, jobs: int | None = None, unsandboxed: bool = False,
              executor: Executor | None = None, scheduler: str | None = None,
              force: bool = False) -> list[Outcome]:
    """``make demo``: the demo class, graded, with its feedback."""
    from nnfin.grading import demo

    gradebook.release(root, force=False)
    demo.install(root)
    outcomes = main_grade(root, jobs, unsandboxed, fresh_release=False, executor=executor,
                          announce=False, scheduler=scheduler, force=force)
    failed = publish.feedback_class(root, jobs)
    for name in failed:
        print(f"nbgrader could not write the feedback of {name}", file=sys.stderr)
    print_where_to_look(root, feedback=True)
    return outcomes
