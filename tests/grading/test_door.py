"""The door's invariants, on generated hostile input (Hypothesis, derandomised, a fixed number of examples).

Each property is tested on the gate function itself, the cheapest layer that proves it:
names (`door.is_name`), folder trees with links, hard links, FIFOs and sockets (`door.read_tree`,
`door.fingerprint`), notebook JSON (`budget.decode`, staging), timestamps, CSV fields, and collect
over an exchange of folders owned by several uids. tests/grading/test_door_attacks.py runs a few
of the same attacks through the real ``make collect`` and ``make grade``.
"""

from __future__ import annotations

import csv
import datetime
import glob
import io
import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nnfin.grading import collect, door
from nnfin.grading.adapter.export import FORMULA_START, neutralise
from nnfin.grading.engine import budget, staging
from nnfin.grading.engine.containment import SubmissionLimits

REPO = Path(__file__).resolve().parents[2]
SECRET = b"door-secret-0f9e: nobody may read this"
BOUNDED = settings(derandomize=True, max_examples=80, deadline=None, database=None,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
ROOT = os.geteuid() == 0

# names a hostile student would try, beside ordinary ones
HOSTILE_NAMES = ["*", "?", "[a]", "..", ".", "a/b", "-rf", "=2+5", "a,b,,34.0", "x y", "\t", "é",
                 "a" * 65, "", ".hidden", "ok", "losses.ipynb", "returns.npz", "notes.txt", "sub"]
names = st.one_of(st.sampled_from(HOSTILE_NAMES), st.text(min_size=1, max_size=70),
                  st.from_regex(door.NAME, fullmatch=True))


@BOUNDED
@given(names)
def test_an_allowed_name_is_inert_as_a_path_a_glob_and_a_csv_field(name):
    if not door.is_name(name):
        assert door.name_problem("student id", name).startswith("student id ")
        return
    assert 1 <= len(name) <= 64 and name[0].isascii() and name[0].isalnum()
    assert glob.escape(name) == name  # nbgrader's glob of the id matches only this id
    assert not set(name) & set("/\\*?[],+ \t\r\n\0'\"=") and ".." not in name and name not in (".", "..")
    assert not name.startswith(FORMULA_START)
    assert next(csv.reader(io.StringIO(name))) == [name]


# -- folder trees --------------------------------------------------------------------------------
KINDS = ("file", "dir", "symlink_secret", "symlink_dir", "symlink_up", "hardlink_secret", "fifo", "socket")
entries = st.lists(st.tuples(st.lists(st.sampled_from(["ok", "sub", "x y", "*", ".git", "losses.ipynb"]),
                                      min_size=1, max_size=3),
                             st.sampled_from(KINDS), st.binary(max_size=40)), max_size=8)


def _build(top: Path, outside: Path, spec) -> None:
    for parts, kind, data in spec:
        path = top.joinpath(*parts)
        if os.path.lexists(path) or any(os.path.lexists(p) and not p.is_dir() for p in path.parents):
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if kind == "file":
            path.write_bytes(data)
        elif kind == "dir":
            path.mkdir()
        elif kind == "symlink_secret":
            path.symlink_to(outside / "secret")
        elif kind == "symlink_dir":
            path.symlink_to(outside)
        elif kind == "symlink_up":
            path.symlink_to("../" * 6 + str(outside).lstrip("/"))
        elif kind == "hardlink_secret":
            os.link(outside / "secret", path)
        elif kind == "fifo":
            os.mkfifo(path)
        else:
            with socket.socket(socket.AF_UNIX) as sock:
                sock.bind(str(path))


def _oracle(top: Path, bounds: door.Bounds) -> dict[str, bytes] | None:
    """What read_tree must return: every regular file under allowed names; None: it must refuse."""
    files: dict[str, bytes] = {}
    pending = [(top, "", 0)]
    while pending:
        folder, prefix, depth = pending.pop()
        for name in sorted(os.listdir(folder)):
            path = folder / name
            if name.startswith(".") and ".*" in bounds.skip or not door.is_name(name):
                continue
            mode = os.lstat(path).st_mode
            if stat.S_ISDIR(mode):
                if bounds.depth and depth < bounds.depth:
                    pending.append((path, prefix + name + "/", depth + 1))
                elif bounds.depth:
                    return None
            elif not stat.S_ISREG(mode) or os.lstat(path).st_nlink > 1:
                return None
            else:
                files[prefix + name] = path.read_bytes()
    return files


@BOUNDED
@given(entries, st.sampled_from([0, 1, 3]))
def test_a_tree_is_read_without_following_anything(spec, depth):
    base = Path(tempfile.mkdtemp(prefix="door-tree-"))
    try:
        outside = base / "outside"
        outside.mkdir()
        (outside / "secret").write_bytes(SECRET)
        top = base / "submitted" / "ann" / "01_losses"
        top.mkdir(parents=True)
        _build(top, outside, spec)
        bounds = door.Bounds(entries=100, depth=depth, skip=(".*",))
        expected = _oracle(top, bounds)
        try:
            tree = door.read_tree(base / "submitted", ("ann", "01_losses"), bounds)
        except door.Refused as exc:
            assert expected is None, (spec, str(exc))
            assert str(exc) and "\n" not in str(exc)
        else:
            assert tree.files == expected, spec
            assert all(SECRET not in data for data in tree.files.values())
            assert all(line.split(" was left out: ")[1] for line in tree.left_out)
        assert (outside / "secret").read_bytes() == SECRET  # nothing outside was written either
    finally:
        shutil.rmtree(base)


@BOUNDED
@given(entries)
def test_a_fingerprint_never_reads_through_a_link(spec):
    base = Path(tempfile.mkdtemp(prefix="door-print-"))
    try:
        outside = base / "outside"
        outside.mkdir()
        (outside / "secret").write_bytes(SECRET)
        top = base / "s" / "ann" / "01_losses"
        top.mkdir(parents=True)
        _build(top, outside, [e for e in spec if e[1] != "hardlink_secret"])
        before = door.fingerprint(base / "s", ("ann", "01_losses"))
        (outside / "secret").write_bytes(SECRET + b" changed")
        (outside / "more").write_bytes(b"new")
        assert door.fingerprint(base / "s", ("ann", "01_losses")) == before
        (top / "added").write_bytes(b"x")
        assert door.fingerprint(base / "s", ("ann", "01_losses")) != before
    finally:
        shutil.rmtree(base)


def test_a_link_at_any_level_of_the_path_is_refused(tmp_path):
    (tmp_path / "real" / "01_losses").mkdir(parents=True)
    (tmp_path / "submitted").mkdir()
    (tmp_path / "submitted" / "ann").symlink_to(tmp_path / "real")
    with pytest.raises(door.Refused, match="'ann' is a symbolic link, not a folder"):
        door.read_tree(tmp_path / "submitted", ("ann", "01_losses"), door.Bounds())
    folders = door.student_folders(tmp_path / "submitted")
    assert folders.students == [] and "'ann' was refused: it is a symbolic link" in folders.refused[0]


def test_deep_folders_and_many_files_are_refused_without_recursion(tmp_path):
    deep = tmp_path / "s" / "ann" / "a1"
    deep.mkdir(parents=True)
    fds = [os.open(deep, os.O_RDONLY | os.O_DIRECTORY)]
    for _ in range(1500):  # deeper than Python's recursion limit
        os.mkdir("d", dir_fd=fds[-1])
        fds.append(os.open("d", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fds[-1]))
    try:
        with pytest.raises(door.Refused, match="nested more than 8 folders deep"):
            door.read_tree(tmp_path / "s", ("ann", "a1"), door.Bounds())
        assert door.fingerprint(tmp_path / "s", ("ann", "a1"))  # bounded, no RecursionError
    finally:
        os.close(fds.pop())
        while fds:  # bottom up, without recursion (shutil.rmtree would recurse)
            os.rmdir("d", dir_fd=fds[-1])
            os.close(fds.pop())
    many = tmp_path / "s" / "bob" / "a1"
    many.mkdir(parents=True)
    for i in range(30):
        (many / f"f{i}").write_bytes(b"")
    with pytest.raises(door.Refused, match="more than 20 files"):
        door.read_tree(tmp_path / "s", ("bob", "a1"), door.Bounds(entries=20))


# -- notebook JSON ---------------------------------------------------------------------------------
LIMITS = SubmissionLimits(notebook_bytes=2 * 1024**2, notebook_cells=300, markdown_cell_bytes=16 * 1024,
                          notebook_output_bytes=256 * 1024, output_min_bytes=1024)
RELEASE = json.loads((REPO / "release" / "01_losses" / "losses.ipynb").read_text())


@st.composite
def notebooks(draw) -> bytes:
    nb = json.loads(json.dumps(RELEASE))
    how = draw(st.sampled_from(["outputs", "markdown", "cells", "types", "truncate", "nest", "digits"]))
    if how == "outputs":
        cell = next(c for c in nb["cells"] if c["cell_type"] == "code")
        empty = {"output_type": "stream", "name": "stdout", "text": ""}
        cell["outputs"] = [empty] * draw(st.integers(0, 600))
    elif how == "markdown":
        nb["cells"][0]["source"] = draw(st.sampled_from(["x", ["a\n", "b"]])) * draw(st.integers(1, 20000))
    elif how == "cells":
        nb["cells"] = nb["cells"] * draw(st.integers(1, 20))
    elif how == "types":
        key = draw(st.sampled_from(["cells", "outputs", "source", "metadata", "cell"]))
        value = draw(st.sampled_from([None, 1, "x", [1], {"a": 1}, 1e308]))
        if key == "cells":
            nb["cells"] = value
        elif key == "cell":
            nb["cells"][draw(st.integers(0, len(nb["cells"]) - 1))] = value
        else:
            nb["cells"][draw(st.integers(0, len(nb["cells"]) - 1))][key] = value
    raw = json.dumps(nb).encode()
    if how == "truncate":
        raw = raw[: draw(st.integers(0, len(raw) - 1))]
    elif how == "nest":
        depth = draw(st.integers(1, 100_000))
        raw = raw[:-1] + b', "deep": ' + b"[" * depth + b"]" * depth + b"}"
    elif how == "digits":
        raw = raw[:-1] + b', "big": ' + b"7" * draw(st.integers(1, 20000)) + b"}"
    return raw


def _cost(data: dict) -> tuple[int, int, int]:
    """(cells, largest Markdown cell in bytes, outputs' cost), counted independently of `budget`."""
    cells = data["cells"]
    markdown = max([len("".join(c["source"]) if isinstance(c["source"], list) else c["source"])
                    for c in cells if c.get("cell_type") == "markdown"] or [0])
    cost = sum(max(1024, len(json.dumps(o))) for c in cells for o in c.get("outputs", []))
    return len(cells), markdown, cost


@pytest.mark.filterwarnings("ignore::nbformat.warnings.DuplicateCellId")
@BOUNDED
@given(notebooks())
def test_only_a_notebook_within_every_budget_reaches_nbformat(raw):
    try:
        data = budget.decode(raw, "losses.ipynb", LIMITS)
    except budget.OverBudget as exc:
        assert "losses.ipynb" in str(exc)
        return
    except ValueError as exc:
        assert str(exc).startswith("losses.ipynb is not")
        return
    cells, markdown, cost = _cost(data)
    assert cells <= LIMITS.notebook_cells and markdown <= LIMITS.markdown_cell_bytes
    assert cost <= LIMITS.notebook_output_bytes
    nb, error = staging._load(raw, "losses.ipynb", LIMITS)  # nbformat then never raises either
    assert (nb is None) == bool(error)


@pytest.mark.parametrize("count", [10_240, 10_241, 100_000])
def test_every_output_costs_at_least_its_floor(count):
    limits = SubmissionLimits()  # the defaults: 10 MiB of outputs, each at least 1 KiB
    nb = json.loads(json.dumps(RELEASE))
    cell = next(c for c in nb["cells"] if c["cell_type"] == "code")
    cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ""}] * count
    raw = json.dumps(nb).encode()
    assert len(raw) < limits.notebook_bytes  # small as a file: only the floor refuses it
    if count * limits.output_min_bytes > limits.notebook_output_bytes:
        with pytest.raises(budget.OverBudget, match="each output counts at least 1 KiB"):
            budget.decode(raw, "losses.ipynb", limits)
    else:
        budget.decode(raw, "losses.ipynb", limits)


# -- timestamps and CSV --------------------------------------------------------------------------
moments = st.datetimes(min_value=datetime.datetime(2000, 1, 1), max_value=datetime.datetime(2100, 1, 1))


@BOUNDED
@given(moments, moments, moments)
def test_a_timestamp_is_trusted_only_when_not_after_now_nor_after_its_folder_changed(when, changed, now):
    ctime = changed.replace(tzinfo=datetime.UTC).timestamp()
    reason = door.untrusted_timestamp(when, ctime, now)
    trusted = when <= now + door.CLOCK_SLACK and when <= changed + door.CLOCK_SLACK
    assert (reason is None) == trusted, (when, changed, now, reason)
    text = when.strftime(door.TIMESTAMP_FORMAT)
    assert door.parse_timestamp(text) == when


@BOUNDED
@given(st.text(max_size=60))
def test_no_text_field_starts_a_formula_in_a_spreadsheet(text):
    buffer = io.StringIO()
    csv.writer(buffer, quoting=csv.QUOTE_ALL).writerow([neutralise(text), "after"])
    [row] = list(csv.reader(io.StringIO(buffer.getvalue(), newline="")))
    assert row[1] == "after" and len(row) == 2  # commas and quotes never shift a column
    assert not row[0].startswith(FORMULA_START)
    assert row[0] == (text if not text.startswith(FORMULA_START) else "'" + text)


# -- collect --------------------------------------------------------------------------------------
USERS = {"ann": 63101, "ben": 63102, "cat": 63103}
STRANGER = 63199
claims = st.sampled_from(["ann", "ben", "cat", "*", "a,b", "..", "nobody"])
owners = st.sampled_from([*USERS.values(), STRANGER])
stamps = st.sampled_from(["past1", "past2", "future", "garbage"])
contents = st.sampled_from(["good", "link", "fifo", "foreign_file"])
folders = st.lists(st.tuples(claims, owners, stamps, contents), max_size=10)
HOUR = datetime.timedelta(hours=1)


def _when(stamp: str, now: datetime.datetime) -> str:
    times = {"past1": now - 3 * HOUR, "past2": now - HOUR, "future": now + 100 * HOUR}
    return times[stamp].strftime(door.TIMESTAMP_FORMAT) if stamp in times else "not-a-time"


@pytest.mark.skipif(not ROOT, reason="collect's owner checks need folders owned by several uids (root)")
@BOUNDED
@given(folders, st.booleans())
def test_collect_takes_only_each_students_own_latest_trusted_submission(spec, update):
    base = Path(tempfile.mkdtemp(prefix="door-collect-"))
    try:
        inbound, submitted = base / "inbound", base / "submitted"
        inbound.mkdir()
        (base / "secret").write_bytes(SECRET)
        now = door.utc_now()
        # ben's earlier submission, already collected: only ben's own newer one may replace it
        collected = submitted / "ben" / "01_losses"
        collected.mkdir(parents=True)
        (collected / "timestamp.txt").write_text((now - 2 * HOUR).strftime(door.TIMESTAMP_FORMAT))
        (collected / "losses.ipynb").write_bytes(b"ben's earlier work")
        before = {p.name: p.read_bytes() for p in collected.iterdir()}
        for i, (student, uid, stamp, content) in enumerate(spec):
            folder = inbound / f"{student}+01_losses+{_when(stamp, now)}+r{i}"
            folder.mkdir()
            (folder / "losses.ipynb").write_bytes(f"work of {uid} #{i}".encode())
            if content == "link":
                (folder / "returns.npz").symlink_to(base / "secret")
            elif content == "fifo":
                os.mkfifo(folder / "returns.npz")
            elif content == "foreign_file":
                (folder / "planted.txt").write_bytes(SECRET)
            for path in [folder, *folder.iterdir()]:
                os.lchown(path, STRANGER if path.name == "planted.txt" else uid, uid)
        done = collect.collect(inbound, submitted, ["01_losses"], update=update, owner_of=USERS.get)
        # the model: a folder is its student's when its name is allowed, its owner is that user and
        # its time is believable; the latest of those is taken
        theirs = {}
        for i, (student, uid, stamp, content) in enumerate(spec):
            if USERS.get(student) == uid and stamp in ("past1", "past2"):
                key = (stamp, f"r{i}")
                if student not in theirs or key > theirs[student][0]:
                    theirs[student] = (key, i, content)
        for student in USERS:
            folder = submitted / student / "01_losses"
            files = {p.name: p.read_bytes() for p in folder.iterdir()} if folder.exists() else None
            newer = student in theirs and theirs[student][0][0] == "past2"  # ben's earlier one is -2 h
            if student == "ben" and not (newer and update):
                assert files == before, (spec, done)  # nobody else's submission changed ben's
                continue
            if student not in theirs:
                assert files is None, (student, spec)
                continue
            _, i, content = theirs[student]
            if content in ("link", "fifo"):
                assert set(files) == {"timestamp.txt", door.REFUSAL_NOTE}, files
                assert b"not a file; the grader follows no links" in files[door.REFUSAL_NOTE]
            else:
                assert files["losses.ipynb"] == f"work of {USERS[student]} #{i}".encode()
                assert "planted.txt" not in files
            assert door.parse_timestamp(files["timestamp.txt"].decode()) < now
        for path in submitted.rglob("*"):
            assert path.is_symlink() is False and (not path.is_file() or SECRET not in path.read_bytes())
        assert sorted(os.listdir(submitted)) == sorted({"ben", *theirs})
        # every folder is accounted for: taken, superseded by a later one of its student, or named
        named = " ".join(d.message for d in done)
        for i, (student, uid, stamp, _) in enumerate(spec):
            if not (USERS.get(student) == uid and stamp in ("past1", "past2")):
                assert f"+r{i}" in named, (i, named)
    finally:
        shutil.rmtree(base)


@pytest.mark.skipif(not ROOT, reason="needs folders owned by another uid (root)")
def test_update_takes_only_a_newer_submission(tmp_path):
    inbound, submitted = tmp_path / "inbound", tmp_path / "submitted"
    inbound.mkdir()
    now = door.utc_now()

    def hand_in(hours_ago: float, text: str) -> None:
        when = (now - datetime.timedelta(hours=hours_ago)).strftime(door.TIMESTAMP_FORMAT)
        folder = inbound / f"ann+01_losses+{when}"
        folder.mkdir()
        (folder / "losses.ipynb").write_text(text)
        for path in (folder, folder / "losses.ipynb"):
            os.chown(path, USERS["ann"], USERS["ann"])

    hand_in(3, "first")
    [first] = collect.collect(inbound, submitted, ["01_losses"], owner_of=USERS.get)
    assert first.action == "collected"
    hand_in(2, "second")
    [kept] = collect.collect(inbound, submitted, ["01_losses"], update=False, owner_of=USERS.get)
    assert kept.action == "kept" and (submitted / "ann/01_losses/losses.ipynb").read_text() == "first"
    [updated] = collect.collect(inbound, submitted, ["01_losses"], update=True, owner_of=USERS.get)
    assert updated.action == "updated" and (submitted / "ann/01_losses/losses.ipynb").read_text() == "second"
    [again] = collect.collect(inbound, submitted, ["01_losses"], update=True, owner_of=USERS.get)
    assert again.action == "kept" and "no newer submission" in again.message


@pytest.mark.parametrize("inside", [[], ["*"], [".hidden"], ["a,b"]])
def test_grading_an_empty_class_refuses_and_leaves_earlier_results_alone(tmp_path, inside):
    (tmp_path / "submitted").mkdir()
    for name in inside:
        (tmp_path / "submitted" / name / "01_losses").mkdir(parents=True)
    earlier = {"grades.csv": "student_id,raw_score\nann,34.0\n", "reports/class_report.html": "<p>ann</p>"}
    for name, text in earlier.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    done = subprocess.run([sys.executable, "-m", "nnfin.course", "grade", "--root", str(tmp_path), "--force"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and "holds no student folder to grade" in done.stderr, done.stderr
    assert "Earlier results, grades.csv and the class report are left as they are" in done.stderr
    if inside and inside[0][0] != ".":
        assert f"'{inside[0]}' was refused: the student id" in done.stderr
    assert {name: (tmp_path / name).read_text() for name in earlier} == earlier


@pytest.mark.skipif(not ROOT, reason="needs a folder owned by another uid (root)")
def test_nbgrader_collect_itself_goes_through_the_door(tmp_path):
    """The formgrader's Collect button and ``nbgrader collect`` run the same checks as make collect."""
    shutil.copy(REPO / "nbgrader_config.py", tmp_path / "nbgrader_config.py")
    inbound = tmp_path / "exchange" / "nnfin-module3" / "inbound"
    when = (door.utc_now() - HOUR).strftime(door.TIMESTAMP_FORMAT)
    mine, forged = inbound / f"root+01_losses+{when}", inbound / f"daemon+01_losses+{when}"
    for folder in (mine, forged):
        folder.mkdir(parents=True)
        (folder / "losses.ipynb").write_text("{}")
    (mine / "returns.npz").symlink_to("/etc/shadow")
    nbgrader = str(Path(sys.executable).with_name("nbgrader"))
    done = subprocess.run([nbgrader, "collect", "01_losses", "--update"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "claims to be daemon's but belongs to uid 0" in done.stderr
    assert sorted(os.listdir(tmp_path / "submitted")) == ["root"]
    note = (tmp_path / "submitted" / "root" / "01_losses" / door.REFUSAL_NOTE).read_text()
    assert "'returns.npz' is a symbolic link" in note


def test_grades_csv_parsed_with_csv_is_the_gradebook_whatever_the_names(tmp_path, monkeypatch):
    """Ids that nbgrader's own export would shift or run as formulas, put straight into a gradebook."""
    from nbgrader.api import Gradebook

    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")  # alembic
    from nnfin.grading.adapter import export

    hostile = ["mallory,,,,34.0,0.0,34.0,34.0,", "=2+5", "+1", "-cmd", "@SUM(A1)", "\tx", 'q"uote', "ok"]
    with Gradebook(f"sqlite:///{tmp_path / 'gradebook.db'}", course_id="c") as gb:
        gb.add_assignment("01_losses")
        for i, name in enumerate(hostile):
            first = '=HYPERLINK("http://x")' if i % 2 else "Ann"
            gb.add_student(name, first_name=first, last_name="O,Neil")
        export.write(tmp_path / "grades.csv", gb, {("ok", "01_losses"): "=not valid JSON"})
    with open(tmp_path / "grades.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert sorted(r["student_id"] for r in rows) == sorted(export.neutralise(n) for n in hostile)
    for row in rows:
        assert list(row) == list(export.COLUMNS) and None not in row
        assert float(row["raw_score"]) == 0.0 and float(row["max_score"]) == 0.0
        assert not any(row[k].startswith(FORMULA_START) for k in row)
        assert row["last_name"] == "O,Neil"
    assert {r["student_id"]: r["reason"] for r in rows}["ok"] == "'=not valid JSON"


@pytest.mark.skipif(not ROOT, reason="needs folders owned by another uid (root)")
def test_a_linked_student_folder_in_submitted_is_never_written_through(tmp_path):
    inbound, submitted, elsewhere = tmp_path / "inbound", tmp_path / "submitted", tmp_path / "elsewhere"
    for folder in (inbound, submitted, elsewhere):
        folder.mkdir()
    (submitted / "ann").symlink_to(elsewhere)
    when = (door.utc_now() - HOUR).strftime(door.TIMESTAMP_FORMAT)
    for student in ("ann", "ben"):
        folder = inbound / f"{student}+01_losses+{when}"
        folder.mkdir()
        (folder / "losses.ipynb").write_text(student)
        for path in (folder, folder / "losses.ipynb"):
            os.chown(path, USERS[student], USERS[student])
    done = {d.student: d for d in collect.collect(inbound, submitted, ["01_losses"], owner_of=USERS.get)}
    assert done["ann"].action == "not theirs" and "cannot be written" in done["ann"].message
    assert list(elsewhere.iterdir()) == []
    assert done["ben"].action == "collected"
    assert (submitted / "ben" / "01_losses" / "losses.ipynb").read_text() == "ben"
