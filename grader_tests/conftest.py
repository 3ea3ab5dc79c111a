"""Hidden checks: one module per assignment, each test scoring one nbgrader grade cell.

These run in the trusted grader process. The student's code runs in a sandboxed
process and is reached only through the ``student`` fixture (see
nnfin/grading/checks/pytest_plugin.py). ``pytest grader_tests`` grades the model
answers in source/; ``--submission NOTEBOOK`` grades any notebook.

The grader runs a module as plain calls while its tests use only the ``grade``
mark and the ``student`` and ``rng`` fixtures, and this file only loads the
plugin (nnfin/grading/checks/direct.py); anything else still works, through
``pytest.main``, about 70 ms slower a submission.
"""

pytest_plugins = ["nnfin.grading.checks.pytest_plugin"]
