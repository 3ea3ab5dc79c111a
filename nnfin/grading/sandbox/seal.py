"""What the child closes before any student code runs, so nothing it holds is shared or kept.

* fd 0, 1 and 2 become the child's own ``/dev/null``: a pipe shared with the worker
  could be filled by one student and block the next one's process.
* the grader's channel is closed in every process the child forks (at fork, in the new
  process) and is never inherited through ``exec``: only the child itself can answer
  the grader, so children that die cost the function that started them, not the notebook.
* the kernel's keyrings are out of reach (a seccomp filter makes ``add_key``,
  ``request_key`` and ``keyctl`` fail with EPERM): they outlive every process of the uid.
Imports nothing from the course package.
"""

from __future__ import annotations

import ctypes
import os
import platform
import struct

from scrub import KEY_SYSCALLS

PR_SET_NO_NEW_PRIVS = 38
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2
RET_ALLOW = 0x7FFF0000
RET_EPERM = 0x00050000 | 1
X32_BIT = 0x40000000
LD_W_ABS, JEQ_K, JGE_K, RET_K = 0x20, 0x15, 0x35, 0x06


def own_stdio() -> None:
    """Point fd 0, 1 and 2 at /dev/null of the child's own (nothing reads them)."""
    null = os.open("/dev/null", os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    if null > 2:
        os.close(null)


def close_channel_at_fork(fd: int) -> None:
    """``fd`` (the grader's channel) is this process's alone: never inherited by exec, and
    replaced by /dev/null at once in any process forked from this one."""
    os.set_inheritable(fd, False)
    null = os.open("/dev/null", os.O_RDWR | os.O_CLOEXEC)  # opened now: at fork no limit can refuse it

    def forget() -> None:
        os.dup2(null, fd, inheritable=False)

    os.register_at_fork(after_in_child=forget)


def _filter(arch: int, numbers: tuple[int, ...]) -> bytes:
    """A classic BPF program: the other architecture's calls and the keyring calls get EPERM."""
    def op(code: int, k: int, jt: int = 0, jf: int = 0) -> bytes:
        return struct.pack("HBBI", code, jt, jf, k)

    add_key, request_key, keyctl = numbers
    return b"".join([
        op(LD_W_ABS, 4),                 # 0: the architecture
        op(JEQ_K, arch, 1, 0),           # 1: ours? go on at 3
        op(RET_K, RET_EPERM),            # 2: another ABI (i386 through int 0x80): refuse
        op(LD_W_ABS, 0),                 # 3: the call's number
        op(JGE_K, X32_BIT, 4, 0),        # 4: x32 ABI: refuse (9)
        op(JEQ_K, add_key, 3, 0),        # 5
        op(JEQ_K, request_key, 2, 0),    # 6
        op(JEQ_K, keyctl, 1, 0),         # 7
        op(RET_K, RET_ALLOW),            # 8 (jumps above land one further: 9)
        op(RET_K, RET_EPERM),            # 9
    ])


def deny_keyrings() -> bool:
    """Install the filter in this process (inherited by all it starts); False where unknown here."""
    known = KEY_SYSCALLS.get(platform.machine())
    if known is None:
        return False
    arch, *numbers = known
    program = _filter(arch, tuple(numbers))
    count = len(program) // 8
    buffer = ctypes.create_string_buffer(program, len(program))

    class Prog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    prog = Prog(count, ctypes.cast(buffer, ctypes.c_void_p))
    libc = ctypes.CDLL(None, use_errno=True)
    word = ctypes.c_ulong
    if libc.prctl(word(PR_SET_NO_NEW_PRIVS), word(1), word(0), word(0), word(0)) != 0:
        return False
    return libc.prctl(word(PR_SET_SECCOMP), word(SECCOMP_MODE_FILTER), ctypes.byref(prog),
                      word(0), word(0)) == 0
