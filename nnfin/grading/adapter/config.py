"""The course's nbgrader settings as import paths: loading nbgrader_config.py imports nothing heavy.

`make grade` reads the config first (for the submission limits) and starts its warm
workers straight after; nbgrader (about 0.7 s to import) then loads in the grader
while the workers warm up. nbgrader and nbconvert take a dotted name wherever they
take a preprocessor, filter or exporter class, and import it when they use it.
"""

from __future__ import annotations

from typing import Any

ADAPTER = "nnfin.grading.adapter"
SANITIZE_OUTPUTS = f"{ADAPTER}.sanitize.SanitizeOutputs"


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
      their HTMLExporter from this config.
    """
    exporter = c.HTMLExporter
    exporter.sanitize_html = True
    filters = dict(exporter.filters) if "filters" in exporter else {}
    filters["clean_html"] = f"{ADAPTER}.sanitize.clean_html"
    exporter.filters = filters
    preprocessors = list(exporter.preprocessors) if "preprocessors" in exporter else []
    names = {p if isinstance(p, str) else f"{p.__module__}.{p.__qualname__}" for p in preprocessors}
    if SANITIZE_OUTPUTS not in names:
        preprocessors.append(SANITIZE_OUTPUTS)
    exporter.preprocessors = preprocessors


def configure_grading(c: Any) -> None:
    """Everything the course adds to nbgrader: autograde steps, feedback pages, inert rendering, collect."""
    configure_autograde(c)
    configure_feedback(c)  # the same feedback pages, without nbconvert's second parse
    configure_rendering(c)  # feedback and formgrader pages render student content inert
    c.ExchangeFactory.collect = f"{ADAPTER}.exchange.DoorCollect"  # nbgrader collect, through the door
