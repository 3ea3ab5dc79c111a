"""nbgrader configuration for Module 3 (Learning from Mistakes).

nbgrader stays the engine of record: the gradebook, formgrader, export and
feedback behave as nbgrader users expect. What this course adds (a sandboxed
execution of student code and hidden checks that run in the trusted grader
process) plugs in through the Autograde preprocessors below.
"""

import os

c = get_config()  # noqa: F821  (nbgrader injects get_config)

HERE = os.path.dirname(os.path.abspath(__file__))

c.CourseDirectory.course_id = "nnfin-module3"
c.CourseDirectory.root = HERE
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(HERE, "gradebook.db")
# A course-local exchange (git-ignored): release, fetch, submit and collect work on one machine.
# NBGRADER_EXCHANGE points it elsewhere, e.g. a folder every JupyterHub user mounts (see README).
EXCHANGE = os.environ.get("NBGRADER_EXCHANGE") or os.path.join(HERE, "exchange")
c.Exchange.root = EXCHANGE
if not os.path.isdir(EXCHANGE):
    # Created on demand, with the mode `nbgrader release_assignment` gives it (every user may
    # submit), so the formgrader finds it from the first start and shows no warning.
    try:
        os.makedirs(EXCHANGE)
        os.chmod(EXCHANGE, 0o777)
    except OSError:
        pass  # a student's or read-only copy: nbgrader itself then says what is missing
# Data files (.npz) travel with each assignment; checkpoints never do.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback"]

# Student stubs: a clear instruction instead of nbgrader's bare NotImplementedError().
c.ClearSolutions.code_stub = {
    "python": "# YOUR CODE HERE\nraise NotImplementedError(\"Replace this line with your code.\")"
}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# The source notebooks must run top to bottom in seconds.
c.Execute.timeout = 60

try:  # the course's trusted grader (see nnfin/grading); absent on a student's machine
    from nnfin.grading.adapter.config import configure_grading
except ImportError:  # pragma: no cover - student environments never grade
    pass
else:
    configure_grading(c)  # autograde steps, feedback pages, and student content rendered inert
