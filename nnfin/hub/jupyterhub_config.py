"""JupyterHub's configuration for the course, as nbgrader's "Using nbgrader with JupyterHub" has it.

Read by ``jupyterhub -f``; everything that varies (ports, users, folders) comes from the hub's
settings.json (``nnfin.hub.settings``). Only 127.0.0.1 is ever bound.

* Accounts are the machine's users (PAM, passwords set by ``make hub-users``); JupyterHub's
  LocalProcessSpawner, running as root, starts each user's server under that user's uid, with the
  students' Python and configuration (``nnfin.hub.student_side``).
* The formgrader is a hub-managed service named after the course, run from the course folder by the
  course's own venv; only the group ``formgrade-<course>`` may reach it. Students are in
  ``nbgrader-<course>``, which may see that the service exists and nothing more.
* Check my work (``nnfin.check``) is a second hub-managed service, ``<course>-check``, run by the
  course's venv as the hub's user (it grades in the sandbox, as ``make grade``). It takes each
  student's identity from the hub (the token of the student's own server, which their kernel has),
  never from the request; every server is told where it is (``NNFIN_CHECK_URL``).
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
from nnfin.hub.settings import RUN_ENV, HubSettings  # noqa: E402

c = get_config()  # noqa: F821
hub = HubSettings.load()
course = hub.course_id
here = hub.runtime

c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = hub.port
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = hub.hub_port
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{hub.proxy_api_port}"
c.ConfigurableHTTPProxy.command = [hub.proxy]
c.ConfigurableHTTPProxy.pid_file = os.path.join(here, "proxy.pid")
c.JupyterHub.db_url = "sqlite:///" + os.path.join(here, "jupyterhub.sqlite")
c.JupyterHub.cookie_secret_file = os.path.join(here, "cookie_secret")
c.JupyterHub.cleanup_servers = True   # stopping the hub stops every server and the service
c.JupyterHub.cleanup_proxy = True

c.JupyterHub.authenticator_class = "pam"
c.PAMAuthenticator.open_sessions = False
c.Authenticator.allowed_users = set(hub.instructors) | set(hub.students)

c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [os.path.join(hub.student_prefix, "bin", "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.environment = {
    RUN_ENV: hub.run_token,
    "PATH": os.pathsep.join([os.path.join(hub.student_prefix, "bin"), "/usr/local/bin", "/usr/bin", "/bin"]),
    "JUPYTER_CONFIG_PATH": hub.student_config,
    "MPLBACKEND": "Agg",
    "OPENBLAS_NUM_THREADS": "1",
    "NNFIN_CHECK_URL": hub.check_url,  # check_my_work() in a student's kernel sends the notebook there
}
c.Spawner.start_timeout = 120   # a busy two-core machine starts JupyterLab slowly
c.Spawner.http_timeout = 120

c.JupyterHub.load_groups = {
    f"formgrade-{course}": {"users": list(hub.instructors)},
    f"nbgrader-{course}": {"users": list(hub.students)},
}
c.JupyterHub.load_roles = [
    {"name": f"formgrade-{course}", "groups": [f"formgrade-{course}"],
     "scopes": [f"access:services!service={course}"]},
    {"name": f"nbgrader-{course}", "groups": [f"nbgrader-{course}"],
     "scopes": ["list:services", f"read:services!service={course}"]},
]
c.JupyterHub.services = [{
    "name": course,
    "url": f"http://127.0.0.1:{hub.service_port}",
    "command": [os.path.join(hub.course_bin, "jupyterhub-singleuser"), "--allow-root",
                f"--ServerApp.root_dir={hub.course_root}",
                # it runs as the hub's user (root, who grades): no terminal for that account
                "--ServerApp.terminals_enabled=False"],
    "cwd": hub.course_root,
    "oauth_no_confirm": True,
    "environment": {
        RUN_ENV: hub.run_token,
        # nbgrader calls alembic from PATH; the course's config reads the exchange from here
        "PATH": os.pathsep.join([hub.course_bin, "/usr/local/bin", "/usr/bin", "/bin"]),
        "NBGRADER_EXCHANGE": hub.exchange,
        "JUPYTER_CONFIG_DIR": os.path.join(here, "service-jupyter"),
        "JUPYTERHUB_DEFAULT_URL": "/formgrader",
        "MPLBACKEND": "Agg",
        "OPENBLAS_NUM_THREADS": "1",
    },
}, {
    "name": hub.check_service,
    "url": f"http://127.0.0.1:{hub.check_port}",
    "command": [os.path.join(hub.course_bin, "python"), "-m", "nnfin.check.service", "--hub",
                "--root", hub.course_root, "--port", str(hub.check_port)],
    "cwd": hub.course_root,
    "environment": {
        RUN_ENV: hub.run_token,
        "PATH": os.pathsep.join([hub.course_bin, "/usr/local/bin", "/usr/bin", "/bin"]),
        "MPLBACKEND": "Agg",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
    },
}]
