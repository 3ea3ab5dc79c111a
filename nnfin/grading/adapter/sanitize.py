"""Make what a student put in a notebook inert before an instructor's browser renders it.

A submission's outputs and written answers reach the autograded notebook, the feedback
HTML and the formgrader page, which the instructor opens with the rights of their Jupyter
server. Script in any of them (an HTML output, a Javascript output, raw HTML in a Markdown
answer, a ``javascript:`` link) would run as the instructor. Two layers stop it:

* `SanitizeOutputs` (an autograde preprocessor) cleans the notebook once, when it is graded:
  outputs keep an allow-list of mime types, HTML is cleaned by nh3, the raw HTML and unsafe
  links of Markdown are cleaned in place, widget state and non-image attachments go.
* ``configure_rendering`` (adapter/config.py) cleans again when HTML is rendered (feedback
  and formgrader), so a notebook autograded before this module existed, or edited since, is
  inert too.

HTML is cleaned by nh3 (the Python binding of the Rust crate ammonia, a whitelist sanitiser
on html5ever, a spec-compliant HTML5 parser): it is maintained, fast, and has no
configuration that lets unknown markup through. bleach (installed for nbconvert) was
deprecated by its maintainers in 2023 and only gets security fixes, so it is not used here.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from html import unescape
from typing import Any
from urllib.parse import unquote

import nh3
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath
from nbformat import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import List, Unicode

__all__ = ["SanitizeOutputs", "clean_html", "sanitize_html",
           "sanitize_markdown", "sanitize_notebook"]

# ---------------------------------------------------------------------------------------------
# HTML policy
# ---------------------------------------------------------------------------------------------

#: Markup a notebook legitimately shows: text, headings, lists, tables, code, images, links.
ALLOWED_TAGS = frozenset({
    "a", "abbr", "b", "bdi", "bdo", "blockquote", "br", "caption", "center", "cite", "code",
    "col", "colgroup", "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption",
    "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark",
    "ol", "p", "pre", "q", "rp", "rt", "ruby", "s", "samp", "small", "span", "strike", "strong",
    "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "tt",
    "u", "ul", "var", "wbr",
})

#: Elements dropped together with everything inside them: their content is script, style,
#: another document, or foreign markup (SVG, MathML) with its own ways to run script.
DROPPED_WITH_CONTENT = frozenset({
    "applet", "frame", "frameset", "iframe", "math", "noembed", "noframes", "noscript",
    "object", "script", "select", "style", "svg", "template", "textarea", "title", "xmp",
})

_ATTRIBUTES: dict[str, set[str]] = {
    "*": {"class", "title", "lang", "dir", "align", "style"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "table": {"border", "cellpadding", "cellspacing", "width"},
    "td": {"colspan", "rowspan", "valign", "width"},
    "th": {"colspan", "rowspan", "valign", "width", "scope"},
    "col": {"span", "width"},
    "colgroup": {"span", "width"},
    "ol": {"start", "type", "reversed"},
    "li": {"value"},
    "details": {"open"},
    "time": {"datetime"},
}

#: CSS properties kept in style attributes (pandas Styler, coloured table cells); none of them
#: takes a URL, and `_attribute_filter` also drops any value with url(), expression() or escapes.
_STYLE_PROPERTIES = frozenset({
    "background-color", "border", "border-bottom", "border-collapse", "border-color",
    "border-left", "border-right", "border-spacing", "border-style", "border-top", "border-width",
    "color", "font-family", "font-size", "font-style", "font-weight", "height", "line-height",
    "margin", "margin-bottom", "margin-left", "margin-right", "margin-top", "max-width",
    "min-width", "padding", "padding-bottom", "padding-left", "padding-right", "padding-top",
    "text-align", "text-decoration", "vertical-align", "white-space", "width",
})
_BAD_STYLE = re.compile(r"url\s*\(|expression|javascript|vbscript|@import|behavior|binding|\\",
                        re.IGNORECASE)

#: Class names the formgrader's own JavaScript looks up: a student's element with one of them
#: could be picked up as the score or comment field of a cell, so they are removed.
_RESERVED_CLASSES = frozenset({
    "comment", "comment-saved", "extra-credit", "full-credit", "help", "mark-graded",
    "nbgrader_cell", "no-credit", "save-icon", "score", "score-saved", "scoring-buttons",
    "tabbable",
})

_URL_ATTRIBUTES = frozenset({"href", "src", "cite", "action", "formaction", "background",
                             "poster", "xlink:href", "data", "codebase", "longdesc", "usemap"})
_IMAGE_DATA_URL = re.compile(r"data:image/(?:png|jpeg|jpg|gif|webp)(?:;[a-z0-9=._-]+)*(?:;base64)?,",
                             re.IGNORECASE)
_URL_NOISE = re.compile(r"[\x00-\x20\x7f]+")


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    """Rules nh3's options cannot say: data: URLs only as image sources, safe CSS, own classes."""
    name = attribute.lower()
    if name in _URL_ATTRIBUTES:
        compact = _URL_NOISE.sub("", value).lower()
        if compact.startswith("data:"):
            ok = tag == "img" and name == "src" and _IMAGE_DATA_URL.match(compact)
            return value if ok else None
    if name == "style" and _BAD_STYLE.search(value):
        return None
    if name == "class":
        kept = [c for c in value.split() if c not in _RESERVED_CLASSES]
        return " ".join(kept) or None
    return value


_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags=set(DROPPED_WITH_CONTENT),
    attributes=_ATTRIBUTES,
    attribute_filter=_attribute_filter,
    url_schemes={"http", "https", "mailto", "data"},  # data: narrowed by _attribute_filter
    filter_style_properties=set(_STYLE_PROPERTIES),
    strip_comments=True,
    link_rel="noopener noreferrer",
)


_TEX_LINK = re.compile(r"(\\(?:href|url)\s*\{)([^{}]*)(\})")


def _clean_tex_links(text: str) -> tuple[str, list[str]]:
    """MathJax renders ``\\href{url}{text}`` in math as a live link: keep only safe URLs."""
    labels: list[str] = []

    def fix(match: re.Match[str]) -> str:
        if _url_is_safe(match.group(2), image=False, attachments=()):
            return match.group(0)
        labels.append("a TeX \\href to an unsafe URL")
        return match.group(1) + _REMOVED_LINK + match.group(3)

    return _TEX_LINK.sub(fix, text), labels


def sanitize_html(text: str) -> str:
    """Return `text` with only inert markup: an HTML output or a raw cell may hold a student's script.

    Keeps text, headings, lists, tables, code, images (http(s), relative and raster
    ``data:image/...`` sources) and links (http, https, mailto, relative); drops script,
    style sheets, event handlers, ``javascript:``/``vbscript:``/``data:text/html`` URLs,
    frames, objects, embeds, forms, SVG, ``<meta>`` and ``<base>``; and TeX ``\\href`` links
    to unsafe URLs, which MathJax would turn into live links in the text.
    """
    return _clean_tex_links(_CLEANER.clean(text))[0]


def clean_html(element: str | bytes) -> str:
    """nbconvert's ``clean_html`` Jinja filter, on nh3 and this module's policy.

    nbconvert's own filter (bleach with a short tag list) escapes tables and images into
    visible ``&lt;thead&gt;`` text; this one keeps them and drops the same dangers.
    """
    text = element.decode("utf-8", "replace") if isinstance(element, bytes) else str(element)
    return sanitize_html(text)


# ---------------------------------------------------------------------------------------------
# What was removed, in words an instructor reads
# ---------------------------------------------------------------------------------------------

_FEATURES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("a script", re.compile(r"<script", re.I)),
    ("an event-handler attribute", re.compile(r"<[^<>]*[\s/\"']on[a-z]+\s*=", re.I)),  # [^<>]: linear
    ("a javascript: URL", re.compile(r"j\s*a\s*v\s*a\s*s\s*c\s*r\s*i\s*p\s*t\s*(?::|&#)", re.I)),
    ("a vbscript: URL", re.compile(r"vbscript\s*(?::|&#)", re.I)),
    ("a data:text/html URL", re.compile(r"data:\s*text/html", re.I)),
    ("a frame", re.compile(r"<i?frame", re.I)),
    ("an embedded object", re.compile(r"<(?:object|embed|applet)\b", re.I)),
    ("a form", re.compile(r"<(?:form|input|button|select|textarea)\b", re.I)),
    ("a style sheet", re.compile(r"<style\b", re.I)),
    ("inline SVG or MathML", re.compile(r"<(?:svg|math)\b", re.I)),
    ("a <meta>, <base> or <link> tag", re.compile(r"<(?:meta|base|link)\b", re.I)),
)
_TAG_NAME = re.compile(r"<([A-Za-z][A-Za-z0-9:-]*)")
_NAMED_ELSEWHERE = frozenset({  # reported by a label above, or content of svg/math
    "base", "button", "embed", "form", "frame", "input", "link", "meta",
    "circle", "defs", "ellipse", "g", "line", "path", "polygon", "polyline", "rect", "text", "use",
    "mi", "mn", "mo", "mrow", "msub", "msup", "mtext"})


def _describe(original: str, cleaned: str) -> list[str]:
    """Name the dangerous things `original` had that `cleaned` no longer has."""
    original, cleaned = unescape(original), unescape(cleaned)
    found = [label for label, pattern in _FEATURES
             if pattern.search(original) and not pattern.search(cleaned)]
    known = ALLOWED_TAGS | DROPPED_WITH_CONTENT | _NAMED_ELSEWHERE
    others = sorted({m.lower() for m in _TAG_NAME.findall(original)} - known)
    if others:
        found.append("other markup (<" + ">, <".join(others[:4]) + ">)")
    return found


def _joined(things: list[str]) -> str:
    return things[0] if len(things) == 1 else ", ".join(things[:-1]) + " and " + things[-1]


def _a(word: str) -> str:
    return ("an " if word[:1].lower() in "aeio" else "a ") + word


def _text(value: Any) -> str:
    """nbformat allows multi-line strings as lists of lines."""
    return "".join(value) if isinstance(value, list) else str(value)


# ---------------------------------------------------------------------------------------------
# Markdown: leave the text alone, clean its raw HTML and unsafe links
# ---------------------------------------------------------------------------------------------

_SAFE_LINK_SCHEMES = frozenset({"http", "https", "mailto"})
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_VOID_TAGS = frozenset({"br", "col", "hr", "img", "wbr"})
_TABLE_CONTEXT = {
    "td": ("<table><tbody><tr>", "</tr></tbody></table>"),
    "th": ("<table><tbody><tr>", "</tr></tbody></table>"),
    "tr": ("<table><tbody>", "</tbody></table>"),
    "tbody": ("<table>", "</table>"), "thead": ("<table>", "</table>"),
    "tfoot": ("<table>", "</table>"), "caption": ("<table>", "</table>"),
    "colgroup": ("<table>", "</table>"), "col": ("<table><colgroup>", "</colgroup></table>"),
}
_OPEN_TAG = re.compile(r"<([A-Za-z][A-Za-z0-9-]*)")
_CLOSE_TAG = re.compile(r"</\s*([A-Za-z][A-Za-z0-9-]*)\s*>\Z")
_FENCE_INFO_MERMAID = re.compile(r"(?m)^([ \t>*+\-0-9.)]*)(`{3,}|~{3,})[ \t]*mermaid")
_REMOVED_LINK = "#removed-unsafe-link"
_AS_TEXT = "shown as plain text"


def _url_is_safe(url: str, image: bool, attachments: Iterable[str]) -> bool:
    """Whether a Markdown link or image target may be rendered as it is."""
    compact = _URL_NOISE.sub("", url)
    if image and compact.lower().startswith("attachment:"):
        return compact[len("attachment:"):] in set(attachments)
    match = _SCHEME.match(compact)
    if match is None:
        return True  # relative, or a #fragment
    scheme = match.group(1).lower()
    if image and scheme == "data":
        return bool(_IMAGE_DATA_URL.match(compact))
    return scheme in _SAFE_LINK_SCHEMES


def _clean_tag(tag: str) -> str:
    """One tag of Markdown's inline HTML, cleaned by nh3 with the policy above ("" if dropped)."""
    if tag.startswith(("<!", "<?")):
        return ""  # comment, declaration, CDATA, processing instruction
    close = _CLOSE_TAG.match(tag)
    if close:
        name = close.group(1).lower()
        return f"</{name}>" if name in ALLOWED_TAGS else ""
    opening = _OPEN_TAG.match(tag)
    if opening is None:
        return ""
    name = opening.group(1).lower()
    if name not in ALLOWED_TAGS:
        return ""
    before, after = _TABLE_CONTEXT.get(name, ("", ""))
    body = tag if name in _VOID_TAGS else f"{tag}</{name}>"
    cleaned = sanitize_html(before + body + after)
    # nh3 writes every attribute as name="value" with quotes escaped, so this finds the tag.
    found = re.search(rf'<{name}(?:\s+[^\s"=>]+(?:="[^"]*")?)*\s*/?>', cleaned)
    return found.group(0) if found else ""


@dataclass
class _Findings:
    """What nbconvert's Markdown renderer would emit unescaped, or emit with a bad URL."""

    raw: dict[str, str] = field(default_factory=dict)  # raw HTML -> its cleaned form
    urls: set[str] = field(default_factory=set)
    attachments: set[str] = field(default_factory=set)
    mermaid: bool = False
    unparsable: bool = False
    labels: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.raw or self.urls or self.attachments or self.mermaid or self.unparsable)


class _Inspector(IPythonRenderer):
    """nbconvert's own Markdown renderer, recording the places where source turns into markup.

    The feedback and formgrader pages render Markdown with exactly this parser, so what it
    reports is what a browser would get: no second parser to disagree with.
    """

    def __init__(self, attachments: Iterable[str]) -> None:
        super().__init__(escape=False)
        self.names = set(attachments)
        self.found = _Findings()

    def _raw(self, html: str, cleaned: str) -> str:
        if cleaned != html:
            self.found.raw[html] = cleaned
            self.found.labels += _describe(html, cleaned)
        return ""

    def inline_html(self, html: str) -> str:
        return self._raw(html, _clean_tag(html))

    def block_html(self, html: str) -> str:
        # mistune ends a block with a newline the source may not have
        return self._raw(html.rstrip("\n"), sanitize_html(html).rstrip("\n"))

    def _url(self, url: str, image: bool) -> None:
        compact = _URL_NOISE.sub("", url)
        if image and compact.lower().startswith("attachment:") and compact[11:] not in self.names:
            self.found.attachments.add(url)
            self.found.labels.append("a link to a missing or removed attachment")
        elif not _url_is_safe(url, image, self.names):
            self.found.urls.add(url)
            scheme = _SCHEME.match(compact)
            self.found.labels.append(f"a {scheme.group(1).lower() if scheme else 'bad'}: URL")

    def link(self, text: str, url: str, title: str | None = None) -> str:
        self._url(url, image=False)
        return text

    def image(self, text: str, url: str, title: str | None = None) -> str:
        self._url(url, image=True)
        return ""

    def block_code(self, code: str, info: str | None = None) -> str:
        # nbconvert copies a mermaid block's text into the page without escaping it
        if info and info.strip().startswith("mermaid") and ("<" in code or "&" in code):
            self.found.mermaid = True
            self.found.labels.append("markup in a mermaid block")
        return ""


def _inspect(text: str, attachments: Iterable[str]) -> _Findings:
    inspector = _Inspector(attachments)
    try:
        MarkdownWithMath(renderer=inspector).render(text)
    except Exception:  # noqa: BLE001 - whatever the renderer cannot parse is not kept as it is
        inspector.found.unparsable = True
        inspector.found.labels.append("Markdown the renderer could not parse")
    return inspector.found


def _drop_element_content(text: str, raw: Iterable[str]) -> str:
    """Remove `<script>...</script>`-like spans whose opening tag the renderer saw as HTML."""
    names = set()
    for html in raw:
        opening = _OPEN_TAG.match(html)
        if opening and opening.group(1).lower() in DROPPED_WITH_CONTENT:
            names.add(opening.group(1).lower())
    for name in sorted(names):
        text = _drop_spans(text, name)
    return text


def _drop_spans(text: str, name: str) -> str:
    """``re.sub(r"<name\\b[^>]*>.*?</name\\s*>", "", text)`` (any case, across lines) in linear time.

    That regex rescans the rest of the text from every opening that has no closing
    (thousands of ``<script>`` make it quadratic); here each '>' and each closing tag is
    found once, and every opening looks its own up by bisection.
    """
    ends = [m.start() for m in re.finditer(">", text)]
    closes = [(m.start(), m.end()) for m in re.finditer(rf"</{name}\s*>", text, re.IGNORECASE)]
    kept, at, c = [], 0, 0
    for opening in re.finditer(rf"<{name}\b", text, re.IGNORECASE):
        if opening.start() < at:
            continue  # inside a span already removed
        g = bisect.bisect_left(ends, opening.end())
        if g == len(ends):
            break  # no '>' after it: neither this nor any later opening is a tag
        while c < len(closes) and closes[c][0] <= ends[g]:
            c += 1
        if c == len(closes):
            break  # no closing after it: the regex would match nothing from here on
        kept.append(text[at:opening.start()])
        at = closes[c][1]
        c += 1
    kept.append(text[at:])
    return "".join(kept)


def _substrings(text: str, url: str) -> set[str]:
    return {candidate for candidate in (url, unquote(url)) if candidate and candidate in text}


def _rewrite(text: str, found: _Findings) -> str:
    """Replace each finding where it stands, in one pass so no replacement is edited again."""
    text = _drop_element_content(text, found.raw)
    replace = dict(found.raw)
    for url in found.urls | found.attachments:
        # the renderer hands over URLs percent-encoded; the source may have either form
        replace.update(dict.fromkeys(_substrings(text, url), _REMOVED_LINK))
    if replace:
        pattern = "|".join(re.escape(k) for k in sorted(replace, key=len, reverse=True))
        text = re.sub(pattern, lambda m: replace[m.group(0)], text)
    if found.mermaid:
        text = _FENCE_INFO_MERMAID.sub(r"\1\2text", text)
    return text


def _as_code_block(text: str) -> str:
    """The answer shown verbatim: a fence longer than any run of backticks inside it."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    body = text if text.endswith("\n") else text + "\n"
    return (f"*(Shown as plain text by the grader: this answer had HTML that could not be "
            f"cleaned in place.)*\n\n{fence}text\n{body}{fence}\n")


def sanitize_markdown(text: str, attachments: Iterable[str] = ()) -> tuple[str, list[str]]:
    """Clean Markdown's raw HTML and unsafe links in place; ordinary Markdown comes back unchanged.

    Markdown is inspected with the renderer nbconvert uses for the feedback and formgrader;
    only what it would emit as raw markup (or as a link/image URL) is rewritten, so text,
    math, tables and code spans that merely contain ``<`` are untouched. If rewriting in place
    does not converge, the answer is shown as a fenced code block. Returns the new text and
    the kinds of things removed.
    """
    names = tuple(attachments)
    if len(text) > _CACHED_MARKDOWN_CHARS:
        cleaned, labels = _sanitize_markdown(text, names)
    else:
        cleaned, labels = _sanitize_markdown_cached(text, names)
    return cleaned, list(labels)


#: More distinct unsafe pieces than this in one answer and it is shown as plain text at once:
#: rewriting each in place costs a pass over the text, so a hostile answer with thousands
#: of them would take quadratic time (every step here is linear in the answer's length).
MAX_FINDINGS_IN_PLACE = 64

#: Markdown cells up to this size are remembered: a class's notebooks share most of their
#: Markdown (the release's own cells), so each is inspected once per grading process.
_CACHED_MARKDOWN_CHARS = 16_000


def _count(found: _Findings) -> int:
    return len(found.raw) + len(found.urls) + len(found.attachments)


def _sanitize_markdown(text: str, names: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
    original = text
    text, tex = _clean_tex_links(text)
    found = _inspect(text, names)
    if not found:
        return text, tuple(dict.fromkeys(tex))
    labels = tuple(dict.fromkeys(tex + found.labels))
    current = text
    for _ in range(4):
        if found.unparsable or _count(found) > MAX_FINDINGS_IN_PLACE:
            break
        current = _rewrite(current, found)
        found = _inspect(current, names)
        if not found:
            return current, labels
    fallback = _as_code_block(original)
    if _inspect(fallback, names):  # pragma: no cover - a fenced block is never markup
        fallback = "*(Answer removed by the grader: it could not be made safe to display.)*\n"
    return fallback, (*labels, _AS_TEXT)


_sanitize_markdown_cached = lru_cache(maxsize=2048)(_sanitize_markdown)


# ---------------------------------------------------------------------------------------------
# Notebooks
# ---------------------------------------------------------------------------------------------

#: Output mime types kept (anything else, Javascript and widgets included, is removed).
ALLOWED_MIMETYPES = frozenset({"text/plain", "text/html", "text/markdown", "text/latex",
                               "image/png", "image/jpeg", "application/json"})
_ATTACHMENT_MIMETYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
_IMAGE_METADATA = ("width", "height", "unconfined", "alt", "needs_background")
_BASE64 = re.compile(r"[A-Za-z0-9+/=\s]*\Z")
_GRADE_ID_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


def _is_base64(value: Any) -> bool:
    text = _text(value)
    if not _BASE64.match(text):
        return False
    try:
        base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError):
        return False
    return True


def _clean_output_metadata(output: NotebookNode) -> None:
    """Keep only image size hints: e.g. ``isolated`` or ``filenames`` change how HTML is embedded."""
    metadata = output.get("metadata")
    if not isinstance(metadata, dict):
        output["metadata"] = NotebookNode()
        return
    kept = NotebookNode()
    for mime, values in metadata.items():
        if mime in output.get("data", {}) and isinstance(values, dict):
            hints = {k: v for k, v in values.items()
                     if k in _IMAGE_METADATA and isinstance(v, str | int | float | bool)}
            if hints:
                kept[mime] = NotebookNode(hints)
    output["metadata"] = kept


def _clean_output(output: NotebookNode, where: str, removed: list[str]) -> None:
    data = output.get("data")
    if not isinstance(data, dict):
        return
    for mime in list(data):
        value = data[mime]
        if mime == "image/svg+xml":
            del data[mime]
            removed.append(f"{where}: replaced an SVG image with a note (SVG can carry script)")
            data.setdefault("text/plain", "[SVG image removed by the grader: SVG can carry script]")
        elif mime not in ALLOWED_MIMETYPES:
            del data[mime]
            removed.append(f"{where}: removed {_a(mime)} output")
        elif mime == "text/html":
            original = _text(value)
            cleaned = sanitize_html(original)
            data[mime] = cleaned
            what = _describe(original, cleaned)
            if what:
                removed.append(f"{where}: removed {_joined(what)} from an HTML output")
        elif mime == "text/latex":
            cleaned, what = _clean_tex_links(_text(value))
            if what:
                data[mime] = cleaned
                removed.append(f"{where}: removed {_joined(what)} from a LaTeX output")
        elif mime == "text/markdown":
            cleaned, what = sanitize_markdown(_text(value))
            data[mime] = cleaned
            if cleaned != _text(value):
                removed.append(_markdown_message(where, what, "a Markdown output"))
        elif mime in ("image/png", "image/jpeg") and not _is_base64(value):
            del data[mime]
            removed.append(f"{where}: removed {_a(mime)} output that was not base64 image data")
    if "text/plain" not in data:
        data["text/plain"] = "[output removed by the grader: it could run script in a browser]"
    _clean_output_metadata(output)


def _clean_attachments(cell: NotebookNode, where: str, removed: list[str]) -> None:
    attachments = cell.get("attachments")
    if not attachments:
        return
    for name in list(attachments):
        bundle = attachments[name]
        if isinstance(bundle, dict):
            for mime in list(bundle):
                if mime not in _ATTACHMENT_MIMETYPES or not _is_base64(bundle[mime]):
                    del bundle[mime]
        if not isinstance(bundle, dict) or not bundle:
            del attachments[name]
            removed.append(f"{where}: removed attachment {name!r} (not a raster image)")


def _clean_metadata(metadata: NotebookNode, where: str, removed: list[str]) -> None:
    """Widget state is executable by the widget manager of whoever renders it."""
    for key in list(metadata):
        if "widget" in key.lower():
            del metadata[key]
            removed.append(f"{where}: removed {key!r} metadata (widget state)")
    nbgrader = metadata.get("nbgrader")
    grade_id = nbgrader.get("grade_id") if isinstance(nbgrader, dict) else None
    if isinstance(grade_id, str) and _GRADE_ID_UNSAFE.search(grade_id):
        # nbgrader's templates paste grade_id into the page unescaped
        nbgrader["grade_id"] = _GRADE_ID_UNSAFE.sub("_", grade_id)
        removed.append(f"{where}: replaced characters other than letters, digits, _ and - in grade_id")


def _markdown_message(where: str, what: list[str], of: str) -> str:
    kinds = [w for w in what if w != _AS_TEXT]
    if _AS_TEXT in what:
        return f"{where}: {of} had {_joined(kinds or ['raw HTML'])}; {_AS_TEXT}"
    if not kinds:
        return f"{where}: normalised the raw HTML in {of}"
    return f"{where}: removed {_joined(kinds)} from {of}"


def sanitize_notebook(nb: NotebookNode) -> list[str]:
    """Make an nbformat v4 notebook inert in place; return what was removed, one line a finding.

    Outputs keep `ALLOWED_MIMETYPES` (HTML and Markdown cleaned, SVG replaced by a note) and
    always a text/plain, so nbgrader still reads scores; Markdown cells keep their text and
    lose only unsafe raw HTML and links; raw cells are cleaned as HTML; widget state and
    non-image attachments are removed.
    """
    removed: list[str] = []
    _clean_metadata(nb.metadata, "notebook", removed)
    for number, cell in enumerate(nb.cells, start=1):
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        where = f"cell {number}" + (f" ({grade_id})" if grade_id else "")
        _clean_metadata(cell.setdefault("metadata", NotebookNode()), where, removed)
        _clean_attachments(cell, where, removed)
        if cell.cell_type == "code":
            kept = []
            for output in cell.get("outputs", []):
                if output.get("output_type") not in ("stream", "error", "display_data",
                                                     "execute_result"):
                    removed.append(f"{where}: removed an output of unknown type")
                    continue
                _clean_output(output, where, removed)
                kept.append(output)
            cell.outputs = kept
        elif cell.cell_type == "markdown":
            source = _text(cell.source)
            cleaned, what = sanitize_markdown(source, cell.get("attachments", {}).keys())
            if cleaned != source:
                cell.source = cleaned
                removed.append(_markdown_message(where, what, "the Markdown"))
        elif cell.cell_type == "raw":
            mime = str(cell.metadata.get("raw_mimetype") or cell.metadata.get("format") or "")
            source = _text(cell.source)
            if mime.lower() in ("", "text/html") and "<" in source:
                cleaned = sanitize_html(source)
                what = _describe(source, cleaned)
                if what:
                    cell.source = cleaned
                    removed.append(f"{where}: removed {_joined(what)} from a raw cell")
    return removed


class SanitizeOutputs(NbGraderPreprocessor):
    """Autograde (and render-time) step: make the student's outputs and answers inert.

    Put it after the notebook has run and the hidden checks have written their report, and
    after LimitOutput (what it truncates is then cleaned too), before SaveAutoGrades.
    """

    # HTMLExporter configures NbConvertBase.display_data_priority, which nbgrader's base class
    # redeclares as not configurable: accept (and ignore) it instead of warning on every render.
    display_data_priority = List(Unicode()).tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        removed = sanitize_notebook(nb)
        resources.setdefault("nnfin", {})["sanitized"] = removed
        for line in removed:
            self.log.warning("sanitised: %s", line)
        return nb, resources


# an nbgrader_config.py written before adapter/config.py imports it from here
from nnfin.grading.adapter.config import configure_rendering  # noqa: E402, F401
