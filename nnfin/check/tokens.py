"""One token per student, issued by the instructor: the student's identity on a machine without a hub.

A token is ``<student>:<secret>`` (32 random bytes). The student gets the whole token in
``build/check-tokens/<student>.token``; the service keeps only a SHA-256 of it (the secret
has 256 bits, so a fast hash is enough), so its own files reveal no token. Whoever holds a
token is that student, and nothing in a request body can say otherwise.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from pathlib import Path

from nnfin.grading import door

TOKENS = Path("build") / "check-tokens"  # what the instructor hands out, one file per student
HASHES = Path("build") / "check" / "token-hashes.json"  # what the service reads


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def load(root: Path) -> dict[str, str]:
    """student -> hash of their token (empty when none were issued)."""
    try:
        data = json.loads((root / HASHES).read_text())
    except (FileNotFoundError, ValueError):
        return {}
    return {s: h for s, h in data.items() if door.is_name(s) and isinstance(h, str)}


def identify(hashes: dict[str, str], token: str) -> str | None:
    """The student ``token`` was issued to, or None (a wrong, renewed or malformed token)."""
    student, sep, secret = token.partition(":")
    if not sep or not secret or student not in hashes or len(token) > 512:
        return None
    return student if hmac.compare_digest(digest(token), hashes[student]) else None


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)


def issue(root: Path, students: list[str], renew: bool = False) -> list[Path]:
    """A token file for each of ``students``; one they already hold is kept unless ``renew``."""
    bad = [door.name_problem("student id", s) for s in students if not door.is_name(s)]
    if bad:
        raise SystemExit("no tokens issued: " + "; ".join(bad))
    hashes = load(root)
    written = []
    for student in students:
        path = root / TOKENS / f"{student}.token"
        held = path.read_text().strip() if path.is_file() and not path.is_symlink() else ""
        if not renew and held and identify(hashes, held) == student:
            written.append(path)
            continue
        token = f"{student}:{secrets.token_urlsafe(32)}"
        _write_private(path, token + "\n")
        hashes[student] = digest(token)
        written.append(path)
    _write_private(root / HASHES, json.dumps(hashes, indent=1, sort_keys=True) + "\n")
    return written


def students_of(root: Path) -> list[str]:
    """The students of ``submitted/`` (those the door lets in)."""
    return door.student_folders(root / "submitted").students


def main(argv: list[str] | None = None) -> int:
    """``make check-tokens``: a token file per student of submitted/ (or of ``--students``)."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m nnfin.check.tokens", description=main.__doc__)
    parser.add_argument("--root", type=Path, default=Path.cwd())
    parser.add_argument("--students", default="", help='names separated by spaces, e.g. "alice bob"')
    parser.add_argument("--renew", action="store_true", help="replace tokens already issued")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    students = args.students.split() or students_of(root)
    if not students:
        raise SystemExit("no students: submitted/ holds no student folder; name them with "
                         'STUDENTS="alice bob"')
    for path in issue(root, students, renew=args.renew):
        print(f"token for {path.stem}: {path}")
    print(f"{len(students)} tokens; the service keeps only their hashes ({root / HASHES}). Give each "
          "student their own file (e.g. as ~/.nnfin-check.token).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
