"""Grade on a running Dask cluster: the same warm sandboxed workers, on other machines.

``make grade SCHEDULER=tcp://host:8786`` puts a `ClusterExecutor` where the
local pool would be. It implements `concurrent.futures.Executor`, so the
pipeline does not change: each ``submit(grade_job, job)`` becomes one Dask task
whose argument is the job as bytes (`jobcodec`) and whose result is the
`JobResult` as bytes. No shared file system is assumed, and only the driver
writes the gradebook, ``autograded/`` and ``feedback/`` (feedback pages are
rendered on the driver by ``make feedback``).

On the Dask worker, `grade_bytes` first compares the driver's environment (the
course code, the hidden checks, the pinned versions) with its own and checks
for bubblewrap; it refuses with the reason rather than grade differently or
unisolated. Then it grades on that worker process's own warm worker, with [4]'s
containment, one submission at a time.

Faults: when a Dask worker dies, the scheduler runs its tasks again on another
worker. A task that was on ``allowed-failures`` + 1 workers when they died
(Dask's ``distributed.scheduler.allowed-failures``, 3 by default) comes back as
``KilledWorker``. The executor sends only as many jobs as the cluster has worker
threads, so a worker holds just the job it runs, and gives a ``KilledWorker`` job
one more round, since it may only have been queued next to the culprit; the
second time it is recorded as failed with that reason, and the batch goes on.

This module imports ``distributed``; nothing imports it unless a scheduler is given.
"""

from __future__ import annotations

import functools
import os
import sys
import threading
import uuid
from collections import deque
from concurrent.futures import Executor, Future

from distributed import Client
from distributed.scheduler import KilledWorker

from nnfin.grading.engine import containment, fingerprint, isolation, jobcodec
from nnfin.grading.engine.grade import Job, JobResult, grade_job

CONNECT_SECONDS = 30.0
KILLED_ATTEMPTS = 2  # KilledWorker twice: then it is this submission that takes workers down
_ONE_AT_A_TIME = threading.Lock()  # one warm worker per process: a worker with more threads waits


class ClusterUnavailable(RuntimeError):
    """The scheduler cannot be reached, has no workers, or its workers cannot grade as this machine."""


@functools.lru_cache(maxsize=1)
def _own_environment() -> dict:
    """This worker's environment, read once: the code it grades with was imported at start-up."""
    return fingerprint.environment()


def worker_problems(expected: dict, unsandboxed: bool) -> list[str]:
    """Why this machine must not grade the driver's jobs (empty: it may)."""
    problems = fingerprint.differences(expected, _own_environment())
    try:
        isolation.choose(unsandboxed)
    except isolation.SandboxUnavailable as exc:
        problems.append(str(exc))
    return problems


def worker_report(expected: dict, unsandboxed: bool) -> dict:
    """Run on every worker before a batch: its refusals and what limits it can enforce."""
    return {"problems": worker_problems(expected, unsandboxed), "containment": containment.available()}


def grade_bytes(payload: bytes) -> bytes:
    """The Dask task: a job as bytes in, its result as bytes out."""
    job, expected, unsandboxed = jobcodec.decode_job(payload)
    if unsandboxed:
        os.environ["NNFIN_UNSANDBOXED"] = "1"
    problems = worker_problems(expected, unsandboxed)
    if problems:
        return jobcodec.encode_result(failed(job, "a grading worker refused it", problems))
    with _ONE_AT_A_TIME:
        return jobcodec.encode_result(grade_job(job))


def failed(job: Job, why: str, details: list[str]) -> JobResult:
    """A result that says the grader, not the student, failed (recorded as not graded)."""
    result = JobResult(job.student, job.assignment, job.seed, graded=False)
    result.problems = [f"this submission could not be graded ({why}); your instructor has the details"]
    result.internal = details
    return result


class ClusterExecutor(Executor):
    """`grade_job` on the Dask cluster, behind the interface of the local pool."""

    def __init__(self, client: Client, unsandboxed: bool = False, own_client: bool = True) -> None:
        self.client = client
        self.unsandboxed = unsandboxed
        self.own_client = own_client
        self.environment = fingerprint.environment()
        self._remote: dict[Future, object] = {}  # in flight
        self._waiting: deque[tuple[Job, Future, int]] = deque()
        self._lock = threading.RLock()

    def check_workers(self, timeout: float = CONNECT_SECONDS) -> dict[str, dict]:
        """Every worker's report; ClusterUnavailable when there is none or one would refuse."""
        try:
            self.client.wait_for_workers(1, timeout=timeout)
        except TimeoutError:
            raise ClusterUnavailable(f"the Dask scheduler has no workers after {timeout:g} s: "
                                     "start some with `dask worker <scheduler address>`") from None
        reports = self.client.run(worker_report, self.environment, self.unsandboxed)
        refusing = {address: r["problems"] for address, r in reports.items() if r["problems"]}
        if refusing:
            lines = [f"  {address}: {'; '.join(problems)}" for address, problems in sorted(refusing.items())]
            raise ClusterUnavailable("these Dask workers cannot grade this course:\n" + "\n".join(lines))
        return reports

    def submit(self, fn, /, *args, **kwargs) -> Future:
        if fn is not grade_job:  # anything else reads or writes the course's folders: the driver's job
            raise TypeError(f"the cluster only grades submissions (grade_job), not {fn!r}")
        return self._grade(*args, **kwargs)

    def _grade(self, job: Job) -> Future:
        ours: Future = Future()
        ours.set_running_or_notify_cancel()
        with self._lock:
            self._waiting.append((job, ours, 1))
        self._pump()
        return ours

    def slots(self) -> int:
        """Worker threads in the cluster: so many jobs are in flight, one per worker thread."""
        workers = self.client.scheduler_info().get("workers", {})
        return max(1, sum(int(w.get("nthreads", 1)) for w in workers.values()))

    def _pump(self) -> None:
        """Send waiting jobs while there are free worker threads.

        A worker then holds only the job it runs, so when a submission takes its worker
        down, the scheduler suspects no innocent submission queued behind it.
        """
        while True:
            with self._lock:
                if not self._waiting or len(self._remote) >= self.slots():
                    return
                job, ours, attempt = self._waiting.popleft()
                payload = jobcodec.encode_job(job, self.environment, self.unsandboxed)
                key = f"grade-{job.student}-{job.assignment}-{uuid.uuid4().hex[:12]}"
                remote = self.client.submit(grade_bytes, payload, key=key, pure=False)
                self._remote[ours] = remote
            remote.add_done_callback(lambda done, j=job, o=ours, a=attempt: self._arrived(done, j, o, a))

    def _arrived(self, done, job: Job, ours: Future, attempt: int) -> None:
        with self._lock:
            self._remote.pop(ours, None)
        try:
            ours.set_result(jobcodec.decode_result(done.result()))
        except KilledWorker as exc:
            if attempt < KILLED_ATTEMPTS:  # it may only have stood next to the culprit: once more
                with self._lock:
                    self._waiting.append((job, ours, attempt + 1))
            else:
                print(f"{job.student}/{job.assignment}: every Dask worker it ran on died ({exc})",
                      file=sys.stderr)
                ours.set_result(failed(job, "it stopped every grading worker it ran on",
                                       [f"KilledWorker: {exc}"]))
        except BaseException as exc:  # noqa: BLE001 - handed to whoever waits on the future
            ours.set_exception(exc)
        self._pump()

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._lock:
            pending = list(self._remote.values())
            if cancel_futures:
                for _, ours, _ in self._waiting:
                    ours.cancel()
                self._waiting.clear()
        if cancel_futures and pending:
            self.client.cancel(pending)
        if self.own_client:
            self.client.close()


def connect(address: str, unsandboxed: bool = False, timeout: float = CONNECT_SECONDS) -> ClusterExecutor:
    """A checked executor on the scheduler at ``address`` (ClusterUnavailable says what is wrong)."""
    try:
        client = Client(address, timeout=timeout, set_as_default=False)
    except OSError as exc:
        raise ClusterUnavailable(f"cannot reach the Dask scheduler at {address}: {exc}") from None
    executor = ClusterExecutor(client, unsandboxed)
    try:
        reports = executor.check_workers(timeout)
    except BaseException:
        executor.shutdown()
        raise
    for address, report in sorted(reports.items()):
        if report["containment"]:
            print(f"Dask worker {address}: no limits for the whole submission ({report['containment']}); "
                  "only per-process limits apply there", file=sys.stderr)
    return executor
