"""Check my work: ask the course's check service what the hidden checks say about a saved notebook.

From a terminal: ``python -m nnfin.check NOTEBOOK --token-file FILE [--url URL] [--json]``
(or ``python check_my_work.py NOTEBOOK ...`` beside a released notebook). In a notebook:
``check_my_work()``. It sends the notebook as saved on disk (so save first) and prints
a table of parts with their messages. Exit status 0 with an answer, 2 with a refusal
(cooldown, budget, token, request), 1 when no service answers. This file uses only the
standard library: the release ships it beside every notebook as ``check_my_work.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

DEFAULT_URL = f"http://127.0.0.1:{os.environ.get('CHECK_PORT', '8765')}"
TOKEN_FILE = Path.home() / ".nnfin-check.token"
POLL = 2  # seconds the service may hold each question while a check waits (a long poll)
WAIT = 15 * 60  # seconds before giving up on one check
START_HINT = ("no check service answers at {url}. On the course's machine the instructor starts it "
              "with `make check-service` (and hands out tokens with `make check-tokens`); "
              "otherwise ask your instructor for the address (--url, or NNFIN_CHECK_URL)")


class Refused(Exception):
    """The service refused the check; ``str()`` says why."""


class NoService(Exception):
    """Nothing answered at the address."""


def token_of(token_file: str | os.PathLike | None) -> str:
    """The token: from ``token_file``, else $NNFIN_CHECK_TOKEN_FILE, else ~/.nnfin-check.token;
    on a JupyterHub without one of those, the hub's token of this user's server."""
    named = token_file or os.environ.get("NNFIN_CHECK_TOKEN_FILE")
    if not named and not TOKEN_FILE.exists() and os.environ.get("JUPYTERHUB_API_TOKEN"):
        return os.environ["JUPYTERHUB_API_TOKEN"]
    path = Path(named or TOKEN_FILE).expanduser()
    try:
        token = path.read_text(encoding="utf-8").strip()
    except OSError:
        raise Refused(f"no token file at {path}: save the token file your instructor gave you there, "
                      "or name it with --token-file FILE") from None
    if not token:
        raise Refused(f"the token file {path} is empty")
    return token


def _request(method: str, url: str, token: str, body: bytes | None = None) -> tuple[int, dict]:
    headers = {"Authorization": f"Bearer {token}", "X-Check-Nonce": secrets.token_urlsafe(24),
               "X-Check-Time": f"{time.time():.3f}"}
    if body is not None:
        headers["Content-Type"] = "application/x-ipynb+json"
    request = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - the course's own URL
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        try:
            data = json.loads(exc.read() or b"{}")
        except ValueError:
            data = {}
        return exc.code, data if isinstance(data, dict) else {}
    except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
        raise NoService(str(exc)) from None


def check(path: Path, token: str, url: str = DEFAULT_URL, assignment: str = "",
          on_wait=None) -> dict:
    """The service's answer for the notebook saved at ``path``; `Refused` or `NoService` otherwise."""
    raw = path.read_bytes()
    query = {"notebook": path.name}
    if assignment:
        query["assignment"] = assignment
    base = url.rstrip("/")
    status, data = _request("POST", f"{base}/check?{urllib.parse.urlencode(query)}", token, raw)
    deadline, asked = time.monotonic() + WAIT, 0
    while status == 202 and "ticket" in data:
        position = int(data.get("position") or 0)
        if on_wait is not None and (asked or position > 1):  # place 1 at once means: graded now
            on_wait(position)
        asked += 1
        if time.monotonic() > deadline:
            raise Refused("the check took too long; try again later")
        ticket = urllib.parse.quote(str(data["ticket"]), safe="")
        status, data = _request("GET", f"{base}/check/{ticket}?wait={POLL}", token)
    if status != 200:
        raise Refused(str(data.get("error") or f"the service answered HTTP {status}"))
    return data


def saved_note(path: Path, ran: list[str] | None = None) -> list[str]:
    """What the student should know about what was checked: when it was saved, and if it looks unsaved.

    ``ran``: the cells this kernel ran, last first (in a notebook). When the cell run just
    before the check is nowhere in the saved file, the file misses a change.
    """
    saved = path.stat().st_mtime
    ago = max(0.0, time.time() - saved)
    when = time.strftime("%H:%M:%S", time.localtime(saved))
    notes = [f"Checked {path.name} as saved on disk at {when} ({_ago(ago)}); "
             "unsaved changes are not checked."]
    checkpoint = path.parent / ".ipynb_checkpoints" / f"{path.stem}-checkpoint{path.suffix}"
    if checkpoint.is_file() and checkpoint.stat().st_mtime > saved + 1:
        notes.append("Warning: Jupyter's checkpoint is newer than the file: save the notebook "
                     "and check again.")
    if ran:
        saved_code = _saved_code(path)
        last = ran[0].strip()
        if last and saved_code is not None and last not in saved_code:
            notes.append("Warning: the cell you ran last is not in the saved file, so the notebook looks "
                         "unsaved: save it (Ctrl-S) and check again.")
    return notes


def _saved_code(path: Path) -> str | None:
    try:
        cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError, AttributeError):
        return None
    sources = [c.get("source", "") for c in cells if isinstance(c, dict) and c.get("cell_type") == "code"]
    return "\n".join("".join(s) if isinstance(s, list) else str(s) for s in sources)


def _ago(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s ago"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min ago"
    return f"{seconds / 3600:.1f} h ago"


def table(answer: dict) -> str:
    """The answer as a table of parts, each part's messages below it."""
    parts = answer.get("parts", {})
    got = sum(p["score"] for p in parts.values())
    out_of = sum(p["max_score"] for p in parts.values())
    width = max([4] + [len(g) for g in parts])
    lines = [f"{answer.get('assignment', '')}: {got:g} / {out_of:g} autograded points "
             f"(answered in {answer.get('seconds', 0):.1f} s)", f"{'part':<{width}}  points   mistakes",
             "-" * (width + 30)]
    for gid, part in parts.items():
        mark = "ok" if part["score"] >= part["max_score"] else ", ".join(part.get("mistakes", [])) or "-"
        lines.append(f"{gid:<{width}}  {part['score']:>3g} / {part['max_score']:<3g} {mark}")
        if part["score"] < part["max_score"]:
            lines += [f"{'':<{width}}    - {m}" for m in part.get("messages", [])]
    for note in answer.get("notes", []):
        lines.append(f"note: {note}")
    if "checks_today" in answer:
        lines.append(f"Check {answer['checks_today']} of {answer.get('daily_budget')} today for this "
                     "assignment; "
                     f"the next one in {answer.get('cooldown_seconds', 0):g} s at the earliest.")
    lines.append("This is a formative check: your grade is that of the notebook you submit.")
    return "\n".join(lines)


def _wait_line(position: int) -> None:
    if position:
        print(f"waiting: number {position} in the queue", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m nnfin.check", description=__doc__.split("\n")[0])
    parser.add_argument("notebook", type=Path)
    parser.add_argument("--token-file", default=None,
                        help=f"default: $NNFIN_CHECK_TOKEN_FILE or {TOKEN_FILE}")
    parser.add_argument("--url", default=os.environ.get("NNFIN_CHECK_URL", DEFAULT_URL))
    parser.add_argument("--assignment", default="", help="default: found from the notebook's name")
    parser.add_argument("--json", action="store_true", help="print the answer as JSON")
    args = parser.parse_args(argv)
    if not args.notebook.is_file():
        print(f"no notebook at {args.notebook}", file=sys.stderr)
        return 2
    try:
        token = token_of(args.token_file)
        answer = check(args.notebook, token, args.url, args.assignment, on_wait=_wait_line)
    except Refused as exc:
        print(f"not checked: {exc}", file=sys.stderr)
        return 2
    except NoService:
        print(START_HINT.format(url=args.url), file=sys.stderr)
        return 1
    for note in saved_note(args.notebook):
        print(note, file=sys.stderr)
    if args.json:
        keep = ("assignment", "parts", "seconds", "notes")
        print(json.dumps({k: answer[k] for k in keep if k in answer}, indent=1))
    else:
        print(table(answer))
    return 0


def _this_notebook() -> Path | None:
    """The notebook this kernel belongs to: Jupyter's session name, else the one notebook here."""
    named = os.environ.get("JPY_SESSION_NAME", "")
    if named.endswith(".ipynb") and Path(named).is_file():
        return Path(named)
    here = sorted(Path.cwd().glob("*.ipynb"))
    return here[0] if len(here) == 1 else None


def _kernel_inputs() -> list[str]:
    """The cells this kernel ran before the current one, last first (empty outside IPython)."""
    try:
        shell = get_ipython()  # type: ignore[name-defined]  # noqa: F821
    except NameError:
        return []
    ran = list(shell.user_ns.get("In", []))[1:-1]
    return [s for s in reversed(ran) if "check_my_work" not in s]


def _wait_cell(position: int) -> None:
    if position:
        print(f"waiting: number {position} in the queue", flush=True)


def check_my_work(notebook: str | os.PathLike | None = None, token_file: str | None = None,
                  url: str | None = None) -> dict | None:
    """Check this notebook, as saved, and print the table of parts; never raises (returns the answer)."""
    path = Path(notebook) if notebook else _this_notebook()
    url = url or os.environ.get("NNFIN_CHECK_URL", DEFAULT_URL)
    if path is None or not path.is_file():
        print("check_my_work: name the notebook to check, e.g. check_my_work('losses.ipynb')")
        return None
    try:
        answer = check(path, token_of(token_file), url, on_wait=_wait_cell)
    except Refused as exc:
        print(f"Not checked: {exc}")
        return None
    except NoService:
        print(START_HINT.format(url=url))
        return None
    except OSError as exc:
        print(f"Not checked: {exc}")
        return None
    print("\n".join(saved_note(path, _kernel_inputs())))
    print(table(answer))
    return answer


if __name__ == "__main__":
    raise SystemExit(main())
