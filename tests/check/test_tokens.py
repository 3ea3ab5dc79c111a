"""make check-tokens: a private token file per student, only hashes kept for the service."""

from __future__ import annotations

import stat

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnfin.check import tokens


def test_tokens_for_the_students_of_submitted_kept_unless_renewed(tmp_path, capsys):
    for student in ("alice", "bob"):
        (tmp_path / "submitted" / student / "01_losses").mkdir(parents=True)
    (tmp_path / "submitted" / "no way").mkdir()  # refused by the door: no token for it
    assert tokens.main(["--root", str(tmp_path)]) == 0
    files = sorted((tmp_path / tokens.TOKENS).iterdir())
    assert [p.name for p in files] == ["alice.token", "bob.token"]
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in files)
    issued = {p.stem: p.read_text().strip() for p in files}
    hashes = (tmp_path / tokens.HASHES).read_text()
    assert not any(token.split(":", 1)[1] in hashes for token in issued.values()), "only hashes are kept"
    known = tokens.load(tmp_path)
    assert {s: tokens.identify(known, t) for s, t in issued.items()} == {"alice": "alice", "bob": "bob"}
    tokens.main(["--root", str(tmp_path), "--students", "alice carol"])
    assert (tmp_path / tokens.TOKENS / "alice.token").read_text().strip() == issued["alice"], "kept"
    tokens.main(["--root", str(tmp_path), "--students", "alice", "--renew"])
    known = tokens.load(tmp_path)
    assert tokens.identify(known, issued["alice"]) is None, "a renewed token no longer works"
    assert tokens.identify(known, issued["bob"]) == "bob" and "carol" in known
    with pytest.raises(SystemExit, match="not allowed"):
        tokens.main(["--root", str(tmp_path), "--students", "../evil"])
    capsys.readouterr()


@settings(max_examples=80, derandomize=True, deadline=None)
@given(st.text(max_size=80))
def test_no_other_string_is_anyones_token(tmp_path_factory, guess):
    root = tmp_path_factory.mktemp("tokens")
    [path] = tokens.issue(root, ["alice"])
    real = path.read_text().strip()
    known = tokens.load(root)
    for candidate in (guess, "alice:" + guess, real[:-1] + guess if guess else real + "x"):
        if candidate != real:
            assert tokens.identify(known, candidate) is None
