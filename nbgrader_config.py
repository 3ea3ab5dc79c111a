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
c.Exchange.root = os.path.join(HERE, "exchange")
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
    from nnfin.grading.adapter.feedback import configure_feedback
    from nnfin.grading.adapter.preprocessors import configure_autograde
    from nnfin.grading.adapter.sanitize import configure_rendering
except ImportError:  # pragma: no cover - student environments never grade
    pass
else:
    configure_autograde(c)
    configure_feedback(c)  # the same feedback pages, without nbconvert's second parse
    configure_rendering(c)  # feedback and formgrader pages render student content inert
