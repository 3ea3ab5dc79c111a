"""The [4] and [10] attack suites through the check service score exactly as through ``make grade``.

The attacks are those of tests/grading/test_attacks.py (an answer to mse() that tampers), the
leavers of tests/grading/test_leftovers.py (something that outlives a cell, each followed by an
honest student on the same warm worker) and the single-notebook door attacks of
tests/grading/test_door_attacks.py (a truncated notebook, a flood of outputs). The service runs
as ``make check-service`` does, in a process of its own inside a fence (an outer control group
capping processes and memory, as test_leftovers' batch), with sandbox uids of its own; the same
notebooks are then handed in and graded with ``make grade`` on another copy of the course.
Afterwards nothing of the service is left: no process in the fence, none of its sandbox uids.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from nnfin.check import tokens
from nnfin.grading import demo, notebook
from nnfin.grading.engine import containment, isolation
from tests.check.conftest import LOSSES, REPO, course
from tests.grading import test_attacks, test_door_attacks, test_leftovers
from tests.grading.leftovers_run import PROBE_ID
from tests.makefile import run_make

pytestmark = pytest.mark.skipif(
    containment.available() is not None or not isolation.bwrap_path(),
    reason=f"needs root, cgroups and bubblewrap: {containment.available()}")

NOTEBOOK = "losses.ipynb"
UID_BASE = 62900  # the service's sandbox uids (NNFIN_SANDBOX_UID_BASE), apart from other graders'
CONFIG = (  # the spinner's budget for every notebook (as test_leftovers gives it); no cooldown
    f"\nc.SubmissionLimits.submission_seconds = {test_leftovers.BUDGET}\n"
    "c.SubmissionLimits.call_seconds = 3\n"
    "c.CheckService.cooldown_seconds = 0\nc.CheckService.daily_budget = 1000\nc.CheckService.jobs = 1\n")


# their scores hinge on where the whole-submission budget runs out (the spinner by design, the
# undecodable reply because waiting on it counts too): their properties are asserted, not equality
BUDGETED = ("leaver-spinner", "leaver-undecodable_reply")


def _edited(base, spec: dict) -> bytes:
    """The model answers with a leaver's edits (its replaced answer cell, its extra cells)."""
    nb = nbformat.from_dict(json.loads(json.dumps(base)))
    for gid, source in spec.get("replace", {}).items():
        [cell] = [c for c in nb.cells if notebook.grade_id(c) == gid]
        cell.source = source.replace("{ORIGINAL}", cell.source)
    for i, source in enumerate(spec.get("extra", [])):
        cell = nbformat.v4.new_code_cell(source)
        cell.id = f"{PROBE_ID}-{i}"
        nb.cells.append(cell)
    return nbformat.writes(nb).encode()


def _hand_ins(root: Path) -> dict[str, bytes]:
    """Student -> notebook bytes, in the order the service receives them."""
    base = demo.model_answers(root, LOSSES)
    good = nbformat.writes(base).encode()
    out = {"control": good}
    for name, spec in test_leftovers.LEAVERS.items():
        out[f"leaver-{name}"] = _edited(base, spec)
        out[f"after-{name}"] = good
    for i, source in enumerate(test_attacks.ATTACKS.values()):
        out[f"attack-{i}"] = _edited(base, {"replace": {test_attacks.CELL: source}})
    blank = json.loads((root / "release" / LOSSES / NOTEBOOK).read_text())
    code = next(c for c in blank["cells"] if c["cell_type"] == "code")
    code["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ""}] * 100_000
    out["door-trunc"], out["door-olga"] = good[: len(good) // 2], json.dumps(blank).encode()
    return out


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _post(url: str, token: str, raw: bytes) -> tuple[int, dict]:
    request = urllib.request.Request(
        f"{url}/check?assignment={LOSSES}&wait=1", data=raw, method="POST",
        headers={"Authorization": f"Bearer {token}", "X-Check-Nonce": secrets.token_urlsafe(24),
                 "X-Check-Time": f"{time.time():.3f}"})
    try:
        with urllib.request.urlopen(request, timeout=180) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def _sandbox_processes() -> list[int]:
    """Live processes owned by one of the service's sandbox uids."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            uid = entry.stat().st_uid if entry.name.isdigit() else -1
        except OSError:
            continue
        if UID_BASE <= uid < UID_BASE + 64:
            found.append(int(entry.name))
    return found


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    """Per student: the service's answer (status, body) and make grade's per-part scores and reason."""
    tmp = tmp_path_factory.mktemp("attacks-through-service")
    served, graded = course(tmp), course(tmp)
    for root in (served, graded):
        with (root / "nbgrader_config.py").open("a") as config:
            config.write(CONFIG)
    hand_ins = _hand_ins(served)
    issued = {p.stem: p.read_text().strip() for p in tokens.issue(served, list(hand_ins))}
    port = _port()
    fence = containment.Cgroup(f"nnfin-fence-check-attacks-{os.getpid()}")
    fence.limit(processes=600, memory_bytes=6 * 1024**3)
    log = tmp / "service.log"
    answers: dict[str, tuple[int, dict]] = {}
    service = None
    try:
        with log.open("w") as out:
            service = subprocess.Popen(
                [sys.executable, "-m", "nnfin.check.service", "--root", str(served), "--port", str(port)],
                env={**os.environ, "NNFIN_SANDBOX_UID_BASE": str(UID_BASE)}, cwd=REPO, stdout=out,
                stderr=subprocess.STDOUT, preexec_fn=lambda: fence.add(os.getpid()))
        deadline = time.monotonic() + 120
        while "Ctrl-C stops" not in log.read_text():
            assert service.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.3)
        url = f"http://127.0.0.1:{port}"
        for student, raw in hand_ins.items():
            answers[student] = _post(url, issued[student], raw)
        service.send_signal(signal.SIGTERM)
        stopped = service.wait(timeout=120)
        left_in_fence, left_sandboxed = fence.pids(), _sandbox_processes()
    finally:
        if service is not None and service.poll() is None:
            service.kill()
            service.wait()
        fence.remove()

    for student, raw in hand_ins.items():  # the same notebooks, handed in and graded by make grade
        folder = graded / "submitted" / student / LOSSES
        folder.mkdir(parents=True)
        (folder / NOTEBOOK).write_bytes(raw)
        shutil.copy(graded / "release" / LOSSES / "returns.npz", folder)
    run_make("grade", graded, dict(os.environ), f"ASSIGNMENT={LOSSES}", "JOBS=1")
    batch = {}
    with Gradebook(f"sqlite:///{graded / 'gradebook.db'}", course_id=course_id(graded)) as gb:
        for student in (s for s in hand_ins if not s.startswith("door-")):
            submission = gb.find_submission_notebook(NOTEBOOK.removesuffix(".ipynb"), LOSSES, student)
            batch[student] = {g.name: g.score for g in submission.grades if g.cell.cell_type == "code"}
    grades = {s: row for (s, a), row in test_door_attacks._grades(_exported(graded)).items() if a == LOSSES}
    return answers, batch, grades, (stopped, left_in_fence, left_sandboxed, log)


def course_id(root: Path) -> str:
    from nnfin.check.grade import course_id as read

    return read(root)


def _exported(root: Path) -> Path:
    run_make("export", root, dict(os.environ))
    return root


def test_the_service_stopped_and_left_nothing_running(both):
    *_, (stopped, left_in_fence, left_sandboxed, log) = both
    assert stopped == 0, log.read_text()[-2000:]
    assert left_in_fence == [] and left_sandboxed == [], (left_in_fence, left_sandboxed)


def test_every_attack_scores_through_the_service_exactly_as_through_make_grade(both):
    answers, batch, _, _ = both
    for student, (status, body) in answers.items():
        if student.startswith("door-"):
            continue
        assert status == 200, (student, body)
        parts = {gid: p["score"] for gid, p in body["parts"].items()}
        if student in BUDGETED:  # where the 6 s budget runs out depends on the machine's load
            continue
        assert parts == pytest.approx({g: s for g, s in batch[student].items() if g in parts}), student
        assert set(parts) <= set(batch[student]), student
    for student in BUDGETED:  # make grade: the same kind of loss, below full marks
        assert sum(batch[student].values()) < test_leftovers.FULL, (student, batch[student])


def test_the_deserved_scores_hold_through_the_service(both):
    answers = {s: b for s, (_, b) in both[0].items() if not s.startswith("door-")}
    total = {s: sum(p["score"] for p in b["parts"].values()) for s, b in answers.items()}
    for name in test_leftovers.LEAVERS:
        assert total[f"after-{name}"] == test_leftovers.FULL, name  # the next student inherits nothing
    for name in ("system_v", "posix_shm", "keyring_note", "stderr_filler", "dying_children", "deep_folders"):
        assert total[f"leaver-{name}"] == test_leftovers.FULL, name
    undecodable = answers["leaver-undecodable_reply"]
    lost = [g for g, p in undecodable["parts"].items() if p["score"] < p["max_score"]]
    notes = " ".join(undecodable["notes"])
    assert test_leftovers.TEST in lost and "could not read" in notes, (lost, notes)
    if lost != [test_leftovers.TEST]:  # the 6 s budget holds here too: waiting on the reply counts
        assert f"used up its time ({test_leftovers.BUDGET} s" in notes, (lost, notes)
    spinner = answers["leaver-spinner"]
    assert sum(p["score"] for p in spinner["parts"].values()) < test_leftovers.FULL
    assert f"used up its time ({test_leftovers.BUDGET} s" in " ".join(spinner["notes"]), spinner["notes"]
    for i in range(len(test_attacks.ATTACKS)):
        assert answers[f"attack-{i}"]["parts"][test_attacks.TEST]["score"] == 0, i


def test_a_notebook_the_door_refuses_is_refused_by_the_service_for_the_same_reason(both):
    answers, batch, grades, _ = both
    for student, words in (("door-trunc", test_door_attacks.DESERVED["trunc"][1]),
                           ("door-olga", test_door_attacks.DESERVED["olga"][1])):
        status, body = answers[student]
        assert status == 422 and words in body["error"], (student, body)
        row = grades[student]
        assert float(row["raw_score"]) == 0 and words in row["reason"], row
