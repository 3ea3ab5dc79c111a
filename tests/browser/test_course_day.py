"""A day of the course in a real browser: a student in JupyterLab, the instructor in the formgrader.

A copy of the course with one assignment (01_losses) is released, two students hand it in
(alice: the model answers and a written answer; bob: the demo class's "sum instead of mean"),
and ``make grade`` and ``make feedback`` run on it. Then headless Chromium, on real Jupyter
servers started here on free ports of 127.0.0.1:

* the student opens the released notebook (answered) in JupyterLab, runs all cells, sees a
  visible test's message and a plot, and validates with nbgrader's *Validate* button;
* the instructor starts ``make lab``, sees the assignment and the submissions in the formgrader
  (and no warning about the exchange, no configuration panel with the server's token), opens
  alice's submission, reads the written answer's mark scheme beside it (its maths typeset), gives
  the answer a score and a comment; ``make export`` puts that score into grades.csv, ``make
  feedback`` the comment into her feedback (and no mark scheme);
* bob's feedback page opens without a console error, its maths typeset with the network cut off,
  a summary of the parts at the top, every part's message wrapped, no bare score outputs.

Every page may fetch nothing but 127.0.0.1 and file:// (everything else is aborted and
recorded), so maths can only render from the course's own MathJax.

A screenshot of each step goes to build/browser-screenshots/ (git-ignored).
"""

from __future__ import annotations

import csv
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from nnfin.grading import demo, notebook
from tests.browser.jupyter import jupyter_env, jupyter_server
from tests.makefile import make_argv, run_make, without_venv

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SHOTS = REPO / "build" / "browser-screenshots"
ASSIGNMENT, NOTEBOOK = "01_losses", "losses.ipynb"
WRITTEN = "written_penalize_large_errors"
ANSWER = ("Large misses cost real money: a model that is badly wrong on a crash day can wipe out "
          "many small gains, so squaring the error makes the model take them seriously.")
COMMENT = "Good point on crash days; also say when outliers are data errors."
SUM_NOT_MEAN = demo.DEMO_MISTAKES[0]
LOCAL = ("http://127.0.0.1:", "file://", "data:", "blob:", "about:")


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def _make(course: Path, target: str, env: dict[str, str]) -> str:
    return run_make(target, course, env, "JOBS=1")


def _answered(course: Path, answers: dict[str, str]):
    """The model answers, with ``answers`` (grade id -> source) in place of some of them."""
    nb = demo.model_answers(course, ASSIGNMENT)
    for cell in nb.cells:
        if notebook.grade_id(cell) in answers:
            cell.source = answers[notebook.grade_id(cell)]
    return nb


def _hand_in(course: Path, student: str, answers: dict[str, str]) -> None:
    nb = _answered(course, answers)
    folder = course / "submitted" / student / ASSIGNMENT
    folder.mkdir(parents=True)
    shutil.copy(course / "release" / ASSIGNMENT / "returns.npz", folder)
    nbformat.write(nb, folder / NOTEBOOK)


@pytest.fixture(scope="module")
def course(browser_context, tmp_path_factory) -> Path:
    """01_losses released, handed in by alice and bob, graded, with feedback (the make targets)."""
    root = tmp_path_factory.mktemp("day") / "course"
    (root / "source").mkdir(parents=True)
    shutil.copytree(REPO / "source" / ASSIGNMENT, root / "source" / ASSIGNMENT)
    shutil.copy(REPO / "nbgrader_config.py", root / "nbgrader_config.py")
    env = jupyter_env(root.parent)
    _make(root, "release", env)
    _hand_in(root, "alice", {WRITTEN: ANSWER})
    _hand_in(root, "bob", {SUM_NOT_MEAN.cell: demo.wrong_answer(SUM_NOT_MEAN)})
    _make(root, "grade", env)
    _make(root, "feedback", env)
    return root


def _page(context, errors: list[str] | None = None, outside: list[str] | None = None):
    """A tab that reaches nothing but this machine: every other request is aborted (and noted)."""
    page = context.new_page()
    page.set_default_timeout(45_000)  # a busy two-core machine: the servers answer slowly

    def route(route) -> None:
        if route.request.url.startswith(LOCAL):
            route.continue_()
        else:
            if outside is not None:
                outside.append(route.request.url)
            route.abort()

    page.route("**/*", route)
    if errors is not None:
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
    return page


def _typeset(page) -> int:
    """Wait for MathJax to finish; the number of formulas it typeset (none may be an error)."""
    page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise",
                           timeout=60_000)
    page.evaluate("() => MathJax.startup.promise")
    assert page.locator("mjx-container [data-mjx-error], mjx-merror").count() == 0
    return page.locator("mjx-container svg").count()


# --- the student in JupyterLab --------------------------------------------------------------------

LAB_SETTINGS = {  # every cell in the page (not only those in view); no news from the internet
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": '{"windowingMode": "none"}',
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
        '{"fetchNews": "false", "checkForUpdates": false}',
}


@pytest.fixture(scope="module")
def student_lab(course) -> Iterator[tuple[str, str]]:
    """alice's own JupyterLab, on her copy of the released assignment with her answers in it."""
    home = course.parent / "home" / "alice"
    folder = home / ASSIGNMENT
    folder.mkdir(parents=True)
    shutil.copy(course / "release" / ASSIGNMENT / "returns.npz", folder)
    nbformat.write(_answered(course, {WRITTEN: ANSWER}), folder / NOTEBOOK)
    env = jupyter_env(home)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    for name, text in LAB_SETTINGS.items():
        path = Path(env["JUPYTERLAB_SETTINGS_DIR"]) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)

    def argv(port: int, token: str) -> list[str]:
        return [str(BIN / "jupyter"), "lab", "--no-browser", "--ServerApp.ip=127.0.0.1",
                f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
                f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={home}",
                f"--ServerApp.allow_root={os.geteuid() == 0}"]

    with jupyter_server(argv, home, env, course.parent / "student-lab.log") as server:
        yield server


def test_student_runs_and_validates_in_jupyterlab(student_lab, browser_context):
    base, token = student_lab
    page = _page(browser_context)
    try:
        page.goto(f"{base}/lab/tree/{ASSIGNMENT}/{NOTEBOOK}?token={token}", wait_until="load")
        page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=60_000)
        try:  # JupyterLab may ask which kernel to start: the notebook's own, as a student would pick
            page.locator(".jp-Dialog").get_by_role("button", name="Select").click(timeout=10_000)
        except PlaywrightTimeout:
            pass
        page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").wait_for(timeout=60_000)
        _shot(page, "student-1-opened")

        page.locator("#jp-MainMenu").get_by_text("Run", exact=True).click()
        page.locator(".lm-Menu").get_by_text("Run All Cells", exact=True).click()
        last = page.locator(".jp-OutputArea-output", has_text="hit_rate: all visible tests passed")
        last.wait_for(timeout=90_000)
        outputs = page.locator(".jp-OutputArea-output")
        passed = outputs.get_by_text("mse: all visible tests passed", exact=True)
        assert passed.count() == 1
        plots = page.locator(".jp-OutputArea-output img[src^='data:image/png']")
        assert plots.count() >= 1
        assert plots.first.evaluate("img => img.naturalWidth") > 100, "the plot is not drawn"
        assert page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
                            ).count() == 0
        passed.scroll_into_view_if_needed()
        _shot(page, "student-2-visible-test-passed")
        plots.first.scroll_into_view_if_needed()
        _shot(page, "student-3-plot")

        page.locator(".jp-NotebookPanel-toolbar").get_by_text("Validate", exact=True).click()
        dialog = page.locator(".jp-Dialog")
        dialog.wait_for(timeout=120_000)
        dialog.get_by_text("Success! Your notebook passes all the tests.").wait_for(timeout=120_000)
        _shot(page, "student-4-validated")
    finally:
        _shot(page, "student-last")
        page.close()


# --- the instructor in the formgrader (make lab) -----------------------------------------------------

@pytest.fixture(scope="module")
def instructor_lab(course) -> Iterator[tuple[str, str]]:
    """`make lab` on the course, as the README says (its options only pin the address)."""
    env = jupyter_env(course.parent)

    def argv(port: int, token: str) -> list[str]:
        return make_argv("lab", course, f"LAB_ARGS=--no-browser --ServerApp.ip=127.0.0.1 "
                         f"--ServerApp.port={port} --ServerApp.port_retries=0 "
                         f"--IdentityProvider.token={token}")

    with jupyter_server(argv, course, without_venv(env), course.parent / "instructor-lab.log") as server:
        yield server


def _submission_id(course: Path, student: str) -> str:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        return gradebook.find_submission_notebook(NOTEBOOK[:-6], ASSIGNMENT, student).id


def test_instructor_grades_a_written_answer_in_the_formgrader(course, instructor_lab, browser_context):
    base, token = instructor_lab
    errors: list[str] = []
    outside: list[str] = []
    page = _page(browser_context, errors, outside)
    try:
        page.goto(f"{base}/formgrader/manage_assignments?token={token}", wait_until="load")
        page.locator("table").get_by_text(ASSIGNMENT, exact=True).wait_for()
        assert page.locator("#warning-exchange").count() == 0, "the formgrader says the exchange is missing"
        assert page.locator(".alert-danger, .alert-warning").count() == 0
        assert "Current configuration" not in page.inner_text("body")
        assert token not in page.content(), "the formgrader shows the server's token"
        _shot(page, "instructor-1-assignments")

        page.goto(f"{base}/formgrader/manage_submissions/{ASSIGNMENT}", wait_until="load")
        for student in ("alice", "bob"):
            page.locator("table").get_by_text(student).first.wait_for()
        _shot(page, "instructor-2-submissions")

        page.goto(f"{base}/formgrader/submissions/{_submission_id(course, 'alice')}/", wait_until="load")
        page.get_by_text(ANSWER[:40]).wait_for()
        # the grader reads the mark scheme right below the answer, maths typeset from the local copy
        scheme = page.locator(".nnfin-mark-scheme")
        assert scheme.count() == 1
        assert "Mark scheme (6 points)" in scheme.inner_text() and "Huber" in scheme.inner_text()
        answer_box = page.locator(".nbgrader_cell", has_text=ANSWER[:40]).bounding_box()
        assert scheme.bounding_box()["y"] > answer_box["y"]  # below the answer, where the grader looks
        assert _typeset(page) > 5
        scheme.scroll_into_view_if_needed()
        _shot(page, "instructor-3-mark-scheme")
        # the inputs save only once the formgrader's script has loaded the grades and comments
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
        _shot(page, "instructor-4-graded")
        page.reload(wait_until="load")
        page.wait_for_function("() => window.formgrader && formgrader.grades.loaded "
                               "&& formgrader.comments.loaded", timeout=60_000)
        assert page.locator(f"#{WRITTEN}").input_value() == "5"
        assert page.locator(f"#{WRITTEN}-comment").input_value() == COMMENT
        page.locator(f"#{WRITTEN}").scroll_into_view_if_needed()
        _shot(page, "instructor-5-saved")
        assert errors == [], f"the formgrader logged errors: {errors}"
        assert outside == [], f"the formgrader asked the network for {outside}"
    finally:
        page.close()
    log = (course.parent / "instructor-lab.log").read_text()
    assert "not serializable" not in log

    env = jupyter_env(course.parent)
    _make(course, "export", env)
    with open(course / "grades.csv", newline="") as handle:
        rows = {r["student_id"]: r for r in csv.DictReader(handle) if r["assignment"] == ASSIGNMENT}
    assert float(rows["alice"]["raw_score"]) == pytest.approx(34.0 + 5.0)  # autograded + written
    # a sum instead of a mean breaks mse's main computation (and so its lecture numbers): 2.8 of 4
    assert float(rows["bob"]["raw_score"]) == pytest.approx(34.0 - 2.8)
    _make(course, "feedback", env)
    feedback = (course / "feedback" / "alice" / ASSIGNMENT / "losses.html").read_text()
    assert COMMENT in feedback
    assert "Mark scheme" not in feedback and "nnfin-mark-scheme" not in feedback  # graders only


# --- a student's feedback page ---------------------------------------------------------------------

def test_feedback_page_opens_cleanly_and_explains_every_part(course, browser_context):
    page_file = course / "feedback" / "bob" / ASSIGNMENT / "losses.html"
    nb = notebook.read(course / "autograded" / "bob" / ASSIGNMENT / NOTEBOOK)
    parts = [notebook.grade_id(c) for c in nb.cells
             if notebook.nbgrader_meta(c).get("grade") and c.cell_type == "code"]
    errors: list[str] = []
    outside: list[str] = []
    page = _page(browser_context, errors, outside)
    page.set_viewport_size({"width": 820, "height": 900})  # a narrow window: long messages must wrap
    try:
        page.goto(page_file.as_uri(), wait_until="load")
        formulas = _typeset(page)
        _shot(page, "feedback-1-opened")
        assert errors == [] and outside == [], f"errors {errors}; asked the network for {outside}"
        assert formulas > 20, "the maths is not typeset"
        text = page.inner_text("body")
        assert "$$" not in text and "\\frac" not in text, "raw TeX left on the page"
        assert text.count("Hidden checks:") == len(parts) == 8
        assert "Hidden checks: 1.2 / 4 points" in text and "sum instead of a mean" in text

        # the summary at the top: every graded part by its name, its points, and a link to it
        rows = page.locator("#parts tr[data-part]")
        assert rows.count() == len(parts) + 1  # and the written answer
        mse = page.locator('#parts tr[data-part="test_mse"]')
        assert mse.locator("a").inner_text() == "Part 1: mse" and "1.2 / 4.0" in mse.inner_text()
        assert "sum instead of a mean" in mse.inner_text() and "lost" in mse.get_attribute("class")
        assert page.locator('#parts tr.lost').count() == 1  # mse only (the written answer: not answered)
        assert "Test cell" not in page.locator("#parts").inner_text()
        mse.locator("a").click()
        assert page.evaluate("() => location.hash") == "#test_mse"
        assert page.locator('a[name="test_mse"]').count() == 1
        assert "Points lost in: Part 1: mse (1.2 / 4)." in text
        _shot(page, "feedback-2-summary")

        # no bare score under a test cell, and no message that needs a horizontal scroll
        stray = page.evaluate("""() => [...document.querySelectorAll('.cell')]
            .filter(c => c.innerText.includes('Hidden checks:'))
            .flatMap(c => [...c.querySelectorAll('.output_prompt')].map(p => p.innerText.trim()))
            .filter(t => t.startsWith('Out['))""")
        assert stray == [], stray
        wide = page.evaluate("""() => [...document.querySelectorAll('.output_area pre')]
            .filter(p => p.scrollWidth > p.clientWidth + 1).map(p => p.innerText.slice(0, 80))""")
        assert wide == [], f"messages that scroll sideways: {wide}"
        page.get_by_text("sum instead of a mean").nth(1).scroll_into_view_if_needed()
        _shot(page, "feedback-3-message")
    finally:
        page.close()
