"""The course's nbgrader settings as import paths: loading nbgrader_config.py imports nothing heavy.

`make grade` reads the config first (for the submission limits) and starts its warm
workers straight after; nbgrader (about 0.7 s to import) then loads in the grader
while the workers warm up. nbgrader and nbconvert take a dotted name wherever they
take a preprocessor, filter or exporter class, and import it when they use it.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

ADAPTER = "nnfin.grading.adapter"
SANITIZE_OUTPUTS = f"{ADAPTER}.sanitize.SanitizeOutputs"
PAGE_STEPS = [f"{ADAPTER}.pages.{name}" for name in ("HideScoreOutputs", "PartSummary", "MarkSchemes")]
TEMPLATES = Path(__file__).with_name("templates")  # base/mathjax.html.j2, feedback/nnfin_feedback.html.j2


def _nbgrader_templates() -> str:
    """nbgrader's own feedback and formgrade templates (found without importing nbgrader)."""
    spec = importlib.util.find_spec("nbgrader")
    package = Path(next(iter(spec.submodule_search_locations))) if spec else Path("nbgrader")
    return str(package / "server_extensions" / "formgrader" / "templates")


def configure_autograde(c: Any) -> None:
    """nbgrader's autograde steps, with the engine's results in place of in-kernel execution."""
    c.Autograde.autograde_preprocessors = [
        f"{ADAPTER}.preprocessors.InjectResults",
        "nbgrader.preprocessors.IgnorePattern",
        "nbconvert.preprocessors.ClearMetadataPreprocessor",
        SANITIZE_OUTPUTS,
        "nbgrader.preprocessors.LimitOutput",
        "nbgrader.preprocessors.SaveAutoGrades",
        "nbgrader.preprocessors.AssignLatePenalties",
        "nbgrader.preprocessors.CheckCellMetadata",
    ]
    # nbconvert validates the whole notebook after every preprocessor (13 times a submission);
    # once, after the last one, catches the same invalid notebook (nbconvert's own option)
    c.Exporter.optimistic_validation = True


def configure_feedback(c: Any) -> None:
    """Use `FeedbackExporter` for `nbgrader generate_feedback` (and so for `make feedback`)."""
    c.GenerateFeedback.exporter_class = f"{ADAPTER}.feedback.FeedbackExporter"


def configure_rendering(c: Any) -> None:
    """Render feedback and formgrader pages sanitised, whatever notebook they are given.

    * ``HTMLExporter.sanitize_html`` (nbconvert >= 7): HTML and Markdown outputs go through
      the ``clean_html`` filter, Javascript and widget outputs and widget state are left out.
    * ``HTMLExporter.filters['clean_html']``: the nh3 policy of `sanitize.clean_html`, which
      keeps tables and images where nbconvert's bleach filter would escape them into text.
    * ``HTMLExporter.preprocessors``: `sanitize.SanitizeOutputs` runs before every HTML
      render, because nbgrader's feedback and formgrade templates render Markdown cells
      without ``clean_html``. Both ``nbgrader generate_feedback`` and the formgrader build
      their HTMLExporter from this config. Then the steps of `pages`: no bare score outputs,
      the feedback page's summary of parts, the mark schemes in the formgrader.
    * ``HTMLExporter.extra_template_basedirs``: nbgrader's templates and the course's, whose
      ``base/mathjax.html.j2`` inlines the pinned MathJax (`mathjax.script`, the
      ``offline_mathjax`` filter) on every page, so maths renders without a network.
    * ``FormgradeExtension.debug = False``: the formgrader's "Current configuration" panel
      would show the whole server configuration, its token included (and log "Formgrader
      config is not serializable" on every page load).
    """
    exporter = c.HTMLExporter
    exporter.sanitize_html = True
    filters = dict(exporter.filters) if "filters" in exporter else {}
    filters["clean_html"] = f"{ADAPTER}.sanitize.clean_html"
    filters["offline_mathjax"] = f"{ADAPTER}.mathjax.script"
    exporter.filters = filters
    preprocessors = list(exporter.preprocessors) if "preprocessors" in exporter else []
    names = {p if isinstance(p, str) else f"{p.__module__}.{p.__qualname__}" for p in preprocessors}
    preprocessors += [step for step in [SANITIZE_OUTPUTS, *PAGE_STEPS] if step not in names]
    exporter.preprocessors = preprocessors
    bases = list(exporter.extra_template_basedirs) if "extra_template_basedirs" in exporter else []
    exporter.extra_template_basedirs = list(dict.fromkeys([*bases, _nbgrader_templates(), str(TEMPLATES)]))
    c.FormgradeExtension.debug = False


def configure_grading(c: Any) -> None:
    """Everything the course adds to nbgrader: autograde steps, feedback pages, inert rendering, collect."""
    configure_autograde(c)
    configure_feedback(c)  # the same feedback pages, without nbconvert's second parse
    configure_rendering(c)  # feedback and formgrader pages render student content inert
    c.ExchangeFactory.collect = f"{ADAPTER}.exchange.DoorCollect"  # nbgrader collect, through the door
