"""How a graded submission enters nbgrader: one preprocessor in place of nbgrader's Execute.

The grading engine has already run the notebook once in the sandbox and asked
the hidden checks their questions; its `JobResult` (plain, bounded data) waits
in `RESULTS`. `InjectResults` puts the outputs it received on nbgrader's own
copy of the notebook (whose cells, metadata, points and checksums nbgrader has
restored from the gradebook) and writes each grade cell's verdict as nbgrader
partial credit, with the failed checks' messages as text. nbgrader's own
SaveAutoGrades then records the scores; `generate_feedback` shows them, never
the checks' code.
"""

from __future__ import annotations

import nbformat
from nbformat import NotebookNode
from nbgrader.preprocessors import (
    NbGraderPreprocessor,
)

from nnfin.grading import notebook, parts
from nnfin.grading.engine.grade import JobResult

REPORT_TAG = "nnfin-grading-report"
RESULTS: dict[tuple[str, str], JobResult] = {}


class NotGradedByEngine(RuntimeError):
    """`nbgrader autograde` was called directly: this course grades with `make grade`."""


class InjectResults(NbGraderPreprocessor):
    """Outputs from the sandboxed run, verdicts from the hidden checks, a report on top."""

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        info = resources["nbgrader"]
        result = RESULTS.get((info["student"], info["assignment"]))
        if result is None:
            raise NotGradedByEngine("this course grades through its own engine: run `make grade` "
                                    "(it drives nbgrader for you)")
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            cell.outputs = [nbformat.from_dict(o) for o in result.outputs.get(cell.get("id"), [])]
            cell.execution_count = result.execution_counts.get(cell.get("id"))
            if notebook.is_test_cell(cell):
                _score_cell(cell, result)
        nb.cells.insert(0, _report_cell(result, self._part_names(info)))
        resources.setdefault("nnfin", {})["result"] = result
        return nb, resources

    def _part_names(self, info: dict) -> dict[str, str]:
        """"Part 1: mse" for test_mse, from the course's release/ (see `nnfin.grading.parts`)."""
        from nbgrader.coursedir import CourseDirectory

        root = CourseDirectory(config=self.config).root
        return parts.of_release(root, str(info.get("assignment", "")), str(info.get("notebook", "")) or None)


def _score_cell(cell: NotebookNode, result: JobResult) -> None:
    part = result.parts.get(notebook.grade_id(cell))
    if part is None:  # a cell without hidden checks keeps nbgrader's usual verdict
        return
    visible = _visible_summary(cell)
    points = float(cell.metadata["nbgrader"].get("points", 0))
    score = 0.0 if not part["max_score"] else round(points * part["score"] / part["max_score"], 4)
    lines = [f"Hidden checks: {score:g} / {points:g} points"]
    lines += [f"  - {m}" for m in part["messages"]]
    if part["score"] == part["max_score"]:
        lines.append("  All hidden checks passed.")
    if visible:
        lines.append(f"Visible tests in this cell: {visible}")
    cell.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="\n".join(lines) + "\n"),
        nbformat.v4.new_output("execute_result", data={"text/plain": f"{score:g}"},
                               execution_count=cell.get("execution_count")),
    ]


def _visible_summary(cell: NotebookNode) -> str:
    """What the visible asserts said when the notebook ran (kept for the student)."""
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            value = str(output.get("evalue", "")).strip().splitlines()
            return f"{output.get('ename', 'Error')}: {value[0] if value else ''}".strip(": ")[:300]
    return "passed" if cell.get("outputs") is not None else ""


def _report_cell(result: JobResult, names: dict[str, str] | None = None) -> NotebookNode:
    score = sum(p["score"] for p in result.parts.values())
    out_of = sum(p["max_score"] for p in result.parts.values())
    ran = bool(result.sandbox)  # a submission refused or damaged as handed in never ran
    lines = ["### Grading report", "",
             f"Hidden checks scored **{score:g} / {out_of:g}** points (check seed {result.seed})."
             if ran else f"This submission was not run, so it scored **0 / {out_of:g}** points.", ""]
    lost = [f"{parts.label(names or {}, gid)} ({p['score']:g} / {p['max_score']:g})"
            for gid, p in result.parts.items() if p["score"] < p["max_score"]]
    if lost and ran:
        lines += [f"Points lost in: {_markdown_safe('; '.join(lost))}.", ""]
    elif result.parts and ran:
        lines += ["Every part passed all its hidden checks.", ""]
    if result.problems:
        lines.append("Problems while running your code:")
        lines += [f"- {_markdown_safe(p)}" for p in result.problems]
        lines.append("")
    if ran:
        lines.append(f"Student code ran {result.sandbox}.")
    cell = nbformat.v4.new_markdown_cell("\n".join(lines))
    cell.metadata["tags"] = [REPORT_TAG]
    return cell


def _markdown_safe(text: str) -> str:
    """Problems quote the student's own error messages: show them as text, never as markup."""
    return "".join("\\" + ch if ch in "\\`*_{}[]()<>#+-.!|" else ch for ch in text)


# an nbgrader_config.py written before adapter/config.py imports it from here
from nnfin.grading.adapter.config import configure_autograde  # noqa: E402, F401
