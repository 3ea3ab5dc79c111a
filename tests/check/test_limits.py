"""Formative, not an oracle: the cooldown, the daily budget, the fair queue under a burst, a restart.

The service runs with the real HTTP front, limits and store, and an executor that answers at
once (`Instant`), so the limits' clock can be moved instead of waited for.
"""

from __future__ import annotations

import threading

from hypothesis import given, settings
from hypothesis import strategies as st

from nnfin.check.config import CheckConfig
from nnfin.check.fairqueue import FairQueue
from nnfin.check.store import STORE, Store
from tests.check.conftest import Instant, answered

DAY = 86400.0


def test_a_second_check_waits_for_the_cooldown_and_a_refusal_costs_nothing(start):
    run = start(CheckConfig(cooldown_seconds=60, daily_budget=30), workers=Instant())
    nb = answered(run.root)
    assert run.post("alice", nb)[0] == 200
    run.clock[0] += 59
    status, refused = run.post("alice", nb)
    assert status == 429 and "possible in 1 s" in refused["error"] and refused["retry_after"] == 1
    assert run.post("bob", nb)[0] == 200, "one student's cooldown is theirs alone"
    run.clock[0] += 1
    status, answer = run.post("alice", nb)
    assert status == 200 and answer["checks_today"] == 2, "the refused request did not count"
    assert [r.student for r in Store(run.root / STORE).attempts()] == ["alice", "bob", "alice"]


def test_the_daily_budget_counts_accepted_checks_per_assignment_and_renews_at_midnight(start):
    midnight = 20000 * DAY
    run = start(CheckConfig(cooldown_seconds=0, daily_budget=3), workers=Instant(), clock=[midnight + 10])
    nb = answered(run.root)
    assert [run.post("alice", nb)[0] for _ in range(3)] == [200, 200, 200]
    status, refused = run.post("alice", nb)
    assert status == 429 and "all 3 checks of 01_losses for today" in refused["error"]
    assert run.post("bob", nb)[0] == 200
    run.clock[0] = midnight + DAY
    status, answer = run.post("alice", nb)
    assert status == 200 and answer["checks_today"] == 1


def test_a_check_the_grader_failed_on_costs_nothing_and_code_is_kept_only_when_asked(start):
    run = start(CheckConfig(cooldown_seconds=60), workers=Instant(graded=False))
    nb = answered(run.root)
    status, failed = run.post("alice", nb)
    assert status == 503 and "did not count" in failed["error"]
    run.service.executor.graded = True
    assert run.post("alice", nb)[0] == 200, "no cooldown after a check that did not count"
    assert [(a.status, a.code) for a in Store(run.root / STORE).attempts()] == [("failed", None),
                                                                               ("answered", None)]
    kept = start(CheckConfig(cooldown_seconds=0, keep_code=True), workers=Instant())
    assert kept.post("bob", nb)[0] == 200
    [attempt] = Store(kept.root / STORE).attempts()
    assert "def mse(y_true, y_pred):" in attempt.code and "### BEGIN SOLUTION" not in attempt.code


def test_a_burst_is_served_round_robin_so_the_greedy_student_delays_no_one(start):
    """alice sends 8 checks before anyone else; bob, carol and dan each wait for one of hers at most."""
    workers = Instant()
    run = start(CheckConfig(cooldown_seconds=0), workers=workers)
    nb = answered(run.root)
    run.service.queue.hold()
    places = [run.post("alice", nb, query="assignment=01_losses")[1]["position"] for _ in range(8)]
    places += [run.post(s, nb, query="assignment=01_losses")[1]["position"] for s in ("bob", "carol", "dan")]
    assert places == [1, 2, 3, 4, 5, 6, 7, 8, 2, 3, 4], "each newcomer comes right after her first check"
    done = threading.Event()
    run.service.queue.hold(False)
    for _ in range(200):
        if len(workers.order) == 11:
            done.set()
            break
        done.wait(0.05)
    assert workers.order == ["alice", "bob", "carol", "dan"] + ["alice"] * 7


def test_attempts_limits_and_nonces_survive_a_restart(start, tmp_path):
    run = start(CheckConfig(cooldown_seconds=60), workers=Instant())
    nb = answered(run.root)
    assert run.post("alice", nb, nonce="n" * 20)[0] == 200
    assert run.post("bob", nb)[0] == 200
    before = Store(run.root / STORE).attempts()
    run.stop()
    again = start(CheckConfig(cooldown_seconds=60), root=run.root, workers=Instant(), clock=run.clock)
    after = Store(again.root / STORE).attempts()
    assert [(a.student, a.status, a.parts) for a in after] == [(a.student, a.status, a.parts) for a in before]
    assert after[1].parts["test_mse"] == {"score": 1.2, "max_score": 4.0,
                                          "mistakes": ["sum instead of a mean"]}
    status, refused = again.post("alice", nb)
    assert status == 429, "the cooldown still holds after the restart"
    status, replay = again.post("bob", nb, nonce="n" * 20)
    assert status == 409 and "replay" in replay["error"]
    assert len(Store(again.root / STORE).attempts()) == 2


@settings(max_examples=60, derandomize=True, deadline=None)
@given(st.lists(st.sampled_from("abcd"), max_size=30))
def test_fair_queue_serves_round_robin_and_tells_each_place_truly(arrivals):
    queue: FairQueue[tuple[str, int]] = FairQueue()
    items = [(s, k) for k, s in enumerate(arrivals)]
    for student, item in zip(arrivals, items, strict=True):
        queue.put(student, item)
    promised = {item: queue.place(item) for item in items}
    served = [queue.get(timeout=0) for _ in items]
    assert queue.get(timeout=0) is None
    assert {item: n for n, item in enumerate(served, 1)} == promised, "the place told is the place served"
    for student in set(arrivals):
        mine = [n for n, item in enumerate(served) if item[0] == student]
        assert [served[n] for n in mine] == [i for i in items if i[0] == student], "own order kept"
        for other in set(arrivals) - {student}:
            theirs = [n for n, item in enumerate(served) if item[0] == other]
            for k, n in enumerate(mine):  # before my (k+1)-th check, at most k+1 of anyone else's
                assert sum(m < n for m in theirs) <= k + 1
