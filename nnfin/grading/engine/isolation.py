"""How a warm sandboxed worker is started, and how to say plainly what isolates it.

With bubblewrap (``bwrap``) the worker gets its own read-only view of the
files (the Python installation and the virtual environment, nothing of the
course repository), no network, its own process tree and no capabilities but
the two it needs to hand each child its own unprivileged uid. Without
bubblewrap grading refuses, unless the instructor opts in (``UNSANDBOXED=1``):
then only an in-process audit hook stands between student code and the files,
and every summary says so.
"""

from __future__ import annotations

import argparse
import functools
import os
import shutil
import subprocess
import sys
from pathlib import Path

SANDBOX_HOME = "/home/student"
RUNTIME_DIR = Path(__file__).resolve().parents[1] / "sandbox"
RUNTIME_MOUNT = "/opt/nnfin-sandbox"
VENV_MOUNT = "/opt/nnfin-venv"  # the course may live under /tmp, which the sandbox's own /tmp hides
INSTALL_HINT = "install it with: sudo apt-get install bubblewrap  (Debian/Ubuntu), then grade again"


class SandboxUnavailable(RuntimeError):
    """Grading would run student code without isolation and the instructor did not opt in."""


@functools.lru_cache(maxsize=1)
def bwrap_path() -> str | None:
    """The bwrap binary if it exists *and* works here (namespaces may be disabled).

    NNFIN_NO_BWRAP=1 pretends it is missing, to see what grading does without it.
    """
    if os.environ.get("NNFIN_NO_BWRAP"):
        return None
    path = shutil.which("bwrap")
    if path is None:
        return None
    probe = subprocess.run([path, "--ro-bind", "/", "/", "--unshare-pid", "--unshare-net",
                            "--die-with-parent", "true"], capture_output=True, timeout=20)
    return path if probe.returncode == 0 else None


def choose(unsandboxed_ok: bool) -> str | None:
    """The bwrap to use, or None when the instructor opted in to unsandboxed grading."""
    bwrap = bwrap_path()
    if bwrap:
        return bwrap
    if unsandboxed_ok:
        return None
    raise SandboxUnavailable(
        "bubblewrap (bwrap) is missing or does not work on this machine, so student code could "
        f"read the hidden checks, the gradebook and other students' work. {INSTALL_HINT}. "
        "To grade without isolation anyway (only for code you trust), run: make grade UNSANDBOXED=1")


def describe(bwrap: str | None) -> str:
    """One honest sentence about what is and is not isolated."""
    if bwrap:
        return ("isolated with bubblewrap: read-only files without the course repository, no network, "
                "own process tree, an unprivileged uid, limits for the whole submission")
    return ("NOT isolated (bubblewrap missing, UNSANDBOXED=1): student code ran on this machine under "
            "an unprivileged uid with limits for the whole submission and an in-process audit hook "
            "that blocks file access outside its folder, processes and sockets (best effort only)")


def sandbox_env(home: str, tmp: str) -> dict[str, str]:
    """The zygote's environment; ``tmp`` is its own scratch folder (children get theirs from the grader)."""
    return {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "HOME": home,
        "TMPDIR": tmp,
        "MPLBACKEND": "Agg",
        "MPLCONFIGDIR": f"{tmp}/.zygote-mpl",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONHASHSEED": "0",
        "IPYTHONDIR": f"{tmp}/.zygote-ipython",
        "LANG": "C.UTF-8",
    }


def _parents(cmd: list[str], targets: list[str]) -> None:
    """bwrap makes missing parents mode 0700: make them 0755 so the child's uid can pass through."""
    made: set[str] = set()
    for target in targets:
        parent = Path(target).parent
        chain = []
        while str(parent) != "/" and str(parent) not in made:
            chain.append(str(parent))
            made.add(str(parent))
            parent = parent.parent
        for directory in reversed(chain):
            cmd += ["--perms", "0755", "--dir", directory]


def _ro_system(cmd: list[str]) -> None:
    _parents(cmd, sorted({sys.base_prefix, VENV_MOUNT, RUNTIME_MOUNT, SANDBOX_HOME, "/var/tmp/zygote"}))
    for path in ("/usr", "/lib", "/lib64", "/bin", "/etc/alternatives", "/etc/fonts", "/etc/ssl"):
        if os.path.islink(path):
            cmd += ["--symlink", os.readlink(path), path]
        elif os.path.exists(path):
            cmd += ["--ro-bind", path, path]
    cmd += ["--ro-bind", sys.base_prefix, sys.base_prefix]
    if sys.prefix != sys.base_prefix:
        cmd += ["--ro-bind", sys.prefix, VENV_MOUNT]


def zygote_command(bwrap: str | None, folders: dict[str, Path], uid: int, gid: int,
                   control_fd: int) -> tuple[list[str], dict[str, str]]:
    """The command line and environment of one warm worker.

    ``folders`` maps "home", "tmp" and "shm" to the worker's size-limited host folders.
    """
    python = str(Path(sys.executable))
    if bwrap:
        if sys.prefix != sys.base_prefix:
            python = str(Path(VENV_MOUNT) / Path(sys.executable).relative_to(sys.prefix))
        home, tmp = SANDBOX_HOME, "/tmp"
        env = sandbox_env(home, "/var/tmp/zygote")
        env["PATH"] = f"{Path(python).parent}:/usr/bin:/bin"
        cmd = [bwrap, "--die-with-parent", "--new-session", "--unshare-ipc", "--unshare-pid",
               "--unshare-net", "--unshare-uts", "--unshare-cgroup-try", "--hostname", "sandbox",
               "--cap-drop", "ALL"]
        if os.geteuid() == 0:  # the zygote stays root only to hand each child its own uid
            cmd += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
        else:
            cmd += ["--unshare-user"]
        cmd += ["--proc", "/proc", "--dev", "/dev"]
        _ro_system(cmd)
        cmd += ["--ro-bind", str(RUNTIME_DIR), RUNTIME_MOUNT,
                "--bind", str(folders["home"]), home, "--bind", str(folders["tmp"]), tmp,
                "--bind", str(folders["shm"]), "/dev/shm", "--tmpfs", "/var/tmp/zygote",
                "--chdir", "/", "--clearenv"]
        for key, value in env.items():
            cmd += ["--setenv", key, value]
        runtime = RUNTIME_MOUNT
        clean = f"{home}:{tmp}:/dev/shm"
    else:
        home, tmp = str(folders["home"]), str(folders["tmp"])
        env = sandbox_env(home, str(folders["zygote"]))
        cmd = []
        runtime = str(RUNTIME_DIR)
        clean = f"{home}:{tmp}"
    argv = [python, "-I", f"{runtime}/zygote.py", str(control_fd), str(uid), str(gid), home, clean]
    return cmd + argv, env


def guard_roots(folders: dict[str, Path]) -> str:
    """What student code may open without bubblewrap: its own folders and the Python installation."""
    roots = {sys.base_prefix, sys.prefix, str(folders["home"]), str(folders["tmp"]), str(RUNTIME_DIR),
             "/usr", "/lib", "/lib64", "/etc/fonts", "/dev/null", "/dev/urandom", "/proc/self"}
    return os.pathsep.join(sorted(roots))


def main() -> None:
    parser = argparse.ArgumentParser(description="Report how student code is isolated.")
    parser.add_argument("--install-hint", action="store_true")
    args = parser.parse_args()
    bwrap = bwrap_path()
    print("grading sandbox:", describe(bwrap) if bwrap else "bubblewrap is MISSING: `make grade` "
          "will refuse to grade until it is installed (or UNSANDBOXED=1 is given)")
    if not bwrap and args.install_hint:
        print(f"  {INSTALL_HINT}")


if __name__ == "__main__":
    main()
