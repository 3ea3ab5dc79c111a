"""Hub mode: on a JupyterHub the student is whoever the hub says owns the request's token.

Run as a hub-managed service, the check service gets ``JUPYTERHUB_API_URL`` and
``JUPYTERHUB_API_TOKEN`` from the hub; a student's server sends its own
``JUPYTERHUB_API_TOKEN``, and the hub answers whose it is (``GET /api/user``, the call
JupyterHub's ``HubAuth.user_for_token`` makes; HubAuth itself is used when JupyterHub is
installed). Answers are cached for a minute, so a burst of checks does not become a burst
of hub requests; a name the door would refuse is no one.
"""

from __future__ import annotations

import json
import os
import threading
import time
import urllib.error
import urllib.request

from nnfin.grading import door

CACHE_SECONDS = 60.0


class HubIdentity:
    """``identify(token)`` -> the hub user's name, or None (unknown token, hub unreachable)."""

    def __init__(self, api_url: str, api_token: str, cache_seconds: float = CACHE_SECONDS) -> None:
        self.api_url, self.api_token, self.cache_seconds = api_url.rstrip("/"), api_token, cache_seconds
        self._cache: dict[str, tuple[float, str | None]] = {}
        self._lock = threading.Lock()
        self._hub_auth = _hub_auth(self.api_url, api_token)

    def __call__(self, token: str) -> str | None:
        if not token or len(token) > 512:
            return None
        now = time.monotonic()
        with self._lock:
            hit = self._cache.get(token)
        if hit is not None and now - hit[0] < self.cache_seconds:
            return hit[1]
        name = self._ask(token)
        with self._lock:
            self._cache[token] = (now, name)
        return name

    def _ask(self, token: str) -> str | None:
        if self._hub_auth is not None:
            model = self._hub_auth.user_for_token(token, sync=True)
        else:
            request = urllib.request.Request(f"{self.api_url}/user",
                                             headers={"Authorization": f"token {token}"})
            try:
                with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - the hub's own URL
                    model = json.loads(response.read(1 << 20))
            except (urllib.error.URLError, OSError, ValueError):
                return None
        name = model.get("name") if isinstance(model, dict) and model.get("kind", "user") == "user" else None
        return name if door.is_name(name) else None


def _hub_auth(api_url: str, api_token: str):
    try:
        from jupyterhub.services.auth import HubAuth
    except ImportError:
        return None
    return HubAuth(api_url=api_url, api_token=api_token, cache_max_age=0)


def from_environment() -> HubIdentity | None:
    """The hub's identity when this process runs as a hub-managed service, else None."""
    url, token = os.environ.get("JUPYTERHUB_API_URL"), os.environ.get("JUPYTERHUB_API_TOKEN")
    return HubIdentity(url, token) if url and token else None
