"""Longest-first hand-out: a batch ends with short jobs, learning the costs as results arrive."""

from __future__ import annotations

import heapq
import json
from pathlib import Path

from nnfin.grading.engine.schedule import LongestFirst, previous_costs

# seconds per notebook, as measured for the four course assignments
COSTS = {"01": 0.6, "02": 0.9, "03": 0.5, "04": 1.8}


def _class_order(students: int) -> list[tuple[str, str]]:
    return [(a, f"s{i}/{a}") for i in range(students) for a in COSTS]


def _makespan(hand_out, learn, workers: int) -> tuple[float, list[str]]:
    """Simulate list scheduling: each free worker takes the next job; results teach the scheduler."""
    free = [(0.0, w) for w in range(workers)]
    started: list[str] = []
    end = 0.0
    while True:
        now, worker = heapq.heappop(free)
        job = hand_out()
        if job is None:
            return max([end, now]), started
        kind = job.split("/")[1]
        started.append(kind)
        done = now + COSTS[kind]
        learn(kind, COSTS[kind])
        end = max(end, done)
        heapq.heappush(free, (done, worker))


def test_unknown_assignments_are_tried_once_each_then_the_costliest_goes_first() -> None:
    order = LongestFirst(_class_order(3))
    first = [order.next() for _ in range(4)]
    assert [job.split("/")[1] for job in first] == ["01", "02", "03", "04"]
    for kind, seconds in COSTS.items():
        order.learn(kind, seconds)
    rest = [order.next().split("/")[1] for _ in range(len(order))]
    assert rest == ["04", "04", "02", "02", "01", "01", "03", "03"]
    assert order.next() is None


def test_a_prior_orders_from_the_start_and_students_keep_their_order() -> None:
    order = LongestFirst(_class_order(2), prior={"04": 2.0, "01": 0.5, "02": 1.0, "03": 0.4})
    handed = [order.next() for _ in range(8)]
    assert handed == ["s0/04", "s1/04", "s0/02", "s1/02", "s0/01", "s1/01", "s0/03", "s1/03"]


def test_the_batch_ends_sooner_than_in_class_order() -> None:
    naive = iter(job for _, job in _class_order(6))
    naive_end, naive_started = _makespan(lambda: next(naive, None), lambda k, s: None, workers=2)
    order = LongestFirst(_class_order(6))
    smart_end, smart_started = _makespan(order.next, order.learn, workers=2)
    assert naive_started[-1] == "04"  # class order leaves a long notebook for the end
    assert smart_started[-2:] == ["03", "03"]  # longest-first ends on the shortest
    assert smart_end < naive_end - 0.5
    assert smart_end <= sum(COSTS.values()) * 6 / 2 + max(COSTS.values())  # within one job of ideal


def test_previous_costs_reads_the_last_gradings_statistics(tmp_path: Path) -> None:
    stats = tmp_path / "grade_stats.json"
    stats.write_text(json.dumps({"submissions": [
        {"assignment": "01", "cells_seconds": 0.5}, {"assignment": "01", "cells_seconds": 0.7},
        {"assignment": "04", "cells_seconds": 2.0}, {"assignment": "02", "cells_seconds": 0.0}]}))
    assert previous_costs(stats) == {"01": 0.6, "04": 2.0}
    stats.write_text("{not json")
    assert previous_costs(stats) == {}
    assert previous_costs(tmp_path / "missing.json") == {}
