"""Turn the outputs a student's process reported into valid, bounded nbformat outputs.

They arrive as untrusted JSON: only the four output types nbformat knows
survive, with strings where strings belong, and each output is cut to its share
(head and tail, saying how much was cut) so a 200 MB print cannot bloat the
autograded notebook, the feedback or the gradebook.
"""

from __future__ import annotations

STREAMS = ("stdout", "stderr")
TEXT_MIMES = ("text/plain", "text/html", "text/markdown", "text/latex", "image/svg+xml", "application/json")
IMAGE_MIMES = ("image/png", "image/jpeg")
MIME_TYPES = TEXT_MIMES + IMAGE_MIMES


def note(text: str) -> dict:
    """A grader's remark shown where the output would have been."""
    return {"output_type": "stream", "name": "stderr", "text": f"[grader] {text}\n"}


def _cut(text: str, limit: int) -> tuple[str, bool]:
    if len(text) <= limit:
        return text, False
    half = max(limit // 2 - 100, 0)
    dropped = len(text) - 2 * half
    return f"{text[:half]}\n... [{dropped} characters cut by the grader] ...\n{text[-half:]}", True


def _clean_data(data: object, limit: int) -> tuple[dict, bool]:
    cleaned, cut = {}, False
    if not isinstance(data, dict):
        return {"text/plain": ""}, False
    for mime in MIME_TYPES:
        value = data.get(mime)
        if not isinstance(value, str):
            continue
        if len(value) > limit:
            cut = True
            if mime != "text/plain":
                continue  # a half image or half HTML is worse than none
            value, _ = _cut(value, limit)
        cleaned[mime] = value
    cleaned.setdefault("text/plain", "[an output too large to keep]" if cut else "")
    return cleaned, cut


def _metadata(meta: object) -> dict:
    """Only image sizes survive: nothing a renderer could act on."""
    kept = {}
    if isinstance(meta, dict):
        for mime in IMAGE_MIMES:
            entry = meta.get(mime)
            if isinstance(entry, dict):
                size = {k: v for k, v in entry.items() if k in ("width", "height") and type(v) is int}
                if size:
                    kept[mime] = size
    return kept


def clean_output(raw: object, limit: int) -> tuple[dict | None, bool]:
    """One valid output (or None), and whether it had to be cut."""
    if not isinstance(raw, dict):
        return None, False
    kind = raw.get("output_type")
    if kind == "stream":
        name = raw.get("name") if raw.get("name") in STREAMS else "stdout"
        text = raw.get("text") if isinstance(raw.get("text"), str) else ""
        text, cut = _cut(text, limit)
        return {"output_type": "stream", "name": name, "text": text}, cut
    if kind in ("display_data", "execute_result"):
        data, cut = _clean_data(raw.get("data"), limit)
        out = {"output_type": kind, "data": data, "metadata": _metadata(raw.get("metadata"))}
        if kind == "execute_result":
            count = raw.get("execution_count")
            out["execution_count"] = count if type(count) is int and 0 < count < 100000 else None
        return out, cut
    if kind == "error":
        traceback = raw.get("traceback") if isinstance(raw.get("traceback"), list) else []
        lines = [t for t in traceback if isinstance(t, str)][-40:]
        lines = [_cut(t, 4000)[0] for t in lines]
        ename = raw.get("ename") if isinstance(raw.get("ename"), str) else "Error"
        evalue = raw.get("evalue") if isinstance(raw.get("evalue"), str) else ""
        return {"output_type": "error", "ename": ename[:200], "evalue": _cut(evalue, 2000)[0],
                "traceback": lines}, False
    return None, False


def size_of(output: dict) -> int:
    if output["output_type"] == "stream":
        return len(output["text"])
    if output["output_type"] == "error":
        return len(output["evalue"]) + sum(len(t) for t in output["traceback"])
    return sum(len(v) for v in output["data"].values())


def clean_outputs(raw: object, limit: int, budget: int, floor: int = 0) -> tuple[list[dict], int, list[str]]:
    """A cell's outputs, valid and bounded; returns (outputs, size used, notes for the student).

    Each output costs at least ``floor`` bytes of the budget: an empty output still takes
    room in the autograded notebook and the feedback page.
    """
    outputs, used, notes = [], 0, []
    items = raw if isinstance(raw, list) else []
    if len(items) > 200:
        notes.append(f"{len(items) - 200} outputs were left out (at most 200 per cell are kept)")
        items = items[:200]
    for item in items:
        output, cut = clean_output(item, limit)
        if output is None:
            continue
        size = max(floor, size_of(output))
        if used + size > budget:
            outputs.append(note("the rest of this cell's output was left out: the notebook's outputs "
                                "reached their size limit"))
            notes.append("outputs were cut: the notebook's outputs are too large")
            break
        if cut:
            notes.append(f"an output larger than {limit // 1024} KiB was cut")
        outputs.append(output)
        used += size
    return outputs, used, notes
