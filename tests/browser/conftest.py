"""Real-browser tests: Debian's Chromium (/usr/bin/chromium) driven by Playwright for Python.

Playwright's own browser download (`playwright install`) cannot work here, so the tests launch
the system Chromium that `make setup` installs with apt-get, and skip only when it is absent.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives headless Chromium (runs in the normal test run)")


@pytest.fixture(scope="module")
def browser_context() -> Iterator[object]:
    """One headless Chromium with a fresh profile for a test module; closed afterwards."""
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is absent (`make setup` installs it with apt-get as root)")
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="nnfin-chromium-") as profile, sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            profile, executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS,
            timeout=30_000)
        context.set_default_timeout(15_000)
        try:
            yield context
        finally:
            context.close()

