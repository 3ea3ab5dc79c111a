"""Parts as students see them: "Part 1: mse", from the headings of the released notebook.

The gradebook names a part by its test cell (``test_mse``); the student reads
"## Part 1: Mean squared error (MSE)" above the answer cell ``mse``. Reports and feedback
name each graded cell by its part's number and its function ("Part 1: mse"), or "written
answer" for a hand-graded Markdown cell. The names come from ``release/``, never from a
student's copy, whose headings the student may have edited.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from nbformat import NotebookNode

from nnfin.grading import notebook

WRITTEN = "written answer"
_PART = re.compile(r"^\s{0,3}#{1,6}\s*Part\s+(\d+)\b", re.IGNORECASE | re.MULTILINE)


def names(nb: NotebookNode) -> dict[str, str]:
    """grade id -> "Part N: function" (or "Part N: written answer") for every graded cell of ``nb``."""
    found: dict[str, str] = {}
    part, answer = None, None
    for cell in nb.cells:
        meta = notebook.nbgrader_meta(cell)
        gid = meta.get("grade_id")
        if cell.cell_type == "markdown" and not meta.get("grade"):
            headings = _PART.findall(str(cell.source))
            if headings:
                part, answer = headings[-1], None
            continue
        if cell.cell_type == "code" and meta.get("solution") and not meta.get("grade"):
            answer = gid
            continue
        if not (meta.get("grade") and gid):
            continue
        if cell.cell_type == "markdown":
            what = WRITTEN
        else:
            what = answer if answer and not meta.get("solution") else gid.removeprefix("test_")
        found[gid] = f"Part {part}: {what}" if part else what
    return found


@functools.lru_cache(maxsize=64)
def _cached(path: str, mtime: float) -> dict[str, str]:
    return names(notebook.read(path))


def of_release(root: Path, assignment: str, notebook_name: str | None = None) -> dict[str, str]:
    """The part names of ``assignment`` (all its notebooks, or ``notebook_name``) in ``root/release``."""
    folder = Path(root) / "release" / assignment
    pattern = f"{notebook_name}.ipynb" if notebook_name else "*.ipynb"
    found: dict[str, str] = {}
    for path in sorted(folder.glob(pattern)) if folder.is_dir() else []:
        try:
            found.update(_cached(str(path), path.stat().st_mtime))
        except (OSError, ValueError):
            continue
    return found


def label(part_names: dict[str, str], grade_id: str) -> str:
    return part_names.get(grade_id, grade_id)
