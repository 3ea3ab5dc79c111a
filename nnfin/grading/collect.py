"""``make collect``: every student's latest submission, from nbgrader's exchange into submitted/.

It keeps what nbgrader's ``ExchangeCollect`` does right: it reads the exchange's
``inbound/<student>+<assignment>+<timestamp>[+<random>]`` folders, takes the latest
submission of each student, and files it as ``submitted/<student>/<assignment>/`` with its
``timestamp.txt``; with ``--update`` a newer submission replaces an older one, without it a
collected submission stays. Everything else is the door's (`nnfin.grading.door`), and what
nbgrader only warned about is refused:

- the folder must be owned by the uid of the student it names (students are users of
  the machine: ``pwd.getpwnam``), so nobody hands in work in another student's name;
- its timestamp must not be in the future, nor later than the folder's own change time
  (which its owner cannot set), so a forged timestamp cannot replace a real submission;
- names pass the allow-list; no link is followed; a link, a hard link, a device, a FIFO
  or a socket refuses the submission; entries another user put into the folder are left out.

A submission of a real student that is refused for what it holds is still collected, as a
folder with its timestamp and ``collect_refused.txt`` (the reason), so ``make grade``
records it at 0 with that reason. One that is not the student's (wrong owner, forged
timestamp, a name outside the allow-list) is refused with a line naming the folder, and
the batch goes on.
"""

from __future__ import annotations

import os
import pwd
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from traitlets.config.loader import PyFileConfigLoader

from nnfin.grading import door

DEFAULT_IGNORE = (".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback")


@dataclass
class Candidate:
    """One folder of the inbound that may be a student's submission."""

    folder: str
    student: str
    assignment: str
    when: datetime
    uid: int


@dataclass
class Collected:
    """What collect did with one student's assignment (or one folder it refused)."""

    student: str
    assignment: str
    action: str  # "collected", "updated", "refused", "kept", "not theirs"
    message: str


def uid_of(student: str) -> int | None:
    """The uid of the user named ``student`` on this machine (None: there is no such user)."""
    try:
        return pwd.getpwnam(student).pw_uid
    except KeyError:
        return None


def _parse(name: str) -> tuple[str, str, str]:
    """(student, assignment, timestamp) of an inbound folder name, or ValueError."""
    parts = name.split("+")
    if len(parts) not in (3, 4):
        raise ValueError("it is not named <student>+<assignment>+<timestamp> as nbgrader names a submission")
    return parts[0], parts[1], parts[2]


def candidates(inbound: Path, wanted: set[str], owner_of: Callable[[str], int | None] = uid_of
               ) -> tuple[list[Candidate], list[Collected]]:
    """Every inbound folder of ``wanted`` assignments that is its student's; and those refused, with why."""
    found: list[Candidate] = []
    refused: list[Collected] = []
    for name in sorted(os.listdir(inbound)):
        where = f"inbound/{door.shown(name)}"
        try:
            student, assignment, stamp = _parse(name)
        except ValueError as exc:
            refused.append(Collected("", "", "not theirs", f"{where} was refused: {exc}"))
            continue
        if assignment not in wanted:
            continue
        problem = door.name_problem("student id", student)
        if problem:
            refused.append(Collected("", assignment, "not theirs", f"{where} was refused: the {problem}"))
            continue
        reason = _not_theirs(inbound, name, student, stamp, owner_of)
        if isinstance(reason, str):
            refused.append(Collected(student, assignment, "not theirs", f"{where} was refused: {reason}"))
            continue
        found.append(Candidate(name, student, assignment, *reason))
    return found, refused


def _not_theirs(inbound: Path, name: str, student: str, stamp: str,
                owner_of: Callable[[str], int | None]) -> str | tuple[datetime, int]:
    """Why the folder is not ``student``'s submission, or (its trusted time, the student's uid)."""
    st = os.stat(inbound / name, follow_symlinks=False)
    if not stat.S_ISDIR(st.st_mode):
        return f"it is {door.kind_of(st.st_mode) or 'a file'}, not a folder"
    uid = owner_of(student)
    if uid is None:
        return f"there is no user {student} on this machine, so nobody can prove the submission is theirs"
    if st.st_uid != uid:
        return (f"it claims to be {student}'s but belongs to uid {st.st_uid}, not to {student} "
                f"(uid {uid}): only a student's own submission is collected")
    try:
        when = door.parse_timestamp(stamp)
    except ValueError:
        return f"its timestamp {door.shown(stamp)} is not a time"
    untrusted = door.untrusted_timestamp(when, st.st_ctime)
    return (f"{untrusted}; a submission's time cannot be trusted then" if untrusted else (when, uid))


def latest(found: list[Candidate]) -> dict[tuple[str, str], Candidate]:
    """The latest submission of each student and assignment (as nbgrader's collect takes it)."""
    chosen: dict[tuple[str, str], Candidate] = {}
    for candidate in sorted(found, key=lambda c: (c.when, c.folder)):
        chosen[(candidate.student, candidate.assignment)] = candidate
    return chosen


def existing_timestamp(submitted: Path, student: str, assignment: str) -> datetime | None:
    """The time of the submission already collected (None when there is none or it cannot be read)."""
    try:
        fd = door.open_folder(submitted, student, assignment)
    except (door.Refused, OSError):
        return None
    try:
        return door.parse_timestamp(door.read_regular(fd, door.TIMESTAMP, 256).decode("utf-8"))
    except (door.Refused, OSError, UnicodeDecodeError, ValueError):
        return None
    finally:
        os.close(fd)


def _reserved(path: str) -> str | None:
    if path == door.REFUSAL_NOTE:
        return "the name is reserved for the grader"
    return None


def _write(submitted: Path, student: str, assignment: str, files: dict[str, bytes],
           folders: list[str]) -> None:
    """Replace submitted/<student>/<assignment>/ with ``files``, all at once (written as plain files)."""
    home = submitted / student
    home.mkdir(parents=True, exist_ok=True)
    if os.stat(home, follow_symlinks=False).st_uid != os.geteuid() or home.is_symlink():
        raise door.Refused(f"{home} is not a folder of the instructor's")
    fresh = Path(tempfile.mkdtemp(prefix=f".collect-{assignment}-", dir=home))
    try:
        for folder in folders:
            (fresh / folder).mkdir(mode=0o755, parents=True, exist_ok=True)
        for name, data in files.items():
            path = fresh / name
            path.parent.mkdir(mode=0o755, parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
        fresh.chmod(0o755)
        dest = home / assignment
        old = None
        if os.path.lexists(dest):
            old = Path(tempfile.mkdtemp(prefix=f".replaced-{assignment}-", dir=home))
            os.rename(dest, old / assignment)
        os.rename(fresh, dest)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise


def collect_one(inbound: Path, submitted: Path, chosen: Candidate, bounds: door.Bounds) -> Collected:
    """Copy one chosen submission (or its refusal) into submitted/, without following anything."""
    stamp = {door.TIMESTAMP: chosen.when.strftime(door.TIMESTAMP_FORMAT).encode()}
    try:
        tree = door.read_tree(inbound, (chosen.folder,), bounds, owner=chosen.uid, keep=_reserved,
                              check_names=False)  # its parts were checked by `candidates`
    except door.Refused as exc:
        reason = f"the submission was refused when it was collected: {exc}"
        note = {**stamp, door.REFUSAL_NOTE: reason.encode()}
        _write(submitted, chosen.student, chosen.assignment, note, [])
        return Collected(chosen.student, chosen.assignment, "refused",
                         f"refused inbound/{chosen.folder}: {exc} (recorded at 0 with this reason)")
    tree.files.update(stamp)
    _write(submitted, chosen.student, chosen.assignment, tree.files, tree.folders)
    notes = "".join(f"\n    {line}" for line in tree.left_out)
    return Collected(chosen.student, chosen.assignment, "collected",
                     f"{chosen.student}/{chosen.assignment} (submitted {chosen.when:%Y-%m-%d %H:%M:%S} UTC)"
                     + notes)


def collect(inbound: Path, submitted: Path, assignments: list[str], update: bool = True,
            bounds: door.Bounds | None = None, owner_of: Callable[[str], int | None] = uid_of,
            students: set[str] | None = None) -> list[Collected]:
    """Collect the latest submission of every student (or of ``students``) for ``assignments``; say
    what happened to each."""
    bounds = bounds or door.Bounds(skip=DEFAULT_IGNORE)
    found, done = candidates(inbound, set(assignments), owner_of)
    if students is not None:
        found = [c for c in found if c.student in students]
        done = [d for d in done if d.student in students]
    for (student, assignment), chosen in sorted(latest(found).items()):
        if not door.is_name(assignment):
            continue
        have = existing_timestamp(submitted, student, assignment)
        exists = door.handed_in(submitted, student, assignment)
        if exists and not update:
            done.append(Collected(student, assignment, "kept", f"{student}/{assignment}: already "
                                  "collected (--update takes a newer submission)"))
            continue
        if exists and have is not None and chosen.when <= have:
            done.append(Collected(student, assignment, "kept",
                                  f"{student}/{assignment}: no newer submission"))
            continue
        try:
            result = collect_one(inbound, submitted, chosen, bounds)
        except (door.Refused, OSError) as exc:  # submitted/ itself is not as collect left it
            done.append(Collected(student, assignment, "not theirs", f"inbound/{chosen.folder} was not "
                                  f"collected: submitted/{student}/{assignment} cannot be written ({exc})"))
            continue
        if exists and result.action == "collected":
            result.action = "updated"
        done.append(result)
    return done


def _settings(root: Path) -> tuple[Path, str, door.Bounds]:
    """The exchange's inbound folder, the course id and the bounds, from the course's nbgrader_config.py."""
    config = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    course_id = config.get("CourseDirectory", {}).get("course_id") or ""
    exchange = config.get("Exchange", {}).get("root") or "/usr/local/share/nbgrader/exchange"
    ignore = tuple(config.get("CourseDirectory", {}).get("ignore") or DEFAULT_IGNORE)
    kilobytes = int(config.get("CourseDirectory", {}).get("max_dir_size") or 100000)
    return Path(exchange) / course_id / "inbound", course_id, door.Bounds(total_bytes=1000 * kilobytes,
                                                                            skip=ignore)


def main(root: Path, assignments: list[str], update: bool, students: set[str] | None = None) -> int:
    """``make collect``: print one line per submission; 0 even when some were refused (the batch goes on)."""
    inbound, course_id, bounds = _settings(root)
    if not course_id:
        raise SystemExit("no course id: set c.CourseDirectory.course_id in nbgrader_config.py")
    if not inbound.is_dir():
        print(f"Nothing to collect: {inbound} does not exist yet (no student has submitted)")
        return 0
    done = collect(inbound, root / "submitted", assignments, update, bounds, students=students)
    for item in done:
        if item.action in ("refused", "not theirs"):
            print(item.message, file=sys.stderr)
        else:
            print(f"{item.action} {item.message}")
    counts = {a: sum(1 for d in done if d.action == a) for a in ("collected", "updated", "kept", "refused",
                                                                  "not theirs")}
    print(f"Collected {counts['collected']} new and {counts['updated']} updated submissions, kept "
          f"{counts['kept']}, recorded {counts['refused']} refused ones at 0 (with the reason), and took "
          f"none of {counts['not theirs']} folders that were not their students' (see the lines above).")
    return 0
