"""Everything one hub needs to know, written once to ``<runtime>/settings.json``.

The launcher writes it, the hub's configuration reads it, ``make hub-stop`` and the tests read it
back: one file, so the three can never disagree about ports, users or folders.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SETTINGS_ENV = "NNFIN_HUB_SETTINGS"
# every process a hub starts carries this variable (its value is the run's token), so stopping
# finds exactly those processes and no other
RUN_ENV = "NNFIN_HUB_RUN"


def course_id(course_root: Path) -> str:
    """The course id set in the course's nbgrader_config.py (nbgrader's ``c.CourseDirectory.course_id``)."""
    text = (course_root / "nbgrader_config.py").read_text()
    found = re.search(r"""c\.CourseDirectory\.course_id\s*=\s*["']([^"']+)["']""", text)
    if not found:
        raise SystemExit(f"{course_root}/nbgrader_config.py sets no c.CourseDirectory.course_id")
    return found.group(1)


@dataclass
class HubSettings:
    """One hub: its course, folders, Pythons, accounts and the four ports it listens on (127.0.0.1)."""

    course_id: str
    course_root: str
    runtime: str                      # private to root: database, cookie secret, logs, this file
    exchange: str                     # shared by every account (mode 1777, as nbgrader's root)
    student_prefix: str               # the students' Python (a venv every account may run)
    student_config: str               # their extra Jupyter config folder (nbgrader, extensions)
    course_bin: str                   # the course's own venv: the formgrader service and nbgrader
    proxy: str                        # configurable-http-proxy from node_modules
    instructors: list[str]
    students: list[str]
    port: int = 8000
    hub_port: int = 8081
    proxy_api_port: int = 8001
    service_port: int = 8082
    check_port: int = 8083            # the check service (nnfin/check), behind the hub's proxy
    run_token: str = ""
    code_root: str = str(REPO)
    extra: dict = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def service_url(self) -> str:
        """Where the course's formgrader is, through the hub."""
        return f"{self.url}/services/{self.course_id}/formgrader"

    @property
    def check_service(self) -> str:
        """The name of the course's check service (Check my work) on the hub."""
        return f"{self.course_id}-check"

    @property
    def check_url(self) -> str:
        """Where the students' ``check_my_work()`` sends a notebook: the check service, through the hub."""
        return f"{self.url}/services/{self.check_service}"

    def save(self) -> Path:
        path = Path(self.runtime) / "settings.json"
        path.write_text(json.dumps(asdict(self), indent=1))
        os.chmod(path, 0o600)
        return path

    @classmethod
    def load(cls, path: Path | str | None = None) -> HubSettings:
        path = Path(path or os.environ[SETTINGS_ENV])
        return cls(**json.loads(path.read_text()))
