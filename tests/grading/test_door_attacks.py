"""The door, end to end: hostile names, links, owners, timestamps and sizes through ``make collect`` and
``make grade``, beside an honest control who must keep full marks.

Fenced like tests/grading/test_attacks.py: every step runs the README's make targets on a copy of
the course (``COURSE=``), with a timeout, and student code runs in the sandbox. alice and mallory
are two users of the machine (their own uids, as in tests/grading/test_exchange.py) who fetch and
submit with nbgrader; the other hostile students' folders are made in the exchange by hand, owned
by their own uids, as a student at a shell would make them. ``make collect`` runs in a view whose
/etc/passwd knows them all (the machine's real accounts stay untouched).
"""

from __future__ import annotations

import csv
import datetime
import json
import os
import re
import shutil
import tempfile
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook, MissingEntry

from nnfin.grading import demo, door, notebook
from nnfin.grading.engine import containment
from tests.grading.test_exchange import (
    ASSIGNMENT,
    COURSE_ID,
    NOTEBOOK,
    REPO,
    Student,
    _clean_env,
    _real_users,
    knowing,
)
from tests.makefile import run_make

pytestmark = pytest.mark.skipif(
    not _real_users() or containment.available() is not None,
    reason="needs root, cgroups, bubblewrap and setpriv: students here are users of the machine")

UIDS = {"alice": 64201, "mallory": 64202, "linus": 64203, "shade": 64204, "hardy": 64205,
        "piper": 64206, "futura": 64207, "trunc": 64208, "olga": 64209}
SECRET = "nnfin-door-secret-7f3a"  # stands for /etc/shadow: a file no student may read
NOW = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


def _stamp(when: datetime.datetime) -> str:
    return when.strftime(door.TIMESTAMP_FORMAT)


def _craft(inbound: Path, student: str, uid: int, when: datetime.datetime, files: dict,
           suffix: str = "x1") -> Path:
    """A submission folder made by hand by the user ``uid``: files are bytes or ("link", target),
    ("hardlink", path), ("fifo",)."""
    folder = inbound / f"{student}+{ASSIGNMENT}+{_stamp(when)}+{suffix}"
    folder.mkdir()
    (folder / "timestamp.txt").write_text(_stamp(when))
    for name, what in files.items():
        path = folder / name
        if isinstance(what, bytes):
            path.write_bytes(what)
        elif what[0] == "link":
            path.symlink_to(what[1])
        elif what[0] == "hardlink":
            os.link(what[1], path)
        else:
            os.mkfifo(path)
    for path in [folder, *folder.iterdir()]:
        os.lchown(path, uid, uid)
    return folder


def _grades(course: Path) -> dict[tuple[str, str], dict]:
    with open(course / "grades.csv", newline="") as handle:
        return {(r["student_id"], r["assignment"]): r for r in csv.DictReader(handle)}


@pytest.fixture(scope="module")
def batch():
    base = Path(tempfile.mkdtemp(prefix="nnfin-door-"))
    base.chmod(0o755)
    try:
        course = base / "course"
        (course / "source").mkdir(parents=True)
        shutil.copytree(REPO / "source" / ASSIGNMENT, course / "source" / ASSIGNMENT)
        shutil.copy(REPO / "nbgrader_config.py", course / "nbgrader_config.py")
        secret = base / "shadow"
        secret.write_text(SECRET)
        secret.chmod(0o600)
        passwd = base / "passwd"
        passwd.write_text(Path("/etc/passwd").read_text() + "".join(
            f"{name}:x:{uid}:{uid}:{name}:{base / 'home' / name}:/bin/sh\n" for name, uid in UIDS.items()))
        passwd.chmod(0o644)  # every student's nbgrader reads it, whatever the umask
        exchange = course / "exchange"
        logs = {"release": run_make("release-assignment", course, _clean_env(), f"ASSIGNMENT={ASSIGNMENT}")}
        real = {name: Student(name, UIDS[name], base, exchange, passwd) for name in ("alice", "mallory")}
        model = demo.model_answers(course, ASSIGNMENT)
        answers = {notebook.grade_id(c): c.source for c in model.cells
                   if notebook.nbgrader_meta(c).get("solution") and c.cell_type == "code"}
        for student in real.values():
            student.nbgrader("fetch_assignment", ASSIGNMENT)
            student.answer(answers)
            student.nbgrader("submit", ASSIGNMENT)
        inbound = exchange / COURSE_ID / "inbound"
        good = nbformat.writes(model).encode()
        blank = (course / "release" / ASSIGNMENT / NOTEBOOK).read_bytes()
        data = (course / "release" / ASSIGNMENT / "returns.npz").read_bytes()
        solution = course / "source" / ASSIGNMENT / NOTEBOOK
        hour = datetime.timedelta(hours=1)
        # mallory hands in a blank notebook in alice's name, dated 2030 (nbgrader took it over alice's)
        _craft(inbound, "alice", UIDS["mallory"], datetime.datetime(2030, 1, 1), {NOTEBOOK: blank})
        # and names that nbgrader would read as a glob or that break its CSV export
        for name in ("*", "mallory,,,,34.0,0.0,34.0,34.0,", "..", "-rf"):
            _craft(inbound, name, UIDS["mallory"], NOW - hour, {NOTEBOOK: blank})
        _craft(inbound, "linus", UIDS["linus"], NOW - hour, {NOTEBOOK: ("link", solution)})
        _craft(inbound, "shade", UIDS["shade"], NOW - hour, {NOTEBOOK: good, "returns.npz": ("link", secret)})
        own = base / "hardy-notebook.ipynb"
        own.write_bytes(good)
        os.chown(own, UIDS["hardy"], UIDS["hardy"])
        _craft(inbound, "hardy", UIDS["hardy"], NOW - hour,
               {NOTEBOOK: ("hardlink", own), "returns.npz": data})
        _craft(inbound, "piper", UIDS["piper"], NOW - hour, {NOTEBOOK: good, "returns.npz": ("fifo",)})
        # futura's honest submission, then a blank one with a timestamp from the future
        _craft(inbound, "futura", UIDS["futura"], NOW - hour, {NOTEBOOK: good, "returns.npz": data})
        _craft(inbound, "futura", UIDS["futura"], datetime.datetime(2030, 1, 1), {NOTEBOOK: blank}, "x2")
        _craft(inbound, "trunc", UIDS["trunc"], NOW - hour, {NOTEBOOK: good[: len(good) // 2]})
        empty = json.loads(blank)
        empty["cells"][0].setdefault("outputs", [])
        code = next(c for c in empty["cells"] if c["cell_type"] == "code")
        code["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ""}] * 100_000
        _craft(inbound, "olga", UIDS["olga"], NOW - hour, {NOTEBOOK: json.dumps(empty).encode()})
        # and, handed in by hand into submitted/: a notebook that is a link to the model answers
        hand = course / "submitted" / "sym_sub" / ASSIGNMENT
        hand.mkdir(parents=True)
        (hand / NOTEBOOK).symlink_to(solution)
        logs["collect"] = run_make("collect", course, _clean_env(), f"ASSIGNMENT={ASSIGNMENT}",
                                   prefix=knowing(passwd))
        logs["grade"] = run_make("grade", course, _clean_env(), f"ASSIGNMENT={ASSIGNMENT}", "JOBS=2")
        logs["regrade"] = run_make("grade", course, _clean_env(), "JOBS=2")
        logs["feedback"] = run_make("feedback", course, _clean_env(), "JOBS=2")
        logs["export"] = run_make("export", course, _clean_env())
        yield course, logs, secret
    finally:
        shutil.rmtree(base, ignore_errors=True)


def _full(course: Path) -> float:
    nb = notebook.read(course / "release" / ASSIGNMENT / NOTEBOOK)
    return sum(float(notebook.nbgrader_meta(c)["points"]) for c in notebook.test_cells(nb).values())


DESERVED = {  # student: (full marks?, words of the reason in grades.csv)
    "alice": (True, ""), "mallory": (True, ""), "futura": (True, ""),
    "linus": (False, "symbolic link"), "shade": (False, "symbolic link"), "hardy": (False, "hard link"),
    "piper": (False, "FIFO"), "trunc": (False, "not valid JSON"), "olga": (False, "outputs"),
    "sym_sub": (False, "symbolic link"),
}


def test_each_student_gets_what_they_deserve(batch):
    course, logs, _ = batch
    rows, full = _grades(course), _full(course)
    assert full > 0
    for student, (whole, words) in DESERVED.items():
        row = rows[(student, ASSIGNMENT)]
        assert float(row["raw_score"]) == pytest.approx(full if whole else 0.0), (student, row)
        assert words in row["reason"] and bool(row["reason"]) == (not whole), (student, row["reason"])


def test_nothing_but_real_students_reaches_the_gradebook(batch):
    course, logs, _ = batch
    assert {s for s, _ in _grades(course)} == set(DESERVED)
    for name in ("*", "mallory,,,,34.0,0.0,34.0,34.0,", "..", "-rf"):
        assert f"student id {door.shown(name)} is not allowed" in logs["collect"], name
    assert f"belongs to uid {UIDS['mallory']}, not to alice" in logs["collect"]
    assert "in the future" in logs["collect"]
    assert sorted(p.name for p in (course / "autograded").iterdir()) == sorted(DESERVED)


def test_grades_csv_is_the_gradebook(batch):
    course, _, _ = batch
    rows = _grades(course)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", course_id=COURSE_ID) as gb:
        students = {s.id for s in gb.students}
        assert {s for s, _ in rows} == students
        for (student, assignment), row in rows.items():
            try:
                score = gb.find_submission(assignment, student).score
            except MissingEntry:
                score = 0.0
            assert float(row["raw_score"]) == pytest.approx(score), (student, row)
            assert float(row["max_score"]) == pytest.approx(gb.find_assignment(assignment).max_score)


def test_nothing_outside_a_submission_is_read(batch):
    course, _, secret = batch
    solution = (course / "source" / ASSIGNMENT / NOTEBOOK).read_text()
    marker = "### BEGIN SOLUTION"
    assert marker in solution
    for folder in ("submitted", "autograded", "feedback", "build"):
        for path in (course / folder).rglob("*"):
            assert not path.is_symlink() or folder == "submitted", path
            if path.is_file() and not path.is_symlink():
                text = path.read_bytes()
                assert SECRET.encode() not in text, path
                assert marker.encode() not in text, path


def test_an_unchanged_refused_submission_is_not_graded_again(batch):
    course, logs, _ = batch
    assert "Nothing changed since the last grading" in logs["regrade"], logs["regrade"]


def test_the_report_links_only_pages_that_exist(batch):
    course, _, _ = batch
    page = (course / "reports" / "class_report.html").read_text()
    links = re.findall(r'<a href="([^"]+)">', page)
    assert len(links) == len(DESERVED)
    for link in links:
        assert (course / "reports" / link).resolve().is_file(), link
    refused = (course / "feedback" / "trunc" / ASSIGNMENT / "losses.html").read_text()
    assert "not valid JSON" in refused and "was not run" in refused
