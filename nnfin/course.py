"""The instructor's commands: build the release, write the data files, grade, feedback, demo.

``python -m nnfin.course release`` regenerates release/ from source/ with
``nbgrader generate_assignment``; ``data`` rewrites each assignment's data file
from the reference generator; ``grade`` autogrades the class, ``feedback`` writes
its feedback pages and ``export`` its grades.csv. The Makefile calls these.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from nnfin.coursedir import REPO, SOURCE, assignments

DATA_FILE = "returns.npz"


def write_data() -> list[Path]:
    """Rewrite the shipped data files from the seeded reference generator."""
    from nnfin.numerics import DEFAULT_SEED
    from nnfin.reference.data import generate_returns, save_dataset

    written = []
    for name in assignments():
        target = SOURCE / name / DATA_FILE
        if target.exists():
            save_dataset(target, **_arrays(generate_returns(seed=DEFAULT_SEED)))
            written.append(target)
    return written


def _arrays(dataset: dict) -> dict:
    import numpy as np

    return {k: np.asarray(v) for k, v in dataset.items()}


def _jobs(text: str) -> int | None:
    """JOBS from make: empty means one worker per core."""
    return int(text) if text.strip() else None


def _narrowing(command: argparse.ArgumentParser) -> None:
    """make's ASSIGNMENT= and STUDENT= (empty: all; names separated by commas or spaces)."""
    command.add_argument("--assignment", default="", help="only these assignments (default: all)")
    command.add_argument("--student", default="", help="only these students (default: all)")


def _selection(args: argparse.Namespace):
    from nnfin.grading.selection import from_text

    return from_text(getattr(args, "assignment", ""), getattr(args, "student", ""))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m nnfin.course", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    released = sub.add_parser("release", help="regenerate release/ from source/")
    released.add_argument("--root", type=Path, default=REPO, help="the course folder (default: this one)")
    sub.add_parser("data", help="rewrite the data files from the reference generator")
    collected = sub.add_parser("collect", help="copy the students' latest submissions from the exchange "
                                               "into submitted/ (only a student's own; no link followed)")
    collected.add_argument("--root", type=Path, default=REPO, help="the course folder (default: this one)")
    collected.add_argument("--assignment", action="append", default=[],
                           help="an assignment to collect (repeatable; default: all of them)")
    collected.add_argument("--update", action="store_true",
                           help="replace a collected submission with a newer one")
    collected.add_argument("--student", default="", help="only these students (default: all)")
    exported = sub.add_parser("export", help="write grades.csv from the gradebook")
    exported.add_argument("--root", type=Path, default=REPO, help="the course folder (default: this one)")
    _narrowing(exported)
    known = sub.add_parser("known", help="fail, listing the course's assignments, on an unknown --assignment")
    known.add_argument("--root", type=Path, default=REPO, help="the course folder (default: this one)")
    known.add_argument("--assignment", default="", help="the names to check")
    handed = sub.add_parser("release-feedback", help="put the feedback pages into the exchange")
    handed.add_argument("--root", type=Path, default=REPO, help="the course folder (default: this one)")
    _narrowing(handed)
    pages = sub.add_parser("feedback", help="write the feedback page of every graded submission")
    pages.add_argument("--root", type=Path, default=REPO, help="the course folder (default: this one)")
    pages.add_argument("--jobs", type=_jobs, default=None,
                       help="pages rendered at once (default: one per core)")
    _narrowing(pages)
    for name, text in (("grade", "grade every submission under submitted/"),
                       ("demo", "install the demo class, grade it and print where to look")):
        command = sub.add_parser(name, help=text)
        command.add_argument("--root", type=Path, default=REPO, help="the course folder (default: this one)")
        command.add_argument("--jobs", type=_jobs, default=None,
                             help="submissions graded at once (default: one per core)")
        command.add_argument("--unsandboxed", action="store_true",
                             help="grade even without bubblewrap (student code is then NOT isolated)")
        command.add_argument("--scheduler", default="",
                             help="grade on the Dask cluster of this scheduler, e.g. tcp://host:8786 "
                                  "(needs the cluster extra)")
        command.add_argument("--force", action="store_true",
                             help="grade every submission again, even those whose result still holds")
        if name == "grade":
            _narrowing(command)
    args = parser.parse_args(argv)
    if args.command == "release":
        from nnfin.grading.adapter import gradebook

        root = args.root.resolve()
        gradebook.release(root, force=True)
        for name in assignments(root / "source"):
            print(f"released {root / 'release' / name}")
    elif args.command == "data":
        for path in write_data():
            print(f"wrote {path.relative_to(REPO)}")
    elif args.command == "collect":
        from nnfin.grading import collect

        root = args.root.resolve()
        from nnfin.grading.selection import names

        students = set(names(args.student) or ()) or None
        collect.main(root, args.assignment or assignments(root / "source"), args.update, students)
    elif args.command == "export":
        from nnfin.grading import publish

        publish.main_export(args.root.resolve(), _selection(args))
    elif args.command == "feedback":
        from nnfin.grading import publish

        if publish.main_feedback(args.root.resolve(), args.jobs, _selection(args)):
            raise SystemExit(1)
    elif args.command == "known":
        from nnfin.grading import selection

        selection.check(_selection(args), assignments(args.root.resolve() / "source"))
    elif args.command == "release-feedback":
        from nnfin.grading import publish

        if not publish.main_release_feedback(args.root.resolve(), _selection(args)):
            raise SystemExit(1)
    else:
        try:
            _grade(args)
        except KeyboardInterrupt:  # before the grading loop (which handles Ctrl-C itself)
            print("Interrupted before any submission was graded: nothing was recorded; "
                  "`make grade` starts again.", file=sys.stderr)
            raise SystemExit(130) from None


def _grade(args: argparse.Namespace) -> None:
    """Start the warm workers before importing nbgrader, so that both start-ups overlap."""
    from nnfin.grading import warmup

    root = args.root.resolve()
    from nnfin.grading import door

    if args.command == "grade":
        door.refuse_empty(root)  # before anything is started or overwritten
        for line in door.student_folders(root / "submitted").refused:
            print(f"not graded: {line}", file=sys.stderr)
    selection = _selection(args)
    if selection.narrowed:
        from nnfin.grading import selection as names

        submitted = root / "submitted"
        students = door.student_folders(submitted).students if submitted.is_dir() else None
        names.check(selection, assignments(root / "source"), students)
    if args.command == "grade" and not args.force and not selection.narrowed:
        from nnfin.grading import reuse

        reused = reuse.unchanged_class(root)
        if reused is not None:  # every result still holds: neither nbgrader nor a sandbox is needed
            print(f"Nothing changed since the last grading: reused all {reused} results "
                  f"(FORCE=1 grades them again). Grades: {root / 'grades.csv'}; report: "
                  f"{root / 'reports' / 'class_report.html'}")
            return
    local = not args.scheduler.strip() and ((root / "submitted").is_dir() or args.command == "demo")
    executor = warmup.start(root, args.jobs, args.unsandboxed) if local else None
    from nnfin.grading import pipeline

    run = pipeline.main_grade if args.command == "grade" else pipeline.main_demo
    extra = {"selection": selection} if args.command == "grade" else {}
    run(root, args.jobs, args.unsandboxed, executor=executor, scheduler=args.scheduler.strip() or None,
        force=args.force, **extra)


if __name__ == "__main__":
    if shutil.which("nbgrader") is None and not Path(sys.executable).with_name("nbgrader").exists():
        raise SystemExit("nbgrader is not installed: run `make setup` first")
    main()
