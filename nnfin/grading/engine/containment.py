"""Limits for a submission as a whole: every process it starts is counted together.

Per-process ``setrlimit`` cannot bound a submission (``RLIMIT_NPROC`` counts
every process of the user on the machine, ``RLIMIT_AS`` one process at a
time), so each submission gets control groups of its own: the v1 ``pids``
controller caps the processes and threads, ``memory`` caps the memory of all of
them together (tmpfs pages they write included), and ``freezer`` lets the
grader stop the whole tree at once before killing it, so a fork bomb cannot
outrun the kill, and ``cpu`` gives it one core's worth of time at most, so
a spinning submission cannot starve the students graded beside it. Grading runs
as root; ``available()`` says why not otherwise.
"""

from __future__ import annotations

import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path

CGROUP_ROOT = Path("/sys/fs/cgroup")
CONTROLLERS = ("pids", "memory", "freezer", "cpu")


@dataclass(frozen=True)
class SubmissionLimits:
    """What one submission may use, all its processes together (configurable in nbgrader_config.py)."""

    processes: int = 64
    memory_bytes: int = 2 * 1024**3
    tmp_bytes: int = 64 * 1024**2
    folder_bytes: int = 64 * 1024**2
    folder_files: int = 4096
    notebook_seconds: int = 600
    submission_seconds: int = 120  # the notebook and every hidden-check call together
    cell_seconds: int = 30
    call_seconds: int = 20
    output_bytes: int = 1024**2
    notebook_output_bytes: int = 10 * 1024**2
    output_min_bytes: int = 1024  # what each output costs at least, however empty
    # what a submitted notebook may be, checked at staging before anything parses it
    notebook_bytes: int = 10 * 1024**2
    notebook_cells: int = 1000
    markdown_cell_bytes: int = 256 * 1024
    cpu_seconds_per_process: int = 600
    cores: int = 1


def _own_path(controller: str) -> Path:
    """This process's cgroup in ``controller``: ours nest inside it, so the host's limits still apply."""
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, names, path = line.split(":", 2)
        if controller in names.split(","):
            return CGROUP_ROOT / controller / path.lstrip("/")
    raise FileNotFoundError(controller)


def available() -> str | None:
    """None when per-submission cgroups work here, else the reason in plain words."""
    if os.geteuid() != 0:
        return "grading does not run as root, so it cannot create a control group per submission"
    for controller in CONTROLLERS:
        try:
            base = _own_path(controller)
        except (FileNotFoundError, ValueError):
            return f"the cgroup v1 '{controller}' controller is not mounted under {CGROUP_ROOT}"
        if not os.access(base, os.W_OK):
            return f"{base} is not writable"
    return None


class Cgroup:
    """One named group in each controller; ``name`` may nest ("run/w0/s3")."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.paths = {c: _own_path(c) / name for c in CONTROLLERS}
        for path in self.paths.values():
            path.mkdir(parents=True, exist_ok=True)

    def _write(self, controller: str, key: str, value: object) -> None:
        (self.paths[controller] / key).write_text(str(value))

    def _read(self, controller: str, key: str) -> str:
        return (self.paths[controller] / key).read_text()

    def limit(self, processes: int | None = None, memory_bytes: int | None = None,
              cores: int | None = None) -> None:
        if cores is not None:
            period = int(self._read("cpu", "cpu.cfs_period_us"))
            self._write("cpu", "cpu.cfs_quota_us", period * cores)
        if processes is not None:
            self._write("pids", "pids.max", processes)
        if memory_bytes is not None:
            self._write("memory", "memory.limit_in_bytes", memory_bytes)
            try:  # no swap beyond the memory limit, where the kernel accounts swap
                self._write("memory", "memory.memsw.limit_in_bytes", memory_bytes)
            except OSError:
                pass

    def add(self, pid: int) -> None:
        """Move ``pid`` (as the grader sees it) into this group in every controller."""
        for controller in CONTROLLERS:
            self._write(controller, "cgroup.procs", pid)

    def pids(self) -> list[int]:
        """Every process in this group and the groups below it."""
        found: set[int] = set()
        for directory, _, files in os.walk(self.paths["pids"]):
            if "cgroup.procs" in files:
                try:
                    text = Path(directory, "cgroup.procs").read_text()
                except OSError:
                    continue
                found.update(int(p) for p in text.split())
        return sorted(found)

    def own_pids(self) -> list[int]:
        """The processes directly in this group (not in the groups below it)."""
        return [int(p) for p in (self.paths["pids"] / "cgroup.procs").read_text().split()]

    def limits_hit(self) -> list[str]:
        """Which limits the processes ran into, in the words the summary uses."""
        hit = []
        events = self._read("pids", "pids.events") if (self.paths["pids"] / "pids.events").exists() else ""
        if any(line.startswith("max ") and line.split()[1] != "0" for line in events.splitlines()):
            hit.append("processes")
        oom = self._read("memory", "memory.oom_control")
        kills = [line.split()[1] for line in oom.splitlines() if line.startswith("oom_kill ")]
        if (kills and kills[0] != "0") or self._read("memory", "memory.failcnt").strip() != "0":
            hit.append("memory")
        return hit

    def kill_all(self, timeout: float = 10.0) -> bool:
        """Freeze the group, SIGKILL everything in it, thaw; True once it is empty."""
        deadline = time.monotonic() + timeout
        freezer = self.paths["freezer"] / "freezer.state"
        while time.monotonic() < deadline:
            pids = self.pids()
            if not pids:
                return True
            try:
                freezer.write_text("FROZEN")
            except OSError:
                pass
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
            try:
                freezer.write_text("THAWED")
            except OSError:
                pass
            time.sleep(0.01)
        return not self.pids()

    def remove(self) -> None:
        """Kill what is left and delete the groups, innermost first."""
        self.kill_all()
        for path in self.paths.values():
            for directory, _, _ in sorted(os.walk(path), key=lambda w: -len(w[0])):
                try:
                    os.rmdir(directory)
                except OSError:
                    pass


def remove_empty(name: str) -> None:
    """Delete a group that nothing uses any more (the run's parent group, once its workers are gone)."""
    for controller in CONTROLLERS:
        try:
            os.rmdir(_own_path(controller) / name)
        except OSError:
            pass
