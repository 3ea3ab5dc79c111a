"""Token mode with two students: each checks their own work, graded as `make grade` grades it."""

from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor

import nbformat
import pytest

from nnfin.check import client
from nnfin.check.grade import course_id
from nnfin.check.store import STORE, Store
from nnfin.grading import notebook, pipeline
from nnfin.grading.engine.grade import grade_job
from tests.check.conftest import FAST, LOSSES, SUM_NOT_MEAN, answered, with_cell
from tests.grading.test_attacks import ATTACKS, CELL, TEST

PART_KEYS = {"score", "max_score", "messages", "mistakes"}


def _hidden_lines(repo) -> set[str]:
    """Lines of the hidden checks long enough to be recognised if an answer ever carried one."""
    text = (repo / "grader_tests" / f"test_{LOSSES}.py").read_text()
    return {line.strip() for line in text.splitlines() if len(line.strip()) > 30}


def test_two_students_each_get_their_own_verdict_and_nothing_else(start):
    from tests.check.conftest import REPO

    run = start()
    good, wrong = answered(run.root), with_cell(answered(run.root), "mse", SUM_NOT_MEAN)
    with ThreadPoolExecutor(2) as both:  # at once, as two students would
        (status, alice), (status_bob, bob) = both.map(run.post, ["alice", "bob"], [good, wrong])
    assert (status, status_bob) == (200, 200), (alice, bob)
    assert {g: p["score"] for g, p in alice["parts"].items()} == {g: p["max_score"]
                                                                   for g, p in alice["parts"].items()}
    assert sum(p["max_score"] for p in alice["parts"].values()) == 34
    assert bob["parts"]["test_mse"]["score"] < 4
    assert "sum instead of a mean" in bob["parts"]["test_mse"]["mistakes"]
    assert all(bob["parts"][g] == alice["parts"][g] for g in alice["parts"] if g != "test_mse")
    text = json.dumps([alice, bob])
    for answer in (alice, bob):
        assert all(set(part) == PART_KEYS for part in answer["parts"].values())
        assert not {"outputs", "internal"} & set(answer)
    assert not [line for line in _hidden_lines(REPO) if line in text], "a line of the hidden checks leaked"
    rows = sorted(Store(run.root / STORE).attempts(), key=lambda r: r.student)
    assert [(r.student, r.status, r.score) for r in rows] == [
        ("alice", "answered", 34.0), ("bob", "answered", bob["parts"]["test_mse"]["score"] + 30)]
    assert rows[1].parts["test_mse"]["mistakes"] == bob["parts"]["test_mse"]["mistakes"]
    assert all(r.code is None for r in rows), "code is kept only when the instructor turns it on"
    assert not (run.root / "gradebook.db").exists(), "a check never touches the gradebook"
    assert not list((run.root / "build" / "check" / "inbox").iterdir()), "nothing of a check is left on disk"


def test_the_client_prints_json_and_a_table_says_when_unsaved_and_exits_2_when_refused(
        start, tmp_path, capsys, monkeypatch):
    run = start()
    folder = tmp_path / "alice" / LOSSES
    folder.mkdir(parents=True)
    path = folder / "losses.ipynb"
    nbformat.write(with_cell(answered(run.root), "mse", SUM_NOT_MEAN), path)
    token = tmp_path / "alice.token"
    token.write_text(run.tokens["alice"])
    assert client.main([str(path), "--token-file", str(token), "--url", run.url, "--json"]) == 0
    out, err = capsys.readouterr()
    answer = json.loads(out)
    assert set(answer) == {"assignment", "parts", "seconds", "notes"}
    assert answer["assignment"] == LOSSES and answer["parts"]["test_mse"]["score"] < 4
    assert "as saved on disk" in err
    # in a notebook: the last cell the kernel ran is not in the file, so it looks unsaved
    monkeypatch.setattr(client, "_kernel_inputs", lambda: ["def mse(y_true, y_pred):\n    return 0.0"])
    assert client.check_my_work(path, token_file=str(token), url=run.url) is not None
    out = capsys.readouterr().out
    assert "the notebook looks unsaved" in out
    assert re.search(r"test_mse\s+1\.2 / 4\s+sum instead of a mean", out), out
    assert client.check_my_work(path, token_file=str(tmp_path / "none"), url=run.url) is None
    assert "no token file" in capsys.readouterr().out
    assert client.check_my_work(path, token_file=str(token), url="http://127.0.0.1:9") is None
    assert "make check-service" in capsys.readouterr().out
    token.write_text("alice:not-the-token")
    assert client.main([str(path), "--token-file", str(token), "--url", run.url]) == 2
    assert "not checked: this token is not valid" in capsys.readouterr().err
    assert client.main([str(path), "--token-file", str(token), "--url", "http://127.0.0.1:9"]) == 1


@pytest.mark.parametrize("name", ["numpy patched to call everything equal", "import the reference"])
def test_attacks_through_the_service_score_as_through_make_grade(start, executor, name):
    run = start()
    nb = with_cell(answered(run.root), CELL, ATTACKS[name])
    folder = run.root / "submitted" / "carol" / LOSSES  # what `make grade` would stage and grade
    folder.mkdir(parents=True)
    nbformat.write(nb, folder / "losses.ipynb")
    for data in (run.root / "release" / LOSSES).glob("*.npz"):
        (folder / data.name).write_bytes(data.read_bytes())
    job, _ = pipeline.stage_job(folder, run.root / "release" / LOSSES, run.root / "staged",
                                course_id(run.root), FAST)
    graded = executor.submit(grade_job, job)  # on one worker while the service uses the other
    status, answer = run.post("carol", nb)
    assert status == 200, answer
    graded = graded.result()
    assert answer["parts"][TEST]["score"] == 0
    assert {g: (p["score"], p["mistakes"]) for g, p in answer["parts"].items()} == {
        g: (p["score"], p["mistakes"]) for g, p in graded.parts.items()}


def test_the_grader_never_runs_the_check_cell_and_the_release_ships_the_client(tmp_path):
    from tests.check.conftest import REPO, course

    root = course(tmp_path)
    release = root / "release" / LOSSES
    [check_cell] = [c for c in notebook.read(release / "losses.ipynb").cells
                    if notebook.grade_id(c) == notebook.CHECK_CELL]
    assert "check_my_work()" in check_cell.source
    shipped = (release / "check_my_work.py").read_bytes()
    assert shipped == (REPO / "nnfin" / "check" / "client.py").read_bytes()
    for keep in (True, False):  # handed in with the cell, and with the cell deleted
        nb = answered(root)
        nb.cells = [c for c in nb.cells if keep or notebook.grade_id(c) != notebook.CHECK_CELL]
        folder = root / "submitted" / f"s{keep}" / LOSSES
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / "losses.ipynb")
        job, staged = pipeline.stage_job(folder, release, root / "staged" / str(keep), "c", FAST)
        assert job is not None and not staged.problems, staged.problems
        assert check_cell.source not in [source for _, source in job.cells]
        assert len(job.cells) == len(notebook.student_code_cells(nb)) + len(notebook.test_cells(nb))
