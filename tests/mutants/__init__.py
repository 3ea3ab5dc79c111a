"""Known wrong answers, one module per assignment, for the mutant suite.

Each module defines ``MUTANTS``: a list of dicts with
``cell`` (grade_id of the solution cell to replace), ``name`` (the misconception),
``source`` (the full wrong code of that cell), ``loses`` (grade_ids of the test
cells that must lose points; default: ``["test_" + cell]``), ``message`` (a
piece of text the student's feedback must contain) and, optionally, ``also``
({grade_id: source} of other answer cells replaced by right answers that call
the wrong one: an error carried forward costs only the wrong part).
"""
