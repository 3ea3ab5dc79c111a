"""Correct answers in other styles, one module per assignment, for the equivalents suite.

Each module defines ``ASSIGNMENT`` and ``EQUIVALENTS``: a list of dicts with
``cell`` (grade_id of the answer cell to replace), ``name`` (the style: loops,
vectorised, lists, float32, another valid algorithm) and ``source`` (the full,
correct code of that cell). Every one must get full marks on every part.
"""
