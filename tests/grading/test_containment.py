"""One class batch of hostile students beside an honest one, graded inside a fence.

Each attacker hands in the model answers of 01_losses plus one attack. The
batch runs as `make grade` would (two warm workers), inside an outer control
group that caps processes and memory well above one submission's limits, so a
regression fails this test instead of taking the machine (and CI) down.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from nnfin.grading import demo, notebook
from nnfin.grading.adapter import mathjax
from nnfin.grading.engine import containment, isolation
from nnfin.grading.engine.warm import UID_BASE

REPO = Path(__file__).resolve().parents[2]
LOSSES = "01_losses"

pytestmark = pytest.mark.skipif(
    containment.available() is not None or not isolation.bwrap_path(),
    reason=f"needs root, cgroups and bubblewrap: {containment.available()}")

TARGET, TEST = "binary_cross_entropy", "test_binary_cross_entropy"  # no other part calls it
IN_MSE = {  # attacks inside binary_cross_entropy(): only its part may lose points
    "fork_bomb": "import os\n    while True:\n        try:\n            os.fork()\n        except OSError:\n            pass",  # noqa: E501
    "threads": "import threading, time\n    for _ in range(2000):\n"
               "        threading.Thread(target=time.sleep, args=(60,), daemon=True).start()",
    "memory_spread": "import os\n    for _ in range(4):\n        if os.fork() == 0:\n"
                     "            block = bytearray(900 * 1024 ** 2)\n"
                     "            for i in range(0, len(block), 4096):\n                block[i] = 1\n"
                     "            import time; time.sleep(60)\n    import time; time.sleep(60)",
    "endless_loop": "while True:\n        pass",
    "unasked_reply": "import os, json\n    for fd in range(3, 40):\n        try:\n"
                     "            os.write(fd, (json.dumps({'id': n, 'ok': True, 'value': {'t': 'float', 'v': 0.0}})"  # noqa: E501
                     " + '\\n').encode())\n        except OSError:\n            pass",
}
AT_LOAD = {  # attacks in an extra cell: no part may lose points
    "fill_tmp": "for where in ('/tmp', '/dev/shm'):\n    try:\n        with open(where + '/big', 'wb') as fh:\n"  # noqa: E501
                "            for _ in range(1024):\n                fh.write(b'x' * 1024 ** 2)\n"
                "    except OSError as exc:\n        print('stopped:', exc)",
    "many_files": "import os\nos.makedirs('junk', exist_ok=True)\ntry:\n    for i in range(100000):\n"
                  "        open(f'junk/{i}', 'w').close()\nexcept OSError as exc:\n    print('stopped at', i, exc)",  # noqa: E501
    "detached": "import os, time\nif os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n"
                "        time.sleep(900)\n        open('/home/student/late', 'w').write('still here')\n"
                "    os._exit(0)\ntime.sleep(0.2)",
    "print_200mb": "import sys\nfor _ in range(200):\n    sys.stdout.write('x' * 1024 ** 2)",
    "script_output": "from IPython.display import HTML, Javascript, display\n"
                     "display(HTML('<b>ok</b><script>window.__pwned = 1</script>"
                     "<img src=x onerror=\"window.__pwned = 2\">'))\n"
                     "display(Javascript('window.__pwned = 3'))",
    "whoami": "import os\nprint('RUNNING AS UID', os.getuid(), os.geteuid())",
    "forge_files": "import json, os\nforged = {'cells': [], 'metadata': {}, 'nbformat': 4, 'nbformat_minor': 5}\n"  # noqa: E501
                   "for name in ('executed.ipynb', 'losses.ipynb', 'autograded.ipynb'):\n"
                   "    json.dump(forged, open(name, 'w'))\n"
                   "for target in ('/etc/passwd', '/home/student'):\n"
                   "    try:\n        os.symlink(target, 'link' + str(len(target)))\n"
                   "    except OSError:\n        pass\nprint('FORGED-MARKER')",
}


def _answered():
    source = notebook.read(REPO / "source" / LOSSES / "losses.ipynb")
    release = notebook.read(REPO / "release" / LOSSES / "losses.ipynb")
    return demo._answered(source, release)


def _submit(root: Path, student: str, nb) -> None:
    folder = root / "submitted" / student / LOSSES
    folder.mkdir(parents=True)
    shutil.copy(REPO / "release" / LOSSES / "returns.npz", folder)
    nbformat.write(nb, folder / "losses.ipynb")


def _class(root: Path) -> None:
    good = _answered()
    _submit(root, "honest", good)
    for name, attack in IN_MSE.items():
        nb = nbformat.from_dict(json.loads(json.dumps(good)))
        [cell] = [c for c in nb.cells if notebook.grade_id(c) == TARGET]
        cell.source = f"n = 3\ndef {TARGET}(*args, **kwargs):\n    {attack}\n    return 0.0\n"
        if name == "unasked_reply":
            cell.source = cell.source.replace("n = 3", "n = 0").replace("for fd", "global n\n    n += 1\n    for fd")  # noqa: E501
        _submit(root, name, nb)
    for name, attack in AT_LOAD.items():
        nb = nbformat.from_dict(json.loads(json.dumps(good)))
        nb.cells.append(nbformat.v4.new_code_cell(attack))
        _submit(root, name, nb)
    nb = nbformat.from_dict(json.loads(json.dumps(good)))
    nb.cells.append(nbformat.v4.new_markdown_cell("My answer <script>window.__pwned = 4</script>"
                                                  "<img src=x onerror='window.__pwned = 5'>"))
    _submit(root, "script_markdown", nb)
    nb = nbformat.from_dict(json.loads(json.dumps(good)))
    for cell in nb.cells:
        if notebook.grade_id(cell) == "test_mse":
            cell.metadata["nbgrader"]["grade"] = False
        if notebook.grade_id(cell) == "test_rmse":
            cell.metadata["nbgrader"]["grade_id"] = "renamed"
    _submit(root, "metadata_edit", nb)


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    root = tmp_path_factory.mktemp("attacks")
    shutil.copytree(REPO / "source" / LOSSES, root / "source" / LOSSES)
    shutil.copytree(REPO / "release" / LOSSES, root / "release" / LOSSES)
    shutil.copy(REPO / "nbgrader_config.py", root / "nbgrader_config.py")
    (root / "nbgrader_config.py").write_text((root / "nbgrader_config.py").read_text() + (
        "\nc.SubmissionLimits.cell_seconds = 10\nc.SubmissionLimits.call_seconds = 6\n"))
    _class(root)
    fence = containment.Cgroup(f"nnfin-fence-{os.getpid()}")
    fence.limit(processes=1500, memory_bytes=10 * 1024**3)
    try:
        done = subprocess.run([sys.executable, "-m", "nnfin.course", "grade", "--root", str(root), "--jobs", "2"],  # noqa: E501
                              preexec_fn=lambda: fence.add(os.getpid()), capture_output=True, text=True,
                              timeout=900, cwd=REPO)
        left_in_fence = fence.pids()
        left_in_fence += [str(d) for d in fence.paths["pids"].rglob("*") if d.is_dir()]
    finally:
        fence.remove()
    pages = subprocess.run([sys.executable, "-m", "nnfin.course", "feedback", "--root", str(root)],
                           capture_output=True, text=True, timeout=600, cwd=REPO)
    assert pages.returncode == 0, pages.stderr[-3000:]
    stats = json.loads((root / "build" / "grade_stats.json").read_text())
    rows = {r["student"]: r for r in stats["submissions"]}
    return root, done, rows, left_in_fence


def test_the_batch_finished_and_left_nothing_behind(batch):
    root, done, rows, left = batch
    assert done.returncode == 0, done.stderr[-3000:]
    assert left == [], left  # no process and no control group of the batch is left


def test_every_student_gets_the_deserved_score_out_of_the_release_maximum(batch):
    root, done, rows, _ = batch
    honest = rows["honest"]
    assert honest["score"] == honest["max_score"] == 34, honest["problems"]
    points = honest["parts"][TEST]["max_score"]
    for student, row in rows.items():
        assert row["max_score"] == honest["max_score"], student
        if student in IN_MSE:
            lost = {g for g, p in row["parts"].items() if p["score"] < p["max_score"]}
            assert lost == {TEST}, (student, lost, row["problems"])
            assert row["score"] == pytest.approx(34 - points), (student, row["problems"])
            assert points > 0
        else:
            assert row["score"] == 34, (student, row["problems"])


@pytest.mark.parametrize(("student", "words"), [
    ("fork_bomb", "processes"), ("threads", "processes"), ("memory_spread", "memory"),
    ("endless_loop", "endless loop"), ("unasked_reply", "did not ask for"),
    ("metadata_edit", "restored"),
])
def test_the_summary_says_what_happened_in_plain_words(batch, student, words):
    _, _, rows, _ = batch
    assert words in " ".join(rows[student]["problems"]), rows[student]["problems"]


def test_nothing_the_student_wrote_reaches_the_instructor_as_script_or_forgery(batch):
    root, _, _, _ = batch
    for student in ("script_output", "script_markdown", "forge_files", "print_200mb"):
        autograded = next((root / "autograded" / student / LOSSES).glob("*.ipynb"))
        feedback = next((root / "feedback" / student / LOSSES).glob("*.html"))
        assert autograded.stat().st_size < 15 * 1024**2 and feedback.stat().st_size < 30 * 1024**2
        outputs = json.dumps([(c.get("outputs"), c["source"] if c["cell_type"] == "markdown" else "")
                              for c in json.loads(autograded.read_text())["cells"]])
        assert "__pwned" not in outputs, student  # code sources may mention it; outputs and markdown not
        page = feedback.read_text()
        assert page.count(mathjax.script()) == 1, student  # the page's one script: the course's MathJax
        page = page.replace(mathjax.script(), "")
        for live in ("<script>window.__pwned", "<img src=x onerror", "<script>"):
            assert live not in page, (student, live)
    assert "characters of output cut" in next((root / "autograded" / "print_200mb" / LOSSES).glob("*.ipynb")
                                              ).read_text()
    assert "FORGED-MARKER" in next((root / "autograded" / "forge_files" / LOSSES).glob("*.ipynb")).read_text()
    assert not (root / "autograded" / "forge_files" / LOSSES / "executed.ipynb").exists()


def test_student_code_never_runs_as_root(batch):
    root, _, _, _ = batch
    text = next((root / "autograded" / "whoami" / LOSSES).glob("*.ipynb")).read_text()
    uid = int(text.split("RUNNING AS UID ")[1].split()[0])
    assert UID_BASE <= uid < UID_BASE + 1000, uid
