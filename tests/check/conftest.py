"""A course copy per test, one warm pool for all of tests/check, and a service on an ephemeral port."""

from __future__ import annotations

import json
import secrets
import shutil
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

from nnfin.check import tokens
from nnfin.check.config import CheckConfig
from nnfin.check.service import CheckService
from nnfin.grading import demo, notebook
from nnfin.grading.engine import pool
from nnfin.grading.engine.containment import SubmissionLimits
from nnfin.grading.engine.grade import JobResult

REPO = Path(__file__).resolve().parents[2]
LOSSES = "01_losses"
FAST = SubmissionLimits(cell_seconds=8, call_seconds=8)


@pytest.fixture(scope="session")
def executor():
    """Two warm sandboxed workers, as `make grade` and `make check-service` start them."""
    workers = pool.local_pool(2, FAST, warm_now=True)
    yield workers
    workers.shutdown(wait=True, cancel_futures=True)


def course(tmp: Path) -> Path:
    root = Path(tempfile.mkdtemp(dir=tmp)) / "course"
    root.mkdir()
    for name in ("source", "release"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "nbgrader_config.py", root / "nbgrader_config.py")
    return root


@dataclass
class Running:
    root: Path
    service: CheckService
    url: str
    tokens: dict[str, str]
    clock: list[float]  # [now]: the limits' clock, moved by the tests
    server: object = None

    def stop(self) -> None:
        stop(self.service, self.server)

    def request(self, method: str, path: str, body: bytes | None = None, token: str | None = None,
                nonce: str | None = None, sent: float | None = None, headers: dict | None = None
                ) -> tuple[int, dict]:
        sent_headers = {"X-Check-Nonce": nonce or secrets.token_urlsafe(24),
                        "X-Check-Time": f"{time.time() if sent is None else sent:.3f}"}
        if token is not None:
            sent_headers["Authorization"] = f"Bearer {token}"
        sent_headers.update(headers or {})
        req = urllib.request.Request(self.url + path, data=body, method=method, headers=sent_headers)
        try:
            with urllib.request.urlopen(req, timeout=120) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read())

    def post(self, student: str, nb, query: str = "assignment=01_losses&wait=1", **kw) -> tuple[int, dict]:
        body = nb if isinstance(nb, bytes) else nbformat.writes(nb).encode()
        return self.request("POST", f"/check?{query}", body, token=self.tokens.get(student, student), **kw)


@pytest.fixture
def start(tmp_path, request) -> Iterator:
    """start(config) -> a running service for students alice and bob on a fresh course copy."""
    running: list[tuple[CheckService, object]] = []

    def _start(config: CheckConfig | None = None, root: Path | None = None, workers: Executor | None = None,
               clock: list[float] | None = None, identify=None) -> Running:
        root = root or course(tmp_path)
        config = config or CheckConfig(cooldown_seconds=0)
        issued = {p.stem: p.read_text().strip() for p in tokens.issue(root, ["alice", "bob", "carol", "dan"])}
        now = clock or [time.time()]
        workers = workers or request.getfixturevalue("executor")
        service = CheckService(root, config, executor=workers, limits=FAST, clock=lambda: now[0],
                               identify=identify)
        server = service.serve(port=0)
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
        running.append((service, server))
        return Running(root, service, f"http://127.0.0.1:{server.server_address[1]}", issued, now, server)

    yield _start
    for service, server in running:
        stop(service, server)


def stop(service: CheckService, server) -> None:
    if getattr(server, "stopped", False):
        return
    server.stopped = True
    server.shutdown()
    server.server_close()
    service.queue.hold(False)
    service.close()


def answered(root: Path):
    return demo.model_answers(root, LOSSES)


def with_cell(nb, gid: str, source: str):
    nb = nbformat.from_dict(json.loads(json.dumps(nb)))
    [cell] = [c for c in nb.cells if notebook.grade_id(c) == gid]
    cell.source = source
    return nb


SUM_NOT_MEAN = ("import numpy as np\n\ndef mse(y_true, y_pred):\n"
                "    return float(np.sum((np.asarray(y_true) - np.asarray(y_pred)) ** 2))\n")


class Instant(Executor):
    """Answers every check at once with the same parts (for tests of the queue, the limits and the store).

    Records the order the checks reached it; ``slots()`` says how many workers it pretends to have.
    """

    def __init__(self, workers: int = 2, graded: bool = True) -> None:
        self.workers, self.order, self.graded = workers, [], graded

    def slots(self) -> int:
        return self.workers

    def submit(self, fn, job, *args, **kwargs) -> Future:
        self.order.append(job.student)
        future: Future = Future()
        future.set_result(JobResult(job.student, job.assignment, job.seed, parts={
            "test_mse": {"score": 4.0 if job.student != "bob" else 1.2, "max_score": 4.0, "messages": [],
                         "mistakes": [] if job.student != "bob" else ["sum instead of a mean"]}},
            graded=self.graded))
        return future
