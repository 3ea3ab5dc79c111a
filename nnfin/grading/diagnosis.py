"""A check's message reduced to its diagnosis, e.g. "sum instead of a mean".

Two students with the same mistake on different inputs get different messages (numbers, lines
of their cells) but the same diagnosis; the class report counts them under one misconception and
the feedback page's summary names it in a few words.
"""

from __future__ import annotations

import re

NO_MESSAGE = "lost points without a message"
UNANSWERED = "raises NotImplementedError"  # the hidden checks' label for a stub left in place

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_CELL_LINE = re.compile(r"\s*\(line \d+ of your cell\)")
_NUMBER = re.compile(r"(?<![\w.])[-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?(?!\w|\.\d)", re.IGNORECASE)
_LOOKS_LIKE = re.compile(r"^it looks like\s+", re.IGNORECASE)
_RAISED = re.compile(r"^(\S+ raised [\w.]+)")  # "f() raised ValueError": the student's text after it varies


def label(message: str) -> str:
    """A message as a misconception: its "It looks like ..." diagnosis, else its first sentence."""
    message = _CELL_LINE.sub("", message.strip())
    raised = _RAISED.match(message)
    if raised:
        return raised.group(1)
    sentences = _SENTENCE_END.split(message)
    named = [s for s in sentences if _LOOKS_LIKE.match(s)]
    if named:
        text = _LOOKS_LIKE.sub("", named[0]).split(": ")[0]
    else:
        text = sentences[0]
    text = re.sub(r"\s+([,;:)])", r"\1", " ".join(_NUMBER.sub("", text).split())).rstrip(".,:; ")
    return text[:140] or NO_MESSAGE


def misconceptions(part: dict) -> list[str]:
    """The named mistakes of one graded part (empty when it earned full marks).

    The hidden checks' own short labels (``part["mistakes"]``) when they give them;
    otherwise the part's failure messages, reduced to their diagnosis without numbers,
    so two students with the same mistake on different inputs share one label.
    """
    if part["score"] >= part["max_score"]:
        return []
    labels = part.get("mistakes") or [label(m) for m in part.get("messages", [])]
    return list(dict.fromkeys(labels)) or [NO_MESSAGE]


def unanswered(part: dict) -> bool:
    """The part lost points only because its answer still raises NotImplementedError (the stub)."""
    labels = misconceptions(part)
    return bool(labels) and all(label == UNANSWERED or label.endswith("raised NotImplementedError")
                                for label in labels)
