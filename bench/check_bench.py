"""Benchmark of the check service (``make bench`` prints its lines after the grading table).

A service on 127.0.0.1 with as many warm workers as ``make grade`` uses (one per core),
no cooldown, checking the 01_losses model answers over HTTP with the course's client:

- single check: latency as a student sees it (post, queue, grade, answer), p50 and p95 of
  ``--checks`` checks one after another, and the same beyond the notebook's own cells
  (target: within 1.5 s);
- burst: ``--students`` students sending two checks each at once; its throughput against the
  batch engine's (the same notebooks staged and handed straight to the same pool, as
  `make grade` hands them, without nbgrader's recording; target: within 10 %), and when the
  last student's first answer came (fair share: within the first half of the burst, since
  every student's first check is served before any second).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor, wait
from pathlib import Path

import nbformat

from nnfin.check import client, tokens
from nnfin.check.config import CheckConfig
from nnfin.check.service import CheckService
from nnfin.coursedir import REPO
from nnfin.grading import demo, warmup
from nnfin.grading.engine import pool
from nnfin.grading.engine.grade import grade_job

ASSIGNMENT = "01_losses"
TARGET_BEYOND_CELLS = 1.5
TARGET_RATIO = 0.9
ROUNDS = 2


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def _burst(path: Path, token: dict[str, str], url: str, senders: list[str]) -> tuple[float, float]:
    """Every sender's check at once: the wall time, and when the last first answer came (share of it)."""
    first: dict[str, float] = {}
    lock = threading.Lock()
    started = time.perf_counter()

    def one(student: str) -> None:
        client.check(path, token[student], url)
        with lock:
            first.setdefault(student, time.perf_counter() - started)

    with ThreadPoolExecutor(len(senders)) as burst:
        list(burst.map(one, senders))
    wall = time.perf_counter() - started
    return wall, max(first.values()) / wall


def measure(cores: int, checks: int = 12, students: int = 20, grade_seconds: float | None = None
            ) -> list[str]:
    """The service's lines; ``grade_seconds``: wall seconds per submission of `make grade` on all cores."""
    top = Path(tempfile.mkdtemp(prefix="nnfin-check-bench-"))
    root = top / "course"
    for name in ("source", "release"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "nbgrader_config.py", root / "nbgrader_config.py")
    limits = warmup.course_limits(root)
    executor = pool.local_pool(cores, limits, warm_now=True)
    service = CheckService(root, CheckConfig(cooldown_seconds=0, daily_budget=10**6), executor=executor,
                           limits=limits)
    server = service.serve(port=0)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        names = [f"s{i:02d}" for i in range(students)]
        token = {p.stem: p.read_text().strip() for p in tokens.issue(root, names)}
        path = top / ASSIGNMENT / "losses.ipynb"
        path.parent.mkdir()
        nbformat.write(demo.model_answers(root, ASSIGNMENT), path)
        with ThreadPoolExecutor(cores) as warm:  # every worker graded once: warm, as in a long session
            list(warm.map(lambda s: client.check(path, token[s], url), names[:cores]))
        latency, beyond = [], []
        for _ in range(checks):
            started = time.perf_counter()
            answer = client.check(path, token[names[0]], url)
            latency.append(time.perf_counter() - started)
            beyond.append(latency[-1] - answer["cells_seconds"])
        senders = [s for s in names for _ in range(2)]
        raw = path.read_bytes()
        bursts, engines, fairs = [], [], []
        cpu = {"burst": 0.0, "engine": 0.0}  # this process's CPU: the service (and its clients) or the engine
        for _ in range(ROUNDS):  # alternated, best of each: a shared machine's load drifts hit both alike
            before = time.process_time()
            wall, fair = _burst(path, token, url, senders)
            cpu["burst"] += time.process_time() - before
            bursts.append(wall)
            fairs.append(fair)
            # staged and handed out one by one, as `make grade` does
            before, started = time.process_time(), time.perf_counter()
            wait([executor.submit(grade_job, service.course.job(s, ASSIGNMENT, raw)[0])
                  for s in senders])
            engines.append(time.perf_counter() - started)
            cpu["engine"] += time.process_time() - before
        burst_wall, engine_wall = min(bursts), min(engines)
        fair = fairs[bursts.index(burst_wall)]
    finally:
        server.shutdown()
        server.server_close()
        service.close()
        executor.shutdown(wait=True, cancel_futures=True)
        shutil.rmtree(top, ignore_errors=True)
    n = len(senders)
    ratio = engine_wall / burst_wall
    p95_beyond = _quantile(beyond, 0.95)
    grade = ([f"  make grade --jobs {cores} above (the whole command, nbgrader's recording included, "
              f"its assignments' mix): {1 / grade_seconds:.2f} submissions/s, the burst "
              f"{n / burst_wall * grade_seconds:.2f} x that"] if grade_seconds else [])
    return [
        f"Check service ({cores} warm workers, {ASSIGNMENT} model answers over HTTP, no cooldown):",
        f"  single check, {checks} in a row: p50 {_quantile(latency, 0.5):.2f} s, "
        f"p95 {_quantile(latency, 0.95):.2f} s; beyond the notebook's own cells: "
        f"p50 {_quantile(beyond, 0.5):.2f} s, p95 {_quantile(beyond, 0.95):.2f} s "
        f"(target <= {TARGET_BEYOND_CELLS} s: {'met' if p95_beyond <= TARGET_BEYOND_CELLS else 'MISSED'})",
        f"  burst, {n} checks from {students} students at once (best of {ROUNDS}, alternated with the "
        f"engine's): {burst_wall:.1f} s, "
        f"{n / burst_wall:.2f} checks/s; "
        f"the batch engine on the same {n} jobs: {engine_wall:.1f} s, {n / engine_wall:.2f}/s; "
        f"ratio {ratio:.2f} (target >= {TARGET_RATIO}: {'met' if ratio >= TARGET_RATIO else 'MISSED'})",
        f"  fair share: every student's first answer within {100 * fair:.0f} % of the burst "
        f"(round-robin serves all first checks before any second: about 50 %)",
        f"  CPU of the grader's own process per check: service and its clients "
        f"{cpu['burst'] / (ROUNDS * n):.3f} s, batch engine {cpu['engine'] / (ROUNDS * n):.3f} s",
        *grade,
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/check_bench.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checks", type=int, default=12)
    parser.add_argument("--students", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=pool.default_jobs())
    args = parser.parse_args(argv)
    print("\n".join(measure(args.jobs, args.checks, args.students)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
