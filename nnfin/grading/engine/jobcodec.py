"""A `Job` and its `JobResult` as bytes, for executors on other machines (no shared file system).

Plain JSON (data files as base64), never pickle: the bytes name no code, so a
worker that decodes a job runs nothing but the grading function it already
has. The envelope also carries the driver's environment (see
`fingerprint.environment`), which the worker compares with its own before it
grades, and whether the instructor opted in to unsandboxed grading.
"""

from __future__ import annotations

import base64
import json
from dataclasses import asdict, fields

from nnfin.grading.engine.containment import SubmissionLimits
from nnfin.grading.engine.grade import Job, JobResult

VERSION = 1


def encode_job(job: Job, environment: dict, unsandboxed: bool = False) -> bytes:
    body = {
        "version": VERSION,
        "environment": environment,
        "unsandboxed": unsandboxed,
        "student": job.student,
        "assignment": job.assignment,
        "seed": job.seed,
        "cells": [[cell_id, source] for cell_id, source in job.cells],
        "files": {name: base64.b64encode(data).decode("ascii") for name, data in job.files.items()},
        "limits": asdict(job.limits),
        "test_cells": sorted(job.test_cells),
        "cell_names": dict(job.cell_names),
    }
    return json.dumps(body).encode()


def decode_job(data: bytes) -> tuple[Job, dict, bool]:
    """The job, the driver's environment and the unsandboxed opt-in; ValueError if malformed."""
    body = json.loads(data)
    if body.get("version") != VERSION:
        raise ValueError(f"job format {body.get('version')!r}, this worker reads {VERSION}")
    known = {f.name for f in fields(SubmissionLimits)}
    job = Job(str(body["student"]), str(body["assignment"]), int(body["seed"]),
              [(str(cell_id), str(source)) for cell_id, source in body["cells"]],
              {str(name): base64.b64decode(text) for name, text in body["files"].items()},
              SubmissionLimits(**{k: int(v) for k, v in body["limits"].items() if k in known}),
              test_cells={str(c) for c in body["test_cells"]},
              cell_names={str(k): str(v) for k, v in body.get("cell_names", {}).items()})
    return job, dict(body["environment"]), bool(body["unsandboxed"])


def encode_result(result: JobResult) -> bytes:
    return json.dumps(asdict(result)).encode()


def decode_result(data: bytes) -> JobResult:
    body = json.loads(data)
    known = {f.name for f in fields(JobResult)}
    return JobResult(**{k: v for k, v in body.items() if k in known})
