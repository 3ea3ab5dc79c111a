"""Best-effort guard for machines without bubblewrap.

Usage inside the student's folder: ``python -I .grader/guard.py SCRIPT ARGS...``.
Installs an audit hook (which Python code cannot remove) that refuses to open
files outside ``NNFIN_GUARD_ROOTS`` and to start processes, open sockets or load
C code through ctypes, then runs SCRIPT. The notebook runner needs a kernel
process, so it is allowed to start exactly the Python of this environment.
This is not an operating-system sandbox; ``isolation.describe()`` says so.
"""

import os
import runpy
import sys

_ROOTS_ENV = os.environ.get("NNFIN_GUARD_ROOTS", "")
ROOTS = tuple(os.path.realpath(p) for p in _ROOTS_ENV.split(os.pathsep) if p)
ALLOW_PROCESSES = os.environ.get("NNFIN_GUARD_PROCESSES") == "python"
BLOCKED_PREFIXES = (
    "socket.connect", "socket.bind", "ctypes.", "os.system", "pty.spawn", "webbrowser",
)
PYTHON = os.path.realpath(sys.executable)


def _inside(path: str) -> bool:
    real = os.path.realpath(path)
    parts = real.split(os.sep)
    if len(parts) > 2 and parts[1] == "proc" and parts[2].isdigit() and int(parts[2]) != os.getpid():
        return False  # another process's files (its memory, its working directory)
    return any(real == root or real.startswith(root + os.sep) for root in ROOTS)


def _loopback(args: tuple) -> bool:
    address = args[1] if len(args) > 1 else None
    return isinstance(address, tuple) and address and address[0] in ("127.0.0.1", "localhost", "")


PATH_EVENTS = {"open": 1, "os.listdir": 1, "os.scandir": 1, "os.chdir": 1, "os.mkdir": 1,
               "os.remove": 1, "os.rmdir": 1, "os.rename": 2, "os.link": 2, "os.symlink": 2,
               "os.truncate": 1, "os.chmod": 1, "os.chown": 1, "os.utime": 1}


def _hook(event: str, args: tuple) -> None:
    if event in PATH_EVENTS:
        for path in args[:PATH_EVENTS[event]]:
            if isinstance(path, bytes):
                path = os.fsdecode(path)
            if isinstance(path, str) and not _inside(path):
                raise PermissionError(f"the grader does not allow access to {path}")
    elif event in ("subprocess.Popen", "os.posix_spawn", "os.exec", "os.fork", "os.forkpty"):
        executable = args[0] if args else ""
        if not (ALLOW_PROCESSES and event == "subprocess.Popen"
                and os.path.realpath(os.fsdecode(executable or "")) == PYTHON):
            raise PermissionError("the grader does not allow starting processes")
    elif event in ("socket.connect", "socket.bind") and ALLOW_PROCESSES and _loopback(args):
        return
    elif event.startswith(BLOCKED_PREFIXES):
        raise PermissionError(f"the grader does not allow {event}")


def main() -> None:
    script = sys.argv[1]
    sys.argv = sys.argv[1:]
    sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
    import numpy  # noqa: F401  (numpy loads C code through ctypes: let it do so before the hook)

    sys.addaudithook(_hook)
    runpy.run_path(script, run_name="__main__")


if __name__ == "__main__":
    main()
