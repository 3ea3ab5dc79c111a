"""The check service's settings: ``c.CheckService.<name> = value`` in the course's nbgrader_config.py.

The defaults are what an instructor would choose for a formative check: a minute between
checks of one assignment (time to read the messages and think, too slow to try every
variant), 30 checks a day (enough for an evening's work, part by part), code not kept.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from pathlib import Path

from traitlets.config.loader import PyFileConfigLoader

DEFAULT_PORT = 8765


@dataclass(frozen=True)
class CheckConfig:
    cooldown_seconds: float = 60.0  # per student and assignment, between accepted checks
    daily_budget: int = 30  # accepted checks per student and assignment per day (UTC)
    keep_code: bool = False  # store the checked notebook's code with each attempt
    port: int = DEFAULT_PORT
    jobs: int = 0  # warm workers; 0: one per core, as `make grade`
    clock_slack_seconds: float = 300.0  # how far a request's time may be from the service's


def load(root: Path) -> CheckConfig:
    """The course's settings over the defaults; ``CHECK_PORT`` in the environment sets the port."""
    config = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    section = config.get("CheckService", {})
    known = {f.name: f.type for f in fields(CheckConfig)}
    kinds = {"float": float, "int": int, "bool": bool}
    values = {k: kinds[known[k]](v) for k, v in section.items() if k in known}
    settings = CheckConfig(**values)
    if os.environ.get("CHECK_PORT", "").strip():
        settings = replace(settings, port=int(os.environ["CHECK_PORT"]))
    return settings
