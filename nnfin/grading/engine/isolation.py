"""How a student's process is isolated from the grader, and how to say so plainly.

With bubblewrap (``bwrap``) the process gets its own read-only view of the
files (the Python installation and the virtual environment, nothing of the
course repository), no network, its own process tree and no capabilities.
Resource limits come from ``setrlimit`` either way. Without bubblewrap the
student's interpreter installs an audit hook (``guard.py``) that refuses to open
files outside an allow-list and to start processes or sockets: a best effort,
which ``describe()`` reports as such.
"""

from __future__ import annotations

import argparse
import functools
import os
import resource
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

SANDBOX_HOME = "/home/student"
RUNTIME_FILES = ("wire.py", "worker.py", "guard.py", "nbexec.py")


@dataclass(frozen=True)
class Limits:
    """Per-process resource limits (seconds of CPU, bytes)."""

    cpu_seconds: int = 300
    address_space: int = 6 * 1024**3
    file_size: int = 64 * 1024**2
    open_files: int = 512


@functools.lru_cache(maxsize=1)
def bwrap_path() -> str | None:
    """The bwrap binary if it exists *and* works here (namespaces may be disabled).

    NNFIN_NO_BWRAP=1 forces the fallback, to see what grading does without it.
    """
    if os.environ.get("NNFIN_NO_BWRAP"):
        return None
    path = shutil.which("bwrap")
    if path is None:
        return None
    probe = subprocess.run(
        [path, "--ro-bind", "/", "/", "--unshare-all", "--die-with-parent", "true"],
        capture_output=True,
        timeout=20,
    )
    return path if probe.returncode == 0 else None


def describe(bwrap: str | None = None) -> str:
    """One honest sentence about what is and is not isolated on this machine."""
    bwrap = bwrap if bwrap is not None else bwrap_path()
    if bwrap:
        return (
            "isolated with bubblewrap: read-only files without the course repository, "
            "no network, own process tree, CPU/memory/file-size limits"
        )
    return (
        "NOT isolated by the operating system (bubblewrap missing): student code runs as "
        "this user with CPU/memory/file-size limits and an in-process audit hook that "
        "blocks file reads outside its folder, processes and sockets (best effort; "
        "install bubblewrap for real isolation)"
    )


def _set_limits(limits: Limits) -> None:
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds))
    resource.setrlimit(resource.RLIMIT_AS, (limits.address_space, limits.address_space))
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_size, limits.file_size))
    resource.setrlimit(resource.RLIMIT_NOFILE, (limits.open_files, limits.open_files))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    os.setsid()


def install_runtime(workdir: Path) -> None:
    """Copy the standalone sandbox scripts into the student's folder."""
    here = Path(__file__).parents[1] / "sandbox"
    runtime = workdir / ".grader"
    runtime.mkdir(exist_ok=True)
    for name in RUNTIME_FILES:
        shutil.copy(here / name, runtime / name)


def _venv_bin() -> str:
    return str(Path(sys.executable).parent)


def sandbox_env(home: str) -> dict[str, str]:
    return {
        "PATH": f"{_venv_bin()}:/usr/bin:/bin",
        "HOME": home,
        "MPLBACKEND": "Agg",
        "MPLCONFIGDIR": f"{home}/.grader/mpl",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONHASHSEED": "0",
        "JUPYTER_RUNTIME_DIR": "/tmp/jupyter-runtime",
        "IPYTHONDIR": f"{home}/.grader/ipython",
        "LANG": "C.UTF-8",
    }


def _guard_roots(workdir: Path) -> list[str]:
    """What the student's process may open without bubblewrap: never the course repository.

    Not /tmp as a whole either: a course checked out under /tmp would become readable.
    """
    roots = {sys.base_prefix, sys.prefix, str(workdir), "/usr", "/lib", "/lib64", "/etc",
             "/dev", "/proc", "/sys", "/bin"}
    return sorted(roots)


def command(workdir: Path, argv: list[str], bwrap: str | None,
            python_children: bool = False) -> tuple[list[str], dict, str]:
    """The full command line, environment and cwd that run ``argv`` sandboxed.

    ``argv`` names files relative to the student's folder, e.g.
    ``[".grader/worker.py", ...]``; it is run with the venv's Python in
    isolated mode (``-I``: no user site, no PYTHONPATH, no current directory on the path).
    """
    python = str(Path(sys.executable))
    if bwrap:
        env = sandbox_env(SANDBOX_HOME)
        cmd = [bwrap, "--die-with-parent", "--new-session", "--unshare-all", "--cap-drop", "ALL",
               "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
        for path in ("/usr", "/lib", "/lib64", "/bin", "/etc/alternatives"):
            if os.path.islink(path):
                cmd += ["--symlink", os.readlink(path), path]
            elif os.path.exists(path):
                cmd += ["--ro-bind", path, path]
        for path in sorted({sys.base_prefix, sys.prefix}):
            cmd += ["--ro-bind", path, path]
        cmd += ["--bind", str(workdir), SANDBOX_HOME, "--chdir", SANDBOX_HOME, "--clearenv"]
        for key, value in env.items():
            cmd += ["--setenv", key, value]
        return cmd + [python, "-I", *argv], env, str(workdir)
    env = sandbox_env(str(workdir))
    env["NNFIN_GUARD_ROOTS"] = os.pathsep.join(_guard_roots(workdir))
    if python_children:  # the notebook runner starts a kernel (which guards itself again)
        env["NNFIN_GUARD_PROCESSES"] = "python"
    return [python, "-I", ".grader/guard.py", *argv], env, str(workdir)


def popen(workdir: Path, argv: list[str], bwrap: str | None, limits: Limits = Limits(),
          pass_fds: tuple[int, ...] = (), python_children: bool = False,
          **kwargs) -> subprocess.Popen:
    cmd, env, cwd = command(workdir, argv, bwrap, python_children)
    return subprocess.Popen(cmd, env=env, cwd=cwd, pass_fds=pass_fds,
                            preexec_fn=lambda: _set_limits(limits), **kwargs)


def main() -> None:
    parser = argparse.ArgumentParser(description="Report how student code is isolated.")
    parser.add_argument("--install-hint", action="store_true")
    args = parser.parse_args()
    bwrap = bwrap_path()
    print("grading sandbox:", describe(bwrap))
    if not bwrap and args.install_hint:
        print("  to isolate student code: sudo apt-get install bubblewrap  (Debian/Ubuntu)")



def kill_group(proc: subprocess.Popen) -> None:
    """Stop a sandboxed process and everything it started (it leads its own session)."""
    try:
        os.killpg(proc.pid, 9)
    except (ProcessLookupError, PermissionError):
        pass
    proc.wait()


if __name__ == "__main__":
    main()
