"""Student content is made inert (nnfin.grading.adapter.sanitize), and legitimate content survives.

Every hostile payload below tries to run script in the instructor's browser; each test asserts
that the payload is gone AND that the legitimate content next to it (a table, a PNG plot,
plain text, Markdown with math and `<` in code spans) is still there.
"""

from __future__ import annotations

import copy
import re
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from nbconvert.exporters import HTMLExporter
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output, new_raw_cell
from traitlets.config import Config

from nnfin.grading.adapter.config import configure_rendering
from nnfin.grading.adapter.sanitize import (
    SanitizeOutputs,
    clean_html,
    sanitize_html,
    sanitize_markdown,
    sanitize_notebook,
)
from tests.pngs import tiny_png

REPO = Path(__file__).resolve().parents[2]
MARK = "PWNED"  # every payload carries it; none may survive
TABLE = ('<table border="1" class="dataframe"><thead><tr style="text-align: right;"><th></th>'
         "<th>sharpe</th></tr></thead><tbody><tr><th>0</th><td>1.25</td></tr></tbody></table>")


PNG = tiny_png()

HOSTILE_HTML = {
    "script": f"<script>window.__pwned = true; document.title = '{MARK}'</script>",
    "img onerror": f"<img src=x onerror=\"document.title='{MARK}'\">",
    "svg onload": f"<svg onload=\"alert('{MARK}')\"><circle r=1 /></svg>",
    "svg script": f"<svg><script>alert('{MARK}')</script></svg>",
    "javascript link": f"<a href=\"javascript:alert('{MARK}')\">click</a>",
    "obfuscated link": f"<a href=\"jav&#x09;ascript:alert('{MARK}')\">click</a>",
    "vbscript link": f"<a href=\"vbscript:msgbox('{MARK}')\">click</a>",
    "data html link": f"<a href=\"data:text/html,<script>alert('{MARK}')</script>\">click</a>",
    "iframe": f"<iframe src=\"javascript:alert('{MARK}')\"></iframe>",
    "iframe srcdoc": f"<iframe srcdoc=\"<script>alert('{MARK}')</script>\"></iframe>",
    "frameset": f"<frameset><frame src=\"javascript:alert('{MARK}')\"></frameset>",
    "object": f"<object data=\"data:text/html,<script>alert('{MARK}')</script>\"></object>",
    "embed": f"<embed src=\"javascript:alert('{MARK}')\">",
    "form": f"<form action=\"javascript:alert('{MARK}')\"><input name=x><button>go</button></form>",
    "style expression": f"<div style=\"width: expression(alert('{MARK}'))\">w</div>",
    "style sheet": f"<style>body {{ background: url(\"javascript:alert('{MARK}')\") }}</style>",
    "meta refresh": f"<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert('{MARK}')\">",
    "base": f"<base href=\"javascript:alert('{MARK}')//\">",
    "details ontoggle": f"<details open ontoggle=\"alert('{MARK}')\"><summary>s</summary></details>",
    "body onload": f"<body onload=\"alert('{MARK}')\">",
    "math href": f"<math><mtext href=\"javascript:alert('{MARK}')\">m</mtext></math>",
    "template": f"<template><script>alert('{MARK}')</script></template>",
    "noscript mxss": f"<noscript><p title=\"</noscript><img src=x onerror=alert('{MARK}')>\"></noscript>",
    "formgrader class": "<span class=\"score\">10</span>",
}


def _hostile_notebook() -> nbformat.NotebookNode:
    nb = new_notebook()
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {MARK: {}}}}
    outputs = [
        new_output("display_data", data={"text/html": TABLE + HOSTILE_HTML["script"],
                                          "text/plain": "<table>"}),
        new_output("display_data", data={"image/png": PNG, "text/plain": "<Figure>"},
                   metadata={"image/png": {"width": 300}}),
        new_output("display_data", data={"application/javascript": f"window.__pwned='{MARK}'",
                                          "text/plain": "<IPython.core.display.Javascript object>"}),
        new_output("display_data", data={"text/javascript": f"alert('{MARK}')"}),
        new_output("display_data", data={"application/vnd.jupyter.widget-view+json":
                                         {"model_id": MARK}, "text/plain": "widget"}),
        new_output("display_data", data={"image/svg+xml": f"<svg onload=\"alert('{MARK}')\"/>"}),
        new_output("display_data", data={"text/html": HOSTILE_HTML["iframe"]},
                   metadata={"text/html": {"isolated": True}}),
        new_output("execute_result", data={"text/plain": "0.75",
                                           "text/markdown": f"**bold** <img src=x onerror={MARK}>"},
                   execution_count=3),
        new_output("stream", name="stdout", text="plain text stays\n"),
    ]
    code = new_code_cell("show()", outputs=outputs, execution_count=3)
    code.metadata["nbgrader"] = {"grade": True, "grade_id": "test_sharpe", "locked": True,
                                 "points": 1, "schema_version": 3, "solution": False}
    answer = new_markdown_cell(
        "The Sharpe ratio is $S = \\mu / \\sigma$ and `a < b` holds.\n\n"
        f"<script>window.__pwned = true</script>\n\n<img src=x onerror=\"document.title='{MARK}'\">\n\n"
        f"[click](javascript:alert('{MARK}'))")
    answer.metadata["nbgrader"] = {"grade": True, "grade_id": "written", "locked": False,
                                   "points": 2, "schema_version": 3, "solution": True}
    answer["attachments"] = {"plot.png": {"image/png": PNG},
                             "evil.html": {"text/html": f"<script>{MARK}</script>"}}
    raw = new_raw_cell(f"<b>raw</b><script>{MARK}</script>", metadata={"raw_mimetype": "text/html"})
    nb.cells = [code, answer, raw]
    return nb


# --- sanitize_html ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(HOSTILE_HTML))
def test_html_payload_removed_and_table_kept(name):
    cleaned = sanitize_html(f"<p>Result:</p>{TABLE}{HOSTILE_HTML[name]}<p>after</p>")
    assert MARK not in cleaned
    lowered = cleaned.lower()
    for danger in ("<script", "javascript:", "vbscript:", "onerror", "onload", "ontoggle", "<iframe",
                   "<frame", "<object", "<embed", "<form", "<input", "<style", "<meta", "<base",
                   "<svg", "<math", "expression(", "data:text/html", "srcdoc", 'class="score'):
        assert danger not in lowered, (name, danger, cleaned)
    assert "<table" in cleaned and "<thead>" in cleaned and "<td>1.25</td>" in cleaned
    assert "<p>Result:</p>" in cleaned and "<p>after</p>" in cleaned


def test_html_keeps_text_headings_lists_code_images_and_links():
    html = ("<h2>Back-test</h2><ul><li>one</li><li><b>two</b></li></ul><ol start=\"3\"><li>x</li></ol>"
            "<pre><code>if a &lt; b: pass</code></pre>"
            f"<img src=\"data:image/png;base64,{PNG}\" alt=\"plot\" width=\"200\">"
            "<img src=\"data:image/jpeg;base64,/9j/4AAQ\">"
            "<img src=\"figures/loss.png\">"
            "<a href=\"https://example.org/paper\">paper</a> <a href=\"mailto:ta@example.org\">ta</a> "
            "<a href=\"notes/week3.html\">notes</a> <a href=\"#sec\">top</a>"
            "<span style=\"color: red; font-weight: bold\">loss</span>")
    cleaned = sanitize_html(html)
    for kept in ("<h2>Back-test</h2>", "<li><b>two</b></li>", '<ol start="3">',
                 "<pre><code>if a &lt; b: pass</code></pre>", f'src="data:image/png;base64,{PNG}"',
                 'src="data:image/jpeg;base64,/9j/4AAQ"', 'src="figures/loss.png"', 'alt="plot"',
                 'href="https://example.org/paper"', 'href="mailto:ta@example.org"',
                 'href="notes/week3.html"', 'href="#sec"', "color:red", "font-weight:bold"):
        assert kept in cleaned, kept


def test_data_urls_only_as_raster_image_sources():
    cleaned = sanitize_html('<img src="data:image/svg+xml;base64,PHN2Zz4="><img src="data:text/html,x">'
                            f'<a href="data:image/png;base64,{PNG}">png link</a>')
    assert "data:" not in cleaned
    assert "png link" in cleaned


def test_clean_html_filter_accepts_bytes():
    assert clean_html(f"<b>x</b><script>{MARK}</script>".encode()) == "<b>x</b>"


# --- sanitize_markdown -------------------------------------------------------------------------

ORDINARY_MARKDOWN = [
    "If $a < b$ then $$\\frac{1}{n}\\sum_i (y_i - \\hat y_i)^2 < \\epsilon$$",
    "Use `x < y` and `<script>` in code spans, and **bold** or _italic_ text.",
    "a < b and b > c; in a code span `a<b>` is text.",
    "- item 1\n- item 2\n  1. nested\n\n> quoted text\n",
    "| model | MSE |\n|---|---|\n| linear | 0.12 |\n| net | 0.09 |\n",
    "```python\nif x < 3 and y > 2:\n    print('<b>')\n```",
    "\\begin{equation} L = \\sum_i |y_i - \\hat y_i| \\end{equation}",
    "See [the docs](https://numpy.org/doc/) or [notes](notes.md#grad) or <https://example.org>.",
    "![plot](attachment:plot.png) and ![local](figures/loss.png)",
    "Inequality chain: 0 <= p <= 1 and x<-1 and 3 << 4",
]


@pytest.mark.parametrize("text", ORDINARY_MARKDOWN)
def test_ordinary_markdown_unchanged(text):
    assert sanitize_markdown(text, ["plot.png"]) == (text, [])


def test_course_markdown_and_notebooks_unchanged():
    notebooks = sorted((REPO / "source").glob("*/*.ipynb"))
    assert notebooks
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        before = copy.deepcopy(nb)
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                assert sanitize_markdown(cell.source) == (cell.source, []), (path.name, cell.source)
        assert sanitize_notebook(nb) == []
        assert nb == before, path.name


MARKDOWN_PAYLOADS = {
    "inline script": f"Answer: $x^2$ <script>window.__pwned = '{MARK}'</script> done",
    "block script": f"<script>\ndocument.title = '{MARK}'\n</script>\n\nAnswer: `a < b`",
    "unclosed script": f"Answer `a<b`\n\n<script>\nalert('{MARK}')\n\nmore",
    "img onerror": f"Answer `a<b`\n\n<img src=x onerror=\"document.title='{MARK}'\">",
    "inline img": f"Answer `a<b` <img src=x onerror=\"alert('{MARK}')\"> done",
    "html block hides code span": f"<div>\n`<img src=x onerror=alert('{MARK}')>`\n</div>\n\nAnswer `a<b`",
    "blockquote script": f"Answer `a<b`\n\n> <script>\n> alert('{MARK}')\n> </script>",
    "table cell": f"Answer `a<b`\n\n| a | b |\n|---|---|\n| <img src=x onerror=\"alert('{MARK}')\"> | 2 |",
    "md link": f"Answer `a<b` [click](javascript:alert('{MARK}'))",
    "entity link": f"Answer `a<b` [click](jav&#97;script:alert('{MARK}'))",
    "autolink": f"Answer `a<b` <javascript:alert('{MARK}')>",
    "reference link": f"Answer `a<b` [click][r]\n\n[r]: vbscript:alert('{MARK}')",
    "data html image": f"Answer `a<b` ![x](data:text/html,<script>alert('{MARK}')</script>)",
    "mermaid": f"Answer `a<b`\n\n```mermaid\ngraph TD; A[\"<img src=x onerror=alert('{MARK}')>\"]\n```",
    "iframe": f"Answer `a<b`\n\n<iframe src=\"javascript:alert('{MARK}')\"></iframe>",
    "svg": f"Answer `a<b`\n\n<svg><script>alert('{MARK}')</script></svg>",
    "style": f"Answer `a<b`\n\n<style>*{{background:url('javascript:alert(\"{MARK}\")')}}</style>",
    "a href": f"Answer `a<b` <a href=\"javascript:alert('{MARK}')\">click</a>",
    # a browser ends a comment at "<!-->", so the img is live there (Python's parser disagrees)
    "comment": f"Answer `a<b` <!--> <img src=x onerror=\"alert('{MARK}')\"> -->",
}


def _rendered(markdown: str) -> str:
    """The Markdown as nbgrader's feedback renders it (nbconvert's markdown2html)."""
    return MarkdownWithMath(renderer=IPythonRenderer(escape=False)).render(markdown)


class _Dangers(HTMLParser):
    """Markup that runs script or loads a document, as parsed from rendered HTML."""

    TAGS = {"script", "iframe", "frame", "frameset", "object", "embed", "svg", "math", "style",
            "form", "input", "meta", "base", "link", "template"}

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.TAGS:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            url = re.sub(r"[\x00-\x20]", "", value or "").lower()
            if name.startswith("on"):
                self.found.append(f"{tag} {name}")
            elif name in ("href", "src", "action", "formaction", "data", "srcdoc"):
                if url.startswith(("javascript:", "vbscript:")) or name == "srcdoc" or (
                        url.startswith("data:") and not re.match(r"data:image/(png|jpeg);", url)):
                    self.found.append(f"{tag} {name}={value}")


def _dangers(html: str) -> list[str]:
    parser = _Dangers()
    parser.feed(html)
    parser.close()
    return parser.found


@pytest.mark.parametrize("name", sorted(MARKDOWN_PAYLOADS))
def test_markdown_payload_removed_legit_kept(name):
    text = MARKDOWN_PAYLOADS[name]
    assert _dangers(_rendered(text)) or name == "comment", f"{name} is not a payload"
    cleaned, what = sanitize_markdown(text)
    assert what, name
    html = _rendered(cleaned)
    assert _dangers(html) == [], (name, cleaned)
    assert "Answer" in html
    if "shown as plain text" in what:  # the answer verbatim, as escaped code
        assert cleaned.endswith(f"```text\n{text}\n```\n")
    else:
        if "`a<b`" in text:
            assert "<code>a&lt;b</code>" in html
        if name != "mermaid":  # a mermaid block is kept, as plain code text
            assert MARK not in cleaned, (name, cleaned)


def test_tex_href_to_javascript_is_removed_where_mathjax_would_render_it():
    text = f"Click $\\href{{javascript:alert('{MARK}')}}{{here}}$ or $\\href{{https://ok.org}}{{ok}}$"
    cleaned, what = sanitize_markdown(text)
    assert MARK not in cleaned and "\\href{https://ok.org}{ok}" in cleaned
    assert what == ["a TeX \\href to an unsafe URL"]
    assert MARK not in sanitize_html(f"<p>$\\href{{javascript&#58;alert('{MARK}')}}{{x}}$</p>")
    nb = new_notebook()
    nb.cells = [new_code_cell("x", outputs=[new_output("display_data", data={
        "text/latex": f"$\\url{{javascript:alert('{MARK}')}}$ and $x^2$", "text/plain": "x"})])]
    assert "LaTeX output" in sanitize_notebook(nb)[0]
    assert nb.cells[0].outputs[0].data["text/latex"].endswith("and $x^2$") and MARK not in nbformat.writes(nb)


def test_markdown_keeps_math_text_and_safe_html_around_a_payload():
    text = ("## Answer\n\nThe loss is $L = (y - \\hat y)^2$ with `a < b`.\n\n"
            f"<b>bold</b> and <sub>2</sub> <img src=x onerror=\"alert('{MARK}')\">\n\n- one\n- two\n")
    cleaned, what = sanitize_markdown(text)
    assert MARK not in cleaned and "onerror" not in cleaned
    assert cleaned.startswith("## Answer\n\nThe loss is $L = (y - \\hat y)^2$ with `a < b`.\n\n")
    assert "<b>bold</b> and <sub>2</sub>" in cleaned and cleaned.endswith("- one\n- two\n")
    assert what == ["an event-handler attribute"]


# --- sanitize_notebook and the preprocessor ----------------------------------------------------

def test_sanitize_notebook_removes_payloads_keeps_grading_content():
    nb = _hostile_notebook()
    removed = sanitize_notebook(nb)
    nbformat.validate(nb)
    assert MARK not in nbformat.writes(nb)
    code, answer, raw = nb.cells
    datas = [o.get("data", {}) for o in code.outputs]
    assert all("text/plain" in d for o, d in zip(code.outputs, datas, strict=True)
               if o.output_type != "stream")
    assert TABLE.replace(' style="text-align: right;"', ' style="text-align:right"') in datas[0]["text/html"]
    assert datas[1]["image/png"] == PNG and code.outputs[1].metadata == {"image/png": {"width": 300}}
    assert "application/javascript" not in datas[2] and "text/javascript" not in datas[3]
    assert "application/vnd.jupyter.widget-view+json" not in datas[4]
    assert "image/svg+xml" not in datas[5] and "SVG" in datas[5]["text/plain"]
    assert code.outputs[6].metadata == {}  # no "isolated" iframe
    assert datas[7]["text/plain"] == "0.75" and datas[7]["text/markdown"].startswith("**bold**")
    assert code.outputs[8].text == "plain text stays\n"
    assert answer.source.startswith("The Sharpe ratio is $S = \\mu / \\sigma$ and `a < b` holds.")
    assert list(answer.attachments) == ["plot.png"]
    assert raw.source == "<b>raw</b>"
    assert "widgets" not in nb.metadata
    text = "\n".join(removed)
    for expected in ("cell 1 (test_sharpe): removed a script from an HTML output",
                     "removed an application/javascript output", "removed a text/javascript output",
                     "SVG image", "cell 2 (written): removed", "attachment 'evil.html'",
                     "notebook: removed 'widgets' metadata", "cell 3: removed a script from a raw cell"):
        assert expected in text, expected


def test_sanitize_notebook_is_idempotent():
    nb = _hostile_notebook()
    sanitize_notebook(nb)
    once = copy.deepcopy(nb)
    assert sanitize_notebook(nb) == []
    assert nb == once


def test_preprocessor_records_what_it_removed():
    nb, resources = SanitizeOutputs().preprocess(_hostile_notebook(), {})
    assert MARK not in nbformat.writes(nb)
    removed = resources["nnfin"]["sanitized"]
    assert removed and all(isinstance(line, str) for line in removed)


# --- render time ------------------------------------------------------------------------------

def test_configure_rendering_sets_nbconvert_traits():
    assert "sanitize_html" in HTMLExporter.class_trait_names()
    c = Config()
    c.HTMLExporter.filters = {"mine": "builtins.str"}
    configure_rendering(c)
    configure_rendering(c)  # twice: still one preprocessor
    assert c.HTMLExporter.sanitize_html is True
    assert c.HTMLExporter.filters == {"mine": "builtins.str",
                                      "clean_html": "nnfin.grading.adapter.sanitize.clean_html",
                                      "offline_mathjax": "nnfin.grading.adapter.mathjax.script"}
    # sanitised first, then the course's render steps (no bare scores, part names, mark schemes)
    assert c.HTMLExporter.preprocessors == ["nnfin.grading.adapter.sanitize.SanitizeOutputs",
                                            *(f"nnfin.grading.adapter.pages.{step}" for step in
                                              ("HideScoreOutputs", "PartSummary", "MarkSchemes"))]
    assert len(c.HTMLExporter.extra_template_basedirs) == 2  # nbgrader's templates, then the course's


@pytest.mark.filterwarnings("ignore:Your element with mimetype")  # the unsanitised control render
@pytest.mark.parametrize("template", ["feedback", "formgrade"])
def test_nbgrader_templates_render_an_unsanitised_notebook_inert(template):
    """A notebook autograded without SanitizeOutputs is still rendered inert by the exporter."""
    import nbgrader.server_extensions.formgrader as formgrader

    c = Config()
    configure_rendering(c)
    c.HTMLExporter.template_name = template
    here = Path(formgrader.__file__).parent
    c.HTMLExporter.extra_template_basedirs = [str(here / "templates")]
    c.HTMLExporter.extra_template_paths = [str(here / "static/node_modules/bootstrap/dist/css")]
    resources = {"nbgrader": {"notebook": "ps1", "score": 1, "max_score": 3, "late_penalty": 0},
                 "base_url": "", "notebook_id": "ps1", "index": 0, "total": 1}
    nb = _hostile_notebook()
    for cell in nb.cells:  # what nbgrader's GetGrades adds before the feedback is rendered
        if "nbgrader" in cell.metadata:
            cell.metadata.nbgrader["score"] = 1
    plain = copy.deepcopy(c)
    for name in ("sanitize_html", "filters", "preprocessors"):
        del plain.HTMLExporter[name]
    unsafe, _ = HTMLExporter(config=plain).from_notebook_node(copy.deepcopy(nb), copy.deepcopy(resources))
    assert "<script>window.__pwned" in unsafe  # control: without configure_rendering, script gets through
    html, resources = HTMLExporter(config=c).from_notebook_node(nb, resources)
    assert MARK not in html
    assert "__pwned" not in html and "onerror" not in html.lower()
    assert "<td>1.25</td>" in html and f"data:image/png;base64,{PNG}" in html
    assert "plain text stays" in html and "The Sharpe ratio is" in html
    assert resources["nnfin"]["sanitized"]
