"""``make hub`` and ``make hub-stop``: start the course's JupyterHub, say where it is, stop it all.

The launcher prepares what the hub needs (the shared exchange, the students' config, a private
course), starts JupyterHub in its own session, waits until it answers, prints the address and
the logins, and then waits for Ctrl-C, SIGTERM (``make hub-stop``) or the hub's end. Stopping
asks JupyterHub to stop its servers, service and proxy, then ends whatever of the run is still
alive (``nnfin.hub.processes``), so nothing it started outlives it.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from nnfin.hub import accounts, processes, student_side
from nnfin.hub.settings import REPO, RUN_ENV, SETTINGS_ENV, HubSettings, course_id

CONFIG = Path(__file__).with_name("jupyterhub_config.py")


def make_private(folder: Path) -> bool:
    """Close ``folder`` to other users (the course's solutions, hidden checks, gradebook); True if changed."""
    mode = folder.stat().st_mode & 0o777
    if mode & 0o007:
        os.chmod(folder, mode & 0o770)
        return True
    return False


def prepare_exchange(exchange: Path) -> None:
    """The shared exchange: every account may enter and create its course folder, none rename others'."""
    exchange.mkdir(parents=True, exist_ok=True)
    os.chmod(exchange, 0o1777)
    for parent in exchange.parents:
        if parent != Path("/") and not parent.stat().st_mode & 0o001:
            raise SystemExit(f"the exchange {exchange} is inside {parent}, which the students cannot enter; "
                             "choose another HUB_EXCHANGE")


def prepare(hub: HubSettings) -> None:
    if os.geteuid() != 0:
        raise SystemExit("make hub runs every account's server under its own uid: run it as root")
    missing = [name for name in hub.instructors + hub.students if not accounts.exists(name)]
    if missing:
        raise SystemExit(f"no such users: {', '.join(missing)}; run `make hub-users` first")
    if not (Path(hub.student_prefix) / "bin" / "jupyterhub-singleuser").exists():
        raise SystemExit(f"the students' Python is missing at {hub.student_prefix}; run `make hub-env`")
    Path(hub.runtime).mkdir(parents=True, exist_ok=True)
    os.chmod(hub.runtime, 0o700)
    prepare_exchange(Path(hub.exchange))
    for folder in {Path(hub.course_root), Path(hub.code_root)}:
        if make_private(folder):
            print(f"closed {folder} to other users (chmod o-rwx): it holds solutions, hidden checks "
                  "and the gradebook", flush=True)
    student_side.write_config(Path(hub.student_config), hub.course_id, hub.exchange)


def _answering(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/hub/api/", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def start(hub: HubSettings, log_path: Path) -> subprocess.Popen:
    """JupyterHub in a session of its own, logging to ``log_path``; returns once it answers."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAKE", "MFLAGS", "JUPYTER"))}
    env.update({SETTINGS_ENV: str(Path(hub.runtime) / "settings.json"), RUN_ENV: hub.run_token,
                "PATH": os.pathsep.join([hub.course_bin, "/usr/local/bin", "/usr/bin", "/bin"])})
    log = log_path.open("a")
    proc = subprocess.Popen([os.path.join(hub.course_bin, "jupyterhub"), "-f", str(CONFIG)],
                            cwd=hub.runtime, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    deadline = time.monotonic() + 120
    while not _answering(hub.url):
        if proc.poll() is not None or time.monotonic() > deadline:
            stop(hub, proc)
            raise SystemExit(f"JupyterHub did not start; see {log_path}")
        time.sleep(0.5)
    return proc


def stop(hub: HubSettings, proc: subprocess.Popen | None) -> list[int]:
    """Stop the hub (its servers, service and proxy with it), then end anything of the run left."""
    if proc is not None and proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
    return processes.end(hub.run_token)


def settings_from(args: argparse.Namespace) -> HubSettings:
    course_root = Path(args.course).resolve()
    runtime = Path(args.runtime).resolve()
    students = accounts.student_names(args.student_prefix, args.students)
    prefix = Path(args.student_prefix_dir)
    return HubSettings(
        course_id=course_id(course_root), course_root=str(course_root), runtime=str(runtime),
        exchange=str(Path(args.exchange).resolve()), student_prefix=str(prefix),
        student_config=str(prefix / "share" / "nnfin-hub" / f"hub-{args.port}"),
        course_bin=str(Path(sys.executable).parent), proxy=str(REPO / "node_modules" / ".bin" /
                                                               "configurable-http-proxy"),
        instructors=[args.instructor], students=students, port=args.port, hub_port=args.hub_port,
        proxy_api_port=args.proxy_api_port, service_port=args.service_port, check_port=args.check_port,
        run_token=secrets.token_hex(16))


def serve(hub: HubSettings, logins: dict[str, str]) -> None:
    prepare(hub)
    hub.save()
    pid_file = Path(hub.runtime) / "launcher.pid"
    pid_file.write_text(str(os.getpid()))
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(1))
    signal.signal(signal.SIGINT, lambda *_: stopping.append(1))
    log_path = Path(hub.runtime) / "jupyterhub.log"
    proc = None
    try:
        proc = start(hub, log_path)
        print(f"\nThe class's JupyterHub is at {hub.url}/ (log: {log_path})", flush=True)
        print(f"formgrader (group formgrade-{hub.course_id}): {hub.service_url}", flush=True)
        print(f"check my work (every student, identified by the hub): {hub.check_url}", flush=True)
        print("logins (PAM: the machine's accounts, passwords set by make hub-users):", flush=True)
        for name in hub.instructors + hub.students:
            role = "instructor" if name in hub.instructors else "student"
            print(f"  {name:<16} {logins.get(name, '?'):<14} {role}", flush=True)
        print(f"the exchange is {hub.exchange}: the instructor's make targets need "
              f"NBGRADER_EXCHANGE={hub.exchange} (e.g. make collect NBGRADER_EXCHANGE={hub.exchange})",
              flush=True)
        print("Ctrl-C or `make hub-stop` stops it.", flush=True)
        while not stopping and proc.poll() is None:
            time.sleep(0.3)
    finally:
        left = stop(hub, proc)
        pid_file.unlink(missing_ok=True)
        print(f"hub stopped{f'; ended {len(left)} leftover processes' if left else ''}", flush=True)


def stop_running(runtime: Path) -> None:
    """``make hub-stop``: SIGTERM the launcher, wait for it, then end anything of its run."""
    pid_file, settings = runtime / "launcher.pid", runtime / "settings.json"
    running = pid_file.exists()
    if running:
        pid = int(pid_file.read_text())
        try:
            os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline:
                os.kill(pid, 0)
                time.sleep(0.3)
        except ProcessLookupError:
            pass
    left = processes.end(HubSettings.load(settings).run_token) if settings.exists() else []
    print(("hub stopped" if running else "no hub was running")
          + (f"; ended {len(left)} leftover processes" if left else ""))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m nnfin.hub.serve", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("users", "serve"):
        command = sub.add_parser(name)
        command.add_argument("--runtime", default=str(REPO / "build" / "hub"))
        command.add_argument("--instructor", default="instructor")
        command.add_argument("--students", type=int, default=2)
        command.add_argument("--student-prefix", default="student")
    served = sub.choices["serve"]
    served.add_argument("--course", default=str(REPO))
    served.add_argument("--exchange", default="/srv/nbgrader/exchange")
    served.add_argument("--student-prefix-dir", default="/opt/nnfin-hub")
    for name, port in (("port", 8000), ("hub-port", 8081), ("proxy-api-port", 8001), ("service-port", 8082),
                       ("check-port", 8083)):
        served.add_argument(f"--{name}", type=int, default=port)
    stopped = sub.add_parser("stop")
    stopped.add_argument("--runtime", default=str(REPO / "build" / "hub"))
    args = parser.parse_args(argv)
    if args.command == "stop":
        stop_running(Path(args.runtime))
        return
    names = [args.instructor, *accounts.student_names(args.student_prefix, args.students)]
    logins_path = Path(args.runtime) / "logins.json"
    if args.command == "users":
        for name, password in accounts.ensure(names, logins_path).items():
            print(f"  {name:<16} {password}")
        return
    logins = json.loads(logins_path.read_text()) if logins_path.exists() else {}
    serve(settings_from(args), logins)


if __name__ == "__main__":
    main()
