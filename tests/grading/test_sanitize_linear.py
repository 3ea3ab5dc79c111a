"""The Markdown sanitiser takes time linear in the answer: a hostile answer cannot hold the grader.

A written answer of thousands of unsafe links (or handlers, or unclosed script tags) used to
take quadratic time, holding the grader's main process for a minute. Growing each hostile
input tenfold must grow the time about tenfold; quadratic work would grow it a hundredfold,
so the bound (40x) is generous for a busy machine and still fails on quadratic code. Times are
the process's CPU time, so other work on the machine cannot fail the test.
"""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnfin.grading.adapter import sanitize
from nnfin.grading.adapter.sanitize import sanitize_markdown

HOSTILE = {  # a piece, and how many of them the small answer has (enough to take a few ms)
    "javascript image links": (lambda i: f"![](javascript:{i})", 1_000),
    "event handlers": (lambda i: f"<b onclick=x{i}>", 1_000),
    "unclosed scripts": (lambda i: "a <script> b ", 1_000),
    "broken block html": (lambda i: "<div <", 5_000),
    "unclosed links": (lambda i: f"<a href='javascript:{i}'", 1_000),
}
GROWTH, RATIO = 10, 40


def _seconds(make, n: int, salt: int) -> float:
    text = f"answer {salt} {n}\n\n" + "".join(make(i) for i in range(n))  # unique: never cached
    started = time.process_time()  # CPU time: other processes on a busy machine do not count
    sanitize_markdown(text)
    return time.process_time() - started


@pytest.mark.parametrize("name", list(HOSTILE))
def test_ten_times_the_hostile_answer_takes_about_ten_times_as_long(name):
    make, small_n = HOSTILE[name]
    _seconds(make, small_n, -1)  # the renderer's first use compiles and caches what it needs
    small = min(_seconds(make, small_n, salt) for salt in range(3))
    large = min(_seconds(make, small_n * GROWTH, salt) for salt in range(3))
    assert large / max(small, 1e-4) < RATIO, (name, small, large)


def test_an_answer_with_thousands_of_unsafe_links_is_shown_as_text_with_no_live_link():
    text = "My answer.\n\n" + "".join(f"![](javascript:{i})" for i in range(5000))
    cleaned, labels = sanitize_markdown(text)
    assert "shown as plain text" in labels and "a javascript: URL" in labels
    assert not sanitize._inspect(cleaned, ())  # the renderer finds nothing live in it


def test_a_few_unsafe_links_are_still_removed_in_place():
    cleaned, _ = sanitize_markdown("See [this](javascript:alert(1)) and **that**.")
    assert "javascript" not in cleaned and "**that**" in cleaned and "```" not in cleaned


PIECES = st.lists(st.sampled_from(["<script", "<script>", "</script>", "</SCRIPT >", "<scripts>", ">",
                                   "<", "x", "\n", " ", "<script a='>'>", "</script"]), max_size=30)


@settings(derandomize=True, max_examples=300, deadline=None, database=None)
@given(PIECES)
def test_dropping_script_spans_in_linear_time_does_what_the_regex_did(pieces):
    text = "".join(pieces)
    regex = re.sub(r"<script\b[^>]*>.*?</script\s*>", "", text, flags=re.IGNORECASE | re.DOTALL)
    assert sanitize._drop_spans(text, "script") == regex
