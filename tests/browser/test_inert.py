"""A hostile submission, graded by real nbgrader, stays inert in a real browser.

A tiny nbgrader course is built in a temporary folder: one answer cell, one autograded test
cell and one manually graded Markdown answer. Two submissions are graded:

* mallory's code *runs* (nbgrader's own Execute preprocessor) and displays script through
  IPython.display.HTML / Javascript / SVG / Markdown, an <img onerror>, a javascript: iframe
  and link; her written answer has <script>, <img onerror> and a javascript: link. The
  autograde step SanitizeOutputs must clean it.
* eve's autograded notebook is overwritten afterwards with raw script outputs, widget state
  and a hostile answer, as if it had been graded before SanitizeOutputs existed: only the
  render-time layer (configure_rendering) stands between it and the browser.

Each payload tries to set window.__pwned, change document.title or call alert(). The code that
builds the payloads spells the markers in pieces, so a marker found in a page can only come
from a payload that survived. The feedback HTML (file://) and the formgrader page (a Jupyter
server on 127.0.0.1 with a token, stopped at the end) are opened in headless Chromium, which
may fetch nothing but file:// and 127.0.0.1 URLs.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from tests.browser.jupyter import jupyter_server
from tests.pngs import tiny_png

pytestmark = pytest.mark.browser

BIN = Path(sys.executable).parent  # the venv's bin: nbgrader, jupyter and alembic (nbgrader calls it)
MARKERS = ("PWNED", "__pwned")
LEGIT = ("LEGIT_TABLE_CELL", "LEGIT_STDOUT", "LEGIT_MD_OUTPUT", "LEGIT_ANSWER_TEXT")
STUDENTS = ("mallory", "eve")

CONFIG = '''\
import os
from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, Execute,
                                    IgnorePattern, LimitOutput, SaveAutoGrades)
from nnfin.grading.adapter.config import configure_rendering
from nnfin.grading.adapter.sanitize import SanitizeOutputs

c = get_config()
HERE = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.course_id = "inert-test"
c.CourseDirectory.root = HERE
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(HERE, "gradebook.db")
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
c.Execute.timeout = 60
# nbgrader's default autograde preprocessors, with SanitizeOutputs before SaveAutoGrades
c.Autograde.autograde_preprocessors = [Execute, IgnorePattern, ClearMetadataPreprocessor,
                                       LimitOutput, SanitizeOutputs, SaveAutoGrades,
                                       AssignLatePenalties, CheckCellMetadata]
configure_rendering(c)
'''

SOLUTION = '''\
def square(x):
    ### BEGIN SOLUTION
    return x * x
    ### END SOLUTION
'''

# mallory's answer: the markers are assembled at run time, never written out in the source
HOSTILE_CODE = '''\
from IPython.display import HTML, SVG, Javascript, Markdown, display

def square(x):
    return x * x

M, F = "PW" + "NED", "__pw" + "ned"
GO = f"window.{F} = true; document.title = '{M}'; alert('{M}')"
display(HTML("<table><tr><th>col</th></tr><tr><td>LEGIT_TABLE_CELL</td></tr></table>"))
display(HTML(f"<script>{GO}</script>"))
display(Javascript(GO))
display(HTML(f"<img src=x onerror=\\"{GO}\\">"))
display(HTML(f"<iframe src=\\"javascript:parent.{F} = true; parent.alert('{M}')\\"></iframe>"))
display(HTML(f"<a id=\\"bad-link\\" href=\\"javascript:{GO}\\">a link</a>"))
display(HTML(f"<svg onload=\\"{GO}\\"><circle r=\\"3\\"/></svg>"))
display(SVG(f"<svg xmlns=\\"http://www.w3.org/2000/svg\\" onload=\\"{GO}\\"><circle r=\\"3\\"/></svg>"))
display(Markdown(f"**LEGIT_MD_OUTPUT** <img src=x onerror=\\"{GO}\\">"))
display({"application/javascript": GO, "text/plain": "js"}, raw=True)

import io

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
from IPython.display import Image
fig, ax = plt.subplots(figsize=(2, 1.5))
ax.plot([0, 1, 2], [0, 1, 4])
buffer = io.BytesIO()
fig.savefig(buffer, format="png")
display(Image(data=buffer.getvalue()))  # a plot, as image/png
print("LEGIT_STDOUT")
'''

HOSTILE_ANSWER = '''\
LEGIT_ANSWER_TEXT: the loss is $L = (y - \\hat y)^2$ and `a < b` in code.

<script>window.__pwned = true; document.title = 'PWNED'; alert('PWNED')</script>

<img src=x onerror="window.__pwned = true; document.title = 'PWNED'; alert('PWNED')">

Some **bold** words and [a link](javascript:window.__pwned=true;alert('PWNED')).
'''

GO = "window.__pwned = true; document.title = 'PWNED'; alert('PWNED')"


RAW_OUTPUTS = [  # eve's outputs, written straight into her autograded notebook
    new_output("display_data", data={
        "text/html": ("<table><tr><th>col</th></tr><tr><td>LEGIT_TABLE_CELL</td></tr></table>"
                      f"<script>{GO}</script><img src=x onerror=\"{GO}\">"),
        "text/plain": "<table>"}),
    new_output("display_data", data={"application/javascript": GO, "text/plain": "js"}),
    new_output("display_data", data={"text/html": f"<iframe src=\"javascript:parent.__pwned=true\">"
                                                  f"</iframe><a href=\"javascript:{GO}\">link</a>"},
               metadata={"text/html": {"isolated": True}}),
    new_output("display_data", data={"image/svg+xml": f"<svg onload=\"{GO}\"/>", "text/plain": "svg"}),
    new_output("display_data", data={"text/markdown": f"**LEGIT_MD_OUTPUT** <img src=x onerror=\"{GO}\">",
                                     "text/plain": "md"}),
    new_output("display_data", data={"application/vnd.jupyter.widget-view+json": {"model_id": "PWNED"},
                                     "text/plain": "widget"}),
    new_output("display_data", data={"image/png": tiny_png(4, 3), "text/plain": "<Figure>"}),
    new_output("stream", name="stdout", text="LEGIT_STDOUT\n"),
]


# --- the course ---------------------------------------------------------------------------------

def _env(root: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env["MPLBACKEND"] = "Agg"
    # no personal Jupyter or nbgrader config: only the course's nbgrader_config.py
    for name, sub in (("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_DATA_DIR", "data"),
                      ("JUPYTER_RUNTIME_DIR", "runtime"), ("IPYTHONDIR", "ipython")):
        env[name] = str(root.parent / "jupyter" / sub)
    env.pop("JUPYTER_PATH", None)
    env.pop("JUPYTER_CONFIG_PATH", None)
    return env


def _nbgrader(root: Path, *args: str) -> None:
    result = subprocess.run([str(BIN / "nbgrader"), *args], cwd=root, env=_env(root),
                            capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"


def _source_notebook() -> nbformat.NotebookNode:
    def meta(grade_id: str, **flags) -> dict:
        return {"nbgrader": {"grade_id": grade_id, "schema_version": 3, "grade": False,
                             "solution": False, "locked": False, **flags}}
    nb = new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                               "language": "python"},
                                "language_info": {"name": "python"}})
    nb.cells = [
        new_markdown_cell("# Squares\n\nWrite `square(x)`."),
        new_code_cell(SOLUTION, metadata=meta("square", solution=True)),
        new_code_cell("assert square(3) == 9", metadata=meta("test_square", grade=True, locked=True,
                                                            points=1)),
        new_markdown_cell("Explain why a square is never negative.",
                          metadata=meta("explain", grade=True, solution=True, points=2)),
    ]
    return nb


def _submit(root: Path, student: str, code: str, answer: str) -> None:
    nb = nbformat.read(root / "release" / "ps1" / "ps1.ipynb", as_version=4)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id == "square":
            cell.source = code
        elif grade_id == "explain":
            cell.source = answer
    folder = root / "submitted" / student / "ps1"
    folder.mkdir(parents=True)
    nbformat.write(nb, folder / "ps1.ipynb")
    (folder / "timestamp.txt").write_text("2030-01-01 00:00:00.000000 UTC")


def _poison_autograded(root: Path, student: str) -> None:
    """Put raw script back into an autograded notebook, as if graded without SanitizeOutputs."""
    path = root / "autograded" / student / "ps1" / "ps1.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {
        "state": {}, "version_major": 2, "version_minor": 0, "PWNED": "<script>__pwned=1</script>"}}
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id == "square":
            cell.outputs = [nbformat.from_dict(o) for o in RAW_OUTPUTS]
        elif grade_id == "explain":
            cell.source = HOSTILE_ANSWER
    nbformat.write(nb, path)


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    """Generate, submit, autograde and give feedback on ps1 with real nbgrader commands."""
    root = tmp_path_factory.mktemp("inert") / "course"
    (root / "source" / "ps1").mkdir(parents=True)
    (root / "nbgrader_config.py").write_text(CONFIG)
    nbformat.write(_source_notebook(), root / "source" / "ps1" / "ps1.ipynb")
    _nbgrader(root, "generate_assignment", "ps1", "--force")
    _submit(root, "mallory", HOSTILE_CODE, HOSTILE_ANSWER)
    _submit(root, "eve", SOLUTION, "LEGIT_ANSWER_TEXT: squares are products of equal signs.")
    _nbgrader(root, "autograde", "ps1", "--force")
    _poison_autograded(root, "eve")
    _nbgrader(root, "generate_feedback", "ps1", "--force")
    return root


# --- what a page must (not) show ----------------------------------------------------------------

ROUTE_ALLOWED = ("file://", "http://127.0.0.1:")


def _open(context, url: str) -> tuple[object, list[str]]:
    """Open `url` in a fresh tab that may only fetch local files and 127.0.0.1; collect dialogs."""
    page = context.new_page()
    dialogs: list[str] = []

    def on_dialog(dialog) -> None:
        dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(ROUTE_ALLOWED)
               else route.abort())
    page.goto(url, wait_until="load")
    page.wait_for_timeout(700)  # onerror/onload handlers and iframes fire after load
    return page, dialogs


def _assert_inert(page, dialogs: list[str], title: str) -> None:
    assert dialogs == [], f"a dialog fired: {dialogs}"
    assert page.evaluate("typeof window.__pwned") == "undefined", "a payload set window.__pwned"
    assert page.title() == title
    live = page.evaluate("""() => {
        const found = [];
        for (const el of document.querySelectorAll('#notebook-container *')) {
            for (const a of el.attributes) {
                const v = a.value.replace(/[\\x00-\\x20]/g, '').toLowerCase();
                if (a.name.startsWith('on') || v.startsWith('javascript:') || v.startsWith('vbscript:')
                    || (v.startsWith('data:') && !v.startsWith('data:image/')))
                    found.push(el.tagName + ' ' + a.name + '=' + a.value);
            }
            // MathJax typesets the page's TeX as SVG (attributes checked above like any other)
            const mathjax = el.tagName === 'svg' && el.closest('mjx-container[jax="SVG"]');
            if (['SCRIPT', 'IFRAME', 'OBJECT', 'EMBED', 'svg'].includes(el.tagName) && !mathjax)
                found.push(el.tagName);
        }
        return found;
    }""")
    assert live == [], f"live script-capable markup in the notebook area: {live}"


def _assert_legit(page) -> None:
    text = page.inner_text("body")
    for marker in LEGIT:
        assert marker in text, f"{marker} is missing from the page"
    assert page.locator("#notebook-container td", has_text="LEGIT_TABLE_CELL").count() >= 1
    assert page.evaluate("""() => [...document.querySelectorAll('#notebook-container img')]
        .filter(i => i.src.startsWith('data:image/png') && i.naturalWidth > 0).length""") >= 1, \
        "the plot (a base64 PNG) is not shown"


def test_browser_harness_detects_script(browser_context, tmp_path):
    """Control: the same checks do fail on a page whose script runs."""
    page_file = tmp_path / "control.html"
    page_file.write_text("<title>control</title><div id='notebook-container'>x</div>"
                         "<script>window.__pwned = true; document.title = 'PWNED'; alert(1)</script>")
    page, dialogs = _open(browser_context, page_file.as_uri())
    try:
        assert dialogs and page.evaluate("window.__pwned") is True and page.title() == "PWNED"
    finally:
        page.close()


# --- a and b: the autograded notebook and the feedback HTML ------------------------------------

def test_autograded_notebook_has_no_payload(course):
    text = (course / "autograded" / "mallory" / "ps1" / "ps1.ipynb").read_text()
    for marker in MARKERS:
        assert marker not in text
    nb = nbformat.reads(text, as_version=4)
    outputs = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "square").outputs
    mimes = {m for o in outputs for m in o.get("data", {})}
    assert "application/javascript" not in mimes and "image/svg+xml" not in mimes
    assert {"text/html", "image/png", "text/markdown"} <= mimes
    assert all("text/plain" in o.data for o in outputs if o.output_type == "display_data")


@pytest.mark.parametrize("student", STUDENTS)
def test_feedback_html_is_inert(course, browser_context, student):
    feedback = course / "feedback" / student / "ps1" / "ps1.html"
    html = feedback.read_text()
    for marker in MARKERS:
        assert marker not in html, f"{marker} reached {student}'s feedback"
    for marker in LEGIT:
        assert marker in html
    page, dialogs = _open(browser_context, feedback.as_uri())
    try:
        _assert_inert(page, dialogs, title="ps1")
        _assert_legit(page)
    finally:
        page.close()


# --- c: the formgrader page, served by a real Jupyter server ------------------------------------

@pytest.fixture(scope="module")
def formgrader(course) -> Iterator[tuple[str, str]]:
    """A Jupyter server with only nbgrader's formgrader, on 127.0.0.1; always stopped afterwards."""
    env = _env(course)
    config_dir = Path(env["JUPYTER_CONFIG_DIR"])
    config_dir.mkdir(parents=True, exist_ok=True)
    off = ["jupyterlab", "notebook", "notebook_shim", "jupyter_lsp", "jupyter_server_terminals",
           "nbgrader.server_extensions.assignment_list", "nbgrader.server_extensions.course_list",
           "nbgrader.server_extensions.validate_assignment"]
    (config_dir / "jupyter_server_config.json").write_text(json.dumps({"ServerApp": {
        "jpserver_extensions": {"nbgrader.server_extensions.formgrader": True,
                                **dict.fromkeys(off, False)}}}))

    def argv(port: int, token: str) -> list[str]:
        return [str(BIN / "jupyter"), "server", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
                "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
                "--ServerApp.open_browser=False", f"--ServerApp.root_dir={course}",
                f"--ServerApp.allow_root={os.geteuid() == 0}"]

    try:
        with jupyter_server(argv, course, env, course.parent / "jupyter-server.log") as server:
            yield server
    finally:
        shutil.rmtree(config_dir, ignore_errors=True)


def _submission_id(course: Path, student: str) -> str:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        return gradebook.find_submission_notebook("ps1", "ps1", student).id


@pytest.mark.parametrize("student", STUDENTS)
def test_formgrader_page_is_inert(course, formgrader, browser_context, student):
    base, token = formgrader
    url = f"{base}/formgrader/submissions/{_submission_id(course, student)}/?token={token}"
    with urllib.request.urlopen(url, timeout=30) as response:
        html = response.read().decode()
    for marker in MARKERS:
        assert marker not in html, f"{marker} reached the formgrader page of {student}"
    page, dialogs = _open(browser_context, url)
    try:
        assert page.locator(".nbgrader_cell").count() >= 2, "not the formgrader's grading page"
        _assert_inert(page, dialogs, title="ps1")
        _assert_legit(page)
    finally:
        page.close()
