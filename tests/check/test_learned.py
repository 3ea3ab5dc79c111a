"""The class report's "How the class learned", from attempts in the store and the graded class."""

from __future__ import annotations

import re

from nnfin.check.store import STORE, Store
from nnfin.grading import learned, report
from nnfin.grading.pipeline import Outcome

SUM = "sum instead of a mean"
SQRT = "square root taken"


def _part(score: float, *mistakes: str, max_score: float = 4.0) -> dict:
    return {"score": score, "max_score": max_score, "messages": [], "mistakes": list(mistakes)}


def _class(tmp_path):
    store = Store(tmp_path / STORE)
    checks = {  # student -> their checks of test_mse, in order (test_rmse always full)
        "ann": [_part(1.2, SUM), _part(2.0, SQRT), _part(4.0)],  # two misconceptions, then full marks
        "ben": [_part(1.2, SUM), _part(1.2, SUM)],  # never reaches it, hands in with it
        "cy": [_part(4.0)],
        "dee": [_part(0.0, report.UNANSWERED), _part(1.2, SUM), _part(4.0)],  # a stub is not a mistake
    }
    clock = 1000.0
    for student, attempts in checks.items():
        for part in attempts:
            clock += 60
            attempt = store.add(student, "01_losses", clock)
            store.answered(attempt, 1.0, {"test_mse": part, "test_rmse": _part(3.0, max_score=3.0)})
    failed = store.add("cy", "01_losses", clock + 1)
    store.failed(failed)  # the grader failed: not a check
    store.close()
    final = {"ann": _part(4.0), "ben": _part(1.2, SUM), "cy": _part(4.0), "dee": _part(2.0, SQRT),
             "eve": _part(1.2, SUM)}
    outcomes = [Outcome(s, "01_losses", parts={"test_mse": p, "test_rmse": _part(3.0, max_score=3.0)})
                for s, p in final.items()]
    outcomes.append(Outcome("fay", "01_losses", submitted=False))
    return outcomes


def test_attempts_to_full_marks_misconceptions_passed_through_and_who_never_checked(tmp_path):
    outcomes = _class(tmp_path)
    found = learned.learn(outcomes, Store(tmp_path / STORE).attempts())["01_losses"]
    assert found.checked == ["ann", "ben", "cy", "dee"] and found.checks == 9
    assert found.never_checked == ["eve"], "fay did not hand in; eve handed in without checking"
    mse = found.parts["test_mse"]
    assert mse.to_full == {"ann": 3, "cy": 1, "dee": 3} and mse.never_full == ["ben"]
    assert mse.median() == 3
    assert mse.passed == {SUM: ["ann", "ben", "dee"], SQRT: ["ann"]}, "the stub is not a misconception"
    assert mse.still == {SUM: ["ben"]}, "dee's mistake at submission is another one than in her checks"
    assert mse.still_any == ["ben", "dee"]
    assert found.parts["test_rmse"].to_full == {"ann": 1, "ben": 1, "cy": 1, "dee": 1}


def test_the_report_shows_the_section_with_a_plot_and_says_so_when_nobody_checked(tmp_path):
    outcomes = _class(tmp_path)
    page = report.render(outcomes, tmp_path)
    section = page[page.index('<section id="learned">'):]
    section = section[:section.index("</section></section>")]
    assert "How the class learned" in section and "4 students checked (9 checks)" in section
    assert re.search(r"never checked before handing in: <b>1</b> <small>\(eve\)</small>", section)
    row = re.search(r'<tr data-part="test_mse">(.*?)</tr>', section, re.S).group(1)
    assert "3 of 4, after 3 checks (median; at most 3)" in row
    assert "<b>3</b> &times; sum instead of a mean" in row and "<b>1</b> still at submission" in row
    assert "<b>1</b> &times; square root taken" in row and "gone by submission" in row
    assert section.count("data:image/png;base64,") == 1
    empty = tmp_path / "empty"
    empty.mkdir()
    assert "No checks recorded" in report.render(outcomes, empty)
