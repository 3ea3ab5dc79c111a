"""The processes one hub started, found by the variable every one of them carries.

JupyterHub starts each single-user server, the service and the proxy in a session of its own, so
no process group holds them all; the run's token in their environment does (kernels and terminals
inherit it). Stopping a hub ends exactly those processes, never one it did not start.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from nnfin.hub.settings import RUN_ENV


def started_by(token: str) -> list[int]:
    """Pids of the live processes whose environment carries ``RUN_ENV=token``."""
    marker = f"{RUN_ENV}={token}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            environ = (entry / "environ").read_bytes()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z" and marker in environ.split(b"\0"):
            found.append(int(entry.name))
    return found


def end(token: str, grace: float = 10.0) -> list[int]:
    """SIGTERM every process of the run, SIGKILL what is left after ``grace`` s; the pids ended."""
    ended = started_by(token)
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
        left = started_by(token)
        for pid in left:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + wait
        while started_by(token) and time.monotonic() < deadline:
            time.sleep(0.2)
    return ended
