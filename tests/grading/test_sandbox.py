"""The student's process: plain data out, nothing of the grader in, limits enforced."""

from __future__ import annotations

import numpy as np
import pytest

from nnfin.grading.checks.pytest_plugin import REPO
from nnfin.grading.engine import containment, isolation, local
from nnfin.grading.engine.containment import SubmissionLimits
from nnfin.grading.engine.session import StudentError
from nnfin.grading.sandbox import wire

CELLS = [
    "import numpy as np\n"
    "def mse(a, b):\n    return float(np.mean((np.asarray(a) - np.asarray(b)) ** 2))",
    "def scale_in_place(W):\n    W *= 2\n    return W",
    "def spin():\n    while True:\n        pass",
    "import os\ndef die():\n    os._exit(7)",
    "def hog():\n    return bytearray(16 * 1024 ** 3)",
    "class Always(float):\n    def __eq__(self, other):\n        return True\n"
    "def rigged():\n    return Always(1.0)",
    "class Sub(np.ndarray):\n    pass\ndef subclass():\n    return np.zeros(3).view(Sub)",
    f"def read_reference():\n    return open({str(REPO / 'nnfin' / 'reference' / 'losses.py')!r}).read()",
    f"def read_hidden():\n    return open({str(REPO / 'grader_tests' / 'conftest.py')!r}).read()",
    "def import_reference():\n    import nnfin.reference.losses as ref\n    return ref.mse([1.0], [0.0])",
    "def network():\n    import socket\n    return socket.create_connection(('127.0.0.1', 22), timeout=2)",
    "def apply(f, x):\n    return f(x)",
    "import os\ndef grader_cwd():\n    return os.listdir(f'/proc/{os.getppid()}/cwd')",
]


@pytest.fixture(scope="module")
def student():
    with local.session(CELLS, None, SubmissionLimits(call_seconds=3, cell_seconds=10)) as process:
        process.load()
        yield process


def test_plain_data_round_trip(student):
    result = student.call("mse", np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0, 5.0]))
    assert type(result.value) is float
    assert result.value == pytest.approx(4.0 / 3.0)
    assert result.mutated == []


def test_in_place_mutation_is_reported(student):
    result = student.call("scale_in_place", np.ones((2, 3)))
    assert result.mutated == ["0"]
    assert np.array_equal(result.value, 2 * np.ones((2, 3)))


def test_endless_loop_times_out_and_the_process_recovers(student):
    with pytest.raises(StudentError, match="endless loop") as info:
        student.call("spin")
    assert info.value.kind == "timeout"
    assert student.call("mse", [0.0], [2.0]).value == 4.0


def test_crash_is_reported_and_the_process_recovers(student):
    with pytest.raises(StudentError, match="crashed") as info:
        student.call("die")
    assert info.value.kind == "crash"
    assert student.call("mse", [0.0], [1.0]).value == 1.0


def test_memory_limit_turns_a_memory_hog_into_an_error(student):
    with pytest.raises(StudentError, match="MemoryError"):
        student.call("hog")


@pytest.mark.parametrize("name", ["rigged", "subclass"])
def test_objects_that_are_not_plain_data_arrive_as_unsupported(student, name):
    value = student.call(name).value
    assert isinstance(value, wire.Unsupported)


@pytest.mark.parametrize("name", ["read_reference", "read_hidden", "import_reference"])
def test_reference_and_hidden_checks_are_out_of_reach(student, name):
    with pytest.raises(StudentError) as info:
        student.call(name)
    assert info.value.kind == "exception"
    assert any(word in str(info.value) for word in ("FileNotFound", "ModuleNotFound",
                                                     "PermissionError"))


@pytest.mark.skipif(not isolation.bwrap_path(), reason="network isolation needs bubblewrap")
def test_no_network(student):
    with pytest.raises(StudentError, match="OSError|ConnectionRefused|Network"):
        student.call("network")


def test_grader_callables_travel_as_source(student):
    f = wire.PyFunc("lambda w: float(np.sum(w ** 2))")
    assert student.call("apply", f, np.array([1.0, 2.0])).value == 5.0


def test_missing_function_has_a_student_message(student):
    with pytest.raises(StudentError, match="is not defined") as info:
        student.call("mean_squared_error", [1.0], [1.0])
    assert info.value.kind == "missing"


def test_endless_loop_at_load_time_skips_only_that_cell():
    cells = ["x = 1", "while True:\n    pass", "def f():\n    return x + 1"]
    with local.session(cells, None, SubmissionLimits(cell_seconds=2)) as process:
        process.load()
        assert process.call("f").value == 2
        assert [r.index for r in process.failed_cells()] == [1]
        assert "endless loop" in process.events[0]


def test_wire_rejects_malformed_arrays():
    bad = {"t": "ndarray", "dtype": "float64", "shape": [3], "b64": "AAAA"}
    with pytest.raises(wire.WireError):
        wire.decode(bad)
    with pytest.raises(wire.WireError):
        wire.decode({"t": "ndarray", "dtype": "object", "shape": [1], "b64": ""})


def test_wire_keeps_exact_types():
    for value in (1.5, 3, True, None, "x", [1.0, (2, 3)], {"a": np.arange(3.0)}):
        decoded = wire.decode(wire.encode(value))
        assert type(decoded) is type(value)
    array = np.arange(6.0).reshape(2, 3)
    back = wire.decode(wire.encode(array))
    assert back.dtype == np.float64 and back.shape == (2, 3) and np.array_equal(back, array)
    assert wire.decode(wire.encode(np.float64(2.5))) == 2.5


def test_without_bubblewrap_grading_refuses_unless_the_instructor_opts_in(monkeypatch):
    monkeypatch.setattr(isolation, "bwrap_path", lambda: None)
    with pytest.raises(isolation.SandboxUnavailable, match="apt-get install bubblewrap"):
        isolation.choose(unsandboxed_ok=False)
    assert isolation.choose(unsandboxed_ok=True) is None
    assert "NOT isolated" in isolation.describe(None)


@pytest.mark.skipif(containment.available() is not None, reason="needs root and cgroups")
def test_each_child_gets_its_submissions_limits_on_a_worker_started_with_others():
    """The pool starts its workers before it knows a job; the job's process limit still binds."""
    warm = local.worker(SubmissionLimits())
    spawner = ("import os, time\n"
               "def spawn(n):\n"
               "    pids = []\n"
               "    for _ in range(n):\n"
               "        try:\n"
               "            pid = os.fork()\n"
               "        except OSError:\n"
               "            break\n"
               "        if pid == 0:\n"
               "            time.sleep(5)\n"
               "            os._exit(0)\n"
               "        pids.append(pid)\n"
               "    for pid in pids:\n"
               "        os.kill(pid, 9)\n"
               "        os.waitpid(pid, 0)\n"
               "    return len(pids)\n")
    with local.session([spawner], None, SubmissionLimits(processes=8, call_seconds=10)) as process:
        process.load()
        assert process.call("spawn", 20).value < 8  # 64 on the worker's own limits
    assert local.worker(SubmissionLimits()) is warm  # same folder sizes: the worker was kept
