"""Check my work: the hidden checks' verdict on a student's saved notebook before the deadline.

Formative only: a check is graded by the same engine as ``make grade`` (nnfin/grading),
rate-limited, logged in a store of its own, and never written to the gradebook of record.
``make check-service`` serves it (`service`); ``python -m nnfin.check NOTEBOOK`` and the
release's ``check_my_work()`` cell ask it (`client`).
"""
