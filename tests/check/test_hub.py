"""Hub mode with two students: the hub says whose token a request carries, nothing else does.

The hub here is a stand-in on 127.0.0.1 answering ``GET /hub/api/user`` as JupyterHub does
for a user's token (the call ``HubAuth.user_for_token`` makes); the browser day on a real
hub belongs with the hub of [12].
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import nbformat
import pytest

from nnfin.check.config import CheckConfig
from nnfin.check.hub import HubIdentity
from nnfin.check.store import STORE, Store
from tests.check.conftest import Instant, answered

USERS = {"hub-token-alice": "alice", "hub-token-bob": "bob", "hub-token-odd": "../../etc"}


@pytest.fixture
def hub():
    asked: list[str] = []

    class Hub(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            scheme, _, token = self.headers.get("Authorization", "").partition(" ")
            asked.append(token)
            name = USERS.get(token) if self.path == "/hub/api/user" and scheme == "token" else None
            body = json.dumps({"kind": "user", "name": name, "scopes": ["access:services"]} if name
                              else {"status": 403, "message": "not a token of this hub"}).encode()
            self.send_response(200 if name else 403)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hub)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hub/api", asked
    server.shutdown()
    server.server_close()


def test_two_students_on_the_hub_are_who_the_hub_says(start, hub, monkeypatch):
    api, asked = hub
    monkeypatch.setenv("JUPYTERHUB_SERVICE_PREFIX", "/services/check-my-work/")
    run = start(CheckConfig(cooldown_seconds=0), workers=Instant(),
                identify=HubIdentity(api, "the-service's-own-token"))
    body = nbformat.writes(answered(run.root)).encode()

    def post(token: str, query: str = "assignment=01_losses&wait=1") -> tuple[int, dict]:
        return run.request("POST", f"/services/check-my-work/check?{query}", body, token=token,
                           headers={"Authorization": f"token {token}"})

    status, alice = post("hub-token-alice")
    assert status == 200 and alice["parts"]["test_mse"]["score"] == 4
    status, bob = post("hub-token-bob")
    assert status == 200 and bob["parts"]["test_mse"]["mistakes"] == ["sum instead of a mean"]
    assert post("hub-token-alice", "assignment=01_losses&student=bob")[0] == 403
    assert post("hub-token-mallory")[0] == 401
    assert post("hub-token-odd")[0] == 401, "a hub name the door refuses is no one"
    assert post(run.tokens["alice"])[0] == 401, "on the hub, the instructor's token files mean nothing"
    assert [(a.student, a.status) for a in Store(run.root / STORE).attempts()] == [
        ("alice", "answered"), ("bob", "answered")]
    assert asked.count("hub-token-alice") == 1, "the hub's answer is cached, not asked per request"
