"""Fingerprints: a hash of everything a graded result depends on, so unchanged work is not redone.

Two uses. A *submission fingerprint* (submitted files, the assignment's release
folder, its hidden checks, the reference package, the grading configuration
and the pinned versions) is stored with each graded submission; when it has
not changed, the stored result still holds and ``make grade`` reuses it. An
*environment* (the course code, the hidden checks, the installed versions of
the pinned packages, the Python version) travels with every cluster job, and a
Dask worker whose own environment differs refuses the job and says what
differs, instead of grading with other checks or another numpy.

Hashes cover file names and contents only (never times), so a fresh clone or
a copy on another machine gives the same fingerprint.
"""

from __future__ import annotations

import functools
import hashlib
import json
import platform
import re
from dataclasses import asdict
from importlib import metadata
from pathlib import Path

from nnfin import coursedir
from nnfin.coursedir import REPO, checks_module
from nnfin.grading import door
from nnfin.grading.engine.containment import SubmissionLimits

PACKAGE = REPO / "nnfin"
CONSTRAINTS = REPO / "constraints.txt"
_SKIP = ("__pycache__", ".ipynb_checkpoints", ".pytest_cache")


def _files(folder: Path, pattern: str = "*") -> list[Path]:
    if not folder.is_dir():
        return [folder] if folder.is_file() else []
    return sorted(p for p in folder.rglob(pattern)
                  if p.is_file() and not any(part in _SKIP for part in p.parts) and p.suffix != ".pyc")


def hash_files(paths: list[Path], base: Path) -> str:
    """sha256 over (relative name, contents) of ``paths``, in the order given."""
    digest = hashlib.sha256()
    for path in paths:
        name = path.relative_to(base).as_posix() if path.is_relative_to(base) else path.name
        digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _pinned_names() -> list[str]:
    if not CONSTRAINTS.exists():
        return []
    lines = CONSTRAINTS.read_text().splitlines()
    names = [re.split(r"[=<>!~;\[ ]", line.strip(), maxsplit=1)[0] for line in lines]
    return sorted({n.lower() for n in names if n and not n.startswith("#")})


@functools.lru_cache(maxsize=1)
def installed_versions() -> dict[str, str]:
    """The version installed here of every package pinned in constraints.txt ("missing" if absent)."""
    versions = {"python": platform.python_version()}
    for name in _pinned_names():
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "missing"
    return versions


def _shared_checks() -> str:
    """What every assignment's hidden checks import: grader_tests' helpers and the checks package."""
    helpers = [p for p in _files(coursedir.GRADER_TESTS, "*.py") if not p.name.startswith("test_")]
    return (hash_files(helpers, coursedir.GRADER_TESTS)
            + hash_files(_files(PACKAGE / "grading" / "checks", "*.py"), PACKAGE))


def environment() -> dict[str, object]:
    """What a grading worker must share with the driver for its results to be the driver's."""
    return {
        "course code": hash_files(_files(PACKAGE, "*.py"), PACKAGE),
        "hidden checks": hash_files(_files(coursedir.GRADER_TESTS, "*.py"), coursedir.GRADER_TESTS),
        "pinned versions": installed_versions(),
    }


def differences(expected: dict[str, object], own: dict[str, object]) -> list[str]:
    """Where this worker's environment differs from the driver's, in plain words."""
    found = []
    for key in ("course code", "hidden checks"):
        if expected.get(key) != own.get(key):
            found.append(f"its {key} differ from the grading machine's "
                         "(install the same commit of the course there)")
    theirs, mine = expected.get("pinned versions") or {}, own.get("pinned versions") or {}
    changed = [f"{name} {mine.get(name, 'missing')} here, {theirs[name]} on the grading machine"
               for name in sorted(theirs) if mine.get(name) != theirs[name]]
    if changed:
        found.append("its pinned versions differ (pip install -c constraints.txt -e '.[cluster]'): "
                     + "; ".join(changed[:5]) + (f" and {len(changed) - 5} more" if len(changed) > 5 else ""))
    return found


class Fingerprints:
    """Submission fingerprints for one course and one grading configuration (parts cached per run)."""

    def __init__(self, root: Path, course_id: str, limits: SubmissionLimits) -> None:
        self.root = root
        config = root / "nbgrader_config.py"
        common = {
            "reference": hash_files(_files(PACKAGE / "reference", "*.py") + [PACKAGE / "numerics.py"],
                                    PACKAGE),
            "shared checks": _shared_checks(),
            "config": hash_files([config], root) if config.exists() else "",
            "course": course_id,
            "limits": asdict(limits),
            "versions": installed_versions(),
        }
        self.common = json.dumps(common, sort_keys=True)

    @functools.lru_cache(maxsize=64)  # noqa: B019 - one instance per class run
    def assignment(self, name: str) -> str:
        """The release folder (notebook and data files) and the assignment's hidden checks."""
        checks = checks_module(name)
        release = hash_files(_files(self.root / "release" / name), self.root)
        return release + (hash_files([checks], checks.parent) if checks.exists() else "no checks")

    def submission(self, student: str, assignment: str) -> str | None:
        """Everything one graded result depends on; None when nothing was submitted."""
        submitted = self.root / "submitted"
        if not door.handed_in(submitted, student, assignment):
            return None
        handed_in = door.fingerprint(submitted, (student, assignment))  # follows no link, reads no FIFO
        digest = hashlib.sha256()
        for part in (self.common, self.assignment(assignment), handed_in):
            digest.update(part.encode() + b"\0")
        return digest.hexdigest()
