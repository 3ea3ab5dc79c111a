"""Grading refuses a course config under which nbgrader would run student notebooks itself."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from nnfin.coursedir import REPO
from nnfin.grading import pipeline
from nnfin.grading.adapter import gradebook

OLD_STYLE = '''
try:
    from nnfin.grading.adapter.feedback import configure_feedback
    from nnfin.grading.adapter.preprocessors import configure_autograde
    from nnfin.grading.adapter.sanitize import configure_rendering
except ImportError:
    pass
else:
    configure_autograde(c)
    configure_feedback(c)
    configure_rendering(c)
'''
BROKEN = '''
try:
    from nnfin.grading.adapter.no_such_module import configure_grading
except ImportError:  # what a stale or broken environment does: nbgrader's defaults remain
    pass
else:
    configure_grading(c)
'''


def _course(tmp_path: Path, tail: str | None) -> Path:
    root = tmp_path / "course"
    root.mkdir()
    text = (REPO / "nbgrader_config.py").read_text()
    if tail is not None:
        text = text[: text.index("try:  # the course's trusted grader")] + tail
    (root / "nbgrader_config.py").write_text(text)
    return root


@pytest.mark.parametrize("tail", [None, OLD_STYLE], ids=["this course's config", "an older config"])
def test_a_config_that_routes_autograde_through_the_engine_is_accepted(tmp_path: Path, tail) -> None:
    api = gradebook.api(_course(tmp_path, tail))
    gradebook.require_engine(api)
    steps = api.config.Autograde.autograde_preprocessors
    assert steps[0] == "nnfin.grading.adapter.preprocessors.InjectResults"
    assert api.config.HTMLExporter.preprocessors == [
        "nnfin.grading.adapter.sanitize.SanitizeOutputs",
        *(f"nnfin.grading.adapter.pages.{step}"
          for step in ("HideScoreOutputs", "PartSummary", "MarkSchemes"))]


def test_a_config_without_the_engine_is_refused_before_anything_runs(tmp_path: Path) -> None:
    root = _course(tmp_path, BROKEN)
    shutil.copytree(REPO / "source", root / "source")
    (root / "submitted" / "alice" / "01_losses").mkdir(parents=True)
    with pytest.raises(gradebook.NotRoutedThroughEngine, match="outside the sandbox"):
        gradebook.require_engine(gradebook.api(root))
    with pytest.raises(SystemExit, match="refusing to grade"):
        pipeline.grade_class(root, progress=False)
    assert not (root / "autograded").exists() and not (root / "build" / "staged").exists()
