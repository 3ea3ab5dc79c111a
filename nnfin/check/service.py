"""The check service: HTTP on 127.0.0.1, a student's token in, the hidden checks' verdict out.

``POST /check?assignment=A&notebook=NAME`` with the notebook as the body, the student's
token (``Authorization: Bearer``), a fresh nonce (``X-Check-Nonce``) and the client's
time (``X-Check-Time``) queues a check and answers ``202 {"ticket", "position"}`` (with
``wait=1``: the answer itself); ``GET /check/<ticket>`` answers the position while it
waits and the answer once graded (``?wait=S``, a long poll: as soon as it is there, within
S s). Identity comes only from the token; a ``student=`` naming anyone else is refused.
Everything is refused before it changes anything: no token or a wrong one, a replayed
nonce, an unknown assignment, a body over the notebook budget (refused from its declared
length, never read), anything that is not a notebook, a cooldown or a spent budget. An
accepted check is logged in `store`; the gradebook is never opened. A dispatcher hands
the fair queue's next check to the warm pool whenever a worker is free, so the pool
grades at the batch engine's pace.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sys
import threading
import time
import uuid
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from nnfin.check import config as settings
from nnfin.check import tokens
from nnfin.check.fairqueue import FairQueue
from nnfin.check.grade import Course, NotGradable, answer
from nnfin.check.limits import Limits, Refusal
from nnfin.check.store import STORE, Store
from nnfin.grading import door, warmup
from nnfin.grading.diagnosis import misconceptions as labels
from nnfin.grading.engine import pool
from nnfin.grading.engine.containment import SubmissionLimits
from nnfin.grading.engine.grade import Job, JobResult, grade_job

HOST = "127.0.0.1"
NONCE = re.compile(r"[A-Za-z0-9_-]{16,128}")
READ_TIMEOUT = 30.0  # seconds a client may take to send its request
KEEP_TICKETS = 600.0  # seconds an answer stays fetchable
LONG_POLL = 5.0  # seconds a GET /check/<ticket>?wait=S may wait for the answer


@dataclass
class Ticket:
    student: str
    assignment: str
    attempt: int
    job: Job
    notes: list[str]
    used_today: int
    budget: int
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    received: float = field(default_factory=time.perf_counter)
    done: threading.Event = field(default_factory=threading.Event)
    answer: dict | None = None
    failure: str = ""
    finished: float = 0.0


class Problem(Exception):
    """A refused request: the HTTP status and the reason, in the student's terms."""

    def __init__(self, status: HTTPStatus, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.status, self.reason, self.retry_after = status, reason, retry_after


class CheckService:
    """The queue, the limits, the store and the pool; `serve` puts HTTP in front of them."""

    def __init__(self, root: Path, config: settings.CheckConfig | None = None,
                 executor: Executor | None = None, limits: SubmissionLimits | None = None,
                 clock=time.time, unsandboxed: bool = False, identify=None) -> None:
        self.root = root
        # who owns a token: the instructor's token files, or the hub (nnfin/check/hub.py)
        self.identify = identify or (lambda token: tokens.identify(tokens.load(root), token))
        self.prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "").rstrip("/") if identify else ""
        self.config = config or settings.load(root)
        self.submission_limits = limits or warmup.course_limits(root)
        self.course = Course(root, self.submission_limits)
        self.store = Store(root / STORE)
        self.limits = Limits(self.config, self.store, clock)
        self.queue: FairQueue[Ticket] = FairQueue()
        self._own_pool = executor is None  # a pool passed in is its owner's to shut down
        if executor is None:
            warmup.require_sandbox(unsandboxed)
            executor = self._new_pool()
        self.executor = executor
        self.workers = pool.slots(executor) or 1
        # as `make grade`: two checks per worker handed out, so a worker never waits for the next one;
        # a newcomer waits for at most these, however many checks anyone else sent
        self.in_flight = 2 * self.workers
        self._free = threading.Semaphore(self.in_flight)
        self._tickets: dict[str, Ticket] = {}
        self._staging = threading.Lock()
        # answers are logged and handed back here, never in the pool's own thread, which meanwhile
        # feeds the workers their next checks
        self._finisher = ThreadPoolExecutor(1, thread_name_prefix="check-finish")
        self._lock = threading.Lock()
        self.dispatched: list[int] = []  # attempt ids in the order they went to a worker
        self._stop = threading.Event()
        self._dispatcher = threading.Thread(target=self._dispatch, name="check-dispatch", daemon=True)
        self._dispatcher.start()

    def _new_pool(self) -> Executor:
        return pool.local_pool(self.config.jobs or None, self.submission_limits, warm_now=True)

    # --- checks -------------------------------------------------------------------------------
    def submit(self, student: str, assignment: str, raw: bytes) -> tuple[Ticket, int]:
        """Stage ``raw``, take a check of the student's limits, queue it: the ticket and its place."""
        try:
            with self._staging:  # one at a time: in a burst the first check is ready first, not last
                job, notes = self.course.job(student, assignment, raw)
        except NotGradable as exc:
            raise Problem(HTTPStatus.UNPROCESSABLE_ENTITY, f"not checked: {exc}") from None
        code = "\n\n".join(source for _, source in job.cells) if self.config.keep_code else None
        try:
            admitted = self.limits.admit(student, assignment, code)
        except Refusal as exc:
            raise Problem(HTTPStatus.TOO_MANY_REQUESTS, str(exc), exc.retry_after) from None
        ticket = Ticket(student, assignment, admitted.attempt, job, notes, admitted.used_today,
                        admitted.budget)
        with self._lock:
            self._forget_old()
            self._tickets[ticket.id] = ticket
        return ticket, self.queue.put(student, ticket)

    def ticket(self, ticket_id: str, student: str) -> Ticket | None:
        with self._lock:
            found = self._tickets.get(ticket_id)
        return found if found is not None and found.student == student else None

    def place(self, ticket: Ticket) -> int:
        """0 while it is being graded; else its place in the queue (1: next)."""
        return self.queue.place(ticket) or 0

    def _forget_old(self) -> None:
        now = time.perf_counter()
        old = [k for k, t in self._tickets.items() if t.done.is_set() and now - t.finished > KEEP_TICKETS]
        for key in old:
            del self._tickets[key]

    def _dispatch(self) -> None:
        """Whenever a worker is free, the fair queue's next check goes to it."""
        while not self._stop.is_set():
            if not self._free.acquire(timeout=0.5):
                continue
            ticket = None
            while ticket is None and not self._stop.is_set():
                ticket = self.queue.get(timeout=0.5)
            if ticket is None:
                self._free.release()
                return
            self.dispatched.append(ticket.attempt)
            try:
                future = self.executor.submit(grade_job, ticket.job)
            except (BrokenProcessPool, RuntimeError) as exc:  # a worker died hard: a fresh pool
                if not self._own_pool:
                    self._finish(ticket, _failed(exc))
                    continue
                self.executor = self._new_pool()
                future = self.executor.submit(grade_job, ticket.job)
            future.add_done_callback(lambda f, t=ticket: self._finisher.submit(self._finish, t, f))

    def _finish(self, ticket: Ticket, future: Future) -> None:
        try:
            result: JobResult = future.result()
        except BaseException as exc:  # noqa: BLE001 - the grader failed, not the student
            print(f"check of {ticket.student}/{ticket.assignment} failed: {exc!r}", file=sys.stderr)
            result = JobResult(ticket.student, ticket.assignment, 0, graded=False)
        finally:
            self._free.release()
        seconds = time.perf_counter() - ticket.received
        if result.graded:
            parts = answer(result)
            self.store.answered(ticket.attempt, seconds, {gid: {**p, "mistakes": labels(p)}
                                                          for gid, p in parts.items()})
            ticket.answer = {"assignment": ticket.assignment, "parts": parts, "seconds": round(seconds, 3),
                             "cells_seconds": round(result.cells_seconds, 3),
                             "notes": list(dict.fromkeys(ticket.notes + result.problems)),
                             "checks_today": ticket.used_today, "daily_budget": ticket.budget,
                             "cooldown_seconds": self.config.cooldown_seconds}
        else:
            self.store.failed(ticket.attempt)
            ticket.failure = ("the checker failed on this notebook (not your fault; it did not count): "
                              "try again in a minute, and tell your instructor if it keeps failing")
        ticket.job = None  # the notebook's bytes are not kept in memory
        ticket.finished = time.perf_counter()
        ticket.done.set()

    def close(self) -> None:
        self._stop.set()
        self.queue.close()
        self._dispatcher.join(timeout=5)
        for _ in range(self.in_flight):  # the checks being graded are answered and logged first
            self._free.acquire(timeout=self.submission_limits.notebook_seconds)
        self._finisher.shutdown(wait=True)
        if self._own_pool:
            self.executor.shutdown(wait=True, cancel_futures=True)
        self.store.close()

    # --- HTTP ----------------------------------------------------------------------------------
    def serve(self, host: str = HOST, port: int | None = None) -> ThreadingHTTPServer:
        """A server bound to ``host`` (never anything but this machine by default); not yet serving."""
        server = _Server((host, self.config.port if port is None else port), Handler)
        server.daemon_threads = True
        server.service = self  # type: ignore[attr-defined]
        return server


class _Server(ThreadingHTTPServer):
    request_queue_size = 128  # a class's burst of checks waits to be accepted, not reset (default 5)


def _failed(exc: BaseException) -> Future:
    future: Future = Future()
    future.set_exception(exc)
    return future


class Handler(BaseHTTPRequestHandler):
    server_version = "nnfin-check/1"
    timeout = READ_TIMEOUT

    @property
    def service(self) -> CheckService:
        return self.server.service  # type: ignore[attr-defined]

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the stdlib's signature
        pass  # requests are logged as attempts; the access log would only repeat them

    def do_GET(self) -> None:  # noqa: N802
        self._respond(self._get)

    def do_POST(self) -> None:  # noqa: N802
        self._respond(self._post)

    def _respond(self, handler) -> None:
        try:
            status, body = handler()
        except Problem as exc:
            status, body = exc.status, {"error": exc.reason}
            if exc.retry_after is not None:
                body["retry_after"] = round(exc.retry_after, 1)
            self.close_connection = True
        except Exception as exc:  # noqa: BLE001 - the service keeps serving the others
            print(f"check service error: {exc!r}", file=sys.stderr)
            status, body = HTTPStatus.INTERNAL_SERVER_ERROR, {"error": "the check service failed on this "
                                                              "request; your instructor has the details"}
        data = json.dumps(body).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            if "retry_after" in body:
                self.send_header("Retry-After", str(max(1, int(body["retry_after"]))))
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            pass  # the client went away

    def _student(self) -> str:
        """Who sends this request: the owner of its token, and no one else."""
        header = self.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if not header or scheme.lower() not in ("bearer", "token") or not token.strip():
            raise Problem(HTTPStatus.UNAUTHORIZED, "no token: pass the token file your instructor gave you "
                          "(--token-file FILE)")
        student = self.service.identify(token.strip())
        if student is None:
            raise Problem(HTTPStatus.UNAUTHORIZED, "this token is not valid (mistyped, or renewed by your "
                          "instructor): ask for your current token file")
        return student

    def _query(self) -> tuple[str, dict[str, str]]:
        parts = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query, max_num_fields=10).items()}
        path = parts.path
        if self.service.prefix and path.startswith(self.service.prefix + "/"):  # behind the hub's proxy
            path = path[len(self.service.prefix):]
        return path.rstrip("/") or "/", query

    def _get(self) -> tuple[HTTPStatus, dict]:
        path, query = self._query()
        if path == "/health":
            return HTTPStatus.OK, {"ok": True, "waiting": len(self.service.queue),
                                   "workers": self.service.workers}
        if not path.startswith("/check/"):
            raise Problem(HTTPStatus.NOT_FOUND, "no such page: POST /check, GET /check/<ticket>, GET /health")
        student = self._student()
        ticket = self.service.ticket(path.removeprefix("/check/"), student)
        if ticket is None:
            raise Problem(HTTPStatus.NOT_FOUND, "no such check of yours (answers are kept for 10 minutes)")
        try:  # a long poll: the answer as soon as it is there, else the place after at most LONG_POLL s
            held = min(max(float(query.get("wait", 0)), 0.0), LONG_POLL)
        except ValueError:
            held = 0.0
        ticket.done.wait(held)
        return self._result(ticket)

    def _result(self, ticket: Ticket) -> tuple[HTTPStatus, dict]:
        if not ticket.done.is_set():
            return HTTPStatus.ACCEPTED, {"ticket": ticket.id, "position": self.service.place(ticket)}
        if ticket.failure:
            raise Problem(HTTPStatus.SERVICE_UNAVAILABLE, ticket.failure)
        return HTTPStatus.OK, ticket.answer

    def _post(self) -> tuple[HTTPStatus, dict]:
        path, query = self._query()
        if path != "/check":
            raise Problem(HTTPStatus.NOT_FOUND, "no such page: POST /check")
        student = self._student()
        claimed = query.get("student")
        if claimed is not None and claimed != student:
            raise Problem(HTTPStatus.FORBIDDEN, f"this token belongs to {door.shown(student)}, not to "
                          f"{door.shown(claimed)}: a check is always of the token's owner")
        self._fresh(student)
        name = query.get("notebook", "")
        assignment = self.service.course.assignment_of(query.get("assignment", ""), name)
        if assignment is None:
            known = ", ".join(self.service.course.assignments)
            asked = query.get("assignment") or name or "(none named)"
            raise Problem(HTTPStatus.NOT_FOUND, f"no assignment {door.shown(asked)} in this course: "
                          f"it has {known}")
        raw = self._body()
        ticket, position = self.service.submit(student, assignment, raw)
        if query.get("wait") in ("1", "true", "yes"):
            ticket.done.wait(self.service.submission_limits.notebook_seconds + 60)
            return self._result(ticket)
        return HTTPStatus.ACCEPTED, {"ticket": ticket.id, "position": position}

    def _fresh(self, student: str) -> None:
        """Refuse a replay: every request carries a nonce never seen before and the client's time."""
        nonce = self.headers.get("X-Check-Nonce", "")
        if not NONCE.fullmatch(nonce):
            raise Problem(HTTPStatus.BAD_REQUEST, "the request carries no nonce (X-Check-Nonce): use "
                          "the course's client, python -m nnfin.check")
        try:
            sent = float(self.headers.get("X-Check-Time", ""))
        except ValueError:
            raise Problem(HTTPStatus.BAD_REQUEST, "the request carries no time (X-Check-Time)") from None
        now, slack = time.time(), self.service.config.clock_slack_seconds
        if not abs(now - sent) <= slack:
            raise Problem(HTTPStatus.BAD_REQUEST, f"the request's time is {abs(now - sent):.0f} s off this "
                          "server's clock: an old request, or a computer whose clock is wrong")
        if not self.service.store.first_use(nonce, student, now, 2 * slack):
            raise Problem(HTTPStatus.CONFLICT, "this exact request was received before (a replay): "
                          "nothing was done")

    def _body(self) -> bytes:
        """The notebook, read only up to the notebook budget, and only from its declared length."""
        limit = self.service.submission_limits.notebook_bytes
        if self.headers.get("Transfer-Encoding") or not (self.headers.get("Content-Length") or "").isdigit():
            raise Problem(HTTPStatus.LENGTH_REQUIRED, "send the notebook with its length (Content-Length)")
        length = int(self.headers["Content-Length"])
        if length > limit:
            raise Problem(HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                          f"the notebook is {length / 1024**2:.1f} MiB, more than the "
                          f"{limit / 1024**2:g} MiB "
                          "a notebook may have: clear large outputs, save, and check again")
        chunks, size = [], 0
        while size < length:
            chunk = self.rfile.read(min(1 << 20, length - size))
            if not chunk:
                raise Problem(HTTPStatus.BAD_REQUEST, "the notebook arrived incomplete")
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)


def _stop_serving(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    """``make check-service``: serve in the foreground until Ctrl-C."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m nnfin.check.service", description=__doc__.split("\n")[0])
    parser.add_argument("--root", type=Path, default=Path.cwd())
    parser.add_argument("--port", type=int, default=None, help="default: CHECK_PORT, else 8765")
    parser.add_argument("--unsandboxed", action="store_true")
    parser.add_argument("--hub", action="store_true", help="identify students through JupyterHub "
                        "(as a hub-managed service: JUPYTERHUB_API_URL and JUPYTERHUB_API_TOKEN)")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    identify = None
    if args.hub:
        from nnfin.check import hub

        identify = hub.from_environment()
        if identify is None:
            print("check service not started: --hub needs JUPYTERHUB_API_URL and JUPYTERHUB_API_TOKEN "
                  "(run it as a service of the hub)", file=sys.stderr)
            return 1
    try:
        service = CheckService(root, unsandboxed=args.unsandboxed, identify=identify)
    except SystemExit as exc:
        print(f"check service not started: {exc}", file=sys.stderr)
        return 1
    server = service.serve(port=args.port)
    host, port = server.server_address[:2]
    held = "students identified by the hub" if args.hub else f"tokens issued: {len(tokens.load(root))}"
    print(f"Check my work: serving {', '.join(service.course.assignments)} on http://{host}:{port} "
          f"({service.workers} warm workers; one check per {service.config.cooldown_seconds:g} s and "
          f"{service.config.daily_budget} a day per student and assignment; {held}). "
          f"Attempts: {root / STORE}. Ctrl-C stops.", flush=True)
    signal.signal(signal.SIGTERM, _stop_serving)  # as Ctrl-C: the workers and sandboxes close too
    try:
        server.serve_forever(poll_interval=0.5)
    except KeyboardInterrupt:
        print("check service stopped; every attempt is kept", file=sys.stderr)
    finally:
        server.server_close()
        service.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
