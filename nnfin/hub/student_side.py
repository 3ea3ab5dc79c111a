"""What the students' single-user servers run: a Python every account may execute, and their config.

The course's own venv cannot serve them: its Python may live under /root (``bad interpreter:
Permission denied`` for anyone else), and it imports the course package, hidden checks and
reference included. So the students get a venv of their own (``make hub-env``, default
/opt/nnfin-hub, world-readable), made from a base Python that an unprivileged uid can really run,
with only what a student needs: nbgrader, JupyterLab, jupyterhub-singleuser, numpy, matplotlib.

Each hub writes the students' configuration into a folder of that venv and points every
server at it with JUPYTER_CONFIG_PATH: the course id and the shared exchange (so a student never
meets ``Unwritable directory`` or another exchange), the instructor's extensions turned off
(formgrader, create assignment, course list), terminals that find nbgrader, and submissions
private to their student.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

STUDENT_PACKAGES = ["nbgrader", "jupyterhub", "numpy", "matplotlib"]
NOBODY = 65534
INSTRUCTOR_LAB_PLUGINS = ["@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment",
                          "@jupyter/nbgrader:course-list"]
INSTRUCTOR_SERVER_EXTENSIONS = ["nbgrader.server_extensions.formgrader",
                                "nbgrader.server_extensions.course_list"]

# nbgrader's submit leaves a submission world-readable (and its folder world-writable), hidden only
# by an unlisted inbound folder and a random name. Here the instructor collects as root, so the
# submission can be its student's alone.
STUDENT_NBGRADER_CONFIG = '''\
"""Written by `make hub` for every account's server: the course, its exchange, private submissions."""
import os

from nbgrader.exchange.default.submit import ExchangeSubmit

c = get_config()  # noqa: F821
c.CourseDirectory.course_id = {course_id!r}
c.Exchange.root = {exchange!r}


class PrivateSubmit(ExchangeSubmit):
    """nbgrader's submit; then only the submitting student (and root, who collects) may open it."""

    def copy_files(self):
        super().copy_files()
        submission = os.path.join(self.inbound_path, self.assignment_filename)
        for folder, dirs, files in os.walk(submission):
            os.chmod(folder, 0o700)
            for name in files:
                os.chmod(os.path.join(folder, name), 0o600)


c.ExchangeFactory.submit = PrivateSubmit
'''


def _runs_as_nobody(python: str) -> str | None:
    """The base prefix ``python`` has when an unprivileged uid runs it, or None if it cannot."""
    probe = ("import os, sys; os.stat(os.path.realpath(sys.executable)); open(os.__file__).close(); "
             "print(sys.base_prefix) if sys.version_info >= (3, 11) else sys.exit(1)")
    try:
        result = subprocess.run(["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups",
                                 python, "-I", "-c", probe], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def base_python(candidates: list[str]) -> str:
    """The first candidate that an unprivileged uid can run as itself (3.11 or newer)."""
    for candidate in candidates:
        path = shutil.which(candidate) if candidate else None
        if not path:
            continue
        real = os.path.realpath(path)
        own = subprocess.run([real, "-I", "-c", "import sys; print(sys.base_prefix)"],
                             capture_output=True, text=True).stdout.strip()
        if own and _runs_as_nobody(real) == own:
            return real
    raise SystemExit("make hub-env: no Python 3.11+ that every account can run (tried "
                     f"{', '.join(c for c in candidates if c)}); install one, e.g. apt-get install python3")


def build(prefix: Path, constraints: Path, candidates: list[str]) -> None:
    """The students' venv at ``prefix``, world-readable, with the course's pinned versions."""
    if os.geteuid() != 0:
        raise SystemExit("make hub-env installs the students' Python for every account: run it as root")
    os.umask(0o022)
    python = base_python(candidates)
    print(f"the students' Python: a venv at {prefix} from {python} (every account can run it)")
    if not (prefix / "bin" / "python").exists():
        subprocess.run([python, "-m", "venv", str(prefix)], check=True)
    subprocess.run([str(prefix / "bin" / "python"), "-m", "pip", "install", "--quiet",
                    "-c", str(constraints), *STUDENT_PACKAGES], check=True)
    for parent in [prefix, *prefix.parents]:
        if parent == Path("/"):
            break
        if not os.stat(parent).st_mode & 0o001:
            raise SystemExit(f"{parent} is not open to other users: the students cannot reach {prefix}")
    if _runs_as_nobody(str(prefix / "bin" / "python")) is None:
        raise SystemExit(f"{prefix}/bin/python does not run for an unprivileged user")


def write_config(folder: Path, course_id: str, exchange: str) -> Path:
    """The students' Jupyter config folder (world-readable, root's): nbgrader, extensions, lab plugins."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "nbgrader_config.py").write_text(
        STUDENT_NBGRADER_CONFIG.format(course_id=course_id, exchange=exchange))
    conf_d = folder / "jupyter_server_config.d"
    conf_d.mkdir(exist_ok=True)
    (conf_d / "zz-nnfin-hub.json").write_text(json.dumps(
        {"ServerApp": {"jpserver_extensions": dict.fromkeys(INSTRUCTOR_SERVER_EXTENSIONS, False)}}, indent=1))
    # a terminal's login shell would reset PATH from /etc/profile (`nbgrader: command not found`);
    # a plain bash keeps the server's PATH, the students' venv first
    (folder / "jupyter_server_config.py").write_text(
        'c = get_config()  # noqa: F821\nc.ServerApp.terminado_settings = {"shell_command": ["/bin/bash"]}\n')
    labconfig = folder / "labconfig"
    labconfig.mkdir(exist_ok=True)
    (labconfig / "page_config.json").write_text(json.dumps(
        {"disabledExtensions": dict.fromkeys(INSTRUCTOR_LAB_PLUGINS, True)}, indent=1))
    for path in [folder, *folder.rglob("*")]:
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    return folder


if __name__ == "__main__":  # python -m nnfin.hub.student_side PREFIX CONSTRAINTS [PYTHON...]
    build(Path(sys.argv[1]), Path(sys.argv[2]),
          [*sys.argv[3:], "/usr/bin/python3.11", "/usr/bin/python3", "/usr/local/bin/python3"])
