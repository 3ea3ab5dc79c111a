"""Grading on a Dask cluster: same results as the local pool, no lost work when workers die.

The cluster is a real one on this machine: a scheduler and two worker
processes (each under a nanny, each in its own temporary directory), listening
on 127.0.0.1 only. Jobs and results travel as bytes; nothing is shared through
files. Every wait has a timeout, and the cluster is closed after the module.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import fields
from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed")

import dask  # noqa: E402
from distributed import Client, Nanny, Scheduler, SpecCluster, WorkerPlugin  # noqa: E402

from nnfin.coursedir import assignments  # noqa: E402
from nnfin.grading import demo, pipeline, publish  # noqa: E402
from nnfin.grading.adapter import gradebook  # noqa: E402
from nnfin.grading.engine import cluster, containment, fingerprint, isolation, jobcodec  # noqa: E402
from nnfin.grading.engine.containment import SubmissionLimits  # noqa: E402
from nnfin.grading.engine.grade import Job  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
LOSSES = "01_losses"
SANDBOXED = containment.available() is None and isolation.bwrap_path() is not None
needs_sandbox = pytest.mark.skipif(not SANDBOXED, reason="needs root, cgroups and bubblewrap")


class KillOnPoison(WorkerPlugin):
    """Stands in for a submission that takes its Dask worker down: the worker exits when it starts one."""

    def transition(self, key, start, finish, **kwargs):
        if finish == "executing" and "poison" in str(key):
            os._exit(17)


@pytest.fixture(scope="module")
def local_cluster(tmp_path_factory):
    """Two worker processes under nannies (a killed worker is restarted), 127.0.0.1 only."""
    dirs = [tmp_path_factory.mktemp(f"dask-worker-{i}") for i in range(2)]
    workers = {f"w{i}": {"cls": Nanny, "options": {"nthreads": 1, "host": "127.0.0.1", "memory_limit": 0,
                                                     "local_directory": str(d)}}
               for i, d in enumerate(dirs)}
    scheduler = {"cls": Scheduler, "options": {"host": "127.0.0.1", "dashboard_address": None}}
    # a worker holds only the submission it runs (saturation 1.0), so only that one is suspected when it
    # dies; the second death of the same submission marks it failed (allowed failures: 1)
    settings = {"distributed.scheduler.allowed-failures": 1, "distributed.scheduler.worker-saturation": 1.0}
    with dask.config.set(settings):
        spec = SpecCluster(workers=workers, scheduler=scheduler, asynchronous=False, name="nnfin-test")
        try:
            yield spec
        finally:
            spec.close(timeout=60)


@pytest.fixture
def client(local_cluster):
    with Client(local_cluster, set_as_default=False, timeout=60) as c:
        c.wait_for_workers(2, timeout=120)
        yield c


def _course(root: Path, assignments: tuple[str, ...]) -> Path:
    for name in assignments:
        shutil.copytree(REPO / "source" / name, root / "source" / name)
    shutil.copy(REPO / "nbgrader_config.py", root / "nbgrader_config.py")
    gradebook.release(root)
    return root


def _results(root: Path) -> tuple[dict, dict]:
    stats = json.loads((root / pipeline.STATS).read_text())
    results = {(r["student"], r["assignment"]): (r["score"], r["max_score"], r["parts"], r["problems"])
               for r in stats["submissions"]}
    pages = {}
    for page in sorted((root / "feedback").rglob("*.html")):
        text = page.read_text().replace(str(root), "<course>")
        pages[str(page.relative_to(root))] = re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?", "<time>", text)
    return results, pages


def _mutant_class(root: Path, per_cell: int = 1) -> None:
    """One student per known wrong answer (the first ``per_cell`` of each part), on that assignment only."""
    mistakes = []
    for (assignment, cell), mutants in sorted(demo.known_mistakes().items()):
        for n, mutant in enumerate(mutants[:per_cell]):
            student = re.sub(r"\W+", "_", f"mut_{assignment[:2]}_{cell}_{n}")
            mistakes.append(demo.Mistake(student, assignment, cell, mutant["name"]))
    demo.install(root, mistakes=tuple(mistakes))
    for mistake in mistakes:
        for other in (root / "submitted" / mistake.student).iterdir():
            if other.name != mistake.assignment:
                shutil.rmtree(other)
    for student in ("reference", "blank"):  # the demo part of the class is graded in the other test
        shutil.rmtree(root / "submitted" / student)


def test_jobs_and_results_travel_as_bytes():
    job = Job("ann", LOSSES, 7, [("c1", "x = 1"), ("c2", "assert x == 1")], {"returns.npz": b"\x00\xff"},
              SubmissionLimits(cell_seconds=9), test_cells={"c2"}, cell_names={"c1": "the mse cell"})
    # every field of a Job is set away from its default, so a field the codec forgets fails here
    defaults = Job("", "", 0, [], {})
    assert [f.name for f in fields(Job) if getattr(job, f.name) == getattr(defaults, f.name)] == []
    data = jobcodec.encode_job(job, {"course code": "abc"}, unsandboxed=False)
    assert isinstance(data, bytes) and b"pickle" not in data
    back, environment, unsandboxed = jobcodec.decode_job(data)
    assert back == job and environment == {"course code": "abc"} and unsandboxed is False
    refused = cluster.failed(job, "a grading worker refused it", ["its hidden checks differ"])
    assert jobcodec.decode_result(jobcodec.encode_result(refused)) == refused


def test_a_worker_with_other_checks_or_versions_or_no_bwrap_refuses(monkeypatch):
    own = fingerprint.environment()
    other = dict(own, **{"hidden checks": "0" * 64})
    other["pinned versions"] = dict(own["pinned versions"], numpy="1.0.0")
    problems = fingerprint.differences(other, own)
    assert any("hidden checks differ" in p for p in problems)
    assert any(f"numpy {own['pinned versions']['numpy']} here, 1.0.0 on the grading machine" in p
               for p in problems)
    assert fingerprint.differences(own, own) == []
    monkeypatch.setenv("NNFIN_NO_BWRAP", "1")
    isolation.bwrap_path.cache_clear()
    try:
        refusals = cluster.worker_problems(own, unsandboxed=False)
        assert any("bubblewrap (bwrap) is missing" in p for p in refusals)
        assert cluster.worker_problems(own, unsandboxed=True) == []
    finally:
        monkeypatch.delenv("NNFIN_NO_BWRAP")
        isolation.bwrap_path.cache_clear()


def test_nothing_of_dask_is_imported_without_a_scheduler():
    code = ("import sys, nnfin.course, nnfin.grading.pipeline, nnfin.grading.reuse\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_the_driver_refuses_a_cluster_whose_workers_differ(client, local_cluster):
    executor = cluster.ClusterExecutor(client, own_client=False)
    executor.environment = dict(executor.environment, **{"course code": "f" * 64})
    with pytest.raises(cluster.ClusterUnavailable) as refused:
        executor.check_workers(timeout=60)
    assert "cannot grade this course" in str(refused.value)
    assert str(refused.value).count("course code differ") == 2  # both workers say so
    job = Job("ann", LOSSES, 7, [("c1", "x = 1")], {})
    payload = jobcodec.encode_job(job, executor.environment)
    answer = client.submit(cluster.grade_bytes, payload, pure=False).result(timeout=120)
    result = jobcodec.decode_result(answer)
    assert not result.graded and "refused" in result.problems[0]
    assert any("course code differ" in line for line in result.internal)


@needs_sandbox
def test_cluster_and_local_pool_give_identical_results(tmp_path, local_cluster):
    """The demo class and a class of known wrong answers: same scores, messages and feedback."""
    runs = {}
    for where in ("local", "cluster"):
        root = _course(tmp_path / where, tuple(assignments(REPO / "source")))
        demo.install(root)
        _mutant_class(root)
        if where == "local":
            pipeline.grade_class(root, jobs=2, progress=False)
        else:  # the instructor's command, as `make grade SCHEDULER=...` runs it
            done = subprocess.run([sys.executable, "-m", "nnfin.course", "grade", "--root", str(root),
                                   "--scheduler", local_cluster.scheduler_address],
                                  capture_output=True, text=True, timeout=600, cwd=REPO)
            assert done.returncode == 0, done.stderr[-3000:]
            assert "reused 0" in done.stdout
        assert publish.feedback_class(root, jobs=2, progress=False) == []
        runs[where] = _results(root)
    (local, local_pages), (remote, remote_pages) = runs["local"], runs["cluster"]
    assert len(local) > 40 and local == remote
    assert any(score < out_of for score, out_of, _, _ in local.values())
    assert local_pages.keys() == remote_pages.keys() and len(local_pages) == len(local)
    for name, page in local_pages.items():
        assert page == remote_pages[name], name


def _first_busy_worker(client: Client, timeout: float = 120) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        busy = [w for w, keys in client.processing().items() if any("grade-" in str(k) for k in keys)]
        if busy:
            return busy[0]
        time.sleep(0.2)
    raise TimeoutError("no grading task started")


@needs_sandbox
def test_a_worker_killed_mid_batch_loses_nothing(tmp_path, client):
    root = _course(tmp_path / "course", (LOSSES,))
    demo.install(root, mistakes=tuple(m for m in demo.DEMO_MISTAKES if m.assignment == LOSSES))
    for n in range(4):
        shutil.copytree(root / "submitted" / "reference", root / "submitted" / f"ref_{n}")
    killed = []

    def kill_one() -> None:
        address = _first_busy_worker(client)
        pid = client.run(os.getpid, workers=[address])[address]
        os.kill(pid, signal.SIGKILL)
        killed.append(address)

    killer = threading.Thread(target=kill_one, daemon=True)
    killer.start()
    executor = cluster.ClusterExecutor(client, own_client=False)
    outcomes = pipeline.grade_class(root, progress=False, executor=executor)
    killer.join(timeout=120)
    assert killed, "no worker was killed"
    assert killed[0] not in client.scheduler_info()["workers"]  # that worker is gone for good
    by = {o.student: o for o in outcomes}
    assert sorted(by) == ["blank", "ref_0", "ref_1", "ref_2", "ref_3", "reference", "sam_sum"]
    for student, outcome in by.items():
        assert outcome.recorded and outcome.max_score == 34, (student, outcome.problems)
        assert not any("could not be graded" in p for p in outcome.problems)
    assert [by[s].score for s in ("reference", "ref_0", "ref_1", "ref_2", "ref_3")] == [34] * 5
    assert by["blank"].score == 0 and 0 < by["sam_sum"].score < 34


@needs_sandbox
def test_a_submission_that_kills_every_worker_fails_alone(tmp_path, client):
    root = _course(tmp_path / "course", (LOSSES,))
    demo.install(root, mistakes=())
    shutil.copytree(root / "submitted" / "reference", root / "submitted" / "pete_poison")
    client.register_plugin(KillOnPoison(), name="kill-on-poison")
    try:
        outcomes = pipeline.grade_class(root, progress=False,
                                        executor=cluster.ClusterExecutor(client, own_client=False))
    finally:
        client.unregister_worker_plugin("kill-on-poison")
    by = {o.student: o for o in outcomes}
    assert by["reference"].score == 34 and by["reference"].recorded
    assert by["blank"].score == 0 and by["blank"].recorded
    poison = by["pete_poison"]
    assert poison.score == 0 and not poison.recorded
    assert poison.problems == ["this submission could not be graded (it stopped every grading worker "
                               "it ran on); your instructor has the details"]
    assert not (root / "build" / "fingerprints" / "pete_poison").exists()  # tried again next time
