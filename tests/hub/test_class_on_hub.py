"""A class on the course's JupyterHub: each student on their own server, the course's data kept apart.

Everything a student does here goes through the hub's REST API and the student's own server (its
contents API and a kernel), logged in with the student's own password, under the student's uid.
The instructor's side runs the README's make targets with the hub's exchange.
"""

from __future__ import annotations

import hashlib
import json
import os
import pwd
import re
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from nnfin.check import store
from nnfin.grading import demo
from tests.browser.test_course_day import (
    ANSWER,
    COMMENT,
    LAB_SETTINGS,
    SUM_NOT_MEAN,
    WRITTEN,
    _answered,
    _page,
    _shot,
    _submission_id,
)
from tests.hub.client import HubUser
from tests.hub.conftest import ASSIGNMENT, CHECK_COOLDOWN, INSTRUCTOR, REPO, STUDENTS

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
    """The first student's submission in the exchange, collected and graded.

    After the week in the browser it is there already; without a browser, the student fetches
    and submits with nbgrader's commands in a kernel of their own server, and the instructor grades.
    """
    inbound = Path(hub.settings.exchange) / hub.settings.course_id / "inbound"
    theirs = sorted(inbound.glob(f"{STUDENTS[0]}+*")) if inbound.exists() else []
    if theirs and (hub.course / "gradebook.db").exists():
        return theirs[-1]
    hub.make("release-assignment")
    first = users[STUDENTS[0]]
    out = first.run(f"import json, subprocess\n"
                    f"steps = [subprocess.run(['nbgrader', step, {ASSIGNMENT!r}], capture_output=True,\n"
                    f"                        text=True) for step in ('fetch_assignment', 'submit')]\n"
                    f"print(json.dumps([[s.returncode, s.stderr[-400:]] for s in steps]))\n")
    assert [code for code, _ in json.loads(out)] == [0, 0], out
    [submission] = inbound.glob(f"{STUDENTS[0]}+*")
    hub.make("collect")
    hub.make("grade")
    return submission




# --- the week in a real browser ------------------------------------------------------------------

MODEL, MISTAKE = STUDENTS  # the first hands in the model answers, the second a sum instead of a mean
SCORES = {MODEL: "Score: 39.0 / 40.0", MISTAKE: "Score: 31.2 / 40.0"}  # 34 + 5 by hand; 34 - 2.8, no essay


def _login(browser, hub, name: str, next_path: str = ""):
    """A browser of its own for ``name``, logged in on the hub's login page with their password."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = _page(context)
    page.set_default_timeout(60_000)
    page.goto(f"{hub.url}/hub/login" + (f"?next={quote(next_path)}" if next_path else ""), wait_until="load")
    page.fill("#username_input", name)
    page.fill("#password_input", hub.logins[name])
    page.click("#login_submit")
    return context, page


def _quiet_lab(name: str) -> None:
    """No news from the internet and every cell rendered, in the student's own lab settings."""
    entry = pwd.getpwnam(name)
    settings = Path(entry.pw_dir) / ".jupyter"
    for rel, text in LAB_SETTINGS.items():
        path = settings / "lab" / "user-settings" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    for path in [settings, *settings.rglob("*")]:
        os.chown(path, entry.pw_uid, entry.pw_gid)


def _assignments_tab(page) -> None:
    """Nbgrader > Assignment List, the students' tab; the instructor's tools are not in the menu."""
    page.locator("#jp-MainMenu").get_by_text("Nbgrader", exact=True).click()
    menu = page.locator(".lm-Menu").last
    menu.get_by_text("Assignment List", exact=True).wait_for()
    items = menu.inner_text()
    assert "Formgrader" not in items and "Create assignment" not in items and "Course List" not in items
    menu.get_by_text("Assignment List", exact=True).click()
    page.locator("#released_assignments_list").wait_for()


def _formgrader_row(page):
    row = page.locator("tr", has=page.get_by_text(ASSIGNMENT, exact=True))
    row.first.wait_for()
    return row.first


def _modal_says(page, text: str) -> None:
    modal = page.locator("#success-modal")
    modal.get_by_text(text).wait_for(timeout=120_000)
    modal.locator(".modal-footer button").first.click()
    modal.wait_for(state="detached")


@pytest.fixture(scope="module")
def week(hub, users, browser) -> dict:
    """Who is logged in where, kept across the week's steps (closed at the end)."""
    state: dict = {}
    yield state
    for context, _ in state.values():
        context.close()


def test_week_1_release_fetch_validate_submit_in_the_browser(hub, users, browser, week):
    """The instructor releases 01_losses in the formgrader; each student fetches, validates, submits."""
    formgrader = f"/services/{hub.settings.course_id}/formgrader/manage_assignments"
    week[INSTRUCTOR] = context, page = _login(browser, hub, INSTRUCTOR, formgrader)
    row = _formgrader_row(page)
    row.locator(".release a").click()
    _modal_says(page, f"Successfully released '{ASSIGNMENT}'.")
    _shot(page, "hub-1-instructor-released")

    answers = {MODEL: {WRITTEN: ANSWER}, MISTAKE: {SUM_NOT_MEAN.cell: demo.wrong_answer(SUM_NOT_MEAN)}}
    for name in STUDENTS:
        _quiet_lab(name)
        week[name] = context, page = _login(browser, hub, name)
        page.locator("#jp-MainMenu").wait_for(timeout=180_000)  # the student's own server, started
        assert f"/user/{name}/" in page.url
        _assignments_tab(page)
        page.locator("#released_assignments_list").get_by_role("button", name="Fetch").click()
        fetched = page.locator("#fetched_assignments_list")
        fetched.get_by_text(ASSIGNMENT).first.wait_for(timeout=120_000)
        _shot(page, f"hub-2-{name}-fetched")

        # the student's work, saved through their own server (as their editor saves it)
        saved = users[name].api.put(f"{users[name].server}/api/contents/{ASSIGNMENT}/{NOTEBOOK}", timeout=60,
                                    json={"type": "notebook", "format": "json",
                                          "content": _answered(hub.course, answers[name])})
        assert saved.status_code == 200, saved.text
        page.goto(f"{hub.url}/user/{name}/lab/tree/{ASSIGNMENT}/{NOTEBOOK}", wait_until="load")
        page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=90_000)
        try:  # JupyterLab may ask which kernel to start: the notebook's own
            page.locator(".jp-Dialog").get_by_role("button", name="Select").click(timeout=10_000)
        except PlaywrightTimeout:
            pass
        page.locator(".jp-NotebookPanel-toolbar").get_by_text("Validate", exact=True).click()
        dialog = page.locator(".jp-Dialog")
        dialog.wait_for(timeout=180_000)
        verdict = dialog.locator(".jp-Dialog-body")
        verdict.get_by_text("Success!" if name == MODEL else "The following cell failed:").first.wait_for(
            timeout=180_000)
        assert ("Success! Your notebook passes all the tests." in verdict.inner_text()) == (name == MODEL)
        _shot(page, f"hub-3-{name}-validated")
        dialog.get_by_role("button").last.click()

        _assignments_tab(page)
        fetched = page.locator("#fetched_assignments_list")
        fetched.get_by_role("button", name="Submit").first.click()
        page.locator("#submitted_assignments_list .list_item").first.wait_for(timeout=120_000)
        _shot(page, f"hub-4-{name}-submitted")
    inbound = Path(hub.settings.exchange) / hub.settings.course_id / "inbound"
    assert sorted(p.name.split("+")[0] for p in inbound.iterdir()) == sorted(STUDENTS)
    assert {p.stat().st_uid for p in inbound.iterdir()} == {pwd.getpwnam(n).pw_uid for n in STUDENTS}


def test_week_2_collect_grade_and_hand_grade_through_the_hub(hub, browser, week):
    """Collect in the formgrader, `make grade`, the written answer graded in the formgrader via the hub."""
    context, page = week[INSTRUCTOR]
    page.goto(f"{hub.settings.service_url}/manage_assignments", wait_until="load")
    _formgrader_row(page).locator(".collect a").click()
    _modal_says(page, f"Successfully collected submissions of '{ASSIGNMENT}'.")
    for name in STUDENTS:
        assert (hub.course / "submitted" / name / ASSIGNMENT / NOTEBOOK).exists()
    hub.make("grade")

    submission = _submission_id(hub.course, MODEL)
    page.goto(f"{hub.settings.service_url}/submissions/{submission}/", wait_until="load")
    page.get_by_text(ANSWER[:40]).wait_for()
    page.wait_for_function("() => window.formgrader && formgrader.grades.loaded "
                           "&& formgrader.comments.loaded", timeout=60_000)
    score, comment = page.locator(f"#{WRITTEN}"), page.locator(f"#{WRITTEN}-comment")
    with page.expect_response(lambda r: "/formgrader/api/grade/" in r.url
                              and r.request.method == "PUT" and r.ok, timeout=60_000):
        score.fill("5")
        score.press("Tab")
    with page.expect_response(lambda r: "/formgrader/api/comment/" in r.url
                              and r.request.method == "PUT" and r.ok, timeout=60_000):
        comment.fill(COMMENT)
        comment.press("Tab")
    score.scroll_into_view_if_needed()
    _shot(page, "hub-5-instructor-graded")
    hub.make("feedback")
    hub.make("release-feedback")


def test_week_3_each_student_fetches_their_own_feedback(hub, users, browser, week):
    for name in STUDENTS:
        context, page = week[name]
        page.goto(f"{hub.url}/user/{name}/lab", wait_until="load")
        page.locator("#jp-MainMenu").wait_for(timeout=120_000)
        _assignments_tab(page)
        submitted = page.locator("#submitted_assignments_list")
        submitted.get_by_role("button", name="Fetch Feedback").first.click()
        submitted.get_by_text("view feedback").first.wait_for(timeout=120_000)
        _shot(page, f"hub-6-{name}-feedback-fetched")
        listing = users[name].api.get(f"{users[name].server}/api/contents/{ASSIGNMENT}/feedback",
                                      timeout=60).json()["content"]
        [stamp] = [entry["name"] for entry in listing]
        page.goto(f"{hub.url}/user/{name}/files/{ASSIGNMENT}/feedback/{stamp}/losses.html", wait_until="load")
        text = page.inner_text("body")
        assert SCORES[name] in text, text[:400]
        other = MISTAKE if name == MODEL else MODEL
        assert SCORES[other] not in text
        if name == MODEL:
            assert COMMENT in text
        else:
            assert "sum instead of a mean" in text and COMMENT not in text
        _shot(page, f"hub-7-{name}-feedback")


# --- what a student can reach --------------------------------------------------------------------

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


def test_a_students_terminal_finds_nbgrader_and_the_course(hub, users, handed_in):
    """In a terminal of their server a student has nbgrader, and it knows the course's exchange."""
    out = users[STUDENTS[1]].terminal("command -v nbgrader; nbgrader list 2>&1")
    assert f"{hub.settings.student_prefix}/bin/nbgrader" in out, out
    assert f"{hub.settings.course_id} {ASSIGNMENT}" in out, out  # released, fetchable
    assert "Unwritable" not in out and "command not found" not in out, out


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


# --- Check my work on the hub --------------------------------------------------------------------

def _run_check_cell(page):
    """Run the notebook's last code cell (the release's ``check_my_work()``) in place; that cell."""
    # the notebook in front: a reopened notebook may leave an earlier, hidden panel in the page
    cells = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-CodeCell")
    cell = cells.nth(cells.count() - 1)
    cell.scroll_into_view_if_needed()
    cell.locator(".jp-InputPrompt").click()
    page.keyboard.press("Control+Enter")  # run, and stay on this cell (no new cell below it)
    return cell


def test_a_student_checks_their_work_on_the_hub_fixes_the_named_mistake_and_checks_again(
        hub, users, browser):
    """check_my_work() in the student's own notebook, on their own server: the hub says who they are.

    The first check names the mistake (a sum instead of a mean); the student saves the fix, waits
    out the cooldown and checks again: full marks. The attempts store beside the gradebook, which
    the instructor's class report reads, holds both attempts under the student's hub name.
    """
    name = MISTAKE
    student = users[name]
    contents = f"{student.server}/api/contents/checking"
    assert student.api.put(contents, json={"type": "directory"}, timeout=60).status_code in (200, 201)
    client = (hub.course / "release" / ASSIGNMENT / "check_my_work.py").read_text()
    shipped = student.api.put(f"{contents}/check_my_work.py", timeout=60,
                              json={"type": "file", "format": "text", "content": client})
    assert shipped.status_code in (200, 201), shipped.text

    def save(answers: dict[str, str]) -> None:  # as the student's editor saves the notebook
        saved = student.api.put(f"{contents}/{NOTEBOOK}", timeout=60, json={
            "type": "notebook", "format": "json", "content": _answered(hub.course, answers)})
        assert saved.status_code in (200, 201), saved.text

    def open_notebook(page) -> None:
        page.goto(f"{hub.url}/user/{name}/lab/tree/checking/{NOTEBOOK}", wait_until="load")
        page.locator(".jp-Notebook .jp-Cell").first.wait_for(state="attached", timeout=120_000)
        # the lab restores its last layout as it opens the notebook: bring the notebook's tab to the front
        page.locator(".lm-DockPanel .lm-TabBar-tab", has_text=NOTEBOOK).first.click()
        try:  # JupyterLab may ask which kernel to start: the notebook's own
            page.locator(".jp-Dialog").get_by_role("button", name="Select").click(timeout=10_000)
        except PlaywrightTimeout:
            pass
        # its kernel is idle: the indicator in the visible notebook's toolbar (the status bar has another)
        page.locator(".jp-NotebookPanel-toolbar .jp-Notebook-ExecutionIndicator[data-status='idle']"
                     " >> visible=true").first.wait_for(timeout=120_000)

    def _attempts() -> list:
        return [a for a in store.read(hub.course / store.STORE) if a.assignment == ASSIGNMENT]

    earlier = _attempts()
    save({SUM_NOT_MEAN.cell: demo.wrong_answer(SUM_NOT_MEAN)})
    _quiet_lab(name)
    context, page = _login(browser, hub, name)
    try:
        page.locator("#jp-MainMenu").wait_for(timeout=180_000)
        open_notebook(page)
        cell = _run_check_cell(page)
        output = cell.locator(".jp-OutputArea")
        output.get_by_text("sum instead of a mean").first.wait_for(timeout=180_000)
        first_answer = time.monotonic()
        shown = output.inner_text()
        assert "as saved on disk" in shown and "autograded points" in shown, shown
        _shot(page, "hub-check-1-named-mistake")

        save({})  # the model answers: the mistake fixed
        time.sleep(max(0.0, first_answer + CHECK_COOLDOWN + 0.5 - time.monotonic()))
        open_notebook(page)
        cell = _run_check_cell(page)
        full = re.compile(r"01_losses: (\d+(?:\.\d+)?) / \1 autograded points")
        cell.locator(".jp-OutputArea").get_by_text(full).first.wait_for(timeout=180_000)
        assert "sum instead of a mean" not in cell.locator(".jp-OutputArea").inner_text()
        _shot(page, "hub-check-2-full-marks")
    finally:
        _shot(page, "hub-check-last")
        context.close()

    attempts = [a for a in _attempts() if a not in earlier]  # the week's validations also check
    assert [(a.student, a.status) for a in attempts] == [(name, "answered")] * 2
    mistaken, fixed = attempts
    assert mistaken.score < mistaken.max_score
    assert any("sum instead of a mean" in part["mistakes"] for part in mistaken.parts.values())
    assert fixed.score == fixed.max_score > 0
    assert not any(part["mistakes"] for part in fixed.parts.values())
