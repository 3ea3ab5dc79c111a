"""Make a submission gradable without losing what the student did right.

nbgrader grades ``submitted/<student>/<assignment>/<notebook>.ipynb``. Before it
does, each submission is copied into a staging folder and repaired where that is
safe: a renamed notebook is graded under its expected name, cells the student
deleted are put back from the release (a deleted answer comes back as the empty
stub, so only that part loses its points), and a file that is not a notebook is
left out so nbgrader records zero for it. Every repair is reported, in the class
summary and in the student's feedback. The student's own files are never changed.

Harmless edits to a cell's grading metadata (a renamed grade_id, ``grade``
switched off, changed points, a graded cell turned into markdown, a copied answer
cell) would make nbgrader fail the whole notebook, so every staged cell gets the
grading metadata of its release cell, or none. A submitted cell is paired with its
release cell by, in order of trust: the nbformat cell id (Jupyter keeps it), the
exact text of a locked cell, its place between already paired neighbours, and
last its grade_id. Locked cells also get their released text back (nbgrader would
do the same); answers always keep the student's text.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from nnfin.grading import door, notebook
from nnfin.grading.engine import budget
from nnfin.grading.engine.containment import SubmissionLimits


@dataclass
class StagedSubmission:
    student: str
    assignment: str
    problems: list[str] = field(default_factory=list)
    gradable: bool = True
    refusal: str = ""  # why it is not graded (damaged, refused, over a budget), for every export


def _load(raw: bytes, name: str, limits: SubmissionLimits) -> tuple[NotebookNode | None, str]:
    """The notebook, parsed only once it is within every budget (see `budget`); else the reason."""
    try:
        data = budget.decode(raw, name, limits)
    except ValueError as exc:
        return None, str(exc)
    try:
        major, minor = nbformat.reader.get_version(data)
        nb = nbformat.versions[major].to_notebook_json(data, minor=minor)  # nbformat.reads, minus json
        nb = nbformat.convert(nb, 4)
        nbformat.validate(nb)
    except Exception as exc:  # noqa: BLE001 - any unreadable notebook is reported the same way
        return None, f"{name} is not a valid notebook ({type(exc).__name__})"
    return nb, ""


Pairs = dict[int, int]  # submitted cell index -> release cell index
_FLAGS = ("grade", "solution", "locked")


def _match(cells: list[NotebookNode], release: list[NotebookNode]) -> Pairs:
    """Pair each submitted cell with its release cell, most trusted evidence first (see the module doc)."""
    pairs: Pairs = {}
    _pair_by_key(pairs, cells, release, lambda c: c.get("id"), lambda c: c.get("id"))
    _pair_by_key(pairs, cells, release, lambda c: c.source, _locked_source)
    _pair_by_position(pairs, len(cells), len(release))
    _pair_by_key(pairs, cells, release, notebook.grade_id, notebook.grade_id)
    return pairs


def _locked_source(cell: NotebookNode) -> str | None:
    """A locked cell's text identifies it: students cannot legitimately edit it."""
    return cell.source if notebook.nbgrader_meta(cell).get("locked") and cell.source.strip() else None


def _pair_by_key(pairs: Pairs, cells: list[NotebookNode], release: list[NotebookNode],
                 key: Callable[[NotebookNode], str | None],
                 release_key: Callable[[NotebookNode], str | None]) -> None:
    """Pair still unpaired cells whose keys agree, in notebook order (a duplicate key pairs once)."""
    taken = set(pairs.values())
    waiting: dict[str, list[int]] = {}
    for i, cell in enumerate(release):
        if i not in taken and release_key(cell):
            waiting.setdefault(release_key(cell), []).append(i)
    for j, cell in enumerate(cells):
        if j not in pairs and waiting.get(key(cell)):
            pairs[j] = waiting[key(cell)].pop(0)


def _pair_by_position(pairs: Pairs, n_cells: int, n_release: int) -> None:
    """Between two paired neighbours, unpaired cells pair up in order if there are as many on each side."""
    taken = set(pairs.values())
    bounds = [(-1, -1), *sorted(pairs.items()), (n_cells, n_release)]
    for (j0, i0), (j1, i1) in zip(bounds, bounds[1:], strict=False):
        gap = [i for i in range(i0 + 1, i1) if i not in taken]
        if gap and len(gap) == j1 - j0 - 1:
            pairs.update(zip(range(j0 + 1, j1), gap, strict=True))
            taken.update(gap)


def _labelled(meta: dict) -> bool:
    return bool(meta.get("grade_id") or any(meta.get(flag) for flag in _FLAGS))


def _changes(cell: NotebookNode, original: NotebookNode) -> list[str]:
    """What the student changed about a graded cell, in words (checksum and schema need no words)."""
    had, want = notebook.nbgrader_meta(cell), notebook.nbgrader_meta(original)
    changes = [] if had else ["metadata removed"]
    if had and had.get("grade_id") != want.get("grade_id"):
        changes.append(f"renamed to '{had.get('grade_id')}'" if had.get("grade_id") else "grade_id removed")
    changes += [f"{flag} switched {'on' if had.get(flag) else 'off'}" for flag in _FLAGS
                if had and bool(had.get(flag)) != bool(want.get(flag))]
    if had.get("grade") and want.get("grade") and not _same_points(had.get("points"), want.get("points")):
        changes.append(f"points changed to {had.get('points')}")
    if cell.cell_type != original.cell_type:
        changes.append(f"made a {cell.cell_type} cell")
    return changes


def _same_points(a: object, b: object) -> bool:
    try:
        return float(a) == float(b)
    except (TypeError, ValueError):
        return False


def _set_cell_type(cell: NotebookNode, cell_type: str) -> None:
    """nbgrader turns a graded cell back into its released type; doing it here keeps checksums whole."""
    if cell.cell_type == cell_type:
        return
    cell.cell_type = cell_type
    if cell_type == "code":
        cell.outputs, cell.execution_count = [], None
        cell.pop("attachments", None)
    else:
        cell.pop("outputs", None)
        cell.pop("execution_count", None)


def _restore_cell(cell: NotebookNode, original: NotebookNode) -> str | None:
    """Give a paired cell its release grading metadata (and text, if locked); describe what changed."""
    want = notebook.nbgrader_meta(original)
    gid, changes = want["grade_id"], _changes(cell, original)
    edited = bool(want.get("locked")) and cell.source != original.source
    _set_cell_type(cell, original.cell_type)
    cell.metadata["nbgrader"] = copy.deepcopy(want)
    if want.get("locked"):
        cell.source = original.source
    what = f"had its grading metadata changed ({', '.join(changes)})" if changes else ""
    what = "had its grading metadata removed" if changes == ["metadata removed"] else what
    if edited:
        return f"the locked cell '{gid}' was edited{' and ' + what if what else ''}; the original was used"
    return f"the cell '{gid}' {what}; it was restored from the assignment" if what else None


def _unlabel(cell: NotebookNode, number: int) -> str | None:
    """A cell the assignment does not grade loses grading metadata: it can neither steal nor copy points."""
    meta = cell.metadata.pop("nbgrader", None) or {}
    if not _labelled(meta):
        return None
    what = (f"carried the grading label '{meta['grade_id']}' but is not that cell of the assignment"
            if meta.get("grade_id") else "was marked for grading but is not graded in the assignment")
    return f"cell {number} {what}; it was kept as an ordinary cell"


def _restore_metadata(nb: NotebookNode, release_nb: NotebookNode, pairs: Pairs) -> list[str]:
    """Every cell gets its release cell's grading metadata, or none; one line per repaired cell."""
    problems = []
    for j, cell in enumerate(nb.cells):
        original = release_nb.cells[pairs[j]] if j in pairs else None
        if original is not None and notebook.nbgrader_meta(original):
            problem = _restore_cell(cell, original)
        else:
            problem = _unlabel(cell, j + 1)
        problems += [problem] if problem else []
    return problems


def _restore_deleted_cells(nb: NotebookNode, release_nb: NotebookNode, pairs: Pairs) -> list[str]:
    """Put back every graded or locked release cell that nothing in the submission stands for."""
    placed = {i: nb.cells[j] for j, i in pairs.items()}
    restored = []
    for position, cell in enumerate(release_nb.cells):
        gid = notebook.grade_id(cell)
        if not gid or position in placed:
            continue
        copied = copy.deepcopy(cell)
        if nb.nbformat_minor < 5:
            copied.pop("id", None)
        nb.cells.insert(_anchor_index(nb, placed, position), copied)
        placed[position] = copied
        if gid == notebook.CHECK_CELL:  # never run by the grader: nothing to tell the student
            continue
        meta = notebook.nbgrader_meta(cell)
        kind = "answer" if meta.get("solution") else "test" if meta.get("grade") else "given"
        restored.append(f"the {kind} cell '{gid}' was deleted and has been restored "
                        f"from the assignment{' (as the empty stub)' if kind == 'answer' else ''}")
    return restored


def _anchor_index(nb: NotebookNode, placed: dict[int, NotebookNode], position: int) -> int:
    """Where a deleted release cell belongs: right after its nearest surviving predecessor."""
    earlier = [i for i in placed if i < position]
    if not earlier:
        return 0
    anchor = placed[max(earlier)]
    return next(k for k, c in enumerate(nb.cells) if c is anchor) + 1


def door_bounds(limits: SubmissionLimits) -> door.Bounds:
    """What staging reads of a submission folder: its top level, within the submission's limits."""
    return door.Bounds(entries=limits.folder_files, depth=0, total_bytes=limits.folder_bytes,
                       file_bytes={"ipynb": limits.notebook_bytes}, skip=(".*",))


def _refused(result: StagedSubmission, reason: str) -> StagedSubmission:
    result.problems.append(f"{reason}: 0 points for this assignment")
    result.gradable = False
    result.refusal = reason
    return result


def _timestamp(files: dict[str, bytes], result: StagedSubmission) -> None:
    """nbgrader records the submission's time from timestamp.txt: only a believable one is kept."""
    raw = files.get(door.TIMESTAMP)
    if raw is None:
        return
    try:
        when = door.parse_timestamp(raw.decode("utf-8"))
        problem = "is in the future" if when > door.utc_now() + door.CLOCK_SLACK else None
    except (UnicodeDecodeError, ValueError):
        problem = "is not a timestamp"
    if problem:
        del files[door.TIMESTAMP]
        result.problems.append(f"the submission's {door.TIMESTAMP} {problem}; it was left out")


def stage(student_dir: Path, assignment: str, release_dir: Path, target: Path,
          limits: SubmissionLimits | None = None) -> StagedSubmission:
    """Copy one student's assignment folder to ``target``, repaired; report what was done.

    The folder is read through the door (`door.read_tree`): no link is followed, and a link,
    a hard link, a device or a FIFO refuses the submission; names outside the allow-list are
    left out. The staged copy is written from the bytes read, never copied by path.
    """
    limits = limits or SubmissionLimits()
    result = StagedSubmission(student_dir.parent.name, assignment)
    target.mkdir(parents=True, exist_ok=True)
    try:
        tree = door.read_tree(student_dir.parent.parent, (student_dir.parent.name, student_dir.name),
                              door_bounds(limits))
    except door.Refused as exc:
        return _refused(result, f"the submission was refused: {exc}")
    files = tree.files
    if door.REFUSAL_NOTE in files:  # collect refused it, and said why
        note = files[door.REFUSAL_NOTE][:2000].decode("utf-8", "replace").strip()
        return _refused(result, note or "the submission was refused when it was collected")
    result.problems += tree.left_out
    _timestamp(files, result)
    for name, data in files.items():
        if not name.endswith(".ipynb"):
            (target / name).write_bytes(data)
    expected = sorted(p.name for p in release_dir.glob("*.ipynb"))
    submitted = sorted(n for n in files if n.endswith(".ipynb"))
    extra = [n for n in submitted if n not in expected]
    for name in expected:
        source = name
        if name not in files:
            if len(expected) == 1 and len(extra) == 1:
                source = extra[0]
                result.problems.append(f"the notebook was renamed to {extra[0]}; it was graded "
                                       f"as {name}")
            else:
                result.problems.append(f"{name} is missing from the submission: 0 points for it")
                result.gradable = False
                result.refusal = result.refusal or f"{name} is missing from the submission"
                continue
        nb, error = _load(files[source], source, limits)
        if nb is None:
            result.problems.append(error + ": 0 points for it")
            result.gradable = False
            result.refusal = result.refusal or error
            continue
        release_nb = notebook.read(release_dir / name)
        pairs = _match(nb.cells, release_nb.cells)
        result.problems += _restore_metadata(nb, release_nb, pairs)
        result.problems += _restore_deleted_cells(nb, release_nb, pairs)
        nbformat.write(nb, target / name)
    return result
