"""Where the course lives and which assignments it has.

Shared by the instructor's commands (``nnfin.course``) and the grading
pipeline, so neither has to import the other.
"""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SOURCE = REPO / "source"
RELEASE = REPO / "release"
GRADER_TESTS = REPO / "grader_tests"


def assignments(root: Path = SOURCE) -> list[str]:
    """Assignment folders in course order (their names start with a number)."""
    return sorted(p.name for p in root.iterdir() if p.is_dir() and p.name[:1].isdigit())


def checks_module(assignment: str) -> Path:
    """The hidden checks of ``assignment`` (one pytest module per assignment)."""
    return GRADER_TESTS / f"test_{assignment}.py"
