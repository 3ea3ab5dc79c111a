"""A fair queue: round-robin by student, so a student who checks fifty times never delays the others.

Each student has their own line; the queue serves the first student in the ring and moves
them to the back while they still wait. A newcomer therefore waits for at most one check
of each student ahead of them, however many checks those students sent.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, deque
from typing import Generic, TypeVar

T = TypeVar("T")


class FairQueue(Generic[T]):
    def __init__(self) -> None:
        self._lines: OrderedDict[str, deque[T]] = OrderedDict()
        self._ready = threading.Condition()
        self._closed = False
        self._held = False

    def put(self, student: str, item: T) -> int:
        """Add ``item`` to ``student``'s line; return its place in the serving order (1: next)."""
        with self._ready:
            self._lines.setdefault(student, deque()).append(item)
            self._ready.notify()
            return self._place(item)

    def get(self, timeout: float | None = None) -> T | None:
        """The next item in round-robin order; None on timeout or once closed."""
        with self._ready:
            if not self._ready.wait_for(lambda: (self._lines and not self._held) or self._closed, timeout):
                return None
            if self._closed:
                return None
            student, line = next(iter(self._lines.items()))
            item = line.popleft()
            del self._lines[student]
            if line:
                self._lines[student] = line  # to the back of the ring
            return item

    def order(self) -> list[T]:
        """Every waiting item, in the order it will be served."""
        with self._ready:
            return self._order()

    def place(self, item: T) -> int | None:
        """1 for the next item served, 2 for the one after...; None when ``item`` no longer waits."""
        with self._ready:
            return self._place(item)

    def __len__(self) -> int:
        with self._ready:
            return sum(len(line) for line in self._lines.values())

    def hold(self, held: bool = True) -> None:
        """While held, items queue up but none is served (to see a burst's order whole)."""
        with self._ready:
            self._held = held
            self._ready.notify_all()

    def close(self) -> None:
        with self._ready:
            self._closed = True
            self._ready.notify_all()

    def _order(self) -> list[T]:
        lines = [list(line) for line in self._lines.values()]
        depth = max((len(line) for line in lines), default=0)
        return [line[k] for k in range(depth) for line in lines if k < len(line)]

    def _place(self, item: T) -> int | None:
        for number, waiting in enumerate(self._order(), 1):
            if waiting is item:
                return number
        return None
