"""Large-class benchmark: seconds per submission on the local pool and on a two-worker Dask cluster.

``make bench BENCH_ARGS="--large"`` (``--students N`` for another size; 200 by
default). The class is generated from the demo class's mistakes: student i
hands in what demo student i mod 7 hands in (the model answers, the blank
release, or the model answers with one of the five classic mistakes), for every
assignment. Three timed runs, each the whole ``python -m nnfin.course grade``
command in a fresh copy of the class (releasing is untimed setup, as in the
main bench):

1. the local pool, one warm worker per core;
2. the same command again with nothing changed: every result is reused;
3. a Dask cluster on this machine (a scheduler and two worker processes, each
   one thread and its own temporary directory, on 127.0.0.1), with
   ``--scheduler``.

The pool and the cluster must give every submission the same score, or the
bench fails (exit 1). It is heavy (200 x 4 submissions are graded twice): run
it with ``nice`` on a machine others share.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from nnfin.coursedir import REPO, assignments
from nnfin.grading import demo

VENV_PY = REPO / ".venv" / "bin" / "python"
STATS = Path("build") / "grade_stats.json"
KINDS = ("reference", "blank", *(m.student for m in demo.DEMO_MISTAKES))


def progress(message: str) -> None:
    print(f"[bench --large] {message}", file=sys.stderr, flush=True)


def build_class(root: Path, students: int) -> list[str]:
    """``students`` students, cycling through the demo class's kinds; returns their names."""
    for folder in ("source", "release"):
        shutil.copytree(REPO / folder, root / folder)
    shutil.copy(REPO / "nbgrader_config.py", root / "nbgrader_config.py")
    demo.install(root)
    names = [f"s{i:03d}_{KINDS[i % len(KINDS)]}" for i in range(students)]
    for name in names:
        shutil.copytree(root / "submitted" / name.split("_", 1)[1], root / "submitted" / name)
    for kind in KINDS:
        shutil.rmtree(root / "submitted" / kind)
    return names


def _grade(course: Path, log: Path, *extra: str) -> tuple[float, dict]:
    cmd = [str(VENV_PY), "-m", "nnfin.course", "grade", "--root", str(course), *extra]
    start = time.perf_counter()
    with log.open("ab") as out:
        done = subprocess.run(cmd, cwd=course, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {done.returncode}; see {log}")
    return wall, json.loads((course / STATS).read_text())


def _scores(stats: dict) -> dict[tuple[str, str], float]:
    return {(s["student"], s["assignment"]): s["score"] for s in stats["submissions"]}


def _release(course: Path, log: Path) -> None:
    with log.open("ab") as out:
        subprocess.run([str(VENV_PY), "-m", "nnfin.course", "release", "--root", str(course)], cwd=course,
                       stdout=out, stderr=subprocess.STDOUT, check=True)


def _local_cluster(workdir: Path):
    """A scheduler and two single-thread worker processes on 127.0.0.1, each in its own directory."""
    import dask
    from distributed import Nanny, Scheduler, SpecCluster

    workers = {f"w{i}": {"cls": Nanny, "options": {"nthreads": 1, "host": "127.0.0.1", "memory_limit": 0,
                                                     "local_directory": str(workdir / f"worker{i}")}}
               for i in range(2)}
    scheduler = {"cls": Scheduler, "options": {"host": "127.0.0.1", "dashboard_address": None}}
    with dask.config.set({"distributed.scheduler.worker-saturation": 1.0}):  # see the README
        return SpecCluster(workers=workers, scheduler=scheduler, name="nnfin-bench")


def main(students: int, keep: bool = False) -> int:
    top = Path(tempfile.mkdtemp(prefix="nnfin-bench-large-"))
    log = top / "grade.log"
    try:
        progress(f"building the class: {students} students x every assignment ({top})")
        template = top / "class"
        build_class(template, students)
        courses = {tag: top / tag for tag in ("local", "cluster")}
        for course in courses.values():
            shutil.copytree(template, course)
            _release(course, log)
        n = students * len(assignments(REPO / "source"))
        progress(f"run 1: local pool ({n} submissions)")
        local_wall, local_stats = _grade(courses["local"], log)
        progress(f"  {local_wall:.1f} s; run 2: the same command with nothing changed")
        again_wall, again_stats = _grade(courses["local"], log)
        progress(f"  {again_wall:.1f} s; run 3: a two-worker Dask cluster on 127.0.0.1")
        with _local_cluster(top) as cluster:
            address = cluster.scheduler_address
            cluster_wall, cluster_stats = _grade(courses["cluster"], log, "--scheduler", address)
        progress(f"  {cluster_wall:.1f} s")
        local, remote = _scores(local_stats), _scores(cluster_stats)
        differ = sorted(k for k in local if local[k] != remote.get(k))
        same_again = _scores(again_stats) == local
        rows = [("local pool, one worker per core", local_wall),
                ("no-change regrade (all reused)", again_wall),
                ("Dask cluster, 2 local workers", cluster_wall)]
        print(f"Large class: {students} students x {len(assignments(REPO / 'source'))} assignments = "
              f"{n} submissions (generated from the demo class's mistakes)\n")
        print(f"{'run':<34} {'wall s':>8} {'s/submission':>13}")
        print("-" * 57)
        for label, wall in rows:
            print(f"{label:<34} {wall:>8.1f} {wall / n:>13.3f}")
        print(f"\nno-change regrade / full grade: {100 * again_wall / local_wall:.1f} % (target < 5 %)")
        print(f"cluster / local pool wall: {cluster_wall / local_wall:.2f}")
        print(f"scores: pool and cluster {'agree' if not differ else f'DIFFER for {len(differ)}'}; "
              f"the regrade kept {'every' if same_again else 'NOT every'} score")
        return 0 if not differ and same_again else 1
    finally:
        if keep:
            progress(f"kept {top}")
        else:
            shutil.rmtree(top, ignore_errors=True)
