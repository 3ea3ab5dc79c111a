"""The shared feedback layer: exceptions become sentences about the student's code, a named
mistake reaches the class report as a label, and an error carried forward keeps its points."""

from __future__ import annotations

import numpy as np
import pytest

from nnfin.grading.checks import expect
from nnfin.grading.checks.runner import run_hidden_checks
from nnfin.grading.engine import explain, local
from nnfin.grading.engine.session import StudentError
from tests.grading.swap import swapped_cells


def test_a_broadcast_error_is_explained_without_the_hidden_shapes():
    text = explain.sentence("hidden_delta()", "ValueError",
                            "operands could not be broadcast together with shapes (7,3) (3,7)", 4)
    assert text.startswith("hidden_delta() raised ValueError (line 4 of your cell): ")
    assert "(7,3)" not in text and "7" not in text
    assert "missing .T" in text


def test_math_on_an_array_is_explained_as_a_single_number_function():
    for message in ("only 0-dimensional arrays can be converted to Python scalars",
                    "only length-1 arrays can be converted to Python scalars"):
        text = explain.sentence("sigmoid()", "TypeError", message, 2)
        assert "math.exp" in text and "np.exp" in text, text


def test_an_unknown_message_loses_its_numbers_but_keeps_its_words():
    text = explain.sentence("f()", "ValueError", "bad value -0.1234 for array of shape (12, 3)", None)
    assert "bad value" in text and "0.1234" not in text and "(12, 3)" not in text


def test_the_check_says_when_the_exception_was_raised():
    cells = ["def ratio(a, b):\n    return a / b\n"]
    with local.session(cells, None) as session:
        session.load()
        with pytest.raises(StudentError) as info:
            session.call("ratio", 1.0, 0)
    error = info.value.when("when the first loss is 0")
    assert str(error) == ("ratio() raised ZeroDivisionError when the first loss is 0 "
                          "(line 2 of your cell): a division by zero")


def test_a_named_mistake_has_a_short_label():
    with pytest.raises(expect.CheckFailed) as info:
        expect.expect_close(6.0, 2.0, "mse()", {"It looks like a sum instead of a mean: divide "
                                                 "by m.": 6.0})
    assert info.value.mistake == "sum instead of a mean"
    with pytest.raises(expect.CheckFailed) as info:
        expect.expect_close(5.0, 2.0, "mse()", {"It looks like a sum instead of a mean.": 6.0})
    assert info.value.mistake is None and "does not match" in str(info.value)


def test_own_logic_on_a_wrong_helper_passes_with_a_note():
    expect.take_notes()
    expect.expect_own_logic(np.array([3.0]), np.array([2.0]), "f()", [("helper g is wrong", [3.0])])
    assert expect.take_notes() == ["helper g is wrong"]
    with pytest.raises(expect.CheckFailed):
        expect.expect_own_logic(np.array([4.0]), np.array([2.0]), "f()", [("helper", [3.0])])
    assert expect.take_notes() == []


def _raised(exc_type: str) -> StudentError:
    return StudentError("exception", f"f() raised {exc_type}", ("f()", exc_type, "boom", 3))


def test_a_crash_is_carried_forward_only_to_a_helper_that_raises_the_same():
    verdicts = {"g()": "ValueError", "h()": "ran", "k()": "TypeError", "w()": "wrong"}
    assert expect.crash_culprits(_raised("ValueError"), verdicts) == {"g()": "ValueError"}
    assert expect.crash_culprits(_raised("IndexError"), verdicts) == {}
    assert expect.crash_culprits(_raised("IndexError"), verdicts, wrong_counts=True) == {
        "w()": "wrong"}
    for own in ("NotImplementedError", "NameError"):  # the caller may be unfinished or misspelt
        assert expect.crash_culprits(_raised(own), {"g()": own}, wrong_counts=True) == {}
    assert expect.crash_culprits(StudentError("timeout", "f() took too long"),
                                 {"g()": "wrong"}, wrong_counts=True) == {}


def test_a_carried_crash_passes_with_a_note_naming_the_helper():
    expect.take_notes()
    with pytest.raises(expect.CrashCarried):
        expect.carry_crash("f()", _raised("TypeError"), {"g()": "TypeError", "h()": "TypeError",
                                                          "k()": "wrong"})
    [text] = expect.take_notes()
    assert text == ("f() keeps its points: it raised TypeError, but your g() and h() raise the same "
                    "TypeError on the values f() gives them and your k() is wrong, so the crash "
                    "comes from g(), h() and k(): fix those parts first.")


def test_the_part_result_lists_the_named_mistakes():
    source = ("def mse(y_true, y_pred):\n"
              "    return float(np.sum((np.asarray(y_true) - np.asarray(y_pred)) ** 2))\n")
    cells, folder = swapped_cells("01_losses", "mse", source)
    report = run_hidden_checks("01_losses", cells, folder, seed=5)
    assert report.parts["test_mse"].mistakes == ["sum instead of a mean"]
    assert report.parts["test_rmse"].mistakes == []


def test_the_students_own_assertion_cannot_print_a_hidden_shape():
    text = explain.sentence("f()", "AssertionError", "(17, 3) [0.25, -1.5]", 3)
    assert "17" not in text and "0.25" not in text
