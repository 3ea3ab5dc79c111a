"""The oldest Python the course installs on, said once (pyproject.toml) and true of every pin.

soupsieve 3 and 4 need Python 3.11.5, which Debian 12's python3.11 (3.11.2) is not: a pin like
that makes `pip install -c constraints.txt` fail there with ResolutionImpossible. Every pinned
distribution's Requires-Python (read from what `make setup` installed) must admit the floor,
the Makefile must check the same floor, and refuse an older Python with a message that says so.
"""

from __future__ import annotations

import re
import subprocess
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.specifiers import SpecifierSet
from packaging.version import Version

from tests.makefile import without_venv

REPO = Path(__file__).resolve().parents[1]
DEBIAN_12 = Version("3.11.2")  # python3.11 of Debian 12 (bookworm)


def _floor() -> Version:
    requires = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["requires-python"]
    [floor] = re.findall(r">=\s*([\d.]+)", requires)
    return Version(floor)


def _pins() -> dict[str, str]:
    pins = {}
    for line in (REPO / "constraints.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            name, version = line.split("==", 1)
            pins[name.strip()] = version.split(";", 1)[0].strip()
    return pins


def test_every_pin_installs_on_the_floor_and_on_debian_12():
    floor = _floor()
    assert floor <= DEBIAN_12
    pins = _pins()
    assert len(pins) > 100
    refused = {}
    for name, version in pins.items():
        dist = metadata.distribution(name)
        assert dist.version == version, f"{name}: {dist.version} installed, {version} pinned"
        requires = dist.metadata.get("Requires-Python")
        if requires and not all(v in SpecifierSet(requires) for v in (floor, DEBIAN_12)):
            refused[name] = requires
    assert refused == {}, f"these pins need a newer Python than {floor}: {refused}"


def test_the_makefile_checks_the_same_floor_and_refuses_an_older_python(tmp_path):
    makefile = (REPO / "Makefile").read_text()
    assert f"PYTHON_FLOOR := {_floor()}\n" in makefile
    old = tmp_path / "python3"
    old.write_text("#!/bin/sh\necho 3.10.12\n")  # what an older interpreter answers the version check
    old.chmod(0o755)
    done = subprocess.run(["make", "--no-print-directory", "-C", str(REPO), "setup", f"PYTHON={old}",
                           f"VENV={tmp_path / 'venv'}"], env=without_venv({}), capture_output=True,
                          text=True, timeout=60)
    assert done.returncode != 0
    assert f"is Python 3.10.12, too old: the course needs Python {_floor()} or newer" in done.stderr
    assert not (tmp_path / "venv").exists()
