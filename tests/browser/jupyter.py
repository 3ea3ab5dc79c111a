"""A real Jupyter server for the browser tests: a free port on 127.0.0.1, a token, a clean config."""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def jupyter_env(base: Path) -> dict[str, str]:
    """No personal Jupyter, JupyterLab or nbgrader settings: only what a test writes under ``base``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAKE", "MFLAGS", "JUPYTER"))}
    for name, sub in (("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_DATA_DIR", "data"),
                      ("JUPYTER_RUNTIME_DIR", "runtime"), ("IPYTHONDIR", "ipython"),
                      ("JUPYTERLAB_SETTINGS_DIR", "lab-settings"),
                      ("JUPYTERLAB_WORKSPACES_DIR", "lab-workspaces")):
        env[name] = str(base / "jupyter" / sub)
    env["MPLBACKEND"] = "Agg"
    return env


@contextlib.contextmanager
def jupyter_server(argv: Callable[[int, str], list[str]], cwd: Path, env: dict[str, str],
                   log_path: Path) -> Iterator[tuple[str, str]]:
    """A Jupyter server on 127.0.0.1 with a fresh port and token; always stopped afterwards.

    ``argv(port, token)`` is the command that starts it; yields (base URL, token).
    """
    port, token = free_port(), secrets.token_hex(16)
    log = log_path.open("w")
    server = subprocess.Popen(argv(port, token), cwd=cwd, env=env, stdout=log,
                              stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, f"the Jupyter server exited; see {log_path}"
            assert time.monotonic() < deadline, f"the Jupyter server did not answer in 60 s; see {log_path}"
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2):
                    break
            except OSError:
                time.sleep(0.3)
        yield base, token
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(timeout=10)
        log.close()
