"""Reference solutions for Module 3, written like a textbook.

Conventions used throughout:

* float64 everywhere (see `nnfin.numerics`), inputs are never mutated.
* Losses take ``(y_true, y_pred)`` in that order, any matching shape.
* Linear models and data sets keep one example per *row*: ``X`` is ``(m, n)``.
* Networks follow the lecture's notation ``z = W a + b`` with one example per
  *column*: activations are ``(n_l, m)``, ``W(l)`` is ``(n_l, n_{l-1})`` and
  ``b(l)`` is ``(n_l, 1)``.
"""
