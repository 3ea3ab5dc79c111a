"""One JupyterHub for the whole test session, as ``make hub`` starts it, on a copy of the course.

Root only (real accounts, each server under its own uid): the tests' own users (``nnfint-*``)
are created for the session and deleted afterwards, and the hub is stopped at the end, failing
the session if any process it started is still alive.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from nnfin.hub import accounts, processes
from nnfin.hub.settings import HubSettings
from tests.browser.conftest import CHROMIUM, CHROMIUM_FLAGS
from tests.makefile import run_make

REPO = Path(__file__).resolve().parents[2]
PY = sys.executable
ASSIGNMENT = "01_losses"
INSTRUCTOR, STUDENT_PREFIX = "nnfint-grader", "nnfint-s"
STUDENTS = accounts.student_names(STUDENT_PREFIX, 2)
CHECK_COOLDOWN = 4  # seconds between a student's checks on this hub (the course's default is 60)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives headless Chromium (runs in the normal test run)")


@dataclass
class Hub:
    settings: HubSettings
    logins: dict[str, str]
    course: Path
    log: Path

    @property
    def url(self) -> str:
        return self.settings.url

    def make(self, target: str, *variables: str) -> str:
        """An instructor's make target on the hub's course, with the hub's exchange."""
        env = {**os.environ, "NBGRADER_EXCHANGE": self.settings.exchange}
        return run_make(target, self.course, env, f"ASSIGNMENT={ASSIGNMENT}", "JOBS=1", *variables)


def _free_ports(count: int) -> list[int]:
    socks = [socket.socket() for _ in range(count)]
    for sock in socks:
        sock.bind(("127.0.0.1", 0))
    ports = [sock.getsockname()[1] for sock in socks]
    for sock in socks:
        sock.close()
    return ports


def _answering(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/hub/api/", timeout=2):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def hub(tmp_path_factory) -> Iterator[Hub]:
    if os.geteuid() != 0:
        pytest.skip("the hub tests create system users and run each user's server under that user's "
                    "uid (as make hub does): they need root")
    assert (REPO / "node_modules" / ".bin" / "configurable-http-proxy").exists(), "run make setup"
    run_make("hub-env", REPO, dict(os.environ))  # the students' venv (/opt/nnfin-hub), once per machine
    base = tmp_path_factory.mktemp("hub")
    course = base / "course"
    (course / "source").mkdir(parents=True)
    shutil.copytree(REPO / "source" / ASSIGNMENT, course / "source" / ASSIGNMENT)
    shutil.copy(REPO / "nbgrader_config.py", course / "nbgrader_config.py")
    with (course / "nbgrader_config.py").open("a") as config:  # the check service: one worker, no long wait
        config.write(f"\nc.CheckService.cooldown_seconds = {CHECK_COOLDOWN}\nc.CheckService.jobs = 1\n")
    run_make("release", course, dict(os.environ))
    shared = Path(tempfile.mkdtemp(prefix="nnfin-hub-", dir="/tmp"))
    os.chmod(shared, 0o755)  # the students reach the exchange inside it
    runtime = base / "runtime"
    cli = [PY, "-m", "nnfin.hub.serve"]
    who = ["--runtime", str(runtime), "--instructor", INSTRUCTOR, "--students", str(len(STUDENTS)),
           "--student-prefix", STUDENT_PREFIX]
    launcher = None
    settings_path = runtime / "settings.json"
    try:
        subprocess.run([*cli, "users", *who], check=True, capture_output=True, text=True)
        port, hub_port, proxy_port, service_port, check_port = _free_ports(5)
        log = base / "launcher.log"
        with log.open("w") as out:
            launcher = subprocess.Popen(
                [*cli, "serve", *who, "--course", str(course), "--exchange", str(shared / "exchange"),
                 "--port", str(port), "--hub-port", str(hub_port), "--proxy-api-port", str(proxy_port),
                 "--service-port", str(service_port), "--check-port", str(check_port)],
                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 180
        while "stops it." not in log.read_text():
            assert launcher.poll() is None, f"make hub failed:\n{log.read_text()}"
            assert time.monotonic() < deadline, f"the hub did not start in 180 s:\n{log.read_text()}"
            time.sleep(0.5)
        settings = HubSettings.load(settings_path)
        assert _answering(settings.url)
        logins = json.loads((runtime / "logins.json").read_text())
        yield Hub(settings, logins, course, log)
    finally:
        left: list[int] = []
        if launcher is not None:
            subprocess.run([*cli, "stop", "--runtime", str(runtime)], timeout=180)  # make hub-stop
            try:
                launcher.wait(timeout=30)
            except subprocess.TimeoutExpired:
                launcher.kill()
                launcher.wait()
        if settings_path.exists():
            token = HubSettings.load(settings_path).run_token
            left = processes.started_by(token)
            processes.end(token)
        accounts.remove([INSTRUCTOR, *STUDENTS])
        shutil.rmtree(shared, ignore_errors=True)
        assert not left, f"stopping the hub left processes {left} running"


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian's Chromium (as tests/browser), one fresh context per user so each has their own login.

    Module-scoped: Playwright's sync API allows one instance per thread at a time, and the other
    browser tests may run after these in the same worker.
    """
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is absent (`make setup` installs it with apt-get as root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS,
                                      timeout=30_000)
        try:
            yield chromium
        finally:
            chromium.close()
