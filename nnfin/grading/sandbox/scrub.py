"""What one submission leaves behind, removed before the next: files, IPC objects, keyring entries.

Run by the zygote's throw-away cleaner under the sandbox's uid, after every process
of the submission was killed. Files go without recursion (a folder chain of any
depth), without following a link; System V segments, queues and semaphore sets and
POSIX shared memory that the uid owns or created go too, and the uid's kernel
keyrings are emptied, so the next student finds nothing of this one. The grader
uses `remove_tree` for its own folders. Imports nothing from the course package.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import platform
import stat

_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
IPC_RMID = 0
KEYCTL_CLEAR = 7
KEY_SPEC_USER_KEYRING = -4
KEY_SPEC_USER_SESSION_KEYRING = -5
#: (seccomp audit arch, add_key, request_key, keyctl) for the machines the course runs on
KEY_SYSCALLS = {"x86_64": (0xC000003E, 248, 249, 250), "aarch64": (0xC00000B7, 217, 218, 219)}
IPC_KINDS = ("shm", "msg", "sem")


def _open_dir(name: str, dir_fd: int | None = None) -> int:
    """A folder of the student's, opened without following a link; unlocked when it was locked."""
    try:
        fd = os.open(name, _DIR_FLAGS, dir_fd=dir_fd)
    except PermissionError:
        os.chmod(name, 0o700, dir_fd=dir_fd)  # a directory (lstat said so): chmod follows nothing
        fd = os.open(name, _DIR_FLAGS, dir_fd=dir_fd)
    with contextlib.suppress(OSError):
        os.fchmod(fd, 0o700)  # removing its entries needs write and search rights
    return fd


def _files_out(fd: int) -> list[str]:
    """Unlink every non-folder entry of the open folder ``fd``; return its subfolders' names."""
    folders = []
    with os.scandir(fd) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                folders.append(entry.name)
            else:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(entry.name, dir_fd=fd)
    return folders


def empty(folder: str) -> None:
    """Remove everything inside ``folder``, however deep, with a loop instead of recursion.

    One folder is open at a time: the loop walks down into a subfolder and back up
    through ``..`` (nothing else runs in the tree now), so neither the stack nor the
    open files grow with the depth.
    """
    fd = _open_dir(folder)
    try:
        frames: list[tuple[str, list[str]]] = []  # per level: (this folder's name, siblings to do)
        pending = _files_out(fd)
        while True:
            if pending:
                name = pending.pop()
                below = _open_dir(name, fd)
                os.close(fd)
                fd = below
                frames.append((name, pending))
                pending = _files_out(fd)
                continue
            if not frames:
                return
            name, pending = frames.pop()
            above = os.open("..", _DIR_FLAGS & ~os.O_NOFOLLOW, dir_fd=fd)
            os.close(fd)
            fd = above
            os.rmdir(name, dir_fd=fd)
    finally:
        os.close(fd)


def remove_tree(path: str) -> None:
    """Remove ``path`` (a file, a link or a folder of any depth); nothing when it is gone already."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    if not stat.S_ISDIR(mode):
        os.unlink(path)
        return
    empty(path)
    os.rmdir(path)


def remove_owned(folder: str, uid: int) -> None:
    """Remove the entries of a shared folder (the host's /dev/shm) that ``uid`` owns."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        try:
            if entry.stat(follow_symlinks=False).st_uid == uid:
                remove_tree(entry.path)
        except OSError:
            pass


def _libc() -> ctypes.CDLL:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    return libc


def ipc_objects(uid: int) -> dict[str, list[int]]:
    """The System V objects of this IPC namespace that ``uid`` owns or created, by kind."""
    found: dict[str, list[int]] = {}
    for kind in IPC_KINDS:
        try:
            with open(f"/proc/sysvipc/{kind}") as fh:
                header, *rows = [line.split() for line in fh if line.strip()]
        except (OSError, ValueError):
            continue
        at = {name: i for i, name in enumerate(header)}
        found[kind] = [int(row[1]) for row in rows
                       if str(uid) in (row[at.get("uid", 0)], row[at.get("cuid", 0)])]
    return found


def remove_ipc(uid: int) -> int:
    """Remove ``uid``'s System V segments, queues and semaphore sets; return how many are left."""
    libc = _libc()
    remove = {"shm": lambda i: libc.shmctl(i, IPC_RMID, None),
              "msg": lambda i: libc.msgctl(i, IPC_RMID, None),
              "sem": lambda i: libc.semctl(i, 0, IPC_RMID)}
    for kind, ids in ipc_objects(uid).items():
        for ident in ids:
            remove[kind](ident)
    return sum(len(ids) for ids in ipc_objects(uid).values())


def clear_keyrings() -> None:
    """Empty the calling uid's user and user-session keyrings (they outlive every process)."""
    numbers = KEY_SYSCALLS.get(platform.machine())
    if numbers is None:
        return
    libc = _libc()
    for ring in (KEY_SPEC_USER_KEYRING, KEY_SPEC_USER_SESSION_KEYRING):
        libc.syscall(ctypes.c_long(numbers[3]), ctypes.c_long(KEYCTL_CLEAR), ctypes.c_long(ring))
