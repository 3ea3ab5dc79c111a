"""Grade a list of 01_losses submissions one after another on this process's one warm worker.

Run by tests/grading/test_leftovers.py inside a fence (an outer control group):
``python -m tests.grading.leftovers_run SPEC.json``. Each submission is the model
answers with the spec's edits (a replaced answer cell, extra cells); each result is
printed as one JSON line, with the zygote's pid (the same pid throughout: the same
worker graded them all) and what the probe cell, if any, printed.
"""

from __future__ import annotations

import dataclasses
import json
import sys
import time
from pathlib import Path

import nbformat

from nnfin.grading import demo, notebook
from nnfin.grading.engine import local
from nnfin.grading.engine.containment import SubmissionLimits
from nnfin.grading.engine.grade import Job, grade_job

REPO = Path(__file__).resolve().parents[2]
LOSSES = "01_losses"
PROBE_ID = "leftover-probe"


def _job(spec: dict, base: nbformat.NotebookNode, files: dict[str, bytes]) -> Job:
    nb = nbformat.from_dict(json.loads(json.dumps(base)))
    for gid, source in spec.get("replace", {}).items():
        [cell] = [c for c in nb.cells if notebook.grade_id(c) == gid]
        cell.source = source.replace("{ORIGINAL}", cell.source)
    for i, source in enumerate(spec.get("extra", [])):
        cell = nbformat.v4.new_code_cell(source)
        cell.id = PROBE_ID if spec.get("probe") and i == len(spec["extra"]) - 1 else f"extra-{i}"
        nb.cells.append(cell)
    code = [(c.get("id") or f"cell-{i}", c) for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    limits = dataclasses.replace(SubmissionLimits(), **spec.get("limits", {}))
    return Job(spec["student"], LOSSES, 31337, [(cid, c.source) for cid, c in code], files, limits,
               test_cells={cid for cid, c in code if notebook.is_test_cell(c)},
               cell_names=notebook.cell_names(nb, {cid: c for cid, c in code}))


def _probe(outputs: list[dict]) -> dict | None:
    for output in outputs:
        text = output.get("text", "")
        if "LEFTOVERS " in text:
            return json.loads(text.split("LEFTOVERS ", 1)[1].splitlines()[0])
    return None


def main() -> None:
    specs = json.loads(Path(sys.argv[1]).read_text())
    source = notebook.read(REPO / "source" / LOSSES / "losses.ipynb")
    release = notebook.read(REPO / "release" / LOSSES / "losses.ipynb")
    base = demo._answered(source, release)
    files = {"returns.npz": (REPO / "release" / LOSSES / "returns.npz").read_bytes()}
    for spec in specs:
        started = time.monotonic()
        result = grade_job(_job(spec, base, files))
        worker = local._WORKER  # noqa: SLF001 - which worker graded it is the point
        print(json.dumps({
            "student": spec["student"], "graded": result.graded,
            "score": sum(p["score"] for p in result.parts.values()),
            "max_score": sum(p["max_score"] for p in result.parts.values()),
            "lost": sorted(g for g, p in result.parts.items() if p["score"] < p["max_score"]),
            "problems": result.problems, "internal": result.internal,
            "probe": _probe(result.outputs.get(PROBE_ID, [])),
            "zygote": worker.proc.pid if worker is not None and worker.proc is not None else None,
            "seconds": time.monotonic() - started,
        }), flush=True)
    local.shutdown()


if __name__ == "__main__":
    main()
