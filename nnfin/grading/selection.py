"""Which submissions a command acts on: make's ``ASSIGNMENT=`` and ``STUDENT=``, checked by name.

Every target that acts on submissions (grade, feedback, release-feedback, export, collect) takes
the same two variables; empty means all. A name the course does not know is an error that lists
the names it does know, never a silent "everything" (or "nothing"). Student names come from
folder names, so they are shown bounded and quoted when they are not plain.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

SHOWN = 40  # names listed in an error, at most
_PLAIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}$")


class UnknownName(SystemExit):
    """ASSIGNMENT= or STUDENT= names something the course does not have (exits with the message)."""


def names(text: str | None) -> tuple[str, ...] | None:
    """``"01_losses, 02_gradient_descent"`` -> both names; empty -> None (all)."""
    parts = tuple(dict.fromkeys(p for p in re.split(r"[\s,]+", text or "") if p))
    return parts or None


def shown(name: str) -> str:
    return name if _PLAIN.match(name) else repr(name[:64])


def _listing(known: list[str]) -> str:
    if not known:
        return "none"
    listed = ", ".join(shown(n) for n in known[:SHOWN])
    return listed + (f" and {len(known) - SHOWN} more" if len(known) > SHOWN else "")


@dataclass(frozen=True)
class Selection:
    """The assignments and students to act on; None means all of them."""

    assignments: tuple[str, ...] | None = None
    students: tuple[str, ...] | None = None

    @property
    def narrowed(self) -> bool:
        return self.assignments is not None or self.students is not None

    def covers(self, student: str, assignment: str) -> bool:
        return ((self.assignments is None or assignment in self.assignments)
                and (self.students is None or student in self.students))

    def of(self, known: Iterable[str]) -> list[str]:
        """The selected assignments among ``known`` (all when none is named), in course order."""
        return [a for a in known if self.assignments is None or a in self.assignments]

    def describe(self) -> str:
        said = []
        if self.assignments:
            said.append("ASSIGNMENT=" + ",".join(self.assignments))
        if self.students:
            said.append("STUDENT=" + ",".join(shown(s) for s in self.students))
        return " ".join(said) or "everything"


def check(selection: Selection, assignments: Iterable[str] | None = None,
          students: Iterable[str] | None = None, where: str = "submitted/") -> Selection:
    """``selection`` if every name in it is known; else `UnknownName` listing the known names.

    ``assignments``: the course's assignments; ``students``: the students ``where`` holds
    (None skips that check, e.g. when the students are not known before the command runs).
    """
    if selection.assignments is not None and assignments is not None:
        known = list(assignments)
        unknown = [a for a in selection.assignments if a not in known]
        if unknown:
            raise UnknownName(f"unknown ASSIGNMENT {', '.join(shown(a) for a in unknown)}: "
                              f"this course has {_listing(known)}")
    if selection.students is not None and students is not None:
        known = sorted(set(students))
        unknown = [s for s in selection.students if s not in known]
        if unknown:
            raise UnknownName(f"unknown STUDENT {', '.join(shown(s) for s in unknown)}: "
                              f"{where} has {_listing(known)}")
    return selection


def from_text(assignment: str | None, student: str | None) -> Selection:
    return Selection(names(assignment), names(student))


EVERYTHING = Selection()  # no ASSIGNMENT= and no STUDENT=
