"""Keep each graded function's docstring contract equal to the clauses its hidden checks declare.

The clauses live twice on purpose: in grader_tests/ as data the checks run, and in
the answer cell's docstring, where the student reads them. ``python -m
nnfin.grading.checks.docsync 01_losses`` rewrites the "Contract" section of every
graded docstring in source/01_losses/ from the declared parts (then run ``make
release``); tests/grading/test_contracts.py fails while the two differ.
"""

from __future__ import annotations

import argparse
import ast
import re
import textwrap

from nnfin.coursedir import SOURCE, checks_module
from nnfin.grading import notebook
from nnfin.grading.checks import direct
from nnfin.grading.checks.contract import Part

WIDTH = 100


def declared_parts(assignment: str) -> list[Part]:
    """The parts the assignment's checks module declares (its ``PARTS``)."""
    module = direct._import(checks_module(assignment).resolve())
    return list(getattr(module, "PARTS", []))


def contract_lines(part: Part, indent: str = "    ") -> list[str]:
    """The docstring's Contract section for ``part``: a header, an underline, one entry per clause."""
    lines = [indent + "Contract", indent + "--------"]
    for clause in part.clauses:
        first = f"{clause.id}  "
        wrapped = textwrap.wrap(clause.text, WIDTH - len(indent) - len(first), break_on_hyphens=False) or [""]
        lines.append(indent + first + wrapped[0])
        lines += [indent + " " * len(first) + more for more in wrapped[1:]]
    return lines


def answer_docstring(source: str, name: str) -> str | None:
    """The docstring of function ``name`` in an answer cell's source (None if it has none)."""
    try:
        tree = ast.parse(notebook.without_magics(source))
    except SyntaxError:
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return ast.get_docstring(node, clean=True)
    return None


def with_contract(source: str, part: Part) -> str:
    """``source`` with the Contract section of ``part.name``'s docstring replaced (or inserted)."""
    lines = source.splitlines()
    start = next(i for i, line in enumerate(lines) if re.match(rf"\s*def {part.name}\(", line))
    opening = next(i for i in range(start, len(lines)) if '"""' in lines[i])
    closing = next(i for i in range(opening + (lines[opening].count('"""') < 2), len(lines))
                   if '"""' in lines[i] and i > opening)
    indent = re.match(r"\s*", lines[opening]).group(0)
    body = lines[opening + 1:closing]
    section = contract_lines(part, indent)
    at = next((i for i, line in enumerate(body) if line.strip() == "Contract"), None)
    if at is not None:
        end = at + 2
        while end < len(body) and body[end].strip():
            end += 1
        body[at:end] = section
    else:
        hint = next((i for i, line in enumerate(body) if line.strip().startswith("Hint")), len(body))
        if hint and body[hint - 1].strip():
            section = [""] + section
        body[hint:hint] = [*section, ""] if hint < len(body) else section
    return "\n".join(lines[:opening + 1] + body + lines[closing:]) + ("\n" if source.endswith("\n") else "")


def sync(assignment: str) -> list[str]:
    """Rewrite the source notebook's Contract sections; returns the parts whose docstring changed."""
    path = next((SOURCE / assignment).glob("*.ipynb"))
    nb = notebook.read(path)
    changed = []
    for part in declared_parts(assignment):
        cell = next(c for c in nb.cells if notebook.grade_id(c) == part.name)
        new = with_contract(cell.source, part)
        if new != cell.source:
            cell.source = new
            changed.append(part.name)
    if changed:
        import nbformat

        nbformat.write(nb, str(path))
    return changed


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m nnfin.grading.checks.docsync", description=__doc__)
    parser.add_argument("assignment")
    args = parser.parse_args(argv)
    changed = sync(args.assignment)
    print(f"{args.assignment}: contracts rewritten for {', '.join(changed) or 'no part (all in sync)'}")


if __name__ == "__main__":
    main()
