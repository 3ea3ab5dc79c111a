"""nbgrader's own collect (``nbgrader collect``, the formgrader's Collect button) through the door.

nbgrader builds its collect step from ``c.ExchangeFactory.collect``; `configure_grading`
points it here, so every way an instructor collects runs `nnfin.grading.collect` (only a
student's own submission, no forged timestamp, no link followed) instead of nbgrader's copy.
"""

from __future__ import annotations

from pathlib import Path

from nbgrader.exchange.default.collect import ExchangeCollect

from nnfin.grading import collect, door


class DoorCollect(ExchangeCollect):
    """`ExchangeCollect` with our checks: nbgrader's options ``update`` and the exchange's layout hold."""

    def start(self) -> None:
        if self.coursedir.course_id == "":
            self.fail("No course id specified. Re-run with --course flag.")
        if self.before_duedate:
            self.fail("--before-duedate is not supported by this course's collect")
        inbound = Path(self.root) / self.coursedir.course_id / "inbound"
        if not inbound.is_dir():
            self.fail(f"Course not found: {inbound}")
        submitted = Path(self.coursedir.root) / self.coursedir.submitted_directory
        bounds = door.Bounds(total_bytes=1000 * self.coursedir.max_dir_size,
                             skip=tuple(self.coursedir.ignore))
        for item in collect.collect(inbound, submitted, [self.coursedir.assignment_id], self.update, bounds):
            if item.action in ("refused", "not theirs"):
                self.log.warning(item.message)
            else:
                self.log.info(f"{item.action} {item.message}")
