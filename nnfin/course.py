"""The instructor's commands: build the release, write the data files, grade, demo.

``python -m nnfin.course release`` regenerates release/ from source/ with
``nbgrader generate_assignment``; ``data`` rewrites each assignment's data file
from the reference generator. The Makefile calls these.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SOURCE = REPO / "source"
RELEASE = REPO / "release"
DATA_FILE = "returns.npz"


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


def write_data() -> list[Path]:
    """Rewrite the shipped data files from the seeded reference generator."""
    from nnfin.numerics import DEFAULT_SEED
    from nnfin.reference.data import generate_returns, save_dataset

    written = []
    for name in assignments():
        target = SOURCE / name / DATA_FILE
        if target.exists():
            save_dataset(target, **_arrays(generate_returns(seed=DEFAULT_SEED)))
            written.append(target)
    return written


def _arrays(dataset: dict) -> dict:
    import numpy as np

    return {k: np.asarray(v) for k, v in dataset.items()}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m nnfin.course", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("release", help="regenerate release/ from source/")
    sub.add_parser("data", help="rewrite the data files from the reference generator")
    sub.add_parser("grade", help="grade every submission under submitted/")
    sub.add_parser("demo", help="install the demo class, grade it and print where to look")
    args = parser.parse_args(argv)
    if args.command == "release":
        for path in release():
            print(f"released {path.relative_to(REPO)}")
    elif args.command == "data":
        for path in write_data():
            print(f"wrote {path.relative_to(REPO)}")
    else:
        from nnfin.grading import pipeline

        if args.command == "grade":
            pipeline.main_grade()
        else:
            pipeline.main_demo()


if __name__ == "__main__":
    if shutil.which("nbgrader") is None and not Path(sys.executable).with_name("nbgrader").exists():
        raise SystemExit("nbgrader is not installed: run `make setup` first")
    main()
