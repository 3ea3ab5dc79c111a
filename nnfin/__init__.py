"""Neural Networks for Finance, Module 3: Learning from Mistakes.

`nnfin.reference` is the one oracle every expected value comes from;
`nnfin.grading` runs student code in a sandbox and grades it against it.
Neither is ever shipped to students.
"""
