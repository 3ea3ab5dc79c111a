"""One warm sandboxed worker: a zygote that forks a fresh, contained child per submission.

The worker owns an unprivileged uid, three size-limited folders (home, /tmp,
/dev/shm) and a control group; each child it forks gets a control group of
its own below that one, with the submission's limits, before any student code
runs. Between submissions the grader kills everything in the child's group and
the zygote empties the folders, so the next student starts from a clean copy.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import socket
import struct
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from nnfin.grading.engine import containment, isolation
from nnfin.grading.engine.containment import Cgroup, SubmissionLimits
from nnfin.grading.sandbox import scrub

UID_BASE = int(os.environ.get("NNFIN_SANDBOX_UID_BASE", "61000"))
HEADER = struct.Struct("!I")
START_TIMEOUT = 120.0


class WorkerError(RuntimeError):
    """The worker itself (not the student's code) failed; the grader retries on a new one."""


@dataclass
class ChildHandle:
    """The grader's end of one child: its socket, its control group, its host pid."""

    sock: socket.socket
    cgroup: Cgroup | None
    pid: int | None
    inner_pid: int | None = None
    """Its pid as it sees itself: every message it sends carries it; others' are not its own."""


def _mount_tmpfs(path: Path, size: int, inodes: int, uid: int) -> bool:
    path.mkdir(parents=True, exist_ok=True)
    options = f"size={size},nr_inodes={inodes},mode=0700,uid={uid},gid={uid},nosuid,nodev"
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "nnfin-sandbox", str(path)],
                          capture_output=True)
    return done.returncode == 0


class WarmWorker:
    """Start with `start()`; `fork()` a child per submission; `finish()` it; `close()` at the end."""

    def __init__(self, index: int, limits: SubmissionLimits, bwrap: str | None, run: str) -> None:
        self.index = index
        self.limits = limits
        self.bwrap = bwrap
        self.run = run
        self.root = os.geteuid() == 0
        self.uid = UID_BASE + index if self.root else os.getuid()
        self.gid = self.uid if self.root else os.getgid()
        self.contained = containment.available() is None
        self.proc: subprocess.Popen | None = None
        self.control: socket.socket | None = None
        self.cgroup: Cgroup | None = None
        self.known_pids: set[int] = set()
        self.base: Path | None = None
        self.folders: dict[str, Path] = {}
        self.mounted: list[Path] = []
        self.forks = 0
        self.log: Path | None = None

    # -- life cycle ---------------------------------------------------------
    def start(self) -> None:
        self.base = Path(tempfile.mkdtemp(prefix=f"nnfin-w{self.index}-"))
        self.base.chmod(0o711)
        sizes = {"home": self.limits.folder_bytes, "tmp": self.limits.tmp_bytes, "shm": self.limits.tmp_bytes}
        for name, size in sizes.items():
            path = self.base / name
            if self.root and _mount_tmpfs(path, size, self.limits.folder_files, self.uid):
                self.mounted.append(path)
            else:
                path.mkdir(mode=0o700, exist_ok=True)
            self.folders[name] = path
        self.folders["zygote"] = self.base / "zygote"
        self.folders["zygote"].mkdir(mode=0o700)
        if self.contained:
            self.cgroup = Cgroup(f"nnfin-{self.run}/w{self.index}")
        ours, theirs = socket.socketpair()
        cmd, env = isolation.zygote_command(self.bwrap, self.folders, self.uid, self.gid, theirs.fileno())
        group = self.cgroup

        def enter_group() -> None:  # runs in the new process before exec: bwrap and zygote are counted
            os.setsid()
            if group is not None:
                group.add(os.getpid())

        self.log = self.base / "worker.log"  # a file, not a pipe: nothing can block on it
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(cmd, env=env, pass_fds=(theirs.fileno(),), preexec_fn=enter_group,
                                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log)
        theirs.close()
        self.control = ours
        ready = self._receive(START_TIMEOUT)
        if ready.get("op") != "ready":
            raise WorkerError(f"the sandboxed worker did not start: {self._stderr()}")
        self.known_pids = set(self.cgroup.own_pids()) if self.cgroup else set()

    def _stderr(self) -> str:
        if self.proc is None or self.proc.poll() is None or self.log is None:
            return "no answer"
        try:
            return self.log.read_bytes()[-2000:].decode(errors="replace").strip()[-500:]
        except OSError:
            return "no log"

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def close(self) -> None:
        if self.control is not None:
            self.control.close()
            self.control = None
        if self.cgroup is not None:
            self.cgroup.remove()
            containment.remove_empty(f"nnfin-{self.run}")
        if self.proc is not None:
            try:
                os.killpg(self.proc.pid, 9)
            except (ProcessLookupError, PermissionError):
                pass
            self.proc.wait()
            self.proc = None
        for path in self.mounted:
            subprocess.run(["umount", "-l", str(path)], capture_output=True)
        self.mounted = []
        if self.base is not None:
            with contextlib.suppress(OSError):
                scrub.remove_tree(str(self.base))  # any depth: without bubblewrap a student's tree is here
            self.base = None

    # -- control channel -----------------------------------------------------
    def _send(self, message: dict, fds: list[int] = ()) -> None:
        data = json.dumps(message).encode()
        try:
            socket.send_fds(self.control, [HEADER.pack(len(data)) + data], list(fds))
        except OSError as exc:
            raise WorkerError(f"the sandboxed worker stopped: {exc}") from None

    def _receive(self, timeout: float) -> dict:
        deadline = time.monotonic() + timeout
        data = b""
        need = HEADER.size
        size = None
        while len(data) < need:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([self.control], [], [], remaining)[0]:
                raise WorkerError("the sandboxed worker did not answer in time")
            chunk = self.control.recv(need - len(data))
            if not chunk:
                raise WorkerError(f"the sandboxed worker stopped: {self._stderr()}")
            data += chunk
            if size is None and len(data) == HEADER.size:
                (size,) = HEADER.unpack(data)
                data, need = b"", size
        return json.loads(data)

    # -- one child per submission ------------------------------------------
    def fits(self, limits: SubmissionLimits) -> bool:
        """Whether this worker's folders were mounted with ``limits``' sizes (the rest is per child)."""
        mine = self.limits
        return (mine.tmp_bytes, mine.folder_bytes, mine.folder_files) == (
            limits.tmp_bytes, limits.folder_bytes, limits.folder_files)

    def fork(self, limits: SubmissionLimits | None = None) -> ChildHandle:
        """A fresh child, already inside its own control group with the submission's limits."""
        limits = limits or self.limits
        ours, theirs = socket.socketpair()
        try:
            self._send({"op": "fork"}, [theirs.fileno()])
        finally:
            theirs.close()
        reply = self._receive(30)
        if reply.get("op") != "forked":
            raise WorkerError(f"the sandboxed worker could not fork: {reply}")
        self.forks += 1
        inner = reply.get("pid") if type(reply.get("pid")) is int else None
        if self.cgroup is None:
            return ChildHandle(ours, None, None, inner)
        new = [p for p in self.cgroup.own_pids() if p not in self.known_pids]
        if len(new) != 1:
            ours.close()
            raise WorkerError(f"could not tell the new child apart ({len(new)} new processes)")
        group = Cgroup(f"nnfin-{self.run}/w{self.index}/s{self.forks}")
        group.limit(processes=limits.processes, memory_bytes=limits.memory_bytes, cores=limits.cores)
        group.add(new[0])
        return ChildHandle(ours, group, new[0], inner)

    def guard_roots(self) -> str:
        """Without bubblewrap, what the child's audit hook lets it open; with it, nothing to add."""
        return "" if self.bwrap else isolation.guard_roots(self.folders)

    def child_env(self) -> dict[str, str]:
        """Where the child's home and scratch space are, as the child sees them."""
        if self.bwrap:
            home, tmp = isolation.SANDBOX_HOME, "/tmp"
        else:
            home, tmp = str(self.folders["home"]), str(self.folders["tmp"])
        return {"HOME": home, "TMPDIR": tmp, "MPLCONFIGDIR": f"{tmp}/.matplotlib",
                "IPYTHONDIR": f"{tmp}/.ipython"}

    def finish(self, child: ChildHandle) -> list[str]:
        """Stop every process of the child, empty its folders; return the limits it ran into."""
        child.sock.close()
        hit: list[str] = []
        if child.cgroup is not None:
            emptied = child.cgroup.kill_all()
            hit = child.cgroup.limits_hit()
            child.cgroup.remove()
            if not emptied:
                raise WorkerError("a submission's processes could not be stopped")
        self._send({"op": "clean"})
        reply = self._receive(60)
        if not reply.get("ok"):
            raise WorkerError("what the last submission left (files, IPC objects) could not be removed")
        if self.folders_used() > 0:
            raise WorkerError("the sandbox folders are not empty after cleaning")
        return hit

    def folders_used(self) -> int:
        """Entries left in the worker's folders (read by the grader without following anything)."""
        count = 0
        for name, path in self.folders.items():
            if name == "zygote":
                continue
            try:
                count += len(os.listdir(path))
            except OSError:
                pass
        return count
