"""Stopping a hub ends the processes of its run, found by their token, and no other process."""

from __future__ import annotations

import os
import subprocess
import sys

from nnfin.hub import processes
from nnfin.hub.settings import RUN_ENV

SLEEPER = [sys.executable, "-c", "import time; time.sleep(120)"]


def test_end_stops_the_runs_processes_and_their_children_only():
    ours = "a" * 32
    env = {**os.environ, RUN_ENV: ours}
    # a process of the run that starts a child of its own in a new session (as a kernel would)
    parent = subprocess.Popen([sys.executable, "-c",
                               "import subprocess, sys, time\n"
                               f"subprocess.Popen({SLEEPER!r}, start_new_session=True)\n"
                               "time.sleep(120)"], env=env, start_new_session=True)
    other_run = subprocess.Popen(SLEEPER, env={**os.environ, RUN_ENV: "b" * 32})
    unmarked = subprocess.Popen(SLEEPER)
    try:
        for _ in range(100):
            if len(processes.started_by(ours)) == 2:
                break
            subprocess.run(["sleep", "0.1"])
        found = processes.started_by(ours)
        assert len(found) == 2 and parent.pid in found
        ended = processes.end(ours, grace=5)
        assert sorted(ended) == sorted(found)
        assert processes.started_by(ours) == []
        assert parent.wait(timeout=10) != 0
        assert other_run.poll() is None and unmarked.poll() is None
        assert processes.started_by("b" * 32) == [other_run.pid]
    finally:
        for proc in (parent, other_run, unmarked):
            proc.kill()
            proc.wait()
