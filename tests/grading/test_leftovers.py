"""What one student's processes leave behind, the next student on the same worker never inherits.

Each leaver hands in the model answers of 01_losses plus something that outlives a cell
(System V segments, queues and semaphore sets, POSIX shared memory, a keyring note, a full
stderr pipe, forked children that die, a 1,500-deep folder chain, a spinner against the
submission's time budget, a reply the grader cannot decode). Right after each one an
honest student is graded on the SAME warm worker, with a probe cell that reports what it
can see. The batch runs in one process (one worker) inside an outer control group that
caps processes and memory well above one submission's limits, as test_containment does,
so a regression fails here instead of taking the machine down.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from nnfin.grading.engine import containment, isolation

REPO = Path(__file__).resolve().parents[2]
TARGET, TEST = "binary_cross_entropy", "test_binary_cross_entropy"  # no other part calls it
FULL = 34
BUDGET = 6  # the spinner's whole-submission budget, in seconds

pytestmark = pytest.mark.skipif(
    containment.available() is not None or not isolation.bwrap_path(),
    reason=f"needs root, cgroups and bubblewrap: {containment.available()}")

LIBC = "import ctypes, os, platform\nlibc = ctypes.CDLL(None, use_errno=True)\n"
LEAVERS = {
    "system_v": {"extra": [LIBC + (  # segments (touched), queues (holding a message), semaphore sets
        "libc.shmat.restype = ctypes.c_void_p\n"
        "for _ in range(4):\n"
        "    ident = libc.shmget(0, 32 * 1024**2, 0o1666)\n"  # IPC_PRIVATE, IPC_CREAT | 0666
        "    ctypes.memset(libc.shmat(ident, None, 0), 1, 32 * 1024**2)\n"
        "for _ in range(3):\n"
        "    queue = libc.msgget(0, 0o1666)\n"
        "    message = (1).to_bytes(8, 'little') + b'left for the next student'\n"
        "    libc.msgsnd(queue, ctypes.create_string_buffer(message), len(message) - 8, 0)\n"
        "    libc.semget(0, 8, 0o1666)\n")]},
    "posix_shm": {"extra": [
        "import _posixshmem, os\n"
        "fd = _posixshmem.shm_open('/left_posix', os.O_CREAT | os.O_RDWR, 0o600)\n"
        "os.ftruncate(fd, 1 << 20)\nos.write(fd, b'left')\n"
        "os.makedirs('/dev/shm/left_dir/a/b', exist_ok=True)\n"
        "open('/dev/shm/left_dir/a/b/left_file', 'w').write('left')\n"]},
    "keyring_note": {"extra": [LIBC + (
        "libc.syscall.restype = ctypes.c_long\n"
        "number = {'x86_64': 248, 'aarch64': 217}[platform.machine()]\n"
        "for ring in (-4, -5, -3):\n"  # the user, user-session and session keyrings
        "    libc.syscall(number, b'user', b'left-note', b'for the next one', 16, ctypes.c_long(ring))\n")]},
    "stderr_filler": {"extra": [
        "import fcntl, os\n"
        "try:\n    fcntl.fcntl(2, 1031, 4096)\nexcept OSError:\n    pass\n"  # F_SETPIPE_SZ: a small pipe
        "os.set_blocking(2, False)\n"
        "try:\n    for _ in range(20000):\n        os.write(2, b'left' * 1024)\n"
        "except OSError:\n    pass\n"]},
    "dying_children": {
        "replace": {TARGET: "{ORIGINAL}\n_right_answer = binary_cross_entropy\n"
                            "def binary_cross_entropy(*args, **kwargs):\n    import os\n"
                            "    for _ in range(2):\n        if os.fork() == 0:\n"
                            "            raise MemoryError('a helper process ran out of memory')\n"
                            "    for _ in range(2):\n        os.wait()\n"
                            "    return _right_answer(*args, **kwargs)\n"},
        "extra": ["import os\nif os.fork() == 0:\n"
                  "    raise MemoryError('a helper process ran out of memory')\nos.wait()\n"]},
    "deep_folders": {"extra": [
        "import os\nhome = os.getcwd()\n"
        "for top in (home, '/tmp', '/dev/shm'):\n"
        "    os.chdir(top)\n    os.mkdir('left_deep')\n    os.chdir('left_deep')\n"
        "    for _ in range(1500):\n        os.mkdir('d')\n        os.chdir('d')\n"
        "    open('left_file', 'w').write('left')\n    os.chmod('.', 0o500)\n"
        "os.chdir(home)\n"]},
    "spinner": {"limits": {"submission_seconds": BUDGET, "call_seconds": 3}, "extra": [
        "import functools, time, types\n"
        "def _spinning(f):\n"
        "    @functools.wraps(f)\n"
        "    def slow(*args, **kwargs):\n"
        "        end = time.monotonic() + 1.5\n"
        "        while time.monotonic() < end:\n            pass\n"
        "        return f(*args, **kwargs)\n"
        "    return slow\n"
        "for _name, _f in list(globals().items()):\n"
        "    if isinstance(_f, types.FunctionType) and not _name.startswith('_'):\n"
        "        globals()[_name] = _spinning(_f)\n"]},
    "undecodable_reply": {
        "replace": {TARGET: "{ORIGINAL}\n_right_answer = binary_cross_entropy\n"
                            "def binary_cross_entropy(*args, **kwargs):\n    import os, stat\n"
                            "    line = ('{\"id\": 0, \"pid\": %d, \"ok\": true, \"value\": {\"t\": \"int\", "
                            "\"v\": %s}}\\n' % (os.getpid(), '9' * 5000)).encode()\n"
                            "    for fd in range(3, 64):\n"
                            "        try:\n            if stat.S_ISSOCK(os.fstat(fd).st_mode):\n"
                            "                os.write(fd, line)\n"
                            "        except OSError:\n            pass\n"
                            "    return _right_answer(*args, **kwargs)\n"}},
}
PROBE = """
import json, os
def _rows(kind):
    with open(f"/proc/sysvipc/{kind}") as fh:
        return len([line for line in fh if line.strip()]) - 1
def _names(folder):
    names = []
    for root, dirs, files in os.walk(folder):
        names += dirs + files
        if len(names) > 50:
            break
    return names
keys = [line.strip() for line in open("/proc/keys") if line.split()[7:8] != ["keyring"]]
os.write(2, b"an honest library writes a line to its stderr\\n" * 20)
print("LEFTOVERS " + json.dumps({"shm": _rows("shm"), "msg": _rows("msg"), "sem": _rows("sem"),
                                 "files": _names(".") + _names("/tmp") + _names("/dev/shm"), "keys": keys}))
"""


def _honest(name: str) -> dict:
    return {"student": name, "extra": [PROBE], "probe": True}


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    specs = [_honest("control")]
    for name, spec in LEAVERS.items():
        specs += [{"student": name, **spec}, _honest(f"after_{name}")]
    path = tmp_path_factory.mktemp("leftovers") / "specs.json"
    path.write_text(json.dumps(specs))
    fence = containment.Cgroup(f"nnfin-fence-leftovers-{os.getpid()}")
    fence.limit(processes=600, memory_bytes=6 * 1024**3)
    try:
        done = subprocess.run([sys.executable, "-m", "tests.grading.leftovers_run", str(path)],
                              preexec_fn=lambda: fence.add(os.getpid()), capture_output=True, text=True,
                              timeout=300, cwd=REPO)
        left_in_fence = fence.pids()
    finally:
        fence.remove()
    rows = {r["student"]: r for r in map(json.loads, done.stdout.splitlines())}
    return done, rows, left_in_fence


def test_the_batch_finished_on_one_worker_and_left_no_process(batch):
    done, rows, left = batch
    assert done.returncode == 0, done.stderr[-3000:]
    assert len(rows) == 1 + 2 * len(LEAVERS)
    assert left == []
    zygotes = {r["zygote"] for r in rows.values()}
    assert len(zygotes) == 1 and None not in zygotes, {s: r["zygote"] for s, r in rows.items()}
    assert all(r["graded"] and not r["internal"] for r in rows.values()), rows


@pytest.mark.parametrize("leaver", list(LEAVERS))
def test_the_honest_student_after_each_leaver_gets_full_marks_and_sees_nothing(batch, leaver):
    _, rows, _ = batch
    for student in ("control", f"after_{leaver}"):
        row = rows[student]
        assert row["score"] == row["max_score"] == FULL, (student, row["problems"])
        probe = row["probe"]
        assert probe is not None, (student, row["problems"])  # the probe cell ran to its end
        assert (probe["shm"], probe["msg"], probe["sem"]) == (0, 0, 0), (student, probe)
        assert not [n for n in probe["files"] if "left" in n], (student, probe["files"])
        assert probe["keys"] == [], (student, probe["keys"])


@pytest.mark.parametrize("leaver", ["system_v", "posix_shm", "keyring_note", "stderr_filler",
                                    "dying_children", "deep_folders"])
def test_leaving_something_behind_costs_the_leaver_nothing(batch, leaver):
    row = batch[1][leaver]
    assert row["score"] == FULL, row["problems"]  # children that die cost neither notebook nor function


def test_a_reply_the_grader_cannot_decode_costs_only_that_function(batch):
    _, rows, _ = batch
    row = rows["undecodable_reply"]
    assert row["lost"] == [TEST], row["problems"]
    assert 0 < row["score"] < FULL
    assert "could not read" in " ".join(row["problems"]), row["problems"]


def test_the_spinner_stops_at_the_submission_budget_with_the_reason_recorded(batch):
    _, rows, _ = batch
    row = rows["spinner"]
    assert row["score"] < FULL and row["lost"]
    assert f"used up its time ({BUDGET} s" in " ".join(row["problems"]), row["problems"]
    assert row["seconds"] < 3 * BUDGET, row["seconds"]  # not ~30 calls x 1.5 s each
