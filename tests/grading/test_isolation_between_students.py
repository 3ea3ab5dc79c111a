"""One student's child never sees another student's files, processes or state.

Two warm workers grade two students at the same time; then a third student is
graded on the first worker, right after the first student, as the pool does.
"""

from __future__ import annotations

import pytest

from nnfin.grading.engine import containment, isolation
from nnfin.grading.engine.containment import SubmissionLimits
from nnfin.grading.engine.session import Cell, StudentSession
from nnfin.grading.engine.warm import WarmWorker

pytestmark = pytest.mark.skipif(
    containment.available() is not None or not isolation.bwrap_path(),
    reason="needs root, cgroups and bubblewrap")

LEAVE_TRACES = """
import os
SECRET = "alice-was-here"
for folder in (".", "/tmp", "/dev/shm"):
    with open(os.path.join(folder, "alice_secret.txt"), "w") as fh:
        fh.write(SECRET)
os.environ["ALICE"] = SECRET
"""
PEEK = """
import os
def peek():
    files = []
    for folder in (".", "/tmp", "/dev/shm", "/home"):
        for root, dirs, names in os.walk(folder):
            files += [os.path.join(root, n) for n in names]
    commands = []
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                commands.append(open(f"/proc/{pid}/cmdline", "rb").read().decode(errors="replace"))
            except OSError:
                pass
    return {"files": files, "commands": commands, "env": os.environ.get("ALICE", ""),
            "secret": str(globals().get("SECRET", ""))}
"""
LIMITS = SubmissionLimits(cell_seconds=20, call_seconds=20)


@pytest.fixture(scope="module")
def workers():
    started = [WarmWorker(900 + i, LIMITS, isolation.bwrap_path(), run=f"isolation-test-{i}") for i in (0, 1)]
    try:
        for worker in started:
            worker.start()
        yield started
    finally:
        for worker in started:
            worker.close()


def _session(worker: WarmWorker, sources: list[str]) -> StudentSession:
    return StudentSession(worker, [Cell(i, s) for i, s in enumerate(sources)], {"data.txt": b"x"}, LIMITS)


def _seen(view: dict) -> str:
    return " ".join(view["files"] + view["commands"] + [view["env"], view["secret"]])


def test_students_graded_side_by_side_see_nothing_of_each_other(workers):
    alice_worker, bob_worker = workers
    with _session(alice_worker, [LEAVE_TRACES, PEEK]) as alice, _session(bob_worker, [PEEK]) as bob:
        alice.load()
        bob.load()
        assert "alice_secret.txt" in _seen(alice.call("peek").value)  # the traces are really there
        seen = _seen(bob.call("peek").value)
    assert "alice" not in seen, seen
    assert "LEAVE_TRACES" not in seen and "alice-was-here" not in seen


def test_the_next_student_on_the_same_worker_starts_clean(workers):
    worker = workers[0]
    with _session(worker, [LEAVE_TRACES, PEEK]) as alice:
        alice.load()
        assert alice.call("peek").value["secret"] == "alice-was-here"
    with _session(worker, [PEEK]) as carol:
        carol.load()
        view = carol.call("peek").value
    assert "alice" not in _seen(view), view
    assert sorted(f for f in view["files"] if f.startswith("./")) == ["./data.txt"]
