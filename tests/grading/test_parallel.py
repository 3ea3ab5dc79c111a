"""Grading on every core gives exactly what grading one submission at a time gives."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from nnfin.grading import demo, pipeline, publish
from nnfin.grading.adapter import gradebook
from nnfin.grading.engine import containment, isolation

REPO = Path(__file__).resolve().parents[2]
ASSIGNMENTS = ("01_losses", "03_backpropagation")
MISTAKES = tuple(m for m in demo.DEMO_MISTAKES if m.assignment in ASSIGNMENTS)

pytestmark = pytest.mark.skipif(
    containment.available() is not None or not isolation.bwrap_path(),
    reason="needs root, cgroups and bubblewrap")


def _graded(root: Path, jobs: int) -> tuple[dict, dict]:
    for name in ASSIGNMENTS:
        shutil.copytree(REPO / "source" / name, root / "source" / name)
    shutil.copy(REPO / "nbgrader_config.py", root / "nbgrader_config.py")
    gradebook.release(root)
    demo.install(root, mistakes=MISTAKES)
    outcomes = pipeline.grade_class(root, jobs=jobs, progress=False)
    assert publish.feedback_class(root, jobs=jobs, progress=False) == []
    results = {(o.student, o.assignment): (o.score, o.max_score, o.parts, o.problems) for o in outcomes}
    pages = {}
    for page in sorted((root / "feedback").rglob("*.html")):
        text = page.read_text().replace(str(root), "<course>")
        pages[str(page.relative_to(root))] = re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?", "<time>", text)
    return results, pages


def test_parallel_and_serial_grading_agree(tmp_path):
    serial, serial_pages = _graded(tmp_path / "serial", jobs=1)
    parallel, parallel_pages = _graded(tmp_path / "parallel", jobs=2)
    assert len(serial) == 2 * (2 + len(MISTAKES)) and serial == parallel
    assert any(score < out_of for score, out_of, _, _ in serial.values())  # mistakes really cost points
    assert serial_pages.keys() == parallel_pages.keys() and len(serial_pages) == len(serial)
    for name, page in serial_pages.items():
        assert page == parallel_pages[name], name
