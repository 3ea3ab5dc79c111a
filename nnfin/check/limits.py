"""Formative, not an oracle: a cooldown between checks and a daily budget, per student and assignment.

The check and the reservation are one step under a lock, so a burst of requests from one
student cannot slip several checks through the same gap. Only accepted checks count; a
refused request or a check the grader failed on costs nothing. Days are UTC days.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from nnfin.check.config import CheckConfig
from nnfin.check.store import Store

DAY = 86400.0


@dataclass
class Refusal(Exception):
    """Why a check is not taken now, in the student's terms, and when to try again (seconds)."""

    reason: str
    retry_after: float

    def __str__(self) -> str:
        return self.reason


@dataclass
class Admitted:
    attempt: int
    used_today: int  # this one included
    budget: int


class Limits:
    def __init__(self, config: CheckConfig, store: Store, clock: Callable[[], float] = time.time) -> None:
        self.config, self.store, self.clock = config, store, clock
        self._lock = threading.Lock()

    def admit(self, student: str, assignment: str, code: str | None = None) -> Admitted:
        """Reserve a check for ``student`` on ``assignment`` now, or raise `Refusal`."""
        with self._lock:
            now = self.clock()
            last = self.store.last(student, assignment)
            wait = self.config.cooldown_seconds - (now - last) if last is not None else 0.0
            if wait > 0:
                seconds = math.ceil(wait)
                raise Refusal(f"you checked {assignment} {now - last:.0f} s ago: the next check of it is "
                              f"possible in {seconds} s (one check every {self.config.cooldown_seconds:g} s; "
                              "read the messages and fix what they name first)", wait)
            day_start = math.floor(now / DAY) * DAY
            used = len(self.store.counted(student, assignment, day_start))
            if used >= self.config.daily_budget:
                raise Refusal(f"you have used all {self.config.daily_budget} checks of {assignment} for "
                              "today; more from 00:00 UTC. The visible tests in the notebook still "
                              "run as often as you like", day_start + DAY - now)
            attempt = self.store.add(student, assignment, now, code if self.config.keep_code else None)
        return Admitted(attempt, used + 1, self.config.daily_budget)
