"""Where the course lives and the two nbgrader steps every command needs.

Shared by the instructor's commands (``nnfin.course``) and the grading
pipeline, so neither has to import the other.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SOURCE = REPO / "source"
RELEASE = REPO / "release"



def assignments(root: Path = SOURCE) -> list[str]:
    """Assignment folders in course order (their names start with a number)."""
    return sorted(p.name for p in root.iterdir() if p.is_dir() and p.name[:1].isdigit())


def nbgrader(*args: str, cwd: Path = REPO, check: bool = True,
             timeout: float | None = None) -> subprocess.CompletedProcess:
    bin_dir = Path(sys.executable).parent
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    return subprocess.run([str(bin_dir / "nbgrader"), *args], cwd=cwd, check=check,
                          capture_output=True, text=True, timeout=timeout, env=env)


def release(course_root: Path = REPO) -> list[Path]:
    """Regenerate release/<assignment>/ for every assignment in source/."""
    built = []
    for name in assignments(course_root / "source"):
        result = nbgrader("generate_assignment", name, "--force", cwd=course_root, check=False)
        if result.returncode != 0:
            sys.stderr.write(result.stdout + result.stderr)
            raise SystemExit(f"nbgrader generate_assignment {name} failed")
        built.append(course_root / "release" / name)
    return built
