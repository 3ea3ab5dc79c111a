"""The class report's "How the class learned": what the checks before the deadline show.

From the check service's attempts (nnfin/check/store.py) and the graded submissions: per
part, how many checks students needed to reach full marks, which misconceptions they
passed through on the way, how many still had one at submission, and who never checked.
A student's attempts are counted in the order they were received; a check the grader
failed on is not one. A stub still raising NotImplementedError is not a misconception.
"""

from __future__ import annotations

import html
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from nnfin.check.store import STORE, Attempt, read
from nnfin.grading import diagnosis
from nnfin.grading import parts as part_names
from nnfin.grading.plots import img, plt, png

BUCKETS = ("1 check", "2 checks", "3 checks", "4 or more")


@dataclass
class PartLearning:
    """One part of one assignment, across the students who checked it."""

    to_full: dict[str, int] = field(default_factory=dict)  # student -> checks until full marks
    never_full: list[str] = field(default_factory=list)  # checked, never full marks in a check
    passed: dict[str, list[str]] = field(default_factory=dict)  # misconception -> who had it in a check
    still: dict[str, list[str]] = field(default_factory=dict)  # ... and still had it at submission
    still_any: list[str] = field(default_factory=list)  # had one in a check, still one at submission

    def median(self) -> float | None:
        return statistics.median(self.to_full.values()) if self.to_full else None


@dataclass
class AssignmentLearning:
    checked: list[str] = field(default_factory=list)
    never_checked: list[str] = field(default_factory=list)  # handed in without a check
    checks: int = 0
    parts: dict[str, PartLearning] = field(default_factory=dict)


def _labels(part: dict) -> list[str]:
    return [] if diagnosis.unanswered(part) else diagnosis.misconceptions(part)


def learn(outcomes, attempts: list[Attempt]) -> dict[str, AssignmentLearning]:
    """assignment -> what its checks show, for every assignment with a submission or a check."""
    mine: dict[tuple[str, str], list[Attempt]] = defaultdict(list)
    for attempt in attempts:
        if attempt.status == "answered":
            mine[(attempt.assignment, attempt.student)].append(attempt)
    final = {(o.assignment, o.student): o for o in outcomes if o.submitted}
    names = sorted({a for a, _ in mine} | {a for a, _ in final})
    found: dict[str, AssignmentLearning] = {}
    for assignment in names:
        entry = found[assignment] = AssignmentLearning()
        students = sorted({s for a, s in mine if a == assignment})
        entry.checked = students
        entry.checks = sum(len(mine[(assignment, s)]) for s in students)
        entry.never_checked = sorted(s for a, s in final if a == assignment and s not in students)
        for student in students:
            handed = final.get((assignment, student))
            for number, attempt in enumerate(mine[(assignment, student)], 1):
                for gid, part in attempt.parts.items():
                    learning = entry.parts.setdefault(gid, PartLearning())
                    if part["score"] >= part["max_score"]:
                        learning.to_full.setdefault(student, number)
                    for label in _labels(part):
                        who = learning.passed.setdefault(label, [])
                        who += [student] if student not in who else []
            for gid, learning in entry.parts.items():
                if student not in learning.to_full:
                    learning.never_full.append(student)
                had = [label for label, who in learning.passed.items() if student in who]
                at_end = _labels(handed.parts[gid]) if handed and gid in handed.parts else []
                for label in had:
                    if label in at_end:
                        learning.still.setdefault(label, []).append(student)
                if had and at_end:
                    learning.still_any.append(student)
    return found


def _who(students: list[str]) -> str:
    return f"<small>({html.escape(', '.join(students))})</small>" if students else ""


def _plot(assignment: str, entry: AssignmentLearning, names: dict[str, str]) -> str:
    gids = list(entry.parts)
    labels = [part_names.label(names, g) for g in gids]
    fig, ax = plt.subplots(figsize=(5.6, 0.32 * len(gids) + 1.4))
    left = [0] * len(gids)
    colours = ("tab:green", "yellowgreen", "gold", "orange")
    for bucket, colour in zip(range(1, 5), colours, strict=True):
        counts = [sum(1 for n in entry.parts[g].to_full.values() if min(n, 4) == bucket) for g in gids]
        ax.barh(labels, counts, left=left, color=colour, label=BUCKETS[bucket - 1])
        left = [a + b for a, b in zip(left, counts, strict=True)]
    ax.barh(labels, [len(entry.parts[g].never_full) for g in gids], left=left, color="tab:gray",
            label="never in a check")
    ax.invert_yaxis()
    ax.set_xlabel("students who checked")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_title(f"{assignment}: checks until full marks")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.3), ncol=3, fontsize="small", frameon=False)
    return img(png(fig), f"{assignment}: checks until full marks, per part")


def section(outcomes, root: Path, names: dict[str, dict[str, str]]) -> str:
    """The report's "How the class learned" section (says so when nobody checked)."""
    found = learn(outcomes, read(root / STORE))
    if not any(entry.checks for entry in found.values()):
        return ('<section id="learned"><h2>How the class learned</h2><p>No checks recorded: students '
                "check their work before the deadline with the check service (<code>make check-tokens</code>,"
                " <code>make check-service</code>).</p></section>")
    blocks = []
    for assignment, entry in found.items():
        labels = names.get(assignment, {})
        rows = []
        for gid, part in entry.parts.items():
            median = part.median()
            reached = (f"{len(part.to_full)} of {len(entry.checked)}"
                       + (f", after {median:g} checks (median; at most {max(part.to_full.values())})"
                          if median is not None else ""))
            passed = "".join(
                f"<li><b>{len(who)}</b> &times; {html.escape(label)} {_who(who)}"
                + (f"; <b>{len(part.still.get(label, []))}</b> still at submission {_who(part.still[label])}"
                   if part.still.get(label) else "; gone by submission") + "</li>"
                for label, who in sorted(part.passed.items(), key=lambda item: (-len(item[1]), item[0])))
            title = html.escape(part_names.label(labels, gid))
            rows.append(f'<tr data-part="{html.escape(gid)}"><th>{title}</th>'
                        f"<td>{reached}</td><td><ul>{passed or '<li>none</li>'}</ul></td>"
                        f"<td>{len(part.still_any)} {_who(part.still_any)}</td></tr>")
        plot = _plot(assignment, entry, labels) if entry.parts else ""
        never = (f"never checked before handing in: <b>{len(entry.never_checked)}</b> "
                 f"{_who(entry.never_checked)}" if entry.never_checked
                 else "everyone who handed in checked first")
        blocks.append(f"""<section class="learned" data-assignment="{html.escape(assignment)}">
<h3>{html.escape(assignment)}</h3>
<p>{len(entry.checked)} students checked ({entry.checks} checks); {never}.</p>
<div class="side">{plot}
<table><tr><th>part</th><th>reached full marks in a check</th><th>misconceptions passed through</th>
<th>still had one at submission</th></tr>{''.join(rows)}</table></div></section>""")
    return ('<section id="learned"><h2>How the class learned</h2><p>From the checks students ran before '
            "the deadline (formative: none of them is a grade). A student is counted once per "
            "misconception and part.</p>" + "".join(blocks) + "</section>")
