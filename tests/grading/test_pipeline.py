"""The whole class, end to end through nbgrader: the demo class plus every kind of bad input.

Graded once per test session in a temporary copy of the course (this is the slow
test: one nbgrader autograde per submission).
"""

from __future__ import annotations

import csv
import html
import json
import re
import shutil
import sys
from pathlib import Path

import nbformat
import pytest

from nnfin.coursedir import assignments
from nnfin.grading import demo, notebook, parts, pipeline, publish, report
from nnfin.grading.adapter import gradebook
from nnfin.grading.engine.containment import SubmissionLimits

REPO = Path(__file__).resolve().parents[2]
ASSIGNMENTS = assignments(REPO / "source")
FAST = SubmissionLimits(cell_seconds=8, call_seconds=8)
LOSSES = "01_losses"


def _answered_losses(root: Path):
    return notebook.read(root / "submitted" / "reference" / LOSSES / "losses.ipynb")


def _submit(root: Path, student: str, nb=None, name: str = "losses.ipynb", raw: str | None = None):
    folder = root / "submitted" / student / LOSSES
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(root / "release" / LOSSES / "returns.npz", folder / "returns.npz")
    if raw is not None:
        (folder / name).write_text(raw)
    else:
        nbformat.write(nb, folder / name)


def _with_cell(nb, gid: str, source: str):
    nb = nbformat.from_dict(json.loads(json.dumps(nb)))
    [cell] = [c for c in nb.cells if notebook.grade_id(c) == gid]
    cell.source = source
    return nb


def _bad_inputs(root: Path) -> None:
    good = _answered_losses(root)
    mse_cell = next(c.source for c in good.cells if notebook.grade_id(c) == "mse")
    _submit(root, "ivan_invalid", raw='{"cells": [ this is not json')
    _submit(root, "rita_renamed", good, name="losses-final.ipynb")
    deleted = nbformat.from_dict(json.loads(json.dumps(good)))
    deleted.cells = [c for c in deleted.cells if notebook.grade_id(c) not in ("mse", "test_rmse")]
    _submit(root, "dan_deleted", deleted)
    _submit(root, "len_loop", _with_cell(good, "mse", "while True:\n    pass\n" + mse_cell))
    _submit(root, "cora_crash", _with_cell(good, "mse", "import os\nos._exit(3)\n" + mse_cell))
    _submit(root, "hank_hacker", _with_cell(good, "mse", (
        "import numpy as np\nnp.allclose = lambda *a, **k: True\n"
        "class Always(float):\n    def __eq__(self, other):\n        return True\n"
        "def mse(y_true, y_pred):\n    return Always(0.0)\n")))
    _submit(root, "walt_warning", _with_cell(good, "mse", (
        "import sys\nprint('note: computing the mean', file=sys.stderr)\n" + mse_cell.replace(
            "def mse(", "def _quiet_mse(") + "\n\ndef mse(y_true, y_pred):\n"
        "    print('mse called', file=sys.stderr)\n    return _quiet_mse(y_true, y_pred)\n")))


# One notebook with the mistakes (a P&L flat for small forecasts, a Huber band tested on
# r^2), handed in under five ids: random hidden inputs once gave it 4, 3, 2, 4, 1 and 2 of 4.
SAME_WORK = ("ada", "bo", "chen.li", "d0rothy", "eve-2")


def _same_work(root: Path) -> None:
    good = _answered_losses(root)
    nb = _with_cell(good, "strategy_pnl", "def strategy_pnl(forecast, realized):\n"
                    "    return np.where(np.abs(forecast) < 0.1, 0.0, np.sign(forecast)) * realized\n")
    nb = _with_cell(nb, "huber", "def huber(y_true, y_pred, delta=1.0):\n    r = y_pred - y_true\n"
                    "    small, a = r ** 2 <= delta, np.abs(r)\n"
                    "    return float(np.mean(np.where(small, 0.5 * r ** 2, delta * (a - delta / 2))))\n")
    for student in SAME_WORK:
        _submit(root, student, nb)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("course")
    shutil.copytree(REPO / "source", root / "source")
    shutil.copy(REPO / "nbgrader_config.py", root / "nbgrader_config.py")
    gradebook.release(root)
    demo.install(root)
    _bad_inputs(root)
    _same_work(root)
    outcomes = pipeline.grade_class(root, progress=False, limits=FAST)
    assert publish.feedback_class(root, progress=False) == []
    BY.update({(root, o.student, o.assignment): o for o in outcomes})
    return root, {(o.student, o.assignment): o for o in outcomes}


BY: dict = {}


def _parts(root: Path, student: str, assignment: str) -> dict:
    return BY[(root, student, assignment)].parts


def test_the_same_notebook_gets_the_same_marks_under_every_id(graded):
    _, by = graded
    marks = [{gid: (p["score"], p["messages"]) for gid, p in by[(s, LOSSES)].parts.items()}
             for s in SAME_WORK]
    assert all(m == marks[0] for m in marks[1:])
    # the P&L breaks one rule (C5, 10 %); the Huber band breaks the main computation (and so the lecture's)
    assert marks[0]["test_strategy_pnl"][0] == pytest.approx(3.6)
    assert marks[0]["test_huber"][0] == pytest.approx(2.4)


def test_reference_gets_everything_and_blank_nothing(graded):
    root, by = graded
    for assignment in ASSIGNMENTS:
        ref, blank = by[("reference", assignment)], by[("blank", assignment)]
        assert ref.max_score > 0 and ref.score == ref.max_score, (assignment, ref.problems)
        assert blank.score == 0, assignment


def test_each_demo_student_loses_only_their_mistake(graded):
    root, by = graded
    catalogue = demo.known_mistakes(REPO)
    for mistake in demo.DEMO_MISTAKES:
        wrong = demo._find(catalogue, mistake)
        losers = set(wrong.get("loses", ["test_" + mistake.cell]))
        for assignment in ASSIGNMENTS:
            parts = _parts(root, mistake.student, assignment)
            for gid, part in parts.items():
                lost = part["score"] < part["max_score"]
                assert lost == (assignment == mistake.assignment and gid in losers), (
                    mistake, assignment, gid, part)


def test_bad_input_costs_only_its_own_points(graded):
    root, by = graded
    ref = _parts(root, "reference", LOSSES)
    expectations = {  # student: (test cells that must lose points, words in the problems)
        "rita_renamed": (set(), "renamed"),
        "dan_deleted": ({"test_mse"}, "deleted"),
        "len_loop": ({"test_mse"}, "endless loop"),
        "cora_crash": ({"test_mse"}, "crashed"),
        "hank_hacker": ({"test_mse"}, ""),
        "walt_warning": (set(), ""),
    }
    for student, (losers, words) in expectations.items():
        parts = _parts(root, student, LOSSES)
        assert set(parts) == set(ref)
        for gid, part in parts.items():
            assert (part["score"] < part["max_score"]) == (gid in losers), (student, gid, part)
        problems = " ".join(by[(student, LOSSES)].problems)
        assert words in problems, (student, problems)
    invalid = by[("ivan_invalid", LOSSES)]
    assert invalid.score == 0 and "not valid JSON" in " ".join(invalid.problems)


def test_gradebook_export_has_every_submission(graded):
    root, by = graded
    with open(root / "grades.csv") as fh:
        rows = {(r["student_id"], r["assignment"]): float(r["raw_score"]) for r in csv.DictReader(fh)}
    for (student, assignment), outcome in by.items():
        if outcome.submitted:
            assert rows[(student, assignment)] == pytest.approx(outcome.score), (student, assignment)


def test_feedback_explains_without_revealing_the_checks(graded):
    root, _ = graded
    mistake = demo.DEMO_MISTAKES[0]
    page = next((root / "feedback" / mistake.student / mistake.assignment).glob("*.html")).read_text()
    assert "Hidden checks" in page and "Grading report" in page
    for secret in ("student.call", "expect_close", "rng.normal", "@pytest.mark", "nnfin.reference",
                   "BEGIN SOLUTION", "Mark scheme"):
        assert secret not in page, secret
    wrong = demo._find(demo.known_mistakes(REPO), mistake)
    assert wrong["message"].lower() in page.lower()


def test_summary_and_report_name_every_student(graded):
    root, by = graded
    outcomes = list(by.values())
    table = pipeline.summary_table(outcomes)
    report = pipeline.report.write(root, outcomes).read_text()
    for student in {o.student for o in outcomes}:
        assert student in table and student in report
    assert "not valid JSON" in table


def test_each_part_lists_the_misconceptions_it_named(graded):
    root, _ = graded
    assert _parts(root, "sam_sum", LOSSES)["test_mse"]["mistakes"] == ["sum instead of a mean"]
    assert all(part["mistakes"] == [] for part in _parts(root, "reference", LOSSES).values())


# Words that only the grading machine's own noise would put into a page a student reads.
NOISE = ("Fontconfig", "fontconfig", "Matplotlib is building the font cache", "MPLCONFIGDIR",
         "is not a writable directory", "/opt/nnfin", "/home/student", "/var/tmp",
         "DeprecationWarning", "UserWarning", "Generating new fontManager")


def test_feedback_and_autograded_notebooks_carry_no_grader_noise(graded):
    root, by = graded
    pages = sorted((root / "feedback").rglob("*.html")) + sorted((root / "autograded").rglob("*.ipynb"))
    demo_students = {"reference", "blank", *(m.student for m in demo.DEMO_MISTAKES)}
    assert {p.relative_to(root).parts[1] for p in pages} >= demo_students
    paths = (str(root), str(REPO), sys.prefix, sys.base_prefix)
    for page in pages:
        text = page.read_text()
        found = [word for word in (*NOISE, *paths) if word in text]
        assert not found, f"{page.relative_to(root)} shows the grader's noise: {found}"


def _part_row(page: str, assignment: str, gid: str) -> str:
    section = page.split(f'data-assignment="{assignment}"', 1)[1].split("</section>", 1)[0]
    return section.split(f'<tr data-part="{gid}">', 1)[1].split("</tr>", 1)[0]


def test_report_counts_each_demo_mistake_under_its_part(graded):
    root, by = graded
    outcomes = list(by.values())
    summary = report.summarise(outcomes)
    page = report.write(root, outcomes).read_text()
    catalogue = demo.known_mistakes(REPO)
    for mistake in demo.DEMO_MISTAKES:
        for gid in demo._find(catalogue, mistake).get("loses", ["test_" + mistake.cell]):
            part = summary[mistake.assignment][gid]
            mine = {label: who for label, who in part.mistakes.items() if mistake.student in who}
            assert mine, (mistake, part.mistakes)
            for label, who in mine.items():
                assert who == [mistake.student], (mistake, label, who)  # nobody else made it
                assert f"<b>1</b> &times; {html.escape(label)}" in _part_row(page, mistake.assignment, gid)
            assert part.passed == part.submitted - len(part.lost) - len(part.unanswered)
            # named as the student sees it, at the top among the parts students lost
            name = parts.of_release(root, mistake.assignment)[gid]
            assert name.startswith("Part ") and html.escape(name) in _part_row(page, mistake.assignment, gid)
            top = page.split('<section id="summary">', 1)[1].split("</section>", 1)[0]
            listed = re.findall(r'<li data-part="[^"]+"><b>(\d+)</b>', top.split("</ol>", 1)[0])
            if f"students lost points on {mistake.assignment} {html.escape(name)}" not in top:
                # only when the list is full of parts that more students lost (the five-id students)
                assert len(listed) == report.TOP and min(map(int, listed)) >= len(part.lost), top
    # blank's stubs are not a misconception to re-teach: they are counted apart, every one of them
    sigmoid = summary["03_backpropagation"]["test_sigmoid"]
    assert sigmoid.mistakes == {} and sigmoid.unanswered == ["blank"]
    assert sigmoid.passed == sigmoid.submitted - 1
    stubs = sum(len(by[("blank", a)].parts) for a in ASSIGNMENTS)
    assert stubs > 25 and f'<li data-student="blank"><b>blank</b>: {stubs} parts</li>' in page
    assert "NotImplementedError" not in page.split("<h3>Misconceptions", 1)[1].split("</ol>", 1)[0]


def test_report_lists_the_lowest_scores_and_links_every_feedback_page(graded):
    root, by = graded
    page = report.write(root, list(by.values())).read_text()
    lowest = page.split("<h2>Lowest scores", 1)[1].split("</ol>", 1)[0]
    ranked = re.findall(r'<li data-student="([^"]+)">', lowest)
    assert len(ranked) == report.LOWEST and ranked[0] == "blank"  # 0 of every point; ties by name
    blank = lowest.split('<li data-student="blank">', 1)[1].split("</ul>", 1)[0]
    assert "03_backpropagation: not answered (10): Part 1: sigmoid, Part 1: sigmoid_prime," in blank
    assert "NotImplementedError" not in blank  # one line per assignment, not one per stub
    links = re.findall(r'<a href="([^"]+)">', page)
    for (student, assignment), outcome in by.items():
        if outcome.submitted and (root / "feedback" / student / assignment).is_dir():
            target = f"../feedback/{student}/{assignment}/"
            [link] = [x for x in links if x.startswith(target)]
            assert (root / "reports" / link).resolve().is_file(), link
    sources = re.findall(r'<img [^>]*src="([^"]+)"', page)
    assert len(sources) == 1 + len(ASSIGNMENTS)
    assert all(s.startswith("data:image/png;base64,") for s in sources)
