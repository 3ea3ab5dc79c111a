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
from nnfin.grading import demo, notebook, pipeline, publish, report
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


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("course")
    shutil.copytree(REPO / "source", root / "source")
    shutil.copy(REPO / "nbgrader_config.py", root / "nbgrader_config.py")
    gradebook.release(root)
    demo.install(root)
    _bad_inputs(root)
    outcomes = pipeline.grade_class(root, progress=False, limits=FAST)
    assert publish.feedback_class(root, progress=False) == []
    BY.update({(root, o.student, o.assignment): o for o in outcomes})
    return root, {(o.student, o.assignment): o for o in outcomes}


BY: dict = {}


def _parts(root: Path, student: str, assignment: str) -> dict:
    return BY[(root, student, assignment)].parts


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
            assert part.passed == part.submitted - len({s for w in part.mistakes.values() for s in w})
    # a part everyone but blank (and the bad inputs of 01_losses) got right has blank's one mistake
    sigmoid = summary["03_backpropagation"]["test_sigmoid"]
    assert list(sigmoid.mistakes.values()) == [["blank"]] and "NotImplementedError" in str(sigmoid.mistakes)
    assert sigmoid.passed == sigmoid.submitted - 1


def test_report_lists_the_lowest_scores_and_links_every_feedback_page(graded):
    root, by = graded
    page = report.write(root, list(by.values())).read_text()
    lowest = page.split("<h2>Lowest scores", 1)[1].split("</ol>", 1)[0]
    ranked = re.findall(r'<li data-student="([^"]+)">', lowest)
    assert len(ranked) == report.LOWEST and ranked[0] == "blank"  # 0 of every point; ties by name
    [label] = report.misconceptions(_parts(root, "blank", "03_backpropagation")["test_sigmoid"])
    assert f"03_backpropagation test_sigmoid: {html.escape(label)}" in lowest
    links = re.findall(r'<a href="([^"]+)">', page)
    for (student, assignment), outcome in by.items():
        if outcome.submitted and (root / "feedback" / student / assignment).is_dir():
            target = f"../feedback/{student}/{assignment}/"
            [link] = [x for x in links if x.startswith(target)]
            assert (root / "reports" / link).resolve().is_file(), link
    sources = re.findall(r'<img [^>]*src="([^"]+)"', page)
    assert len(sources) == 1 + len(ASSIGNMENTS)
    assert all(s.startswith("data:image/png;base64,") for s in sources)
