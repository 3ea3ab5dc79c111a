"""Which feedback folders `make release-feedback` can put into the exchange, and why not the others.

nbgrader's release_feedback needs a page, ``timestamp.txt`` and ``submission_secret.txt`` beside it;
the two files came from the student's side of the exchange, so they are read as hostile: never
through a link, bounded in size, the timestamp parsed. The whole loop (demo class present) is
tests/grading/test_exchange.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from nnfin.grading.adapter.feedback_release import FILE_LIMIT, why_not

GOOD_TIME = "2026-03-02 09:15:00.123456 UTC"


def _folder(base: Path, page=True, timestamp: str | None = GOOD_TIME, secret: str | None = "abc") -> Path:
    folder = base / "feedback" / "alice" / "01_losses"
    folder.mkdir(parents=True)
    if page:
        (folder / "losses.html").write_text("<html></html>")
    if timestamp is not None:
        (folder / "timestamp.txt").write_text(timestamp)
    if secret is not None:
        (folder / "submission_secret.txt").write_text(secret)
    return folder


def test_a_folder_from_the_exchange_is_released(tmp_path):
    assert why_not(_folder(tmp_path)) is None


@pytest.mark.parametrize(("kwargs", "reason"), [
    ({"timestamp": None}, "no timestamp.txt"),
    ({"secret": None}, "no submission_secret.txt"),
    ({"page": False}, "no feedback page"),
    ({"timestamp": "yesterday, more or less"}, "not a time"),
    ({"timestamp": "9" * (FILE_LIMIT + 1)}, "no timestamp.txt"),
])
def test_each_missing_or_broken_piece_is_named(tmp_path, kwargs, reason):
    assert reason in why_not(_folder(tmp_path, **kwargs))


def test_links_are_never_followed(tmp_path):
    folder = _folder(tmp_path, timestamp=None)
    outside = tmp_path / "elsewhere.txt"
    outside.write_text(GOOD_TIME)
    (folder / "timestamp.txt").symlink_to(outside)
    assert "no timestamp.txt" in why_not(folder)


@pytest.mark.parametrize("text", [
    "", " ", "\n", "0", "-1", "99999999999999999999", "2026-13-45 25:61:00", "2026-03-02 09:15:00 UTC +0",
    "2026-03-02 09:15:00 Mars/Olympus", "\x00\x01", "é" * 40, "2026-03-02T09:15:00+99:00", "1e309",
])
def test_any_timestamp_text_gets_a_verdict_never_an_exception(tmp_path, text):
    verdict = why_not(_folder(tmp_path, timestamp=text))
    assert verdict is None or "time" in verdict
