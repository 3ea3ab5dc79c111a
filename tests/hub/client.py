"""A user of the hub, as a browser would be: log in with a password, start a server, run code in it.

Only the hub's public REST API and the user's own server (contents API, a kernel over its
websocket) are used, with that user's own cookie or token: what a student can do, nothing more.
"""

from __future__ import annotations

import json
import re
import time
import uuid

import requests
import websocket


class HubUser:
    def __init__(self, base: str, name: str, password: str):
        self.base, self.name = base, name
        self.web = requests.Session()
        page = self.web.get(f"{base}/hub/login", timeout=30)
        xsrf = self.web.cookies.get("_xsrf") or re.search(r'name="_xsrf" value="([^"]+)"', page.text).group(1)
        answer = self.web.post(f"{base}/hub/login?next=", data={"username": name, "password": password,
                                                                "_xsrf": xsrf},
                               allow_redirects=False, timeout=60)
        assert answer.status_code == 302, f"{name} could not log in: {answer.status_code}"
        made = self.web.post(f"{base}/hub/api/users/{name}/tokens", json={"note": "hub tests"},
                             headers={"X-XSRFToken": self.web.cookies.get("_xsrf", path="/hub/") or xsrf},
                             timeout=30)
        assert made.status_code in (200, 201), made.text
        self.token = made.json()["token"]
        self.api = requests.Session()
        self.api.headers["Authorization"] = f"token {self.token}"

    @property
    def server(self) -> str:
        return f"{self.base}/user/{self.name}"

    def start(self, timeout: float = 180) -> None:
        """Start this user's own server (as the hub's Start button does) and wait until it answers."""
        answer = self.api.post(f"{self.base}/hub/api/users/{self.name}/server", timeout=60)
        assert answer.status_code in (201, 202, 400), answer.text  # 400: already running
        deadline = time.monotonic() + timeout
        while True:
            model = self.api.get(f"{self.base}/hub/api/users/{self.name}", timeout=30).json()
            if model.get("server") and not model.get("pending"):
                break
            assert time.monotonic() < deadline, f"{self.name}'s server did not start: {model}"
            time.sleep(1)
        while self.api.get(f"{self.server}/api/status", timeout=30).status_code != 200:
            assert time.monotonic() < deadline, f"{self.name}'s server does not answer"
            time.sleep(1)

    def run(self, code: str, timeout: float = 120) -> str:
        """Run ``code`` in a fresh kernel of this user's server; its stdout (a traceback fails)."""
        kernel = self.api.post(f"{self.server}/api/kernels", json={"name": "python3"}, timeout=60)
        assert kernel.status_code == 201, kernel.text
        kid = kernel.json()["id"]
        ws_url = self.server.replace("http://", "ws://") + f"/api/kernels/{kid}/channels"
        sock = websocket.create_connection(ws_url, header=[f"Authorization: token {self.token}"],
                                           timeout=timeout)
        try:
            msg_id = uuid.uuid4().hex
            sock.send(json.dumps({
                "header": {"msg_id": msg_id, "username": self.name, "session": uuid.uuid4().hex,
                           "msg_type": "execute_request", "version": "5.3"},
                "parent_header": {}, "metadata": {}, "channel": "shell",
                "content": {"code": code, "silent": False, "store_history": False,
                            "user_expressions": {}, "allow_stdin": False}}))
            out, error = [], None
            while True:
                msg = json.loads(sock.recv())
                if msg.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                kind = msg["msg_type"]
                if kind == "stream":
                    out.append(msg["content"]["text"])
                elif kind == "error":
                    error = "\n".join(msg["content"]["traceback"])
                elif kind == "status" and msg["content"]["execution_state"] == "idle":
                    break
        finally:
            sock.close()
            self.api.delete(f"{self.server}/api/kernels/{kid}", timeout=30)
        assert error is None, f"{self.name}'s code failed:\n{error}"
        return "".join(out)

    def terminal(self, command: str, timeout: float = 60) -> str:
        """Type ``command`` into a new terminal of this user's server; what it printed."""
        made = self.api.post(f"{self.server}/api/terminals", timeout=60)
        assert made.status_code == 200, made.text
        name = made.json()["name"]
        ws_url = self.server.replace("http://", "ws://") + f"/terminals/websocket/{name}"
        sock = websocket.create_connection(ws_url, header=[f"Authorization: token {self.token}"],
                                           timeout=timeout)
        marker = uuid.uuid4().hex
        try:
            sock.send(json.dumps(["stdin", f"{command}; echo {marker[:16]}''{marker[16:]}\r"]))
            out = ""
            while marker not in out:
                kind, *data = json.loads(sock.recv())
                if kind == "stdout":
                    out += data[0]
        finally:
            sock.close()
            self.api.delete(f"{self.server}/api/terminals/{name}", timeout=30)
        return out.split(marker)[0]
