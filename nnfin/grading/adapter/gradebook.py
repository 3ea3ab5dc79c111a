"""nbgrader, driven through its Python API from the grader's one long-lived process.

One `NbGraderAPI` per class run, configured from the course's own
``nbgrader_config.py``: no process per submission, and only this process
writes the gradebook (the record of truth for scores, points and checksums).
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import sys
import warnings
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.apps import NbGraderAPI
from nbgrader.coursedir import CourseDirectory
from sqlalchemy.exc import SAWarning
from traitlets.config.loader import PyFileConfigLoader

from nnfin.coursedir import assignments
from nnfin.grading.adapter import export as grades_csv
from nnfin.grading.adapter import speedups

speedups.install()
# nbgrader 0.9 adds a new submission to the gradebook in a way SQLAlchemy 2 warns about (the row
# is written all the same); the warning says nothing an instructor can act on
warnings.filterwarnings("ignore", category=SAWarning, module=r"nbgrader\.")

GRADES_CSV = "grades.csv"
RELEASE_STAMP = Path("build") / "release.sha256"
# the check service's client (standard library only), shipped beside every released notebook for its
# "check my work" cell; read as a file, so the grading side imports nothing of the service
CHECK_CLIENT = Path(__file__).resolve().parents[2] / "check" / "client.py"
SHIPPED_CLIENT = "check_my_work.py"


def api(root: Path, submitted: Path | None = None) -> NbGraderAPI:
    """The course at ``root`` as nbgrader sees it (``submitted`` overrides where submissions are read)."""
    bin_dir = str(Path(sys.executable).parent)  # nbgrader runs `alembic` from PATH for a new gradebook
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")
    config = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    config.CourseDirectory.root = str(root)
    if submitted is not None:
        config.CourseDirectory.submitted_directory = str(submitted)
    coursedir = CourseDirectory(config=config)
    exchange = config.get("Exchange", {}).get("root")
    if exchange:
        Path(exchange).mkdir(parents=True, exist_ok=True)
    quiet = logging.getLogger("nnfin.nbgrader")
    quiet.setLevel(logging.ERROR)
    return NbGraderAPI(coursedir, config=config, log=quiet)


class NotRoutedThroughEngine(RuntimeError):
    """The course's nbgrader_config.py would let nbgrader run student notebooks itself."""


def require_engine(api: NbGraderAPI) -> None:
    """Refuse to grade unless autograde takes the engine's results (`InjectResults`).

    nbgrader_config.py skips the course's settings when it cannot import them, and nbgrader's
    own autograde would then execute every student notebook in a kernel, outside the sandbox.
    """
    steps = api.config.get("Autograde", {}).get("autograde_preprocessors", [])
    names = [s if isinstance(s, str) else f"{s.__module__}.{s.__qualname__}" for s in steps]
    if not any(n.endswith("preprocessors.InjectResults") for n in names) or any(
            n.rsplit(".", 1)[-1] in ("Execute", "ExecutePreprocessor") for n in names):
        raise NotRoutedThroughEngine(
            "nbgrader_config.py does not hand autograde the grading engine's results, so nbgrader "
            "would run the students' notebooks itself, outside the sandbox. Check that it ends with "
            "`from nnfin.grading.adapter.config import configure_grading` and `configure_grading(c)`, "
            "and that `python -c 'import nnfin.grading.adapter.config'` works in this environment.")


@functools.lru_cache(maxsize=4)
def _api_of(root: Path) -> NbGraderAPI:
    """One API per course and process, for work repeated per submission (feedback pages)."""
    return api(root)


def _fingerprint(root: Path) -> str:
    """What the release is made from and what it is: source/, release/ and the configuration."""
    digest = hashlib.sha256()
    files = [root / "nbgrader_config.py"]
    for folder in ("source", "release"):
        files += sorted(p for p in (root / folder).rglob("*") if p.is_file() and "checkpoints" not in str(p))
    for path in files:
        if path.exists():
            digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _registered(nbgrader: NbGraderAPI, names: list[str]) -> bool:
    if not Path(nbgrader.coursedir.db_url.removeprefix("sqlite:///")).exists():
        return False
    with Gradebook(nbgrader.coursedir.db_url, course_id=nbgrader.coursedir.course_id) as gb:
        known = {a.name for a in gb.assignments}
    return set(names) <= known


def release(root: Path, force: bool = True) -> bool:
    """Regenerate release/ from source/ and register every assignment in the gradebook.

    With ``force=False`` nothing is done when neither source/, release/ nor the
    configuration changed since the last release and the gradebook knows every
    assignment (about 2 s an assignment saved on every `make grade`). True if it ran.
    """
    nbgrader = api(root)
    names = assignments(root / "source")
    stamp = root / RELEASE_STAMP
    unchanged = stamp.exists() and stamp.read_text() == _fingerprint(root)
    if not force and unchanged and _registered(nbgrader, names):
        return False
    for name in names:
        done = nbgrader.generate_assignment(name, force=True, create=True)
        if not done.get("success"):
            raise SystemExit(f"nbgrader generate_assignment {name} failed:\n{done.get('log', '')}"
                             f"{done.get('error', '')}")
        (root / "release" / name / SHIPPED_CLIENT).write_bytes(CHECK_CLIENT.read_bytes())
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(_fingerprint(root))
    return True


def feedback(root: Path, assignment: str, student: str) -> bool:
    """Render one student's feedback (reads the gradebook, never writes it): runs in a pool worker."""
    done = _api_of(root).generate_feedback(assignment, student, force=True)
    return bool(done.get("success"))


def _written_answers(nbgrader: NbGraderAPI, assignment: str, student: str) -> dict[tuple[str, str], str]:
    """(notebook, grade id) -> hash of the answer, for every hand-graded cell of the autograded copy."""
    from nnfin.grading import notebook  # the grader's own reader; nothing of nbgrader's needed

    coursedir = nbgrader.coursedir
    folder = Path(coursedir.format_path(coursedir.autograded_directory, student, assignment))
    answers = {}
    for path in sorted(folder.glob("*.ipynb")) if folder.is_dir() else []:
        try:
            cells = notebook.read(path).cells
        except (OSError, ValueError):
            continue
        for cell in cells:
            meta = notebook.nbgrader_meta(cell)
            if meta.get("solution") and meta.get("grade") and meta.get("grade_id"):
                digest = hashlib.sha256(str(cell.get("source", "")).encode()).hexdigest()
                answers[(path.stem, meta["grade_id"])] = digest
    return answers


def hand_graded(nbgrader: NbGraderAPI, assignment: str, student: str) -> dict[tuple[str, str], str]:
    """The written answers of this submission that a grader has graded, as they were graded.

    nbgrader's autograde flags every hand-graded cell for review again (needs_manual_grade), so
    a regrade that changes nothing a grader saw would send every written answer back to the
    grader; `keep_hand_grades` undoes that for the answers that did not change.
    """
    graded: set[tuple[str, str]] = set()
    with Gradebook(nbgrader.coursedir.db_url, course_id=nbgrader.coursedir.course_id) as gb:
        try:
            submission = gb.find_submission(assignment, student)
        except MissingEntry:
            return {}
        for nb in submission.notebooks:
            graded |= {(nb.name, g.name) for g in nb.grades
                       if g.manual_score is not None and not g.needs_manual_grade}
    if not graded:
        return {}
    return {key: digest for key, digest in _written_answers(nbgrader, assignment, student).items()
            if key in graded}


def keep_hand_grades(nbgrader: NbGraderAPI, assignment: str, student: str,
                     before: dict[tuple[str, str], str]) -> int:
    """After a regrade: answers graded by hand and unchanged stay graded (score, comment kept)."""
    if not before:
        return 0
    now = _written_answers(nbgrader, assignment, student)
    kept = 0
    with Gradebook(nbgrader.coursedir.db_url, course_id=nbgrader.coursedir.course_id) as gb:
        for (name, grade_id), digest in before.items():
            if now.get((name, grade_id)) != digest:
                continue  # the answer changed: the grader has to look again
            grade = gb.find_grade(grade_id, name, assignment, student)
            if grade.manual_score is not None and grade.needs_manual_grade:
                grade.needs_manual_grade = False
                kept += 1
        gb.db.commit()
    return kept


def fill_scores(nbgrader: NbGraderAPI, outcomes: list) -> None:
    """Read the scores back from the gradebook, the record of truth."""
    with Gradebook(nbgrader.coursedir.db_url, course_id=nbgrader.coursedir.course_id) as gb:
        for outcome in outcomes:
            assignment = gb.find_assignment(outcome.assignment)
            outcome.max_score = sum(c.max_score for nb in assignment.notebooks
                                    for c in nb.grade_cells if c.cell_type == "code")
            outcome.score = 0.0
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


def export(root: Path, nbgrader: NbGraderAPI | None = None,
           reasons: dict[tuple[str, str], str] | None = None) -> Path:
    """grades.csv beside the gradebook (see `export`): every student, every assignment, and why a 0.

    ``reasons`` adds to what the reuse records say about submissions that did not run.
    """
    from nnfin.grading import reuse

    nbgrader = nbgrader or api(root)
    path = root / GRADES_CSV
    with Gradebook(nbgrader.coursedir.db_url, course_id=nbgrader.coursedir.course_id) as gb:
        return grades_csv.write(path, gb, {**reuse.refusals(root), **(reasons or {})})
