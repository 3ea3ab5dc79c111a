"""Bad requests get a clear error and change nothing: no attempt, no file, no gradebook.

The queue is held, so an accepted check is never graded here: every refusal below happens
at the door, before the pool could see anything.
"""

from __future__ import annotations

import json
import socket
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nnfin.check.config import CheckConfig
from nnfin.check.store import STORE, Store
from tests.check.conftest import Instant, answered

MB = 1024**2


@pytest.fixture
def held(start):
    run = start(CheckConfig(cooldown_seconds=0), workers=Instant())
    run.service.queue.hold()
    run.nb = answered(run.root)
    return run


def _nothing_changed(run, attempts: int = 0) -> None:
    assert len(Store(run.root / STORE).attempts()) == attempts
    assert not list((run.root / "build" / "check" / "inbox").glob("*")), "no inbox left behind"
    assert not (run.root / "gradebook.db").exists() and not (run.root / "submitted").exists()


def _raw(run, head: str, body: bytes) -> tuple[int, dict]:
    """Send a request by hand (a lying length, a body far beyond the budget) and read the answer."""
    host, port = run.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(head.encode() + b"\r\n\r\n")
        try:
            sock.sendall(body)
        except OSError:
            pass  # the service answered and closed before reading it all
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    status = int(data.split(b" ", 2)[1])
    return status, json.loads(data.split(b"\r\n\r\n", 1)[1])


def _head(run, length: int | None, token: str, extra: str = "") -> str:
    lines = ["POST /check?assignment=01_losses HTTP/1.1", "Host: x", f"Authorization: Bearer {token}",
             "X-Check-Nonce: " + "z" * 10 + str(time.time_ns()), f"X-Check-Time: {time.time()}"]
    lines += [f"Content-Length: {length}"] if length is not None else []
    return "\r\n".join(lines + ([extra] if extra else []))


def test_tokens_decide_who_checks_and_nothing_else_does(held):
    status, body = held.request("POST", "/check?assignment=01_losses", b"{}")
    assert status == 401 and "no token" in body["error"]
    status, body = held.request("POST", "/check?assignment=01_losses", b"{}", token="alice:guessed")
    assert status == 401 and "not valid" in body["error"]
    status, body = held.request("POST", "/check?assignment=01_losses", b"{}", token=held.tokens["bob"][4:])
    assert status == 401
    status, body = held.post("alice", held.nb, query="assignment=01_losses&student=bob")
    assert status == 403 and "belongs to 'alice', not to 'bob'" in body["error"]
    _nothing_changed(held)
    status, body = held.post("alice", held.nb, query="assignment=01_losses&student=alice")
    assert status == 202 and body["position"] == 1
    assert Store(held.root / STORE).attempts()[0].student == "alice"
    ticket = f"/check/{body['ticket']}"
    assert held.request("GET", ticket, token=held.tokens["bob"])[0] == 404, "not bob's to read"
    assert held.request("GET", ticket, token=held.tokens["alice"]) == (202, {"ticket": body["ticket"],
                                                                          "position": 1})


def test_replays_stale_requests_and_unknown_assignments_are_refused(held):
    assert held.post("alice", held.nb, query="assignment=01_losses", nonce="r" * 32)[0] == 202
    status, body = held.post("alice", held.nb, query="assignment=01_losses", nonce="r" * 32)
    assert status == 409 and "replay" in body["error"]
    status, body = held.post("alice", held.nb, query="assignment=01_losses", sent=time.time() - 3600)
    assert status == 400 and "off this server's clock" in body["error"]
    status, body = held.post("alice", held.nb, query="assignment=nonexistent")
    assert status == 404 and "01_losses" in body["error"]
    status, body = held.post("alice", held.nb, query="notebook=elsewhere.ipynb")
    assert status == 404
    _nothing_changed(held, attempts=1)
    assert held.post("alice", held.nb, query="notebook=losses.ipynb")[0] == 202, "found by its name"


def test_a_100_mb_body_is_refused_from_its_length_and_a_lying_length_reads_no_further(held):
    token = held.tokens["alice"]
    status, body = _raw(held, _head(held, 100 * MB, token), b"{" * MB)
    assert status == 413 and "more than the 10 MiB" in body["error"]
    chunked = _head(held, None, token, "Transfer-Encoding: chunked")
    status, body = _raw(held, chunked, b"5\r\nhello\r\n0\r\n\r\n")
    assert status == 411
    raw = json.dumps(held.nb).encode()
    status, body = _raw(held, _head(held, 100, token), raw)  # only 100 bytes of it are read
    assert status == 422 and "not valid JSON" in body["error"]
    _nothing_changed(held)


@settings(max_examples=25, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.binary(max_size=3000),
                 st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                              lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
                                  st.sampled_from(["cells", "metadata", "nbformat", "source", "x"]), inner,
                                  max_size=4), max_leaves=20).map(lambda v: json.dumps(v).encode())))
def test_anything_that_is_not_a_notebook_is_refused_without_a_trace(held, body):
    status, answer = held.post("alice", body, query="assignment=01_losses")
    assert status == 422 and answer["error"].startswith("not checked:"), (status, answer)
    _nothing_changed(held)
