"""Maths that renders offline: the pinned MathJax from node_modules/, inlined into the page.

Feedback pages travel alone (nbgrader's release_feedback copies one HTML file into the
exchange) and are read where there may be no internet (exam rooms, clusters); the formgrader
runs on the instructor's machine. nbconvert and nbgrader load MathJax 2 from a CDN. Here the
``mathjax`` macro of every page (templates/base/mathjax.html.j2) inlines MathJax 3's
``tex-svg-full.js`` instead: every TeX extension and the SVG fonts are in that one file, so the
page asks the network for nothing. ``make setup`` installs it with ``npm ci`` from
package-lock.json (mathjax 3.2.2, integrity-pinned).

TeX in a student's answer is the student's: the extensions that could make links, styles or
network requests (html: \\href, \\class, \\style; bbox: CSS; require) are left out, and the
context menu is off.
"""

from __future__ import annotations

import functools
import json
import re

from nnfin.coursedir import REPO

SCRIPT = REPO / "node_modules" / "mathjax" / "es5" / "tex-svg-full.js"
VERSION = "3.2.2"  # package.json pins the same
CONFIG = {
    "tex": {
        "inlineMath": [["$", "$"], ["\\(", "\\)"]],
        "displayMath": [["$$", "$$"], ["\\[", "\\]"]],
        "processEscapes": True,
        "processEnvironments": True,
        "tags": "ams",
        "packages": {"[-]": ["html", "bbox", "require", "autoload"]},
    },
    "svg": {"fontCache": "global"},
    "options": {"enableMenu": False},
    "startup": {"typeset": True},
}


class MathJaxMissing(RuntimeError):
    """node_modules/ has no MathJax: `make setup` installs it (npm ci)."""


def require() -> None:
    """Raise `MathJaxMissing` (saying what to run) unless the pinned MathJax is installed."""
    if not SCRIPT.is_file():
        raise MathJaxMissing(f"MathJax {VERSION} is not installed ({SCRIPT} is missing): run `make setup`, "
                             "which installs it with npm from package-lock.json")


@functools.lru_cache(maxsize=1)
def _source() -> str:
    require()
    text = SCRIPT.read_text(encoding="utf-8")
    # "<!--" once, in a regular expression; inside <script> it is harmless unless "<script" follows
    if re.search(r"</script|<script", text, re.IGNORECASE):
        raise MathJaxMissing(f"{SCRIPT} contains a script tag and cannot be inlined")
    return text


# nbgrader's formgrader (formgrade.js) waits for MathJax 2's startup signal before it focuses the
# grader's last field; MathJax 3 has no Hub, so the signal is given when its startup has typeset
HUB = """if (window.MathJax && MathJax.startup && !MathJax.Hub) {
  MathJax.Hub = {
    Startup: {signal: {Interest: function (listener) {
      MathJax.startup.promise.then(function () { listener("End"); });
    }}},
    Queue: function () {
      return MathJax.startup.promise.then(function () { return MathJax.typesetPromise(); });
    }
  };
}"""


def script(_unused: object = "") -> str:
    """<script> elements: the configuration, MathJax itself, MathJax 2's startup signal (a Jinja filter)."""
    config = json.dumps(CONFIG).replace("<", "\\u003c")
    return (f"<script>window.MathJax = {config};</script>\n<script>{_source()}</script>\n"
            f"<script>{HUB}</script>")
