"""Notebooks with one answer cell replaced: the mutant, equivalent and visible-test suites share this."""

from __future__ import annotations

import contextlib
import importlib
import io
import os
import zlib
from pathlib import Path

from nbformat import NotebookNode

from nnfin.grading import notebook
from nnfin.grading.checks.runner import CheckReport, checks_seed, run_checks
from nnfin.grading.engine import local

FIVE_IDS = ("alice", "bob", "mallory", "s123456", "zoe.ng@uni.example")

REPO = Path(__file__).resolve().parents[2]


def catalogue(folder: str, prefix: str, key: str) -> list[tuple[str, dict]]:
    """(assignment, entry) for every entry of ``key`` in tests/<folder>/<prefix>*.py."""
    out = []
    for path in sorted((REPO / "tests" / folder).glob(f"{prefix}*.py")):
        module = importlib.import_module(f"tests.{folder}.{path.stem}")
        out += [(module.ASSIGNMENT, entry) for entry in getattr(module, key)]
    return out


def declared_clauses(mutant: dict, part: str) -> list[str]:
    """The clauses of ``part`` a mutant declares it breaks: a list for its own part, or, for a mutant
    that also costs another part (an unfinished helper beside a part's own crash), a dict by part."""
    clauses = mutant["clauses"]
    return clauses.get(part, []) if isinstance(clauses, dict) else clauses


def swapped_notebook(assignment: str, cell_id: str, source: str,
                     also: dict[str, str] | None = None) -> tuple[NotebookNode, Path]:
    """The source notebook of ``assignment`` with answer cell ``cell_id`` replaced by ``source``
    (and each answer cell named in ``also`` by its source: a part that calls the wrong one)."""
    folder = REPO / "source" / assignment
    nb = notebook.read(next(folder.glob("*.ipynb")))
    for gid, text in {**(also or {}), cell_id: source}.items():
        hits = [c for c in nb.cells if notebook.grade_id(c) == gid]
        assert len(hits) == 1, f"no solution cell {gid!r} in {assignment}"
        hits[0].source = text
    return nb, folder


def swapped_cells(assignment: str, cell_id: str, source: str,
                  also: dict[str, str] | None = None) -> tuple[list[str], Path]:
    """The student's program (every code cell but the tests) with answer cells replaced."""
    nb, folder = swapped_notebook(assignment, cell_id, source, also)
    return notebook.student_code_cells(nb), folder


def visible_test_failure(assignment: str, cell_id: str, source: str,
                         also: dict[str, str] | None = None) -> str | None:
    """Run the notebook's own cells with one answer replaced, then that part's visible test cell.

    Our own trusted code (mutants), so it runs in this process: answer, setup and data cells in
    order, plots skipped, then ``test_<cell_id>``. Returns the failure message, or None when the
    visible tests pass.
    """
    nb, folder = swapped_notebook(assignment, cell_id, source, also)
    namespace: dict = {"__name__": "__visible__"}
    here = os.getcwd()
    os.chdir(folder)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            for cell in nb.cells:
                if cell.cell_type != "code" or notebook.is_test_cell(cell) or "plt." in cell.source:
                    continue
                try:
                    exec(notebook.without_magics(cell.source), namespace)  # noqa: S102 - our own code
                except Exception:  # noqa: BLE001 - a broken earlier cell is the mutant's business
                    pass
            test = notebook.test_cells(nb)[f"test_{cell_id}"]
            try:
                exec(notebook.without_magics(test.source), namespace)  # noqa: S102
            except Exception as exc:  # noqa: BLE001
                return f"{type(exc).__name__}: {exc}"
    finally:
        os.chdir(here)
    return None


def grade_under_ids(assignment: str, cells: list[str], folder: Path, ids: tuple[str, ...],
                    fresh: bool = False) -> list[CheckReport]:
    """The hidden checks' report on one loaded notebook under each student id: with the seed grading
    gives the course, and with one that depends on the id (as it once did), which must not matter.
    ``fresh``: run the notebook again before each grading (for code that keeps state between calls,
    as each submission gets a fresh process when a class is graded)."""
    reports = []
    with local.session(cells, folder) as session:
        session.load()
        for student in ids:
            for seed in (checks_seed("nnfin-module3", assignment),
                         zlib.crc32(f"nnfin-module3/{assignment}/{student}".encode()) & 0x7FFFFFFF):
                if fresh and reports:
                    session.load()
                reports.append(run_checks(assignment, session, seed))
    return reports
