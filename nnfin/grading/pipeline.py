"""Grade a whole class: stage, autograde, feedback, export, summary and report.

``make grade`` runs `main_grade`: every ``submitted/<student>/<assignment>/``
is staged (repaired where safe), graded by ``nbgrader autograde`` with the
sandbox and the hidden checks plugged in, then nbgrader writes the feedback and
``grades.csv``. One submission's failure never stops the batch: it is recorded
with its reason, and the next submission is graded.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from nnfin.coursedir import REPO, assignments, nbgrader, release
from nnfin.grading import report
from nnfin.grading.adapter.preprocessors import results_path
from nnfin.grading.engine import isolation, staging

STAGED = Path("build") / "staged"
LOGS = Path("build") / "logs"
AUTOGRADE_TIMEOUT = 20 * 60


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

    @property
    def percent(self) -> float:
        return 100.0 * self.score / self.max_score if self.max_score else 0.0


def _students(submitted: Path) -> list[str]:
    if not submitted.is_dir():
        return []
    return sorted(p.name for p in submitted.iterdir() if p.is_dir() and not p.name.startswith("."))


def grade_one(root: Path, student: str, assignment: str, extra: tuple[str, ...] = ()) -> Outcome:
    """Stage and autograde one submission; never raises for a bad submission."""
    outcome = Outcome(student, assignment)
    student_dir = root / "submitted" / student / assignment
    if not student_dir.is_dir():
        outcome.submitted = False
        outcome.problems.append("no submission")
        return outcome
    target = root / STAGED / student / assignment
    shutil.rmtree(target, ignore_errors=True)
    staged = staging.stage(student_dir, assignment, root / "release" / assignment, target)
    outcome.problems += staged.problems
    sidecar = results_path(root, student, assignment)
    sidecar.unlink(missing_ok=True)
    sidecar.parent.mkdir(parents=True, exist_ok=True)
    sidecar.with_suffix(".staging.json").write_text(json.dumps(staged.problems))
    log = root / LOGS / f"{student}__{assignment}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    try:
        done = nbgrader("autograde", assignment, "--student", student, "--force",
                        f"--CourseDirectory.submitted_directory={STAGED}", *extra, cwd=root,
                        check=False,
                        timeout=AUTOGRADE_TIMEOUT)
        log.write_text(done.stdout + done.stderr)
        if done.returncode != 0 and staged.gradable:
            outcome.problems.append(f"nbgrader could not grade this submission (see {log})")
    except subprocess.TimeoutExpired:
        outcome.problems.append(f"grading took longer than {AUTOGRADE_TIMEOUT // 60} minutes "
                                "and was stopped")
    if sidecar.exists():
        data = json.loads(sidecar.read_text())
        outcome.parts = data.get("parts", {})
        outcome.problems += [p for p in data.get("problems", []) if p not in outcome.problems]
    return outcome


def _fill_scores(root: Path, outcomes: list[Outcome]) -> None:
    """Read the scores back from nbgrader's gradebook, the record of truth."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(_db_url(root), course_id=_course_id(root)) as gb:
        for outcome in outcomes:
            assignment = gb.find_assignment(outcome.assignment)
            outcome.max_score = sum(c.max_score for nb in assignment.notebooks
                                    for c in nb.grade_cells if c.cell_type == "code")
            try:
                sub = gb.find_submission(outcome.assignment, outcome.student)
            except MissingEntry:
                continue
            for nb in sub.notebooks:
                for grade in nb.grades:
                    if grade.cell_type == "code":
                        outcome.score += grade.score
                    elif grade.needs_manual_grade:
                        outcome.manual_pending += grade.max_score


def _db_url(root: Path) -> str:
    return "sqlite:///" + str(root / "gradebook.db")


def _course_id(root: Path) -> str:
    return "nnfin-module3"


def grade_class(root: Path = REPO, progress: bool = True,
                extra: tuple[str, ...] = ()) -> list[Outcome]:
    """Grade every submission under ``root/submitted``; return one outcome per pair."""
    students = _students(root / "submitted")
    names = assignments(root / "source")
    pairs = [(s, a) for s in students for a in names]
    outcomes = []
    bar = tqdm(pairs, desc="grading", unit="submission", disable=None if progress else True,
               file=sys.stderr)
    for student, assignment in bar:
        bar.set_postfix_str(f"{student}/{assignment}")
        outcomes.append(grade_one(root, student, assignment, extra))
    bar.close()
    _fill_scores(root, outcomes)
    for assignment in names:
        nbgrader("generate_feedback", assignment, "--force", cwd=root, check=False)
    nbgrader("export", cwd=root, check=False)
    return outcomes


def summary_table(outcomes: list[Outcome]) -> str:
    """Students down, assignments across: autograded percent, with problems listed after."""
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
    problems = [(o.student, o.assignment, p) for o in outcomes for p in o.problems
                if o.submitted]
    if problems:
        lines += ["", "Problems (each cost only its own submission's points):"]
        lines += [f"  {s}/{a}: {p}" for s, a, p in problems]
    lines += ["", "Scores count autograded points; written answers are graded by hand in "
                  "formgrader (.venv/bin/jupyter lab, then Nbgrader > Manage Assignments)."]
    pending = sum(o.manual_pending for o in outcomes)
    if pending:
        lines.append(f"{pending:g} points of written answers are waiting for a grader.")
    return "\n".join(lines)


def print_where_to_look(root: Path) -> None:
    print()
    print(f"Grades:     {root / 'grades.csv'}   (nbgrader export; gradebook {root / 'gradebook.db'})")
    print(f"Feedback:   {root / 'feedback'}/<student>/<assignment>/*.html")
    print(f"Autograded: {root / 'autograded'}/<student>/<assignment>/")
    print(f"Report:     {root / report.REPORT}")
    print(f"Sandbox:    student code ran {isolation.describe()}")


def main_grade(root: Path = REPO) -> list[Outcome]:
    if not (root / "submitted").is_dir():
        raise SystemExit("no submitted/ folder: collect submissions into "
                         "submitted/<student>/<assignment>/<notebook>.ipynb first")
    release(root)
    outcomes = grade_class(root)
    print(summary_table(outcomes))
    report.write(root, outcomes)
    print_where_to_look(root)
    return outcomes


def main_demo(root: Path = REPO) -> list[Outcome]:
    from nnfin.grading import demo

    demo.install(root)
    return main_grade(root)
