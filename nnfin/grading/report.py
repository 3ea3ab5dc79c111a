"""The class report: one HTML page that tells an instructor what to re-teach.

At the top, what to re-teach: the parts most students lost, the misconceptions most
students had (with counts) and who left parts unanswered. Then per assignment and part
(named as students see them, "Part 1: mse"): how many students passed, which
misconceptions the hidden checks named, with how many students had each, and who did
not answer it (a part still raising NotImplementedError is not a mistake to re-teach).
Then the students with the lowest scores and what they missed, and a link to every
student's feedback.
Plots are matplotlib images embedded in the page, so it is a single file that
can be mailed or archived. Everything a student's code could influence (an
exception message quoted in a check's message) is escaped.
"""

from __future__ import annotations

import html
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from nnfin.grading import diagnosis, learned
from nnfin.grading import parts as part_names
from nnfin.grading.plots import img, plt, png

REPORT = Path("reports") / "class_report.html"
LOWEST = 5  # students listed under "lowest scores"
TOP = 5  # parts and misconceptions listed in the summary at the top
UNANSWERED = diagnosis.UNANSWERED
NO_MESSAGE = diagnosis.NO_MESSAGE
misconceptions = diagnosis.misconceptions
unanswered = diagnosis.unanswered


@dataclass
class PartSummary:
    """One graded part across the class."""

    submitted: int = 0
    passed: int = 0
    mistakes: dict[str, list[str]] = field(default_factory=dict)  # label -> students
    unanswered: list[str] = field(default_factory=list)  # students whose answer is still the stub

    @property
    def lost(self) -> list[str]:
        """The students who answered and lost points (each once)."""
        return sorted({s for who in self.mistakes.values() for s in who})

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
            if unanswered(part):
                entry.unanswered.append(o.student)
                continue
            for label in labels:
                entry.mistakes.setdefault(label, []).append(o.student)
    return dict(summary)


def _score_plot(outcomes) -> str:
    names = sorted({o.assignment for o in outcomes})
    fig, ax = plt.subplots(figsize=(7, 3.2))
    data = [[o.percent for o in outcomes if o.assignment == a and o.submitted] or [0.0] for a in names]
    ax.boxplot(data, showmeans=True)
    ax.set_xticks(range(1, len(names) + 1), names, rotation=15)
    ax.set_ylabel("autograded score (%)")
    ax.set_ylim(-5, 105)
    ax.set_title("Where the class stands, per assignment")
    return png(fig)


def _parts_plot(assignment: str, parts: dict[str, PartSummary], names: dict[str, str]) -> str:
    """Stacked bars per part: full marks, then lost points, then not answered (the table names why)."""
    gids = list(parts)
    labels = [part_names.label(names, g) for g in gids]
    passed = [parts[g].passed for g in gids]
    lost = [len(parts[g].lost) for g in gids]
    blank = [len(parts[g].unanswered) for g in gids]
    fig, ax = plt.subplots(figsize=(5.6, 0.32 * len(gids) + 1.3))
    ax.barh(labels, passed, color="tab:green", label="full marks")
    ax.barh(labels, lost, left=passed, color="tab:red", label="lost points")
    ax.barh(labels, blank, left=[p + f for p, f in zip(passed, lost, strict=True)], color="tab:gray",
            label="not answered")
    ax.invert_yaxis()
    ax.set_xlabel("students")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_title(f"{assignment}: who passed each part")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=3, fontsize="small", frameon=False)
    return png(fig)


def _feedback_link(root: Path | None, student: str, assignment: str) -> str:
    """A link from reports/ to the student's feedback page (written by `make feedback`)."""
    folder = Path("..") / "feedback" / student / assignment
    # the page is named after the notebook; `make grade` writes this report before `make feedback`
    graded = sorted((root / "autograded" / student / assignment).glob("*.ipynb")) if root else []
    if root and not graded:  # nbgrader recorded nothing, so `make feedback` will write no page
        return ""
    target = folder / f"{graded[0].stem}.html" if graded else folder
    return f'<a href="{html.escape(target.as_posix())}">{html.escape(assignment)}</a>'


def _who(students: list[str]) -> str:
    return f"<small>({html.escape(', '.join(students))})</small>"


def _part_section(assignment: str, parts: dict[str, PartSummary], names: dict[str, str]) -> str:
    rows = []
    for gid, part in parts.items():
        found = sorted(part.mistakes.items(), key=lambda item: (-len(item[1]), item[0]))
        mistakes = "".join(f"<li><b>{len(who)}</b> &times; {html.escape(label)} {_who(who)}</li>"
                           for label, who in found)
        blank = f"<b>{len(part.unanswered)}</b> {_who(part.unanswered)}" if part.unanswered else "none"
        rows.append(f'<tr data-part="{html.escape(gid)}"><th>{html.escape(part_names.label(names, gid))}</th>'
                    f"<td>{part.passed} / {part.submitted} ({part.pass_rate:.0f} %)</td>"
                    f"<td><ul>{mistakes or '<li>none</li>'}</ul></td><td>{blank}</td></tr>")
    plot = img(_parts_plot(assignment, parts, names), f"{assignment}: passes per part")
    return f"""<section class="assignment" data-assignment="{html.escape(assignment)}">
<h2>{html.escape(assignment)}</h2>
<div class="side">{plot}
<table><tr><th>part</th><th>full marks</th><th>misconceptions (students)</th><th>not answered</th></tr>
{''.join(rows)}</table>
</div></section>"""


def _summary(summary: dict[str, dict[str, PartSummary]], names: dict[str, dict[str, str]]) -> str:
    """What to re-teach first: the parts most students lost, the misconceptions most had, who left parts."""
    def where(assignment: str, gid: str) -> str:
        return f"{html.escape(assignment)} {html.escape(part_names.label(names.get(assignment, {}), gid))}"

    lost = sorted(((len(p.lost), p.submitted, a, g) for a, ps in summary.items() for g, p in ps.items()
                   if p.lost), key=lambda row: (-row[0], row[2], row[3]))
    parts = "".join(f'<li data-part="{html.escape(g)}"><b>{n}</b> of {m} students lost points on '
                    f"{where(a, g)}</li>" for n, m, a, g in lost[:TOP])
    had = sorted(((len(who), label, a, g, who) for a, ps in summary.items() for g, p in ps.items()
                  for label, who in p.mistakes.items()), key=lambda row: (-row[0], row[2], row[3], row[1]))
    found = "".join(f"<li><b>{n}</b> &times; {html.escape(label)} &mdash; {where(a, g)} {_who(who)}</li>"
                    for n, label, a, g, who in had[:TOP])
    left: dict[str, int] = defaultdict(int)
    for ps in summary.values():
        for p in ps.values():
            for student in p.unanswered:
                left[student] += 1
    ranked = sorted(left.items(), key=lambda item: (-item[1], item[0]))
    blank = "".join(f'<li data-student="{html.escape(s)}"><b>{html.escape(s)}</b>: {n} part'
                    f"{'s' if n != 1 else ''}</li>" for s, n in ranked)
    return f"""<section id="summary"><h2>What to re-teach</h2>
<h3>Parts most students lost</h3><ol>{parts or '<li>none: every answered part earned full marks</li>'}</ol>
<h3>Misconceptions most students had</h3><ol>{found or '<li>none</li>'}</ol>
<h3>Not answered (still raising NotImplementedError; not counted as mistakes)</h3>
<ul>{blank or '<li>none</li>'}</ul></section>"""


def _lowest(outcomes, names: dict[str, dict[str, str]]) -> str:
    totals: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for o in outcomes:
        totals[o.student][0] += o.score
        totals[o.student][1] += o.max_score
    ranked = sorted(totals, key=lambda s: (totals[s][0] / totals[s][1] if totals[s][1] else 0.0, s))
    items = []
    for student in ranked[:LOWEST]:
        got, out_of = totals[student]
        mine = sorted((o for o in outcomes if o.student == student), key=lambda o: o.assignment)
        missed = []
        for o in mine:
            labels = names.get(o.assignment, {})
            missed += [f"{html.escape(o.assignment)} {html.escape(part_names.label(labels, gid))}: "
                       f"{html.escape('; '.join(misconceptions(part)))}"
                       for gid, part in o.parts.items() if misconceptions(part) and not unanswered(part)]
            blank = [part_names.label(labels, gid) for gid, part in o.parts.items() if unanswered(part)]
            if blank:
                missed.append(f"{html.escape(o.assignment)}: not answered ({len(blank)}): "
                              f"{html.escape(', '.join(blank))}")
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
    labels = {a: part_names.of_release(root, a) if root else {} for a in names}
    sections = "".join(_part_section(a, summary[a], labels[a]) for a in names if a in summary)
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
{_summary(summary, labels)}
{img(_score_plot(outcomes), "score distribution")}
{sections}
{learned.section(outcomes, root, labels) if root else ""}
<h2>Lowest scores, and what they missed</h2>
{_lowest(outcomes, labels)}
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
