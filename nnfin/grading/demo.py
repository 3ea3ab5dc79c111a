"""The demo class: a small, realistic class generated from the course itself.

``reference`` hands in the model answers, ``blank`` the untouched release, and
every other student the model answers with exactly one classic mistake, taken
from the known wrong answers in tests/mutants (the same ones CI proves the hidden
checks catch). Generating the class from source/ keeps it in step with the
notebooks; nothing in it is written by hand twice.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import nbformat

from nnfin.coursedir import REPO, assignments
from nnfin.grading import notebook


@dataclass(frozen=True)
class Mistake:
    student: str
    assignment: str
    cell: str
    name: str


DEMO_MISTAKES = (
    Mistake("sam_sum", "01_losses", "mse", "sum instead of mean"),
    Mistake("gail_sign", "02_gradient_descent", "gradient_descent", "sign error"),
    Mistake("tom_transpose", "03_backpropagation", "backward", "W instead of W.T"),
    Mistake("mia_missing_prime", "03_backpropagation", "hidden_delta", "missing sigma'"),
    Mistake("lou_lookahead", "04_training_overfitting", "chronological_split", "shuffled split"),
)

_MARKERS = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*$")


def known_mistakes(root: Path = REPO) -> dict[tuple[str, str], list[dict]]:
    """The mutant catalogue: (assignment, answer cell) -> wrong answers."""
    catalogue: dict[tuple[str, str], list[dict]] = {}
    for path in sorted((root / "tests" / "mutants").glob("m*.py")):
        spec = importlib.util.spec_from_file_location(f"_mutants_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for mutant in module.MUTANTS:
            catalogue.setdefault((module.ASSIGNMENT, mutant["cell"]), []).append(mutant)
    return catalogue


def _find(catalogue, mistake: Mistake) -> dict:
    for mutant in catalogue.get((mistake.assignment, mistake.cell), []):
        if mistake.name.lower() in mutant["name"].lower():
            return mutant
    raise LookupError(f"no known mistake {mistake.name!r} for {mistake.assignment}/{mistake.cell}")


def _answered(source_nb, release_nb):
    """The release notebook with every answer cell filled in as the model answer."""
    answers = {notebook.grade_id(c): c.source for c in source_nb.cells
               if notebook.nbgrader_meta(c).get("solution") and c.cell_type == "code"}
    nb = nbformat.from_dict(release_nb)
    for cell in nb.cells:
        gid = notebook.grade_id(cell)
        if gid in answers:
            cell.source = "\n".join(line for line in answers[gid].splitlines()
                                    if not _MARKERS.match(line))
    return nb


def model_answers(root: Path, assignment: str):
    """The released notebook of ``assignment`` with every answer cell holding the model answer."""
    release_nb = notebook.read(next((root / "release" / assignment).glob("*.ipynb")))
    source_nb = notebook.read(next((root / "source" / assignment).glob("*.ipynb")))
    return _answered(source_nb, release_nb)


def wrong_answer(mistake: Mistake) -> str:
    """The answer cell's source with ``mistake`` in it (from the known wrong answers)."""
    return _find(known_mistakes(), mistake)["source"]


def _write(root: Path, student: str, assignment: str, nb, files: Path) -> None:
    folder = root / "submitted" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    for item in files.iterdir():
        if item.is_file() and item.suffix != ".ipynb":
            shutil.copy(item, folder / item.name)
    nbformat.write(nb, folder / next(files.glob("*.ipynb")).name)


def install(root: Path = REPO, mistakes: tuple[Mistake, ...] = DEMO_MISTAKES) -> list[str]:
    """Write the demo class into root/submitted (replacing an earlier demo class)."""
    catalogue = known_mistakes()
    students = ["reference", "blank", *[m.student for m in mistakes]]
    for student in students:
        shutil.rmtree(root / "submitted" / student, ignore_errors=True)
    for assignment in assignments(root / "source"):
        release_dir = root / "release" / assignment
        release_nb = notebook.read(next(release_dir.glob("*.ipynb")))
        source_nb = notebook.read(next((root / "source" / assignment).glob("*.ipynb")))
        answered = _answered(source_nb, release_nb)
        _write(root, "reference", assignment, answered, release_dir)
        _write(root, "blank", assignment, release_nb, release_dir)
        for mistake in mistakes:
            nb = nbformat.from_dict(answered)
            if mistake.assignment == assignment:
                wrong = _find(catalogue, mistake)["source"]
                [cell] = [c for c in nb.cells if notebook.grade_id(c) == mistake.cell]
                cell.source = wrong
            _write(root, mistake.student, assignment, nb, release_dir)
    return students
