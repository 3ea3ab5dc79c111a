"""Every check attempt, in an SQLite file of its own beside the gradebook (never the gradebook).

One row per accepted check: student, assignment, when, and, once graded, the points and
mistake labels of every part (the code only when the instructor keeps it). The nonces of
received requests are kept too, so a replayed request is refused after a restart as well.
SQLite in WAL mode, one connection shared under a lock: the service's threads are few.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

STORE = Path("check_attempts.db")  # beside gradebook.db; student data, never committed

_SCHEMA = """
CREATE TABLE IF NOT EXISTS attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    student TEXT NOT NULL,
    assignment TEXT NOT NULL,
    received REAL NOT NULL,
    status TEXT NOT NULL,            -- queued, answered, failed (failed ones do not count)
    seconds REAL,
    score REAL,
    max_score REAL,
    parts TEXT,                      -- {grade_id: {"score", "max_score", "mistakes"}}
    code TEXT                        -- only with CheckService.keep_code
);
CREATE INDEX IF NOT EXISTS attempts_by_student ON attempts (student, assignment, received);
CREATE TABLE IF NOT EXISTS nonces (nonce TEXT PRIMARY KEY, student TEXT NOT NULL, seen REAL NOT NULL);
"""


@dataclass
class Attempt:
    id: int
    student: str
    assignment: str
    received: float
    status: str
    score: float | None
    max_score: float | None
    parts: dict[str, dict]
    code: str | None


class Store:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.lock = threading.RLock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        # WAL with NORMAL sync: a crash or restart of the service loses nothing; only a power cut may
        # lose the last checks, and no check waits for the disk
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        with self.lock:
            self._db.close()

    def counted(self, student: str, assignment: str, since: float) -> list[float]:
        """When the attempts that count (queued or answered) since ``since`` were received, oldest first."""
        with self.lock:
            rows = self._db.execute(
                "SELECT received FROM attempts WHERE student=? AND assignment=? AND received>=? "
                "AND status!='failed' ORDER BY received", (student, assignment, since)).fetchall()
        return [r[0] for r in rows]

    def last(self, student: str, assignment: str) -> float | None:
        with self.lock:
            row = self._db.execute(
                "SELECT MAX(received) FROM attempts WHERE student=? AND assignment=? AND status!='failed'",
                (student, assignment)).fetchone()
        return row[0]

    def add(self, student: str, assignment: str, received: float, code: str | None = None) -> int:
        with self.lock:
            cursor = self._db.execute(
                "INSERT INTO attempts (student, assignment, received, status, code) VALUES (?,?,?,?,?)",
                (student, assignment, received, "queued", code))
        return int(cursor.lastrowid)

    def answered(self, attempt: int, seconds: float, parts: dict[str, dict]) -> None:
        kept = {gid: {"score": p["score"], "max_score": p["max_score"], "mistakes": list(p["mistakes"])}
                for gid, p in parts.items()}
        with self.lock:
            self._db.execute(
                "UPDATE attempts SET status='answered', seconds=?, score=?, max_score=?, parts=? WHERE id=?",
                (seconds, sum(p["score"] for p in kept.values()), sum(p["max_score"] for p in kept.values()),
                 json.dumps(kept), attempt))

    def failed(self, attempt: int) -> None:
        """The grader failed, not the student: the attempt does not count against any limit."""
        with self.lock:
            self._db.execute("UPDATE attempts SET status='failed' WHERE id=?", (attempt,))

    def attempts(self, assignment: str | None = None) -> list[Attempt]:
        """Every attempt (of ``assignment``), in the order received."""
        query = ("SELECT id, student, assignment, received, status, score, max_score, parts, code "
                 "FROM attempts")
        args: tuple = ()
        if assignment is not None:
            query, args = query + " WHERE assignment=?", (assignment,)
        with self.lock:
            rows = self._db.execute(query + " ORDER BY received, id", args).fetchall()
        return [Attempt(r[0], r[1], r[2], r[3], r[4], r[5], r[6], json.loads(r[7]) if r[7] else {}, r[8])
                for r in rows]

    def first_use(self, nonce: str, student: str, now: float, keep: float) -> bool:
        """Record ``nonce``; False when it was seen before (a replay). Nonces older than ``keep`` go."""
        with self.lock:
            self._db.execute("DELETE FROM nonces WHERE seen<?", (now - keep,))
            try:
                self._db.execute("INSERT INTO nonces (nonce, student, seen) VALUES (?,?,?)",
                                 (nonce, student, now))
            except sqlite3.IntegrityError:
                return False
        return True


def read(path: Path) -> list[Attempt]:
    """Every attempt in the store at ``path`` (none when there is no store): for the class report."""
    if not path.exists():
        return []
    store = Store(path)
    try:
        return store.attempts()
    finally:
        store.close()
