"""The door: everything a student names or hands in passes here before the instructor's side uses it.

Three invariants, each enforced once, here:

- **Names are allow-listed.** A student id, an assignment name and a file name must match
  `NAME` (letters, digits and ``. _ @ -``, starting with a letter or digit, at most 64
  characters, never ``..``). nbgrader treats an id as a glob and its CSV export joins fields
  without quoting, so a name like ``*`` or ``a,b`` must never reach it.
- **No link is followed.** A submission is read through file descriptors opened with
  ``O_NOFOLLOW`` relative to its own folder, after ``lstat``: a symbolic link, a hard link
  (a regular file with more than one name), a device, a FIFO or a socket refuses the whole
  submission, with a plain message. Nothing is read as root that the student could point
  elsewhere, and a FIFO cannot make the grader wait.
- **Sizes are bounded while reading**: entries, depth and bytes, before anything parses
  the contents.

`read_tree` returns what may be used (the bytes of every regular file) or the reason for
refusing; the callers (collect, staging, fingerprints) never touch the student's paths
themselves.
"""

from __future__ import annotations

import datetime
import hashlib
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")
NAME_RULE = "letters, digits and . _ @ - (starting with a letter or digit, at most 64 characters)"
# what collect writes into submitted/<student>/<assignment>/ when it refuses a submission
REFUSAL_NOTE = "collect_refused.txt"
TIMESTAMP = "timestamp.txt"
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S.%f UTC"
CLOCK_SLACK = datetime.timedelta(minutes=2)  # clocks of a student's server and the exchange's may differ

_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
_KINDS = ((stat.S_ISLNK, "a symbolic link"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
          (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a device file"), (stat.S_ISBLK, "a device file"))


def is_name(name: object) -> bool:
    """True when ``name`` may be a student id, an assignment name or a file name."""
    return isinstance(name, str) and NAME.fullmatch(name) is not None and ".." not in name


def name_problem(kind: str, name: str) -> str | None:
    """None for an allowed name, else why not, naming it safely (``kind``: "student id", "file name")."""
    if is_name(name):
        return None
    return f"{kind} {shown(name)} is not allowed: use only {NAME_RULE}"


def shown(name: str, limit: int = 80) -> str:
    """A hostile name as it may be printed: quoted, escaped, bounded."""
    text = ascii(name[:limit])
    return text + ("..." if len(name) > limit else "")


class Refused(Exception):
    """The submission cannot be taken as it is; ``str()`` says why in the student's terms."""


@dataclass
class Tree:
    """What a submission folder holds, read without following anything."""

    files: dict[str, bytes] = field(default_factory=dict)  # relative posix path -> contents
    folders: list[str] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)  # entries not used, and why (the rest is used)


@dataclass(frozen=True)
class Bounds:
    """How much one submission folder may hold (collect and staging choose theirs)."""

    entries: int = 4096
    depth: int = 8  # folder levels below the top that are read; 0: the top only (subfolders ignored)
    total_bytes: int = 100 * 1024**2
    file_bytes: dict[str, int] = field(default_factory=dict)  # suffix -> most bytes a file may have
    skip: tuple[str, ...] = ()  # glob patterns never taken (checkpoints, caches)


def kind_of(mode: int) -> str | None:
    """What a non-regular, non-folder entry is, in words; None for a regular file or a folder."""
    for test, words in _KINDS:
        if test(mode):
            return words
    return None if stat.S_ISREG(mode) or stat.S_ISDIR(mode) else "not a regular file"


def open_folder(base: Path, *parts: str, check_names: bool = True) -> int:
    """A descriptor of ``base/parts...``, refusing a link at any of the parts (``base`` is trusted).

    ``check_names=False`` for a name checked otherwise (an inbound folder: ``student+assignment+time``).
    """
    fd = os.open(base, _DIR_FLAGS & ~os.O_NOFOLLOW)
    try:
        for part in parts:
            if check_names and not is_name(part):
                raise Refused(name_problem("folder name", part))
            try:
                st = os.stat(part, dir_fd=fd, follow_symlinks=False)
            except FileNotFoundError:
                raise Refused(f"{shown(part)} does not exist") from None
            if not stat.S_ISDIR(st.st_mode):
                raise Refused(f"{shown(part)} is {kind_of(st.st_mode) or 'a file'}, not a folder; "
                              "the grader follows no links")
            child = os.open(part, _DIR_FLAGS, dir_fd=fd)
            os.close(fd)
            fd = child
    except BaseException:
        os.close(fd)
        raise
    return fd


def read_regular(dir_fd: int, name: str, limit: int) -> bytes:
    """The bytes of the regular file ``name`` in ``dir_fd``: never a link, a FIFO or a second name."""
    before = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    _require_plain(name, before)
    if before.st_size > limit:
        raise Refused(f"{shown(name)} is {_size(before.st_size)}, more than the {_size(limit)} allowed")
    fd = os.open(name, _FILE_FLAGS, dir_fd=dir_fd)
    try:
        st = os.fstat(fd)
        if (st.st_dev, st.st_ino) != (before.st_dev, before.st_ino):
            raise Refused(f"{shown(name)} changed while it was read")
        _require_plain(name, st)
        chunks, size = [], 0
        while chunk := os.read(fd, min(1 << 20, limit + 1 - size)):
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                raise Refused(f"{shown(name)} is more than the {_size(limit)} allowed")
        return b"".join(chunks)
    finally:
        os.close(fd)


def _require_plain(name: str, st: os.stat_result) -> None:
    what = kind_of(st.st_mode)
    if what is not None:
        raise Refused(f"{shown(name)} is {what}, not a file; the grader follows no links "
                      "(hand in the file itself)")
    if stat.S_ISREG(st.st_mode) and st.st_nlink > 1:
        raise Refused(f"{shown(name)} is a hard link (the same file has another name elsewhere); "
                      "hand in a copy of the file itself")


def _size(n: int) -> str:
    return f"{n / 1024**2:.1f} MiB" if n >= 1024**2 else f"{n / 1024:.0f} KiB" if n >= 1024 else f"{n} bytes"


def _skipped(name: str, patterns: tuple[str, ...]) -> bool:
    from fnmatch import fnmatchcase

    return any(fnmatchcase(name, p) for p in patterns)


def read_tree(base: Path, parts: tuple[str, ...], bounds: Bounds, owner: int | None = None,
              keep: Callable[[str], str | None] | None = None, check_names: bool = True) -> Tree:
    """Every regular file under ``base/parts`` (``Refused`` on the first thing that refuses it).

    Entries owned by another uid than ``owner`` (when given) are not the student's: they are
    left out and said so, never read. ``keep(relative path)`` may leave out more (it returns
    the reason). Iterative, so no depth of folders can exhaust the grader's stack.
    """
    tree = Tree()
    top = open_folder(base, *parts, check_names=check_names)
    stack: list[tuple[int, str, int]] = [(top, "", 0)]
    entries = total = 0
    try:
        while stack:
            fd, prefix, depth = stack.pop()
            try:
                names = sorted(os.listdir(fd))
                for name in names:
                    entries += 1
                    if entries > bounds.entries:
                        raise Refused(f"the submission holds more than {bounds.entries} files and folders")
                    path = prefix + name
                    if _skipped(name, bounds.skip):
                        continue
                    if not is_name(name):
                        tree.left_out.append(f"{shown(path)} was left out: names may use only {NAME_RULE}")
                        continue
                    st = os.stat(name, dir_fd=fd, follow_symlinks=False)
                    if owner is not None and st.st_uid != owner:
                        tree.left_out.append(f"{shown(path)} was left out: it belongs to another user "
                                             f"(uid {st.st_uid})")
                        continue
                    reason = keep(path) if keep else None
                    if reason:
                        tree.left_out.append(f"{shown(path)} was left out: {reason}")
                        continue
                    if stat.S_ISDIR(st.st_mode):
                        tree.folders.append(path)
                        if not bounds.depth:
                            continue
                        if depth + 1 > bounds.depth:
                            raise Refused(f"{shown(path)} is nested more than {bounds.depth} folders deep")
                        stack.append((os.open(name, _DIR_FLAGS, dir_fd=fd), path + "/", depth + 1))
                        continue
                    try:
                        data = read_regular(fd, name, _file_limit(name, bounds))
                    except Refused as exc:
                        raise Refused(str(exc).replace(shown(name), shown(path), 1)) from None
                    total += len(data)
                    if total > bounds.total_bytes:
                        raise Refused(f"the submission holds more than {_size(bounds.total_bytes)}")
                    tree.files[path] = data
            finally:
                os.close(fd)
    except OSError as exc:
        raise Refused(f"the submission could not be read ({exc.strerror or type(exc).__name__})") from None
    finally:
        for fd, _, _ in stack:
            os.close(fd)
    return tree


def _file_limit(name: str, bounds: Bounds) -> int:
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return bounds.file_bytes.get(suffix, bounds.total_bytes)


def fingerprint(base: Path, parts: tuple[str, ...], bounds: Bounds = Bounds()) -> str:
    """A hash of what the door decides on in ``base/parts``, without following anything.

    Regular files by name and contents, links by their text, anything else by its kind,
    so an unchanged refused submission keeps its fingerprint (and its recorded result).
    """
    digest = hashlib.sha256()
    try:
        top = open_folder(base, *parts)
    except Refused as exc:
        return hashlib.sha256(f"refused\0{exc}".encode()).hexdigest()
    stack, entries = [(top, "", 0)], 0
    try:
        while stack:
            fd, prefix, depth = stack.pop()
            try:
                for name in sorted(os.listdir(fd)):
                    entries += 1
                    st = os.stat(name, dir_fd=fd, follow_symlinks=False)
                    digest.update(f"{prefix}{name}\0{stat.S_IFMT(st.st_mode)}\0{st.st_nlink}\0{st.st_uid}\0"
                                  .encode("utf-8", "surrogateescape"))
                    if entries > bounds.entries:
                        break
                    if stat.S_ISLNK(st.st_mode):
                        digest.update(os.readlink(name, dir_fd=fd).encode("utf-8", "surrogateescape"))
                    elif stat.S_ISDIR(st.st_mode) and depth < max(bounds.depth, 1):
                        stack.append((os.open(name, _DIR_FLAGS, dir_fd=fd), f"{prefix}{name}/", depth + 1))
                    elif stat.S_ISREG(st.st_mode):
                        _hash_file(digest, fd, name)
                    digest.update(b"\0")
            finally:
                os.close(fd)
    except OSError as exc:
        digest.update(f"unreadable\0{exc.errno}".encode())
    finally:
        for fd, _, _ in stack:
            os.close(fd)
    return digest.hexdigest()


def _hash_file(digest, dir_fd: int, name: str) -> None:
    fd = os.open(name, _FILE_FLAGS, dir_fd=dir_fd)
    try:
        if stat.S_ISREG(os.fstat(fd).st_mode):
            while chunk := os.read(fd, 1 << 20):
                digest.update(chunk)
    finally:
        os.close(fd)


def parse_timestamp(text: str) -> datetime.datetime:
    """A submission's timestamp (nbgrader's format) as naive UTC; ValueError when it is not one."""
    from nbgrader.utils import parse_utc

    text = text.strip()
    if not text or len(text) > 64:
        raise ValueError("not a timestamp")
    try:
        return parse_utc(text)
    except (ValueError, OverflowError, TypeError, ArithmeticError) as exc:
        raise ValueError("not a timestamp") from exc


def utc_now() -> datetime.datetime:
    """Now, as naive UTC (how nbgrader's timestamps compare)."""
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


def untrusted_timestamp(when: datetime.datetime, changed: float, now: datetime.datetime | None = None
                        ) -> str | None:
    """Why a timestamp cannot be believed (None if it can): from the future, or after its folder changed.

    ``changed`` is the folder's ctime (seconds since the epoch), which its owner cannot set.
    """
    now = now or utc_now()
    folder = datetime.datetime.fromtimestamp(changed, datetime.UTC).replace(tzinfo=None)
    if when > now + CLOCK_SLACK:
        return f"its timestamp {when:%Y-%m-%d %H:%M} UTC is in the future"
    if when > folder + CLOCK_SLACK:
        return (f"its timestamp {when:%Y-%m-%d %H:%M:%S} UTC is later than the folder was last changed "
                f"({folder:%Y-%m-%d %H:%M:%S} UTC)")
    return None


@dataclass
class Folders:
    """The student folders of ``submitted/`` that may be graded, and those refused (with why)."""

    students: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


def student_folders(submitted: Path) -> Folders:
    """``submitted/<student>/`` folders whose names pass the door and that are folders, not links."""
    found = Folders()
    try:
        names = sorted(os.listdir(submitted))
    except (FileNotFoundError, NotADirectoryError):
        return found
    for name in names:
        if name.startswith("."):
            continue
        where = f"{submitted.name}/{shown(name)}"
        problem = name_problem("student id", name)
        if problem:
            found.refused.append(f"{where} was refused: the {problem}")
            continue
        st = os.stat(submitted / name, follow_symlinks=False)
        if not stat.S_ISDIR(st.st_mode):
            what = kind_of(st.st_mode) or "a file"
            found.refused.append(f"{where} was refused: it is {what}, not a folder")
            continue
        found.students.append(name)
    return found


def handed_in(submitted: Path, student: str, assignment: str) -> bool:
    """Whether anything (a folder, or something refused later) stands at submitted/<student>/<assignment>."""
    try:
        os.stat(submitted / student / assignment, follow_symlinks=False)
    except (FileNotFoundError, NotADirectoryError):
        return False
    return True


def refuse_empty(root: Path) -> None:
    """SystemExit when there is nothing to grade: earlier results, grades.csv and the report stay."""
    submitted = root / "submitted"
    if not submitted.is_dir():
        raise SystemExit("no submitted/ folder: collect submissions into "
                         "submitted/<student>/<assignment>/<notebook>.ipynb first")
    folders = student_folders(submitted)
    if not folders.students:
        refused = "".join(f"\n  {line}" for line in folders.refused)
        raise SystemExit(f"refusing to grade: {submitted} holds no student folder to grade{refused}\n"
                         "Earlier results, grades.csv and the class report are left as they are; "
                         "`make collect` fills submitted/ from the exchange.")
