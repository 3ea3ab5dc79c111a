"""Hidden checks: one module per assignment, each test scoring one nbgrader grade cell.

These run in the trusted grader process. The student's code runs in a sandboxed
process and is reached only through the ``student`` fixture (see
nnfin/grading/pytest_plugin.py). ``pytest grader_tests`` grades the model
answers in source/; ``--submission NOTEBOOK`` grades any notebook.
"""

pytest_plugins = ["nnfin.grading.checks.pytest_plugin"]
