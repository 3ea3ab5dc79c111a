"""What the course adds to the pages nbgrader renders: names, a summary, no stray outputs, mark schemes.

Render-time steps (``HTMLExporter.preprocessors``, see `config.configure_rendering`), so they
apply to nbgrader's feedback pages and to the formgrader's submission pages alike:

* `HideScoreOutputs`: a test cell's ``Out[4]: 0`` is how `InjectResults` hands nbgrader a partial
  score; the page shows the score in the cell's heading already, so the output is left out.
* `PartSummary`: what the table at the top of a feedback page says of each graded cell
  (templates/feedback/nnfin_feedback.html.j2): "Part 1: mse", what to look at, a link.
* `MarkSchemes` (the formgrader only, never a feedback page): below each written answer, its
  model answer and mark scheme from ``source/``, for whoever grades it.

Which page is being rendered is the exporter's template: "feedback" or "formgrade".
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
from nbconvert.preprocessors import Preprocessor
from nbformat import NotebookNode

from nnfin.grading import diagnosis, notebook, parts

MARK_SCHEME_TAG = "nnfin-mark-scheme"
UNANSWERED = "raised NotImplementedError"
_MESSAGE = re.compile(r"^  - (.+)$", re.MULTILINE)
_REGION = re.compile(r"^\s*### BEGIN SOLUTION\s*$(.*?)^\s*### END SOLUTION\s*$", re.MULTILINE | re.DOTALL)
WHAT_LIMIT = 200  # characters of "what to look at" per part


def _template(step: Preprocessor) -> str:
    return str(getattr(step.parent, "template_name", "") or "")


def _course(step: Preprocessor):
    from nbgrader.coursedir import CourseDirectory

    return CourseDirectory(config=step.config)


def _where(resources: dict) -> tuple[str, str]:
    """(assignment, notebook) of the page: nbgrader's feedback resources, or the formgrader's."""
    info = resources.get("nbgrader") or {}
    return (str(info.get("assignment") or resources.get("assignment_id") or ""),
            str(info.get("notebook") or resources.get("notebook_id") or ""))


class HideScoreOutputs(Preprocessor):
    """Test cells show their messages, not the bare score nbgrader reads from them."""

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        for cell in nb.cells:
            if notebook.is_test_cell(cell):
                outputs = cell.get("outputs", [])
                cell.outputs = [o for o in outputs if o.get("output_type") != "execute_result"]
        return nb, resources


def _stdout(cell: NotebookNode) -> str:
    return "".join(str(o.get("text", "")) for o in cell.get("outputs", [])
                   if o.get("output_type") == "stream" and o.get("name") == "stdout")


def _part(cell: NotebookNode, label: str) -> dict:
    """What the summary says of one graded cell, with full marks and without them.

    The scores are not known yet (nbgrader's GetGrades runs after the exporter's own steps):
    the template compares ``metadata.nbgrader.score`` with the points and picks the line.
    """
    if not notebook.is_test_cell(cell):  # a written answer, graded by hand
        from nbgrader.utils import compute_checksum

        if notebook.nbgrader_meta(cell).get("checksum") == compute_checksum(cell):  # still the release's
            return {"label": label, "full": "graded by hand", "lost": "not answered yet",
                    "lost_status": "unanswered"}
        return {"label": label, "full": "graded by hand", "lost": "graded by hand", "lost_status": "lost"}
    messages = _MESSAGE.findall(_stdout(cell))
    if messages and all(UNANSWERED in m for m in messages):
        return {"label": label, "full": "all hidden checks passed", "lost_status": "unanswered",
                "lost": "not answered yet (the cell still raises NotImplementedError)"}
    labels = list(dict.fromkeys(diagnosis.label(m) for m in messages)) or ["see the messages below it"]
    what = "; ".join(labels)
    what = what if len(what) <= WHAT_LIMIT else what[:WHAT_LIMIT - 1] + "…"
    return {"label": label, "full": "all hidden checks passed", "lost": what, "lost_status": "lost"}


class PartSummary(Preprocessor):
    """``metadata.nnfin_part`` on each graded cell: the row of the feedback page's summary table."""

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        assignment, name = _where(resources)
        names = parts.of_release(Path(_course(self).root), assignment, name or None) if assignment else {}
        for cell in nb.cells:
            meta = notebook.nbgrader_meta(cell)
            gid = meta.get("grade_id")
            if meta.get("grade") and gid:
                cell.metadata["nnfin_part"] = _part(cell, parts.label(names, gid))
        return nb, resources


def mark_schemes(source_nb: NotebookNode) -> dict[str, str]:
    """grade id -> the solution region (model answer, mark scheme) of every hand-graded cell."""
    found = {}
    for cell in source_nb.cells:
        meta = notebook.nbgrader_meta(cell)
        if meta.get("solution") and meta.get("grade") and meta.get("grade_id"):
            region = _REGION.search(str(cell.source))
            if region and region.group(1).strip():
                found[meta["grade_id"]] = region.group(1).strip()
    return found


def _scheme_cell(text: str, where: str) -> NotebookNode:
    body = (f'<div class="nnfin-mark-scheme" style="border-left: 4px solid #f0ad4e; background: #fcf8e3; '
            f'padding: 0.3em 1em; margin: 0.5em 0 1.5em 0">\n\n'
            f"**For the grader: model answer and mark scheme** (from `{where}`; students never see "
            f"this)\n\n{text}\n\n</div>")
    cell = nbformat.v4.new_markdown_cell(body)
    cell.metadata["tags"] = [MARK_SCHEME_TAG]
    return cell


class MarkSchemes(Preprocessor):
    """In the formgrader, each written answer is followed by its mark scheme from source/."""

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        if _template(self) != "formgrade":  # feedback pages and everything else: never
            return nb, resources
        assignment, name = _where(resources)
        if not (assignment and name):
            return nb, resources
        course = _course(self)
        path = Path(course.format_path(course.source_directory, ".", assignment)) / f"{name}.ipynb"
        try:
            schemes = mark_schemes(notebook.read(path))
        except (OSError, ValueError):
            return nb, resources
        where = f"{course.source_directory}/{assignment}/{name}.ipynb"
        cells = []
        for cell in nb.cells:
            cells.append(cell)
            gid = notebook.grade_id(cell)
            if gid in schemes and notebook.nbgrader_meta(cell).get("solution"):
                cells.append(_scheme_cell(schemes[gid], where))
        nb.cells = cells
        return nb, resources
