"""nbgrader's exchange, round trip, with two students who are two different users of the machine.

The instructor's side runs the README's make targets on a copy of the course (``COURSE=``):
``make release-assignment`` -> students fetch, work and submit -> ``make collect`` ->
``make grade`` -> ``make feedback`` -> ``make release-feedback`` -> students fetch their feedback.
The demo class (``reference`` and ``blank``, handed in without the exchange, so without a
``timestamp.txt``) sits in submitted/ too, as after ``make demo``: it is graded with the others,
and release-feedback skips it with one line each instead of stopping everyone's feedback.

nbgrader names a student after the operating-system user that runs ``nbgrader submit`` and
``nbgrader fetch_feedback`` (``nbgrader.utils.get_username``: ``pwd.getpwuid(os.getuid())``,
or ``JUPYTERHUB_USER`` for the container user ``jovyan``), as on a JupyterHub where every
student has an account. So each student's commands run under their own uid, with their own home,
in a bubblewrap view whose /etc/passwd knows them (the machine's real accounts stay untouched).
Without root or bubblewrap the same commands name the student with nbgrader's ``--student``.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest

from nnfin.grading import demo, notebook
from nnfin.grading.engine import isolation
from tests.makefile import run_make

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
ASSIGNMENT = "01_losses"
NOTEBOOK = "losses.ipynb"
COURSE_ID = "nnfin-module3"
# alice hands in the model answers, bob the demo class's "sum instead of mean" in mse()
STUDENTS = {"alice": 62101, "bob": 62102}
SUM_NOT_MEAN = demo.DEMO_MISTAKES[0]
DEMO_CLASS = ("reference", "blank")  # demo.install without mistakes: the model answers and the release
STUDENT_CONFIG = """\
c = get_config()  # noqa: F821
c.CourseDirectory.course_id = {course!r}
c.Exchange.root = {exchange!r}
"""


def _real_users() -> bool:
    return os.geteuid() == 0 and isolation.bwrap_path() is not None and shutil.which("setpriv") is not None


def _clean_env(home: Path | None = None) -> dict[str, str]:
    """No make jobserver, no personal Jupyter config: only what the command is given."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("MAKE", "MFLAGS", "JUPYTER", "PYTEST", "NBGRADER"))}
    env["PATH"] = f"{BIN}{os.pathsep}/usr/bin{os.pathsep}/bin"
    if home is not None:
        env.update(HOME=str(home), USER=home.name, LOGNAME=home.name)
    return env


def _make(course: Path, target: str) -> str:
    return run_make(target, course, _clean_env(), f"ASSIGNMENT={ASSIGNMENT}", "JOBS=1")


def _collect(course: Path, passwd: Path | None) -> str:
    """``make collect`` as the instructor, whose machine knows the students (it checks folder owners)."""
    if passwd is None:
        pytest.skip("make collect takes a submission only from the uid of the student it names: "
                    "this needs root, bubblewrap and setpriv to make students who are users")
    return run_make("collect", course, _clean_env(), f"ASSIGNMENT={ASSIGNMENT}", prefix=knowing(passwd))


def knowing(passwd: Path) -> list[str]:
    """A command prefix: the instructor (root) on a machine whose user database is ``passwd``."""
    return [isolation.bwrap_path(), "--dev-bind", "/", "/", "--ro-bind", str(passwd), "/etc/passwd",
            "--cap-add", "ALL", "--die-with-parent"]


def _reachable(folders: list[Path]) -> list[str]:
    """bwrap arguments that let another uid reach ``folders`` (Python, the venv) read-only.

    A folder above them that is private to root (/root, or a clone under ``mktemp -d``) is
    replaced by an empty tmpfs, and only ``folders`` are bound back into it.
    """
    private = {parent for folder in folders for parent in folder.parents
               if parent != Path("/") and not parent.stat().st_mode & 0o001}
    tops = sorted(p for p in private if not any(q in p.parents for q in private))
    args = [arg for top in tops for arg in ("--perms", "0755", "--tmpfs", str(top))]
    for folder in sorted(folders, key=lambda p: len(p.parts)):
        args += ["--ro-bind", str(folder), str(folder)]
    return args


class Student:
    """One student: a home folder, a uid and nbgrader commands run as that user."""

    def __init__(self, name: str, uid: int, base: Path, exchange: Path, passwd: Path | None):
        self.name, self.uid, self.passwd = name, uid, passwd
        self.home = base / "home" / name
        (self.home / ".jupyter").mkdir(parents=True)
        (self.home / ".jupyter" / "nbgrader_config.py").write_text(
            STUDENT_CONFIG.format(course=COURSE_ID, exchange=str(exchange)))
        if passwd is not None:
            for path in [self.home, *self.home.rglob("*")]:
                os.chown(path, uid, uid)

    def _argv(self, args: list[str]) -> list[str]:
        nbgrader = [str(BIN / "nbgrader"), *args]
        if self.passwd is None:
            return [*nbgrader, f"--student={self.name}"]
        cmd = [isolation.bwrap_path(), "--dev-bind", "/", "/", "--ro-bind", str(self.passwd), "/etc/passwd",
               *_reachable([Path(sys.base_prefix), BIN.parent]),
               "--chdir", str(self.home), "--die-with-parent"]
        return [*cmd, "setpriv", f"--reuid={self.uid}", f"--regid={self.uid}", "--clear-groups", *nbgrader]

    def nbgrader(self, *args: str) -> str:
        result = subprocess.run(self._argv(list(args)), cwd=self.home, env=_clean_env(self.home),
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, (f"{self.name}: nbgrader {' '.join(args)} failed:\n"
                                        f"{result.stdout}\n{result.stderr}")
        return result.stdout + result.stderr

    def answer(self, answers: dict[str, str]) -> None:
        """The student fills in the fetched notebook, as in JupyterLab."""
        path = self.home / ASSIGNMENT / NOTEBOOK
        nb = notebook.read(path)
        for cell in nb.cells:
            if notebook.grade_id(cell) in answers:
                cell.source = answers[notebook.grade_id(cell)]
        nbformat.write(nb, path)
        if self.passwd is not None:
            os.chown(path, self.uid, self.uid)


def _model_answers(course: Path) -> dict[str, str]:
    return {notebook.grade_id(c): c.source for c in demo.model_answers(course, ASSIGNMENT).cells
            if notebook.nbgrader_meta(c).get("solution") and c.cell_type == "code"}


@pytest.fixture(scope="module")
def round_trip() -> Iterator[tuple[Path, dict[str, Student], dict[str, str]]]:
    """The whole loop, once; the tests below look at what each step left behind."""
    # a folder every student uid may pass through (pytest's own tmp folders are private to root)
    base = Path(tempfile.mkdtemp(prefix="nnfin-exchange-"))
    base.chmod(0o755)
    try:
        course = base / "course"
        (course / "source").mkdir(parents=True)  # one assignment is enough for the loop
        shutil.copytree(REPO / "source" / ASSIGNMENT, course / "source" / ASSIGNMENT)
        shutil.copy(REPO / "nbgrader_config.py", course / "nbgrader_config.py")
        exchange = course / "exchange"
        passwd = None
        if _real_users():
            passwd = base / "passwd"
            passwd.write_text(Path("/etc/passwd").read_text().rstrip("\n") + "\n" + "".join(
                f"{name}:x:{uid}:{uid}:{name}:{base / 'home' / name}:/bin/sh\n"
                for name, uid in STUDENTS.items()))
        students = {name: Student(name, uid, base, exchange, passwd) for name, uid in STUDENTS.items()}
        logs = {"release": _make(course, "release-assignment")}
        assert sorted(demo.install(course, mistakes=())) == sorted(DEMO_CLASS)
        for student in students.values():
            logs[f"fetch {student.name}"] = student.nbgrader("fetch_assignment", ASSIGNMENT)
        model = _model_answers(course)
        wrong = demo.wrong_answer(SUM_NOT_MEAN)
        students["alice"].answer(model)
        students["bob"].answer({**model, SUM_NOT_MEAN.cell: wrong})
        for student in students.values():
            logs[f"submit {student.name}"] = student.nbgrader("submit", ASSIGNMENT)
        logs["collect"] = _collect(course, passwd)
        for step in ("grade", "feedback", "release-feedback", "export"):
            logs[step] = _make(course, step)
        for student in students.values():
            logs[f"fetch_feedback {student.name}"] = student.nbgrader("fetch_feedback", ASSIGNMENT)
        yield course, students, logs
    finally:
        shutil.rmtree(base, ignore_errors=True)


def test_each_student_fetches_their_own_copy(round_trip):
    course, students, logs = round_trip
    for student in students.values():
        fetched = student.home / ASSIGNMENT
        assert (fetched / "returns.npz").is_file()
        assert "### BEGIN SOLUTION" not in (fetched / NOTEBOOK).read_text()
        if student.passwd is not None:
            assert (fetched / NOTEBOOK).stat().st_uid == student.uid


def test_collect_files_each_submission_under_its_student(round_trip):
    course, students, logs = round_trip
    for name in students:
        assert (course / "submitted" / name / ASSIGNMENT / NOTEBOOK).is_file()
        assert (course / "submitted" / name / ASSIGNMENT / "timestamp.txt").is_file()
    assert sorted(p.name for p in (course / "submitted").iterdir()) == sorted([*students, *DEMO_CLASS])
    # each submission in the exchange belongs to the user who submitted it: what `make collect`
    # requires of the folder it takes (nnfin/grading/collect.py)
    inbound = course / "exchange" / COURSE_ID / "inbound"
    for name, student in students.items():
        [folder] = inbound.glob(f"{name}+{ASSIGNMENT}+*")
        if student.passwd is not None:
            assert folder.stat().st_uid == student.uid


def test_grades_follow_what_each_student_submitted(round_trip):
    course, students, logs = round_trip
    with open(course / "grades.csv", newline="") as handle:
        rows = {(r["student_id"], r["assignment"]): r for r in csv.DictReader(handle)}
    alice, bob = rows[("alice", ASSIGNMENT)], rows[("bob", ASSIGNMENT)]
    assert float(alice["raw_score"]) == pytest.approx(34.0)  # written answers are not graded yet
    assert float(bob["raw_score"]) < float(alice["raw_score"])


def test_each_student_fetches_only_their_own_feedback(round_trip):
    course, students, logs = round_trip
    pages = {}
    for name, student in students.items():
        found = sorted((student.home / ASSIGNMENT / "feedback").glob(f"*/{NOTEBOOK[:-6]}.html"))
        assert len(found) == 1, f"{name} fetched {found}"
        pages[name] = found[0].read_text()
    assert "sum instead of a mean" in pages["bob"]
    assert "sum instead of a mean" not in pages["alice"]
    for name, page in pages.items():
        other = next(n for n in students if n != name)
        assert page == (course / "feedback" / name / ASSIGNMENT / f"{NOTEBOOK[:-6]}.html").read_text()
        assert page != (course / "feedback" / other / ASSIGNMENT / f"{NOTEBOOK[:-6]}.html").read_text()


def test_release_feedback_skips_the_demo_class_and_releases_everyone_else(round_trip):
    course, students, logs = round_trip
    lines = logs["release-feedback"].splitlines()
    skipped = [line for line in lines if line.startswith("skipped ")]
    assert sorted(line.split()[1] for line in skipped) == sorted(DEMO_CLASS)  # one line each
    assert all("no timestamp.txt" in line for line in skipped)
    assert "Traceback" not in logs["release-feedback"]
    assert f"Released the feedback of {len(students)} submissions" in logs["release-feedback"]
    released = sorted((course / "exchange" / COURSE_ID / "feedback").glob("*.html"))
    assert len(released) == len(students)
    # the demo class was graded and has its pages; they just cannot be fetched by anyone
    for name in DEMO_CLASS:
        assert (course / "feedback" / name / ASSIGNMENT / f"{NOTEBOOK[:-6]}.html").is_file()
