"""A class on the course's JupyterHub: each student on their own server, the course's data kept apart.

Everything a student does here goes through the hub's REST API and the student's own server (its
contents API and a kernel), logged in with the student's own password, under the student's uid.
The instructor's side runs the README's make targets with the hub's exchange.
"""

from __future__ import annotations

import hashlib
import json
import pwd
import re
from pathlib import Path

import pytest

from tests.hub.client import HubUser
from tests.hub.conftest import ASSIGNMENT, INSTRUCTOR, REPO, STUDENTS

NOTEBOOK = "losses.ipynb"
# what a student's kernel tries on a path: read it (or list a folder), and write into it
PROBE = """
import errno, json, os
def attempt(action, path):
    try:
        if action == "list":
            os.listdir(path)
        elif action == "read":
            open(path, "rb").close()
        else:
            open(os.path.join(path, "planted.txt") if os.path.isdir(path) else path, "ab").close()
        return "allowed"
    except OSError as exc:
        return errno.errorcode.get(exc.errno, str(exc.errno))
print(json.dumps({f"{a} {p}": attempt(a, p) for a, p in %r}))
"""


@pytest.fixture(scope="module")
def users(hub) -> dict[str, HubUser]:
    """Every account logged in with its own password; the students' servers started."""
    logged = {name: HubUser(hub.url, name, hub.logins[name]) for name in [INSTRUCTOR, *STUDENTS]}
    for name in STUDENTS:
        logged[name].start()
    return logged


@pytest.fixture(scope="module")
def handed_in(hub, users) -> Path:
    """01_losses released; the first student fetches and submits it from their own server; graded."""
    hub.make("release-assignment")
    first = users[STUDENTS[0]]
    out = first.run(f"import json, subprocess\n"
                    f"steps = [subprocess.run(['nbgrader', step, {ASSIGNMENT!r}], capture_output=True,\n"
                    f"                        text=True) for step in ('fetch_assignment', 'submit')]\n"
                    f"print(json.dumps([[s.returncode, s.stderr[-400:]] for s in steps]))\n")
    assert [code for code, _ in json.loads(out)] == [0, 0], out
    [submission] = (Path(hub.settings.exchange) / hub.settings.course_id / "inbound").iterdir()
    hub.make("collect")
    hub.make("grade")
    return submission


def _probe(user: HubUser, attempts: list[tuple[str, str]]) -> dict[str, str]:
    return json.loads(user.run(PROBE % (attempts,)))


def test_every_server_runs_under_its_own_uid_with_the_students_python(hub, users):
    for name in STUDENTS:
        out = users[name].run("import os, sys; print(os.getuid(), sys.prefix)")
        uid, prefix = out.split()
        assert int(uid) == pwd.getpwnam(name).pw_uid
        assert prefix == hub.settings.student_prefix


def test_a_student_cannot_read_or_change_another_students_work(hub, users, handed_in):
    """The second student, knowing the exact names, reaches none of the first one's work."""
    first, second = STUDENTS
    notebook = handed_in / NOTEBOOK
    before = hashlib.sha256(notebook.read_bytes()).hexdigest()
    working_copy = Path(pwd.getpwnam(first).pw_dir) / ASSIGNMENT / NOTEBOOK
    theirs = [("list", str(handed_in.parent)), ("read", str(notebook)), ("write", str(handed_in)),
              ("write", str(notebook)), ("read", str(working_copy))]
    for _, path in theirs:
        assert Path(path).exists(), path  # so that a refusal is not just a missing file
    outcome = _probe(users[second], theirs)
    assert set(outcome.values()) == {"EACCES"}, outcome
    assert hashlib.sha256(notebook.read_bytes()).hexdigest() == before
    assert not (handed_in / "planted.txt").exists()


def test_course_data_is_out_of_every_students_reach(hub, users, handed_in):
    """source/, grader_tests/, nnfin/reference/, the gradebook and autograded/: read, list, write."""
    course, student = hub.course, STUDENTS[0]
    private = [course / "source" / ASSIGNMENT / NOTEBOOK, course / "gradebook.db",
               course / "autograded" / student / ASSIGNMENT / NOTEBOOK,
               REPO / "grader_tests" / f"test_{ASSIGNMENT}.py", REPO / "nnfin" / "reference" / "losses.py"]
    folders = [course / "source", course / "autograded", REPO / "grader_tests", REPO / "nnfin" / "reference"]
    attempts = [("read", str(p)) for p in private] + [("list", str(f)) for f in folders] + \
               [("write", str(f)) for f in folders]
    for _, path in attempts:
        assert Path(path).exists(), path
    for name in STUDENTS:
        outcome = _probe(users[name], attempts)
        assert set(outcome.values()) == {"EACCES"}, outcome


def test_the_contents_api_follows_no_link_out_of_a_students_reach(hub, users, handed_in):
    """A link in the student's own home to the course or to another's submission opens nothing."""
    second = users[STUDENTS[1]]
    targets = {"to_source": hub.course / "source" / ASSIGNMENT / NOTEBOOK,
               "to_submission": handed_in / NOTEBOOK}
    second.run("import os\n" + "".join(f"os.symlink({str(t)!r}, {n!r})\n" for n, t in targets.items()))
    for name, target in targets.items():
        secret = json.loads(target.read_text())["cells"][0]["source"]
        read = second.api.get(f"{second.server}/api/contents/{name}", timeout=60)
        assert read.status_code != 200 and "".join(secret)[:40] not in read.text, (name, read.status_code)
        before = target.read_bytes()
        wrote = second.api.put(f"{second.server}/api/contents/{name}", timeout=60,
                               json={"type": "file", "format": "text", "content": "planted"})
        assert wrote.status_code >= 400, (name, wrote.status_code)
        assert target.read_bytes() == before


def test_the_formgrader_is_the_instructors_alone(hub, users):
    formgrader = hub.settings.service_url
    instructor = users[INSTRUCTOR].web.get(formgrader, timeout=60)
    assert instructor.status_code == 200 and "nbgrader formgrade" in instructor.text
    for name in STUDENTS:
        page = users[name].web.get(formgrader, timeout=60)  # logged in with the student's password
        assert page.status_code == 403 and "nbgrader formgrade" not in page.text
        api = users[name].api.get(f"{hub.url}/services/{hub.settings.course_id}/api/contents", timeout=60)
        assert api.status_code == 403


def test_students_servers_offer_the_assignments_tab_and_no_instructor_tool(hub, users):
    student = users[STUDENTS[0]]
    assert student.api.get(f"{student.server}/formgrader", timeout=60).status_code == 404
    assignments = student.api.get(f"{student.server}/assignments", timeout=60,
                                  params={"course_id": hub.settings.course_id})
    assert assignments.status_code == 200 and assignments.json()["success"]
    lab = student.api.get(f"{student.server}/lab", timeout=60).text
    page_config = re.search(r'<script id="jupyter-config-data"[^>]*>(.*?)</script>', lab, re.S)
    config = json.loads(page_config.group(1))
    disabled = config["disabledExtensions"]
    for plugin in ("formgrader", "create-assignment", "course-list"):
        assert f"@jupyter/nbgrader:{plugin}" in disabled
    assert "@jupyter/nbgrader:assignment-list" not in disabled
