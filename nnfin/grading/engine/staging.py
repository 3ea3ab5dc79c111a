"""Make a submission gradable without losing what the student did right.

nbgrader grades ``submitted/<student>/<assignment>/<notebook>.ipynb``. Before it
does, each submission is copied into a staging folder and repaired where that is
safe: a renamed notebook is graded under its expected name, cells the student
deleted are put back from the release (a deleted answer comes back as the empty
stub, so only that part loses its points), and a file that is not a notebook is
left out so nbgrader records zero for it. Every repair is reported, in the class
summary and in the student's feedback. The student's own files are never changed.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from nnfin.grading import notebook


@dataclass
class StagedSubmission:
    student: str
    assignment: str
    problems: list[str] = field(default_factory=list)
    gradable: bool = True


def _load(path: Path) -> tuple[NotebookNode | None, str]:
    try:
        raw = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None, f"{path.name} is not a text file"
    try:
        json.loads(raw)
    except json.JSONDecodeError as exc:
        return None, (f"{path.name} is not valid JSON (line {exc.lineno}): it was damaged or "
                      "edited outside Jupyter")
    try:
        nb = nbformat.reads(raw, as_version=4)
        nbformat.validate(nb)
    except Exception as exc:  # noqa: BLE001 - any unreadable notebook is reported the same way
        return None, f"{path.name} is not a valid notebook ({type(exc).__name__})"
    return nb, ""


def _report_edited_cells(nb: NotebookNode, release_nb: NotebookNode) -> list[str]:
    """Locked cells come back as released (nbgrader overwrites them); say so when it matters."""
    locked = {notebook.grade_id(c): c.source for c in release_nb.cells
              if notebook.nbgrader_meta(c).get("locked") and notebook.grade_id(c)}
    return [f"the locked cell '{notebook.grade_id(c)}' was edited; the original was used"
            for c in nb.cells
            if notebook.grade_id(c) in locked and c.source != locked[notebook.grade_id(c)]]


def _restore_deleted_cells(nb: NotebookNode, release_nb: NotebookNode) -> list[str]:
    """Put back every graded or locked cell of the release that the student deleted."""
    present = {notebook.grade_id(c) for c in nb.cells if notebook.grade_id(c)}
    restored = []
    for position, cell in enumerate(release_nb.cells):
        gid = notebook.grade_id(cell)
        if not gid or gid in present:
            continue
        anchor = _anchor_index(nb, release_nb, position)
        nb.cells.insert(anchor, nbformat.from_dict(json.loads(json.dumps(cell))))
        present.add(gid)
        meta = notebook.nbgrader_meta(cell)
        kind = "answer" if meta.get("solution") else "test" if meta.get("grade") else "given"
        restored.append(f"the {kind} cell '{gid}' was deleted and has been restored "
                        f"from the assignment{' (as the empty stub)' if kind == 'answer' else ''}")
    return restored


def _anchor_index(nb: NotebookNode, release_nb: NotebookNode, position: int) -> int:
    """Where a deleted release cell belongs: right after its nearest surviving predecessor."""
    index_of = {notebook.grade_id(c): i for i, c in enumerate(nb.cells) if notebook.grade_id(c)}
    for earlier in reversed(release_nb.cells[:position]):
        gid = notebook.grade_id(earlier)
        if gid in index_of:
            return index_of[gid] + 1
    return 0


def stage(student_dir: Path, assignment: str, release_dir: Path, target: Path) -> StagedSubmission:
    """Copy one student's assignment folder to ``target``, repaired; report what was done."""
    result = StagedSubmission(student_dir.parent.name, assignment)
    target.mkdir(parents=True, exist_ok=True)
    for item in student_dir.iterdir():
        if item.is_file() and item.suffix != ".ipynb":
            shutil.copy(item, target / item.name)
    expected = sorted(p.name for p in release_dir.glob("*.ipynb"))
    submitted = sorted(p.name for p in student_dir.glob("*.ipynb"))
    extra = [n for n in submitted if n not in expected]
    for name in expected:
        source = student_dir / name
        if not source.exists():
            if len(expected) == 1 and len(extra) == 1:
                source = student_dir / extra[0]
                result.problems.append(f"the notebook was renamed to {extra[0]}; it was graded "
                                       f"as {name}")
            else:
                result.problems.append(f"{name} is missing from the submission: 0 points for it")
                result.gradable = False
                continue
        nb, error = _load(source)
        if nb is None:
            result.problems.append(error + ": 0 points for it")
            result.gradable = False
            continue
        release_nb = notebook.read(release_dir / name)
        result.problems += _report_edited_cells(nb, release_nb)
        result.problems += _restore_deleted_cells(nb, release_nb)
        nbformat.write(nb, target / name)
    return result
