"""The class's system users (``make hub-users``): one instructor and N students, each with a password.

Real accounts, so that every single-user server runs under its own uid and nbgrader names each
student after the user who submits. Idempotent: an existing account keeps its uid and home, and
its password stays the one recorded in ``logins.json`` (private to root) unless it has none yet.
"""

from __future__ import annotations

import json
import os
import pwd
import secrets
import shutil
import subprocess
from pathlib import Path


def student_names(prefix: str, count: int) -> list[str]:
    return [f"{prefix}{i}" for i in range(1, count + 1)]


def exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def _password() -> str:
    # short enough to type in a trial; from the OS's CSPRNG
    return secrets.token_urlsafe(9)


def ensure(names: list[str], logins_path: Path) -> dict[str, str]:
    """Create the users that are missing, with a private home (0700) and a password; the logins.

    Returns {user: password}, also written to ``logins_path`` (mode 0600).
    """
    if os.geteuid() != 0:
        raise SystemExit("make hub-users creates system users: run it as root")
    logins: dict[str, str] = json.loads(logins_path.read_text()) if logins_path.exists() else {}
    for name in names:
        if not exists(name):
            subprocess.run(["useradd", "--create-home", "--user-group", "--shell", "/bin/bash", name],
                           check=True)
        home = Path(pwd.getpwnam(name).pw_dir)
        home.mkdir(parents=True, exist_ok=True)
        entry = pwd.getpwnam(name)
        os.chown(home, entry.pw_uid, entry.pw_gid)
        os.chmod(home, 0o700)  # another student's working copy is theirs alone
        logins.setdefault(name, _password())
        subprocess.run(["chpasswd"], input=f"{name}:{logins[name]}\n", text=True, check=True)
    logins_path.parent.mkdir(parents=True, exist_ok=True)
    logins_path.write_text(json.dumps(logins, indent=1))
    os.chmod(logins_path, 0o600)
    return {name: logins[name] for name in names}


def remove(names: list[str]) -> None:
    """Delete these users and their homes (the tests' own accounts, after the test session)."""
    for name in names:
        if exists(name):
            home = pwd.getpwnam(name).pw_dir
            subprocess.run(["userdel", name], check=False, capture_output=True)
            shutil.rmtree(home, ignore_errors=True)
