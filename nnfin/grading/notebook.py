"""Reading nbgrader notebooks: which cells are whose, and what the student wrote."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat import NotebookNode

# the release's "check my work" cell: it asks the check service (nnfin/check) about the saved
# notebook, so the grader never runs it (a graded run has no service to ask)
CHECK_CELL = "check_my_work"


def nbgrader_meta(cell: NotebookNode) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def is_test_cell(cell: NotebookNode) -> bool:
    """An autograder-test cell: graded, not a solution, code."""
    meta = nbgrader_meta(cell)
    return cell.cell_type == "code" and bool(meta.get("grade")) and not meta.get("solution")


def grade_id(cell: NotebookNode) -> str | None:
    return nbgrader_meta(cell).get("grade_id")


def without_magics(source: str) -> str:
    """IPython magics and shell escapes are not Python: comment them out."""
    lines = []
    for line in source.splitlines():
        stripped = line.lstrip()
        lines.append("# " + line if stripped.startswith(("%", "!")) else line)
    return "\n".join(lines)


def student_code_cells(nb: NotebookNode) -> list[str]:
    """Every code cell except the autograder tests and the check cell, in order (the student's program)."""
    return [without_magics(c.source) for c in nb.cells
            if c.cell_type == "code" and not is_test_cell(c) and grade_id(c) != CHECK_CELL]


def read(path: str | Path) -> NotebookNode:
    return nbformat.read(str(path), as_version=4)


def test_cells(nb: NotebookNode) -> dict[str, NotebookNode]:
    return {grade_id(c): c for c in nb.cells if is_test_cell(c)}


def cell_names(nb: NotebookNode, code: dict[str, NotebookNode]) -> dict[str, str]:
    """How a student finds each named code cell: "the read-only cell 'setup' (in "Part 1: ...")".

    ``code``: the code cells by their id. The heading is the last Markdown heading above the cell,
    as JupyterLab's table of contents shows it; cells without a grade_id keep their number."""
    names, heading = {}, ""
    ids = {id(c): cid for cid, c in code.items()}
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            titles = [line.lstrip("#").strip() for line in cell.source.splitlines() if line.startswith("#")]
            heading = titles[-1][:80] if titles else heading
            continue
        gid, cid = grade_id(cell), ids.get(id(cell))
        if cid is None or not gid:
            continue
        meta = nbgrader_meta(cell)
        kind = "your answer cell" if meta.get("solution") else "the read-only cell"
        names[cid] = f"{kind} '{gid}'" + (f' (in "{heading}")' if heading else "")
    return names
