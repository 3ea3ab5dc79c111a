"""Cleaning between submissions removes any tree a student can build, and nothing outside it.

shutil.rmtree and os.walk recurse in Python 3.11: a 1,500-deep folder chain made the
cleanup raise RecursionError. `scrub.empty` walks with a loop, one folder open at a time,
and never follows a link; generated trees (depth, width, links out, locked folders,
FIFOs) prove it removes everything inside and touches nothing outside.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from nnfin.grading.sandbox import scrub


def _chain(top: Path, depth: int) -> None:
    """``top/d/d/.../d/f``, deeper than any path the kernel would take in one piece."""
    fd = os.open(top, os.O_RDONLY | os.O_DIRECTORY)
    for _ in range(depth):
        os.mkdir("d", dir_fd=fd)
        below = os.open("d", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
        os.close(fd)
        fd = below
    os.close(os.open("f", os.O_CREAT | os.O_WRONLY, dir_fd=fd))
    os.fchmod(fd, 0)  # locked, as a student may leave it
    os.close(fd)


def test_a_folder_chain_deeper_than_the_stack_and_than_a_path_is_removed(tmp_path):
    top = tmp_path / "home"
    top.mkdir()
    _chain(top, 3000)  # 6,000 characters of path; recursion would stop near 1,000
    scrub.empty(str(top))
    assert os.listdir(top) == []


ENTRY = st.sampled_from(["file", "dir", "link_out", "link_in", "fifo", "locked_dir"])
TREE = st.recursive(ENTRY, lambda kids: st.lists(kids, min_size=1, max_size=4), max_leaves=25)


def _build(folder: Path, tree, outside: Path, n: list[int]) -> None:
    for item in tree if isinstance(tree, list) else [tree]:
        n[0] += 1
        path = folder / f"e{n[0]}"
        if isinstance(item, list):
            path.mkdir()
            _build(path, item, outside, n)
            if n[0] % 3 == 0:
                path.chmod(0)
        elif item == "file":
            path.write_text("x")
        elif item in ("dir", "locked_dir"):
            path.mkdir()
            if item == "locked_dir":
                path.chmod(0)
        elif item == "link_out":
            path.symlink_to(outside)
        elif item == "link_in":
            path.symlink_to(folder)
        else:
            os.mkfifo(path)


@settings(derandomize=True, max_examples=60, deadline=None, database=None)
@given(TREE, st.integers(min_value=0, max_value=1200))
def test_any_tree_is_emptied_and_nothing_outside_is_touched(tmp_path_factory, tree, depth):
    root = tmp_path_factory.mktemp("scrub")
    outside = root / "outside"
    outside.mkdir()
    (outside / "keep").write_text("instructor's")
    top = root / "home"
    top.mkdir()
    _build(top, tree, outside, [0])
    if depth:
        _chain(top, depth)
    scrub.empty(str(top))
    assert os.listdir(top) == []
    assert (outside / "keep").read_text() == "instructor's"
    assert stat.S_IMODE(outside.stat().st_mode) != 0


def test_remove_tree_takes_a_file_a_link_or_nothing(tmp_path):
    target = tmp_path / "target"
    target.write_text("kept")
    link = tmp_path / "link"
    link.symlink_to(target)
    scrub.remove_tree(str(link))
    scrub.remove_tree(str(tmp_path / "missing"))
    assert target.read_text() == "kept" and not link.exists()
