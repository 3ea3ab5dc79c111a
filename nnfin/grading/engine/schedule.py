"""Which submission to grade next: the slowest assignment's first, so the batch ends with short jobs.

With all jobs queued in class order, the last one may be a long notebook that
runs alone while every other worker idles (on two cores, up to two seconds of a
twenty-second class). Longest-first keeps the end short. An assignment's cost is
the mean time its notebooks' cells took: learned from this batch's own results
as they arrive, starting from the last grading's (``build/grade_stats.json``)
when there is one; an assignment not seen yet is tried first, to learn it.
"""

from __future__ import annotations

import json
from collections import defaultdict, deque
from collections.abc import Hashable
from pathlib import Path
from typing import Generic, TypeVar

Item = TypeVar("Item")


def previous_costs(stats: Path) -> dict[str, float]:
    """Mean seconds of cells per assignment in the last grading's statistics (none if unreadable)."""
    try:
        rows = json.loads(stats.read_text())["submissions"]
        seconds: dict[str, list[float]] = defaultdict(list)
        for row in rows:
            if float(row.get("cells_seconds") or 0) > 0:
                seconds[str(row["assignment"])].append(float(row["cells_seconds"]))
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    return {name: sum(values) / len(values) for name, values in seconds.items()}


class LongestFirst(Generic[Item]):
    """Items grouped by kind (the assignment), handed out costliest kind first, in order within a kind."""

    def __init__(self, items: list[tuple[Hashable, Item]], prior: dict[Hashable, float] | None = None
                 ) -> None:
        self._queues: dict[Hashable, deque[Item]] = {}
        for kind, item in items:
            self._queues.setdefault(kind, deque()).append(item)
        self._prior = dict(prior or {})
        self._seen: dict[Hashable, list[float]] = defaultdict(list)
        self._started: set[Hashable] = set()

    def __len__(self) -> int:
        return sum(len(q) for q in self._queues.values())

    def cost(self, kind: Hashable) -> float | None:
        """What one item of ``kind`` is expected to take (None: nothing known yet)."""
        seen = self._seen.get(kind)
        if seen:
            return sum(seen) / len(seen)
        return self._prior.get(kind)

    def learn(self, kind: Hashable, seconds: float) -> None:
        if seconds > 0:
            self._seen[kind].append(seconds)

    def next(self) -> Item | None:
        """The next item, or None when all were handed out."""
        waiting = [kind for kind, queue in self._queues.items() if queue]
        if not waiting:
            return None
        unknown = [k for k in waiting if self.cost(k) is None and k not in self._started]
        if unknown:
            kind = unknown[0]
        else:
            kind = max(waiting, key=lambda k: (self.cost(k) or 0.0, -list(self._queues).index(k)))
        self._started.add(kind)
        return self._queues[kind].popleft()
