"""The class report: one HTML page that tells an instructor what to re-teach.

Per assignment and part: how many students passed, and which misconceptions the
hidden checks named, with how many students had each. Then the students with
the lowest scores and what they missed, and a link to every student's feedback.
Plots are matplotlib images embedded in the page, so it is a single file that
can be mailed or archived. Everything a student's code could influence (an
exception message quoted in a check's message) is escaped.
"""

from __future__ import annotations

import base64
import html
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

REPORT = Path("reports") / "class_report.html"
LOWEST = 5  # students listed under "lowest scores"
NO_MESSAGE = "lost points without a message"

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_CELL_LINE = re.compile(r"\s*\(line \d+ of your cell\)")
_NUMBER = re.compile(r"(?<![\w.])[-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?(?!\w|\.\d)", re.IGNORECASE)
_LOOKS_LIKE = re.compile(r"^it looks like\s+", re.IGNORECASE)
_RAISED = re.compile(r"^(\S+ raised [\w.]+)")  # "f() raised ValueError": the student's text after it varies


def _label(message: str) -> str:
    """A message as a misconception: its "It looks like ..." diagnosis, else its first sentence."""
    message = _CELL_LINE.sub("", message.strip())
    raised = _RAISED.match(message)
    if raised:
        return raised.group(1)
    sentences = _SENTENCE_END.split(message)
    named = [s for s in sentences if _LOOKS_LIKE.match(s)]
    if named:
        text = _LOOKS_LIKE.sub("", named[0]).split(": ")[0]
    else:
        text = sentences[0]
    text = re.sub(r"\s+([,;:)])", r"\1", " ".join(_NUMBER.sub("", text).split())).rstrip(".,:; ")
    return text[:140] or NO_MESSAGE


def misconceptions(part: dict) -> list[str]:
    """The named mistakes of one graded part (empty when it earned full marks).

    The hidden checks' own short labels (``part["mistakes"]``) when they give them;
    otherwise the part's failure messages, reduced to their diagnosis without numbers,
    so two students with the same mistake on different inputs share one label.
    """
    if part["score"] >= part["max_score"]:
        return []
    labels = part.get("mistakes") or [_label(m) for m in part.get("messages", [])]
    return list(dict.fromkeys(labels)) or [NO_MESSAGE]


@dataclass
class PartSummary:
    """One graded part across the class."""

    submitted: int = 0
    passed: int = 0
    mistakes: dict[str, list[str]] = field(default_factory=dict)  # label -> students

    @property
    def pass_rate(self) -> float:
        return 100.0 * self.passed / self.submitted if self.submitted else 0.0


def summarise(outcomes) -> dict[str, dict[str, PartSummary]]:
    """assignment -> part (grade id) -> who passed and who had which misconception."""
    summary: dict[str, dict[str, PartSummary]] = defaultdict(dict)
    for o in sorted(outcomes, key=lambda o: (o.assignment, o.student)):
        if not o.submitted:
            continue
        for gid, part in o.parts.items():
            entry = summary[o.assignment].setdefault(gid, PartSummary())
            entry.submitted += 1
            labels = misconceptions(part)
            entry.passed += not labels
            for label in labels:
                entry.mistakes.setdefault(label, []).append(o.student)
    return dict(summary)


def _png(fig) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _img(png: str, alt: str) -> str:
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{png}">'


def _score_plot(outcomes) -> str:
    names = sorted({o.assignment for o in outcomes})
    fig, ax = plt.subplots(figsize=(7, 3.2))
    data = [[o.percent for o in outcomes if o.assignment == a and o.submitted] or [0.0] for a in names]
    ax.boxplot(data, showmeans=True)
    ax.set_xticks(range(1, len(names) + 1), names, rotation=15)
    ax.set_ylabel("autograded score (%)")
    ax.set_ylim(-5, 105)
    ax.set_title("Where the class stands, per assignment")
    return _png(fig)


def _parts_plot(assignment: str, parts: dict[str, PartSummary]) -> str:
    """Stacked bars per part: students with full marks, then those who lost points (the table names why)."""
    names = list(parts)
    passed = [parts[n].passed for n in names]
    failed = [parts[n].submitted - parts[n].passed for n in names]
    fig, ax = plt.subplots(figsize=(5.2, 0.32 * len(names) + 1.3))
    ax.barh(names, passed, color="tab:green", label="full marks")
    ax.barh(names, failed, left=passed, color="tab:red", label="lost points")
    ax.invert_yaxis()
    ax.set_xlabel("students")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_title(f"{assignment}: who passed each part")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=2, fontsize="small", frameon=False)
    return _png(fig)


def _feedback_link(root: Path | None, student: str, assignment: str) -> str:
    """A link from reports/ to the student's feedback page (written by `make feedback`)."""
    folder = Path("..") / "feedback" / student / assignment
    # the page is named after the notebook; `make grade` writes this report before `make feedback`
    graded = sorted((root / "autograded" / student / assignment).glob("*.ipynb")) if root else []
    if root and not graded:  # nbgrader recorded nothing, so `make feedback` will write no page
        return ""
    target = folder / f"{graded[0].stem}.html" if graded else folder
    return f'<a href="{html.escape(target.as_posix())}">{html.escape(assignment)}</a>'


def _part_section(assignment: str, parts: dict[str, PartSummary]) -> str:
    rows = []
    for gid, part in parts.items():
        found = sorted(part.mistakes.items(), key=lambda item: (-len(item[1]), item[0]))
        mistakes = "".join(
            f"<li><b>{len(who)}</b> &times; {html.escape(label)} "
            f"<small>({html.escape(', '.join(who))})</small></li>" for label, who in found)
        rows.append(f'<tr data-part="{html.escape(gid)}"><th>{html.escape(gid)}</th>'
                    f"<td>{part.passed} / {part.submitted} ({part.pass_rate:.0f} %)</td>"
                    f"<td><ul>{mistakes or '<li>none</li>'}</ul></td></tr>")
    return f"""<section class="assignment" data-assignment="{html.escape(assignment)}">
<h2>{html.escape(assignment)}</h2>
<div class="side">{_img(_parts_plot(assignment, parts), f"{assignment}: passes per part")}
<table><tr><th>part</th><th>full marks</th><th>misconceptions (students)</th></tr>{''.join(rows)}</table>
</div></section>"""


def _lowest(outcomes, summary_parts) -> str:
    totals: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for o in outcomes:
        totals[o.student][0] += o.score
        totals[o.student][1] += o.max_score
    ranked = sorted(totals, key=lambda s: (totals[s][0] / totals[s][1] if totals[s][1] else 0.0, s))
    items = []
    for student in ranked[:LOWEST]:
        got, out_of = totals[student]
        missed = [f"{html.escape(o.assignment)} {html.escape(gid)}: "
                  f"{html.escape('; '.join(misconceptions(part)))}"
                  for o in sorted(outcomes, key=lambda o: o.assignment) if o.student == student
                  for gid, part in o.parts.items() if misconceptions(part)]
        missed += [f"{html.escape(o.assignment)}: not submitted" for o in outcomes
                   if o.student == student and not o.submitted]
        percent = 100.0 * got / out_of if out_of else 0.0
        items.append(f'<li data-student="{html.escape(student)}"><b>{html.escape(student)}</b> '
                     f"{got:g} / {out_of:g} ({percent:.0f} %)<ul>"
                     + "".join(f"<li>{m}</li>" for m in missed) + "</ul></li>")
    return f"<ol>{''.join(items)}</ol>"


def render(outcomes, root: Path | None = None) -> str:
    students = sorted({o.student for o in outcomes})
    names = sorted({o.assignment for o in outcomes})
    by = {(o.student, o.assignment): o for o in outcomes}
    summary = summarise(outcomes)
    rows = []
    for s in students:
        cells = []
        for a in names:
            o = by[(s, a)]
            text = f"{o.score:g} / {o.max_score:g}" if o.submitted else "not submitted"
            link = _feedback_link(root, s, a) if o.submitted else ""
            cells.append(f"<td>{html.escape(text)} {link}</td>")
        rows.append(f"<tr><th>{html.escape(s)}</th>{''.join(cells)}</tr>")
    problems = "".join(
        f"<li><b>{html.escape(o.student)}/{html.escape(o.assignment)}</b>: {html.escape(p)}</li>"
        for o in outcomes for p in o.problems if o.submitted)
    head = "".join(f"<th>{html.escape(a)}</th>" for a in names)
    sections = "".join(_part_section(a, summary[a]) for a in names if a in summary)
    return f"""<!doctype html>
<html><head><meta charset="utf-8"><title>Module 3 class report</title>
<style>body{{font-family:sans-serif;max-width:75em;margin:2em auto}}
table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:.3em .6em;text-align:left;
vertical-align:top}}.side{{display:flex;gap:1.5em;align-items:flex-start}}ul{{margin:0;padding-left:1.2em}}
small{{color:#555}}</style>
</head><body>
<h1>Module 3: Learning from Mistakes &mdash; class report</h1>
<p>Autograded points only; written answers are graded in the formgrader (<code>make lab</code>).
A student is counted once per misconception and part, however many checks it failed.</p>
{_img(_score_plot(outcomes), "score distribution")}
{sections}
<h2>Lowest scores, and what they missed</h2>
{_lowest(outcomes, summary)}
<h2>Scores and feedback</h2>
<p>Each assignment name links to that student's feedback page (written by <code>make feedback</code>).</p>
<table><tr><th>student</th>{head}</tr>{''.join(rows)}</table>
<h2>Problems with submissions</h2>
<ul>{problems or '<li>none</li>'}</ul>
</body></html>
"""


def write(root: Path, outcomes) -> Path:
    path = root / REPORT
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(outcomes, root), encoding="utf-8")
    return path
