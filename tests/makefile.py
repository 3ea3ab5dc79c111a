"""Run the README's make targets on a copy of the course, as an instructor would: no venv on PATH."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# what a fresh shell has: nothing of .venv, so the targets must find their tools themselves
SYSTEM_PATH = os.pathsep.join(("/usr/local/bin", "/usr/bin", "/bin"))


def without_venv(env: dict[str, str]) -> dict[str, str]:
    """``env`` with the system PATH only and no make jobserver of an outer make."""
    clean = {k: v for k, v in env.items() if not k.startswith(("MAKE", "MFLAGS", "VIRTUAL_ENV"))}
    clean["PATH"] = SYSTEM_PATH
    return clean


def make_argv(target: str, course: Path, *variables: str) -> list[str]:
    return ["make", "--no-print-directory", "-C", str(REPO), target, f"COURSE={course}", *variables]


def run_make(target: str, course: Path, env: dict[str, str], *variables: str,
             prefix: tuple[str, ...] | list[str] = ()) -> str:
    """``[prefix] make <target> COURSE=<course> VARIABLES...``; fails the test with make's output."""
    result = subprocess.run([*prefix, *make_argv(target, course, *variables)], env=without_venv(env),
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"make {target} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout + result.stderr
