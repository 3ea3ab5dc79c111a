"""The two preprocessors that make `nbgrader autograde` trustworthy.

* `SandboxedExecute` replaces nbgrader's Execute: the student's notebook
  (visible tests included) runs in the sandbox, so it cannot touch the
  gradebook, the hidden checks or the reference package.
* `HiddenChecks` then runs grader_tests/ in the trusted process against a fresh
  sandboxed process of the student's code, and writes each grade cell's verdict
  into that cell's outputs as nbgrader's partial credit (a number), with the
  failed checks' messages as text. nbgrader's own SaveAutoGrades records them
  in the gradebook, and `generate_feedback` shows them - never the checks' code.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import nbformat
from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbformat import NotebookNode
from nbgrader.preprocessors import (
    AssignLatePenalties,
    CheckCellMetadata,
    IgnorePattern,
    LimitOutput,
    NbGraderPreprocessor,
    SaveAutoGrades,
)
from traitlets import Integer

from nnfin.grading import notebook
from nnfin.grading.checks.runner import CheckReport, run_hidden_checks, submission_seed
from nnfin.grading.engine import isolation
from nnfin.grading.engine.proxy import StudentProcess


def results_path(root: Path, student: str, assignment: str) -> Path:
    """Where the grader leaves one submission's verdict for the class summary."""
    return root / "build" / "results" / student / f"{assignment}.json"

REPORT_TAG = "nnfin-grading-report"


class SandboxedExecute(NbGraderPreprocessor):
    """Execute the notebook inside the sandbox, keeping outputs and errors."""

    cell_timeout = Integer(30, help="seconds one cell may run").tag(config=True)
    total_timeout = Integer(300, help="seconds the whole notebook may run").tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        folder = Path(resources.get("metadata", {}).get("path") or ".")
        with tempfile.TemporaryDirectory(prefix="nnfin-exec-") as tmp:
            work = Path(tmp)
            for item in folder.iterdir():
                if item.is_file() and item.suffix != ".ipynb":
                    shutil.copy(item, work / item.name)
            isolation.install_runtime(work)
            nbformat.write(nb, work / "submission.ipynb")
            work.chmod(0o777)
            proc = isolation.popen(
                work, [".grader/nbexec.py", "submission.ipynb", "executed.ipynb",
                       str(self.cell_timeout)],
                isolation.bwrap_path(), python_children=True,
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            try:
                _, err = proc.communicate(timeout=self.total_timeout)
            except subprocess.TimeoutExpired:
                isolation.kill_group(proc)
                return self._not_run(nb, resources, "the notebook did not finish running in "
                                     f"{self.total_timeout} s")
            executed = work / "executed.ipynb"
            if proc.returncode != 0 or not executed.exists():
                tail = err.decode(errors="replace").strip().splitlines()[-1:] if err else []
                self.log.warning("sandboxed execution failed: %s", tail)
                return self._not_run(nb, resources, "the notebook could not be run to the end")
            result = nbformat.read(executed, as_version=4)
        status = result.metadata.pop("nnfin_execution", "ok")
        if status != "ok":
            resources.setdefault("nnfin", {})["execution"] = f"running the notebook: {status}"
        return result, resources

    def _not_run(self, nb: NotebookNode, resources: dict, why: str):
        resources.setdefault("nnfin", {})["execution"] = why
        return nb, resources


class HiddenChecks(NbGraderPreprocessor):
    """Score every autograder-test cell from the hidden checks in grader_tests/."""

    cell_timeout = Integer(30, help="seconds one of the student's cells may run").tag(config=True)
    call_timeout = Integer(20, help="seconds one call of a student function may run").tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        info = resources["nbgrader"]
        assignment, student = info["assignment"], info["student"]
        course = self.config.get("CourseDirectory", {})
        root = Path(course.get("root") or ".")
        seed = submission_seed(str(course.get("course_id", "")), assignment, student)
        folder = Path(resources.get("metadata", {}).get("path") or ".")
        process = StudentProcess(notebook.student_code_cells(nb), files=folder,
                                 cell_timeout=self.cell_timeout, call_timeout=self.call_timeout)
        with process:
            report = run_hidden_checks(assignment, [], folder, seed, process=process)
        for cell in nb.cells:
            if notebook.is_test_cell(cell):
                self._score_cell(cell, report)
        execution = resources.get("nnfin", {}).get("execution")
        sidecar = results_path(root, student, assignment)
        staged = sidecar.with_suffix(".staging.json")
        earlier = json.loads(staged.read_text()) if staged.exists() else []
        problems = earlier + ([execution] if execution else []) + report.failed_cells + report.events
        nb.cells.insert(0, _report_cell(report, problems))
        sidecar.parent.mkdir(parents=True, exist_ok=True)
        sidecar.write_text(json.dumps({
            "seed": report.seed,
            "parts": {gid: {"score": p.score, "max_score": p.max_score, "messages": p.messages}
                      for gid, p in report.parts.items()},
            "problems": problems,
        }, indent=1))
        for part in report.parts.values():
            for line in part.internal:
                self.log.warning("hidden check error (%s/%s): %s", student, part.grade_id, line)
        resources.setdefault("nnfin", {})["report"] = report
        return nb, resources

    def _score_cell(self, cell: NotebookNode, report: CheckReport) -> None:
        part = report.parts.get(notebook.grade_id(cell))
        if part is None:  # a cell without hidden checks keeps nbgrader's usual verdict
            return
        visible = _visible_summary(cell)
        points = float(cell.metadata["nbgrader"].get("points", 0))
        score = 0.0 if part.max_score == 0 else round(points * part.score / part.max_score, 4)
        lines = [f"Hidden checks: {score:g} / {points:g} points"]
        lines += [f"  - {m}" for m in part.messages]
        if part.score == part.max_score:
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
            return f"{output.get('ename', 'Error')}: {value[0] if value else ''}".strip(": ")
    return "passed" if cell.get("outputs") is not None else ""


def _report_cell(report: CheckReport, problems: list[str]) -> NotebookNode:
    lines = ["### Grading report", "",
             f"Hidden checks scored **{report.score:g} / {report.max_score:g}** points "
             f"(check seed {report.seed}).", ""]
    if problems:
        lines.append("Problems while running your code:")
        lines += [f"- {p}" for p in problems]
        lines.append("")
    lines.append(f"Student code ran {isolation.describe()}.")
    cell = nbformat.v4.new_markdown_cell("\n".join(lines))
    cell.metadata["tags"] = [REPORT_TAG]
    return cell


def configure_autograde(c) -> None:
    """Swap nbgrader's in-kernel execution for the sandbox plus hidden checks."""
    c.Autograde.autograde_preprocessors = [
        SandboxedExecute,
        HiddenChecks,
        IgnorePattern,
        ClearMetadataPreprocessor,
        LimitOutput,
        SaveAutoGrades,
        AssignLatePenalties,
        CheckCellMetadata,
    ]
