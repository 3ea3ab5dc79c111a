"""A submitted notebook's size budgets, checked before anything parses it into nbformat.

The file's size is known before it is read (the door reads at most the budget); then the
JSON is decoded with Python's own decoder (which turns deep nesting and 5,000-digit
numbers into errors, never into work), and the cells, the outputs and every Markdown
cell are counted on the plain data. Each output costs at least ``output_min_bytes``, so
100,000 empty outputs weigh 100 MiB, not nothing. Only a notebook within every budget
reaches nbformat; any other is refused with the reason, in the student's terms.
"""

from __future__ import annotations

import json

from nnfin.grading.engine.containment import SubmissionLimits


class OverBudget(ValueError):
    """The notebook is not graded; ``str()`` says which budget it broke, for the student."""


def _mib(n: int) -> str:
    return f"{n / 1024**2:g} MiB" if n >= 1024**2 else f"{n / 1024:g} KiB"


def _text_bytes(source: object) -> int:
    """How many bytes a cell's source holds (a string or a list of strings, as nbformat allows)."""
    if isinstance(source, str):
        return len(source.encode("utf-8", "surrogatepass"))
    if isinstance(source, list):
        return sum(_text_bytes(s) for s in source if isinstance(s, str))
    return 0


def decode(raw: bytes, name: str, limits: SubmissionLimits) -> dict:
    """The notebook's JSON as plain data, within every budget; `OverBudget` or ValueError says why not."""
    if len(raw) > limits.notebook_bytes:
        raise OverBudget(f"{name} is {_mib(len(raw))}, more than the {_mib(limits.notebook_bytes)} "
                         "a notebook may have (clear large outputs before submitting)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError(f"{name} is not a text file") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{name} is not valid JSON (line {exc.lineno}): it was damaged or "
                         "edited outside Jupyter") from None
    except (RecursionError, ValueError):  # nesting too deep, a number with too many digits
        raise ValueError(f"{name} is not a notebook Jupyter wrote (nested too deep or a number "
                         "far too long)") from None
    if not isinstance(data, dict) or not isinstance(data.get("cells", []), list):
        raise ValueError(f"{name} is not a valid notebook (no list of cells)")
    check(data, name, limits)
    return data


def check(data: dict, name: str, limits: SubmissionLimits) -> None:
    """Count cells, outputs (each at least ``output_min_bytes``) and Markdown cell sizes."""
    cells = data.get("cells", [])
    if len(cells) > limits.notebook_cells:
        raise OverBudget(f"{name} has {len(cells)} cells, more than the {limits.notebook_cells} "
                         "a notebook may have")
    cost = outputs = 0
    for number, cell in enumerate(cells, 1):
        if not isinstance(cell, dict):
            raise ValueError(f"{name} is not a valid notebook (cell {number} is not a cell)")
        markdown = cell.get("cell_type") == "markdown"
        if markdown and _text_bytes(cell.get("source")) > limits.markdown_cell_bytes:
            raise OverBudget(f"cell {number} of {name} is a Markdown cell of more than "
                             f"{_mib(limits.markdown_cell_bytes)}, the most a written answer may have")
        items = cell.get("outputs", [])
        if not isinstance(items, list):
            raise ValueError(f"{name} is not a valid notebook (cell {number} has no list of outputs)")
        outputs += len(items)
        cost += sum(max(limits.output_min_bytes, len(json.dumps(o))) for o in items)
        if cost > limits.notebook_output_bytes:
            raise OverBudget(f"{name} holds {outputs}+ outputs weighing more than "
                             f"{_mib(limits.notebook_output_bytes)} (each output counts at least "
                             f"{_mib(limits.output_min_bytes)}): clear the outputs and submit again")
