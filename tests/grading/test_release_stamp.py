"""`make grade` regenerates the release only when source/, release/ or the configuration changed."""

from __future__ import annotations

import shutil
from pathlib import Path

from nnfin.grading.adapter import gradebook

REPO = Path(__file__).resolve().parents[2]


def test_release_runs_again_only_after_a_change(tmp_path):
    shutil.copytree(REPO / "source" / "01_losses", tmp_path / "source" / "01_losses")
    shutil.copy(REPO / "nbgrader_config.py", tmp_path / "nbgrader_config.py")
    assert gradebook.release(tmp_path, force=False) is True  # nothing released yet
    assert gradebook.release(tmp_path, force=False) is False
    released = tmp_path / "release" / "01_losses" / "losses.ipynb"
    released.write_text(released.read_text().replace("YOUR CODE HERE", "tampered", 1))
    assert gradebook.release(tmp_path, force=False) is True  # a hand-edited release is rebuilt
    assert "tampered" not in released.read_text()
    (tmp_path / "gradebook.db").unlink()
    assert gradebook.release(tmp_path, force=False) is True  # a lost gradebook learns the assignments again
    assert gradebook.release(tmp_path, force=True) is True
