"""Benchmark: how much faster than plain nbgrader does the course's grader grade a class?

A benchmark, not a timed test: it prints numbers and the targets next to them, and
fails (exit 1) only when a run did not give every model answer its full marks, since
a fast grader that gets the scores wrong proves nothing.

It builds a class of N students who all hand in the model answers (the release
notebook with each answer cell filled in from source/, the same way ``make demo``
builds its ``reference`` student), then grades that class three times, back to back
on this machine, each time in a fresh temporary course directory:

1. plain ``nbgrader autograde`` with a minimal nbgrader_config.py (no course hooks:
   nbgrader's default preprocessors run each notebook in a Jupyter kernel), the baseline;
2. ``python -m nnfin.course grade --jobs 1``;
3. ``python -m nnfin.course grade --jobs $(nproc)``.

Run it with ``make bench`` (``make bench BENCH_ARGS="--students 2"``) or
``.venv/bin/python bench/grade_bench.py --help``.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from nnfin.coursedir import REPO, assignments
from nnfin.grading import notebook
from nnfin.grading.demo import _answered, _write

VENV_BIN = REPO / ".venv" / "bin"
COURSE_ID = "nnfin-module3"
STATS = Path("build") / "grade_stats.json"
COMMAND_TIMEOUT = 60 * 60  # one nbgrader or grader command; far beyond any sane class size
TARGET_SPEEDUP = 5.0
TARGET_OVERHEAD = 0.3
FULL_MARKS_SLACK = 1e-6

# The baseline's whole configuration: nbgrader's defaults, no course hooks.
MINIMAL_CONFIG = """\
# Written by bench/grade_bench.py: plain nbgrader, default preprocessors, no course hooks.
c = get_config()  # noqa: F821
c.CourseDirectory.course_id = {course_id!r}
c.CourseDirectory.root = {root!r}
c.CourseDirectory.db_url = {db_url!r}
c.Execute.timeout = 120
"""


@dataclass
class Run:
    """One timed grading of the class, and whether it graded the class correctly."""

    label: str
    jobs: int | None = None  # None: plain nbgrader
    wall: float | None = None  # seconds, measured here around the grading commands
    error: str | None = None  # why the run did not complete
    shortfalls: list[str] = field(default_factory=list)  # submissions short of full marks
    stats: dict | None = None  # build/grade_stats.json of our grader
    notes: list[str] = field(default_factory=list)
    log: Path | None = None  # the commands' output
    setup: float | None = None  # seconds of untimed setup (releasing the assignments)
    feedback: float | None = None  # seconds of `nnfin.course feedback` after grading, timed apart

    @property
    def ok(self) -> bool:
        return self.error is None and not self.shortfalls


def progress(message: str) -> None:
    """Progress goes to stderr so that stdout is only the results."""
    print(f"[bench] {message}", file=sys.stderr, flush=True)


# --- processes ------------------------------------------------------------------------------------

def become_subreaper() -> bool:
    """Adopt every orphaned descendant, so that none can outlive the benchmark unseen.

    Jupyter starts each kernel in a session of its own, and the sandbox may do the
    same, so killing a command's process group does not reach them. As a child
    subreaper (Linux), orphans of our commands are re-parented to this process, where
    `end_leftovers` finds them: only processes this benchmark started, never others.
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(36, 1, 0, 0, 0) == 0  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        return False


def _children() -> list[int]:
    """Our direct children, from /proc (ppid is the field after the state)."""
    me, kids = os.getpid(), []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == me:
            kids.append(int(entry.name))
    return kids


def _command_line(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return "?"
    return " ".join(part.decode(errors="replace") for part in raw.split(b"\0") if part)[:100]


def end_leftovers(grace: float = 2.0) -> list[str]:
    """End (TERM, then KILL after `grace` s) and reap whatever our commands left behind.

    Returns the command lines of what was still running: a grader should leave nothing.
    """
    seen: dict[int, str] = {}
    deadline = time.monotonic() + grace
    while kids := _children():
        sig = signal.SIGTERM if time.monotonic() < deadline else signal.SIGKILL
        for pid in kids:
            if pid not in seen or sig == signal.SIGKILL:
                seen.setdefault(pid, _command_line(pid))
                try:
                    os.kill(pid, sig)
                except ProcessLookupError:
                    pass
        time.sleep(0.1)
        for pid in kids:
            try:
                os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                pass
    return [line for line in seen.values() if line]  # a zombie has an empty command line


def bench_env() -> dict[str, str]:
    """The venv first on PATH (nbgrader calls `alembic`, the kernel spec calls `python`).

    One BLAS thread, as in the Makefile: the matrices are tiny, and the parallel run
    must not be slowed by threads fighting over the cores.
    """
    return dict(os.environ, PATH=f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
                MPLBACKEND="Agg", OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")


def run_logged(cmd: Sequence[str], cwd: Path, log: Path) -> int:
    """Run one command with its output in `log`; never leave any of its processes behind."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        out.write(f"$ {' '.join(map(str, cmd))}\n".encode())
        out.flush()
        proc = subprocess.Popen([str(c) for c in cmd], cwd=cwd, env=bench_env(), stdout=out,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)
        try:
            return proc.wait(timeout=COMMAND_TIMEOUT)
        except subprocess.TimeoutExpired:
            out.write(f"\n[bench] stopped after {COMMAND_TIMEOUT} s\n".encode())
            return -signal.SIGKILL
        finally:  # also on Ctrl-C / SIGTERM: the whole command goes
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            left = end_leftovers()
            if left:
                progress(f"ended {len(left)} process(es) left behind by: {' '.join(map(str, cmd[:4]))}")
                for line in left:
                    progress(f"    {line}")


def log_tail(log: Path, lines: int = 15) -> str:
    text = log.read_text(errors="replace").splitlines() if log.exists() else []
    return "\n".join("    " + line for line in text[-lines:])


# --- the class ------------------------------------------------------------------------------------

def build_class(template: Path, names: list[str], students: list[str]) -> None:
    """A course directory whose every student hands in the model answers.

    Built with demo.py's own helpers, so the model answers are exactly the ``reference``
    student of ``make demo``: every submission should get full autograded marks.
    """
    for folder in ("source", "release"):
        for name in names:
            shutil.copytree(REPO / folder / name, template / folder / name)
    shutil.copy(REPO / "nbgrader_config.py", template / "nbgrader_config.py")
    for name in names:
        release_dir = REPO / "release" / name
        release_nb = notebook.read(next(release_dir.glob("*.ipynb")))
        source_nb = notebook.read(next((REPO / "source" / name).glob("*.ipynb")))
        answered = _answered(source_nb, release_nb)
        for student in students:
            _write(template, student, name, answered, release_dir)


def fresh_course(template: Path, dest: Path) -> Path:
    """A fresh copy per run: no run may profit from another's gradebook or outputs."""
    shutil.copytree(template, dest)
    return dest


# --- the three runs -------------------------------------------------------------------------------

def run_plain(course: Path, names: list[str], logs: Path) -> Run:
    """Baseline: `nbgrader autograde <assignment>` for each assignment, default preprocessors.

    `generate_assignment` first puts the assignments into the gradebook (autograde refuses
    without them); it is setup, so it is not timed.
    """
    run = Run("plain nbgrader autograde")
    (course / "nbgrader_config.py").write_text(MINIMAL_CONFIG.format(
        course_id=COURSE_ID, root=str(course), db_url=f"sqlite:///{course / 'gradebook.db'}"))
    nbgrader = VENV_BIN / "nbgrader"
    log = run.log = logs / "plain.log"
    start = time.perf_counter()
    for name in names:
        if run_logged([nbgrader, "generate_assignment", name, "--force"], course, log) != 0:
            run.error = f"nbgrader generate_assignment {name} failed"
            return run
    run.setup = time.perf_counter() - start
    start = time.perf_counter()
    failed = [name for name in names
              if run_logged([nbgrader, "autograde", name], course, log) != 0]
    run.wall = time.perf_counter() - start
    if failed:
        run.error = f"nbgrader autograde exited non-zero for {', '.join(failed)}"
    return run


def run_nnfin(course: Path, jobs: int, logs: Path) -> Run:
    """Our grader on the course copy, with the course's own nbgrader_config.py.

    As for plain nbgrader, releasing the assignments is setup and is not timed
    (`grade` then finds the release unchanged and does not regenerate it).
    """
    run = Run(f"nnfin.course grade --jobs {jobs}", jobs=jobs)
    log = run.log = logs / f"nnfin-jobs{jobs}.log"
    start = time.perf_counter()
    if run_logged([VENV_BIN / "python", "-m", "nnfin.course", "release", "--root", course], course, log) != 0:
        run.error = "`python -m nnfin.course release` failed"
        return run
    run.setup = time.perf_counter() - start
    cmd = [VENV_BIN / "python", "-m", "nnfin.course", "grade", "--root", course, "--jobs", str(jobs)]
    start = time.perf_counter()
    code = run_logged(cmd, course, log)
    run.wall = time.perf_counter() - start
    text = log.read_text(errors="replace") if log.exists() else ""
    if code != 0 and "unrecognized arguments" in text:
        said = next(line for line in text.splitlines() if "unrecognized arguments" in line)
        run.error = f"`python -m nnfin.course grade` does not accept --root/--jobs yet ({said.strip()})"
        run.wall = None
    elif code != 0:
        run.error = f"`python -m nnfin.course grade` exited {code}"
    run.stats = read_stats(course, run)
    if run.error is None:
        start = time.perf_counter()
        cmd = [VENV_BIN / "python", "-m", "nnfin.course", "feedback", "--root", course, "--jobs", str(jobs)]
        if run_logged(cmd, course, log) == 0:
            run.feedback = time.perf_counter() - start
        else:
            run.notes.append("`python -m nnfin.course feedback` failed")
    return run


def read_stats(course: Path, run: Run) -> dict | None:
    """build/grade_stats.json, the grader's own account of its wall time and cells time."""
    try:
        stats = json.loads((course / STATS).read_text())
        stats["jobs"], stats["wall_seconds"] = int(stats["jobs"]), float(stats["wall_seconds"])
        for sub in stats["submissions"]:
            sub["cells_seconds"] = float(sub["cells_seconds"])
        if not stats["submissions"]:
            raise ValueError("no submissions listed")
    except FileNotFoundError:
        if run.error is None:
            run.notes.append(f"no {STATS} written: overhead and cells time unknown")
        return None
    except (ValueError, KeyError, TypeError) as exc:
        run.notes.append(f"{STATS} is not as expected ({exc!r}): overhead unknown")
        return None
    if stats["jobs"] != run.jobs:
        run.notes.append(f"{STATS} says jobs={stats['jobs']}, asked for {run.jobs}")
    return stats


# --- checking and reporting -----------------------------------------------------------------------

def check_scores(run: Run, course: Path, names: list[str], students: list[str]) -> None:
    """Every submission must get its full autograded marks, as nbgrader's gradebook records them.

    Autograded points: the submission's grades of code cells (score against max_score),
    the same count as the grader's class table.
    """
    from nbgrader.api import Gradebook, MissingEntry

    db = course / "gradebook.db"
    if not db.exists():
        run.shortfalls.append("no gradebook.db was written")
        return
    with Gradebook(f"sqlite:///{db}", course_id=COURSE_ID) as gb:
        for name in names:
            for student in students:
                try:
                    sub = gb.find_submission(name, student)
                except MissingEntry:
                    run.shortfalls.append(f"{student}/{name}: not in the gradebook")
                    continue
                grades = [g for nb in sub.notebooks for g in nb.grades if g.cell_type == "code"]
                score = sum(g.score or 0.0 for g in grades)
                out_of = sum(g.max_score for g in grades)
                if out_of == 0 or score < out_of - FULL_MARKS_SLACK:
                    run.shortfalls.append(f"{student}/{name}: {score:g}/{out_of:g}")


def mean_cells(stats: dict) -> float:
    return statistics.fmean(s["cells_seconds"] for s in stats["submissions"])


def overhead(stats: dict) -> float:
    """Core-seconds per submission beyond running the notebook's own cells once.

    wall * jobs / n - mean(cells): with jobs=1 that is the plain per-submission
    overhead; with more jobs it charges every core for the whole wall time, so idle
    cores at the end of the batch count as overhead too.
    """
    n = len(stats["submissions"])
    return stats["wall_seconds"] * stats["jobs"] / n - mean_cells(stats)


def _num(value: float | None, fmt: str) -> str:
    return "n/a" if value is None else format(value, fmt)


def results_table(runs: list[Run], n: int) -> str:
    """One row per run: wall time, seconds per submission, speed-up, overhead, verdict."""
    plain = next((r for r in runs if r.jobs is None and r.wall), None)
    header = (f"{'run':<30} {'wall s':>8} {'s/submission':>13} {'speed-up':>9} "
              f"{'overhead s/sub':>15}  result")
    lines = [header, "-" * len(header)]
    for r in runs:
        speedup = plain.wall / r.wall if plain and r.wall else None
        extra = overhead(r.stats) if r.stats else None
        result = "ok: full marks for all" if r.ok else "FAILED"
        lines.append(f"{r.label:<30} {_num(r.wall, '8.1f'):>8} "
                     f"{_num(r.wall / n if r.wall else None, '.2f'):>13} "
                     f"{_num(speedup, '.2f') + ('x' if speedup else ''):>9} "
                     f"{'-' if r.jobs is None else _num(extra, '.3f'):>15}  {result}")
    return "\n".join(lines)


def overhead_lines(runs: list[Run]) -> list[str]:
    """Show the arithmetic behind each overhead figure, with what it means."""
    lines = []
    for r in runs:
        if not r.stats:
            continue
        s, n = r.stats, len(r.stats["submissions"])
        what = ("core-seconds per submission beyond the notebook's own cells" if s["jobs"] > 1
                else "seconds per submission beyond the notebook's own cells")
        lines.append(f"  --jobs {s['jobs']}: {s['wall_seconds']:.2f} s (grade_stats.json) "
                     f"x {s['jobs']} / {n} - {mean_cells(s):.3f} s own cells = "
                     f"{overhead(s):.3f} {what}")
    return lines


def cells_table(runs: list[Run], names: list[str]) -> list[str]:
    """The notebooks' own cells time per assignment: the floor no grader can go below."""
    ours = [r for r in runs if r.stats]
    if not ours:
        return []
    lines = [f"  {'assignment':<26}" + "".join(f"{'--jobs ' + str(r.jobs):>12}" for r in ours)]
    for name in names:
        row = []
        for r in ours:
            times = [s["cells_seconds"] for s in r.stats["submissions"]
                     if s.get("assignment") == name]
            row.append(f"{statistics.fmean(times):>11.3f}s" if times else f"{'n/a':>12}")
        lines.append(f"  {name:<26}" + "".join(row))
    return lines


def target_lines(runs: list[Run]) -> list[str]:
    plain = next((r for r in runs if r.jobs is None and r.ok and r.wall), None)
    ours = [r for r in runs if r.jobs is not None]
    widest = max(ours, key=lambda r: r.jobs, default=None)
    if plain is None:
        speed = "n/a (no successful plain nbgrader run)"
    elif widest is None or widest.wall is None or not widest.ok:
        speed = "n/a (no successful all-cores run)"
    else:
        ratio = plain.wall / widest.wall
        speed = f"{ratio:.2f}x  {'met' if ratio >= TARGET_SPEEDUP else 'NOT met'}"
    lines = [f"  all cores >= {TARGET_SPEEDUP:g}x faster than plain nbgrader: {speed}"]
    for r in ours:
        value = overhead(r.stats) if r.stats else None
        verdict = "n/a" if value is None else (
            f"{value:.3f} s  {'met' if value <= TARGET_OVERHEAD else 'NOT met'}")
        lines.append(f"  overhead <= {TARGET_OVERHEAD:g} s per submission (--jobs {r.jobs}): {verdict}")
    return lines


def ceiling_lines(runs: list[Run]) -> list[str]:
    """The fastest any grader that runs each notebook once could be here: its cells on every core.

    The cells are timed in the serial run (nothing else competes for a core there); spread
    perfectly over the widest run's cores, they are a floor on its wall time.
    """
    plain = next((r for r in runs if r.jobs is None and r.ok and r.wall), None)
    serial = next((r for r in runs if r.jobs == 1 and r.stats), None)
    widest = max((r for r in runs if r.jobs and r.wall), key=lambda r: r.jobs, default=None)
    if plain is None or serial is None or widest is None:
        return []
    cells = sum(row["cells_seconds"] for row in serial.stats["submissions"])
    floor = cells / widest.jobs
    budget = plain.wall / TARGET_SPEEDUP
    return [f"  the notebooks' own cells took {cells:.1f} s one after another (--jobs 1);",
            f"  on {widest.jobs} core(s) that is at least {floor:.1f} s, so no grader that runs each "
            f"notebook once can beat {plain.wall / floor:.1f}x here.",
            f"  At {TARGET_SPEEDUP:g}x ({budget:.1f} s), everything else (start-up, checks, recording, "
            f"report) would have to fit in {budget - floor:.1f} s;",
            f"  --jobs {widest.jobs} spent {widest.wall - floor:.1f} s on it "
            f"({widest.wall:.1f} s - {floor:.1f} s)."]


def report(runs: list[Run], names: list[str], students: list[str], keep: bool) -> str:
    n = len(names) * len(students)
    lines = [f"Grading {len(students)} student(s) x {len(names)} assignment(s) = {n} submissions "
             f"of model answers, on {len(os.sched_getaffinity(0))} core(s)", "",
             results_table(runs, n), "",
             "speed-up = plain nbgrader wall / this run's wall (plain: `nbgrader autograde`; ours: "
             "the whole `grade` command: autograde, grades.csv and the class report).",
             "Releasing the assignments (generate_assignment) is untimed setup in every run:"]
    lines += [f"  {r.label}: {r.setup:.1f} s" for r in runs if r.setup is not None]
    if any(r.feedback for r in runs):
        lines += ["Feedback pages (`make feedback`, a step of its own as in nbgrader; not in the times "
                  "above):"]
        lines += [f"  --jobs {r.jobs}: {r.feedback:.1f} s, {r.feedback / n:.2f} s per page"
                  for r in runs if r.feedback]
    if any(r.stats for r in runs):
        lines += ["", "Overhead = wall_seconds x jobs / submissions - mean(cells_seconds):",
                  *overhead_lines(runs), "",
                  "Notebooks' own cells, mean cells_seconds per submission:", *cells_table(runs, names)]
    lines += ["", "Targets:", *target_lines(runs)]
    if ceiling := ceiling_lines(runs):
        lines += ["", "Ceiling on this machine:", *ceiling]
    for r in runs:
        problems = ([r.error] if r.error else []) + r.shortfalls + r.notes
        if problems:
            lines += ["", f"{r.label}: {'FAILED' if not r.ok else 'note'}"]
            lines += [f"  {p}" for p in problems[:20]]
            if len(problems) > 20:
                lines.append(f"  ... and {len(problems) - 20} more")
            if not r.ok and r.log:
                lines.append(f"  log: {r.log}" + ("" if keep else " (removed; rerun with --keep)"))
    return "\n".join(lines)


# --- main -----------------------------------------------------------------------------------------

def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench/grade_bench.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=None, help="class size (default 6; 200 with --large)")
    parser.add_argument("--large", action="store_true",
                        help="large-class mode (bench/large_bench.py): local pool vs a two-worker Dask "
                             "cluster, and a no-change regrade")
    parser.add_argument("--assignments", default="",
                        help="comma-separated, e.g. 01_losses,03_backpropagation (default: all)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary course directories")
    parser.add_argument("--skip-plain", action="store_true", help="skip the plain nbgrader baseline")
    parser.add_argument("--skip-check", action="store_true",
                        help="skip the check service's lines (bench/check_bench.py)")
    args = parser.parse_args(argv)
    if args.students is None:
        args.students = 200 if args.large else 6
    known = assignments(REPO / "source")
    args.names = [a.strip() for a in args.assignments.split(",") if a.strip()] or known
    unknown = sorted(set(args.names) - set(known))
    if unknown:
        parser.error(f"unknown assignment(s) {', '.join(unknown)}; known: {', '.join(known)}")
    if args.students < 1:
        parser.error("--students must be at least 1")
    return args


def grade_all(top: Path, args: argparse.Namespace, students: list[str]) -> list[Run]:
    """The three runs, back to back, each in a fresh copy of the class."""
    template, logs = top / "class", top / "logs"
    progress(f"building the class: {len(students)} student(s) x {', '.join(args.names)}")
    build_class(template, args.names, students)
    plan: list[tuple[str, int | None]] = [] if args.skip_plain else [("plain", None)]
    cores = len(os.sched_getaffinity(0))
    plan += [("jobs1", 1), (f"jobs{cores}", cores)]
    runs = []
    for tag, jobs in plan:
        course = fresh_course(template, top / tag)
        progress(f"run: {'plain nbgrader autograde' if jobs is None else f'nnfin grade --jobs {jobs}'}"
                 f"  ({course})")
        run = run_plain(course, args.names, logs) if jobs is None else run_nnfin(course, jobs, logs)
        if run.error is None or run.wall is not None:
            check_scores(run, course, args.names, students)
        progress(f"  {'ok' if run.ok else 'FAILED'}"
                 + (f" in {run.wall:.1f} s" if run.wall is not None else "")
                 + (f": {run.error}" if run.error else ""))
        if not run.ok and run.log:
            progress(f"  last lines of {run.log}:\n{log_tail(run.log)}")
        runs.append(run)
    return runs


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)  # unwinds through the finally blocks: children and tmp dirs go


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not (VENV_BIN / "nbgrader").exists():
        raise SystemExit(f"{VENV_BIN / 'nbgrader'} is missing: run `make setup` first")
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    if not become_subreaper():
        progress("cannot become a child subreaper: kernels orphaned by a crash may be missed")
    if args.large:
        import large_bench  # beside this script; imports Dask

        try:
            return large_bench.main(args.students, args.keep)
        finally:
            end_leftovers()
    students = [f"student{i:02d}" for i in range(1, args.students + 1)]
    top = Path(tempfile.mkdtemp(prefix="nnfin-bench-"))
    try:
        runs = grade_all(top, args, students)
    finally:
        end_leftovers()
        if args.keep:
            progress(f"kept the course directories under {top}")
        else:
            shutil.rmtree(top, ignore_errors=True)
    print(report(runs, args.names, students, args.keep))
    if not args.skip_check:
        import check_bench  # beside this script

        progress("check service: single checks, then a burst, then the batch engine on the same burst")
        try:
            cores = len(os.sched_getaffinity(0))
            graded = [r for r in runs if r.jobs == cores and r.ok and r.wall]
            per = graded[0].wall / (len(args.names) * len(students)) if graded else None
            print("\n" + "\n".join(check_bench.measure(cores, grade_seconds=per)))
        finally:
            end_leftovers()
    if args.keep:
        print(f"\nCourse directories kept: {', '.join(str(p) for p in sorted(top.iterdir()))}")
    return 0 if all(r.ok for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
