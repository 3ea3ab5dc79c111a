"""The class report: one HTML page an instructor reads after grading.

Plots first (where the class stands, which parts went wrong most often), then
the table of scores and every problem a submission had. Images are embedded, so
the page is a single file that can be mailed or archived.
"""

from __future__ import annotations

import base64
import html
import io
from collections import defaultdict
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

REPORT = Path("reports") / "class_report.html"


def _png(fig) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _score_plot(outcomes) -> str:
    names = sorted({o.assignment for o in outcomes})
    fig, ax = plt.subplots(figsize=(7, 3.2))
    data = [[o.percent for o in outcomes if o.assignment == a and o.submitted] for a in names]
    ax.boxplot(data, showmeans=True)
    ax.set_xticks(range(1, len(names) + 1), names, rotation=15)
    ax.set_ylabel("autograded score (%)")
    ax.set_ylim(-5, 105)
    ax.set_title("Where the class stands, per assignment")
    return _png(fig)


def _parts_plot(outcomes) -> str | None:
    earned: dict[str, float] = defaultdict(float)
    possible: dict[str, float] = defaultdict(float)
    for o in outcomes:
        for gid, part in o.parts.items():
            key = f"{o.assignment[:2]} {gid}"
            earned[key] += part["score"]
            possible[key] += part["max_score"]
    if not possible:
        return None
    keys = sorted(possible)
    fractions = [100.0 * earned[k] / possible[k] if possible[k] else 0.0 for k in keys]
    fig, ax = plt.subplots(figsize=(7, 0.28 * len(keys) + 1.2))
    ax.barh(keys, fractions, color=["tab:red" if f < 60 else "tab:blue" for f in fractions])
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("share of the part's points the class earned (%)")
    ax.set_title("Which parts went wrong most often (red: below 60 %)")
    return _png(fig)


def render(outcomes) -> str:
    students = sorted({o.student for o in outcomes})
    names = sorted({o.assignment for o in outcomes})
    by = {(o.student, o.assignment): o for o in outcomes}
    rows = []
    for s in students:
        cells = []
        for a in names:
            o = by[(s, a)]
            text = f"{o.score:g} / {o.max_score:g}" if o.submitted else "not submitted"
            cells.append(f"<td>{html.escape(text)}</td>")
        rows.append(f"<tr><th>{html.escape(s)}</th>{''.join(cells)}</tr>")
    problems = "".join(
        f"<li><b>{html.escape(o.student)}/{html.escape(o.assignment)}</b>: {html.escape(p)}</li>"
        for o in outcomes for p in o.problems if o.submitted)
    parts = _parts_plot(outcomes)
    parts_img = f'<img alt="scores per part" src="data:image/png;base64,{parts}">' if parts else ""
    head = "".join(f"<th>{html.escape(a)}</th>" for a in names)
    return f"""<!doctype html>
<html><head><meta charset="utf-8"><title>Module 3 class report</title>
<style>body{{font-family:sans-serif;max-width:60em;margin:2em auto}}
table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:.3em .6em;text-align:right}}</style>
</head><body>
<h1>Module 3: Learning from Mistakes &mdash; class report</h1>
<p>Autograded points only; written answers are graded in formgrader.</p>
<img alt="score distribution" src="data:image/png;base64,{_score_plot(outcomes)}">
{parts_img}
<h2>Scores</h2>
<table><tr><th>student</th>{head}</tr>{''.join(rows)}</table>
<h2>Problems</h2>
<ul>{problems or '<li>none</li>'}</ul>
</body></html>
"""


def write(root: Path, outcomes) -> Path:
    path = root / REPORT
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(outcomes), encoding="utf-8")
    return path
