"""Hidden checks for assignment 02: gradient descent on a linear model.

Every expected value comes from nnfin.reference.gradient_descent; the inputs are
drawn fresh from the ``rng`` fixture. Functions that take callables receive them
as PyFunc sources, which the grader also evaluates itself to run the reference.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from nnfin.grading.checks.expect import (
    CheckFailed,
    carry_crash,
    crash_culprits,
    expect_array,
    expect_close,
    expect_float,
    expect_gradient,
    expect_int,
    expect_own_logic,
    expect_str,
    helper_note,
    helper_verdict,
    matches,
    raised_type,
)
from nnfin.grading.engine.session import StudentError
from nnfin.grading.sandbox.wire import PyFunc
from nnfin.numerics import FD_STEP
from nnfin.reference import gradient_descent as ref

ASSIGNMENT = "02_gradient_descent"

LABELS = ("diverging", "too slow", "healthy")


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------


def _pyfunc(source: str):
    """The same small function twice: as a PyFunc for the student, callable for the grader."""
    return PyFunc(source), eval(source, {"np": np})  # noqa: S307 - our own literal source


def _lit(a: np.ndarray) -> str:
    """An exact Python literal of a 1-D float array (repr of floats round-trips)."""
    return "np.array(" + repr([float(v) for v in np.ravel(a)]) + ")"


def _regression(rng: np.random.Generator, m: int, n: int):
    X = rng.normal(size=(m, n))
    w_true = rng.normal(size=n)
    y = X @ w_true + rng.normal() + 0.3 * rng.normal(size=m)
    return X, y


def _pair(value: object, what: str) -> tuple:
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise CheckFailed(f"{what} should return a tuple of two things, (dw, db): "
                          "end the function with `return dw, db`.",
                          "not a pair (dw, db)")
    return tuple(value)


def _float_list(value: object, what: str) -> list[float]:
    if not isinstance(value, list):
        kind = type(value).__name__
        raise CheckFailed(f"{what} should be a Python list of floats, got {kind}: "
                          "start with history = [...] and append float(loss) after every step.",
                          "history not a list of floats")
    out = []
    for v in value:
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise CheckFailed(f"{what} should contain only floats; one entry is "
                              f"{type(v).__name__}: append float(loss_fn(w)).",
                              "history not a list of floats")
        out.append(float(v))
    return out


# ---------------------------------------------------------------------------
# Part 1: linear_mse_grad
# ---------------------------------------------------------------------------


def _grad_mistakes(X, y, w, b, dw, db):
    m = X.shape[0]
    return (
        {
            "It looks like a sum instead of a mean: divide by the number of examples m.": dw * m,
            "It looks like the factor 2 from the square is missing (d/dr r^2 = 2r).": dw / 2,
            "The sign is flipped: use r = X @ w + b - y (prediction minus truth).": -dw,
            "dw is all zeros: 2 // m is integer division, which gives 0 for m > 2; "
            "write 2 / m.": np.zeros_like(dw),
        },
        {
            "db looks like a sum instead of a mean: divide by the number of examples m.": db * m,
            "db is missing the factor 2 from the square.": db / 2,
            "db has the wrong sign: use r = X @ w + b - y (prediction minus truth).": -db,
            "db is 0: 2 // m is integer division, which gives 0 for m > 2; write 2 / m.": 0.0,
        },
    )


def _global_mistake(student, w, b) -> dict:
    """The gradient on the notebook's own X, y: what a function that reads globals returns."""
    try:
        Xg, yg = student.get("X"), student.get("y")
    except StudentError:
        return {}
    if not (isinstance(Xg, np.ndarray) and isinstance(yg, np.ndarray)):
        return {}
    if Xg.ndim != 2 or Xg.shape[1] != w.shape[0] or yg.shape != (Xg.shape[0],):
        return {}
    dw_g, _ = ref.linear_mse_grad(Xg, yg, w, b)
    return {"It looks like the function uses the notebook's X and y instead of its arguments.": dw_g}


@pytest.mark.grade("test_linear_mse_grad", points=3)
def test_linear_mse_grad_matches_reference_on_a_batch(student, rng):
    m, n = int(rng.integers(7, 14)), 2
    X, y = _regression(rng, m, n)
    w, b = rng.normal(size=n), float(rng.normal())
    dw, db = _pair(student.call("linear_mse_grad", X, y, w, b), "linear_mse_grad(X, y, w, b)")
    dw = expect_array(dw, (n,), "linear_mse_grad: dw")
    db = expect_float(db, "linear_mse_grad: db")
    want_dw, want_db = ref.linear_mse_grad(X, y, w, b)
    mistakes_dw, mistakes_db = _grad_mistakes(X, y, w, b, want_dw, want_db)
    mistakes_dw.update(_global_mistake(student, w, b))
    expect_close(dw, want_dw, "linear_mse_grad: dw", mistakes=mistakes_dw)
    expect_close(db, want_db, "linear_mse_grad: db", mistakes=mistakes_db)


@pytest.mark.grade("test_linear_mse_grad", points=2)
def test_linear_mse_grad_passes_a_gradient_check(student, rng):
    m, n = int(rng.integers(9, 16)), int(rng.integers(3, 6))
    X, y = _regression(rng, m, n)
    w, b = rng.normal(size=n), float(rng.normal())
    dw, db = _pair(student.call("linear_mse_grad", X, y, w, b), "linear_mse_grad(X, y, w, b)")
    dw = expect_array(dw, (n,), "linear_mse_grad: dw")
    db = expect_float(db, "linear_mse_grad: db")
    want_dw, want_db = ref.linear_mse_grad(X, y, w, b)
    mistakes_dw, mistakes_db = _grad_mistakes(X, y, w, b, want_dw, want_db)
    expect_gradient(dw, lambda v: ref.linear_mse(X, y, v, b), w, "linear_mse_grad: dw",
                    mistakes=mistakes_dw)
    expect_gradient(np.array([db]), lambda v: ref.linear_mse(X, y, w, float(v[0])),
                    np.array([b]), "linear_mse_grad: db",
                    mistakes={k: np.array([v]) for k, v in mistakes_db.items()})


@pytest.mark.grade("test_linear_mse_grad", points=1)
def test_linear_mse_grad_with_one_signal(student, rng):
    m = int(rng.integers(5, 10))
    X, y = _regression(rng, m, 1)
    w, b = rng.normal(size=1), float(rng.normal())
    dw, db = _pair(student.call("linear_mse_grad", X, y, w, b), "linear_mse_grad(X, y, w, b)")
    dw = expect_array(dw, (1,), "linear_mse_grad with one feature: dw")
    db = expect_float(db, "linear_mse_grad with one feature: db")
    want_dw, want_db = ref.linear_mse_grad(X, y, w, b)
    mistakes_dw, mistakes_db = _grad_mistakes(X, y, w, b, want_dw, want_db)
    expect_close(dw, want_dw, "linear_mse_grad with one feature: dw", mistakes=mistakes_dw)
    expect_close(db, want_db, "linear_mse_grad with one feature: db", mistakes=mistakes_db)


# ---------------------------------------------------------------------------
# Part 2: numerical_gradient
# ---------------------------------------------------------------------------


def _smooth_function(rng: np.random.Generator, n: int):
    a = rng.uniform(0.5, 1.5, size=n)
    k = rng.uniform(1.0, 2.0, size=n)
    c = rng.normal(size=n)
    source = (f"lambda w: float(np.sum({_lit(a)} * np.exp({_lit(k)} * w))"
              f" + np.sum({_lit(c)} * w ** 3))")
    return _pyfunc(source)


def _forward_difference(f, x, h):
    base = np.array(x, dtype=float)
    f0 = float(f(base))
    out = np.empty_like(base)
    for i in range(base.size):
        plus = base.copy()
        plus[i] += h
        out[i] = (float(f(plus)) - f0) / h
    return out


@pytest.mark.grade("test_numerical_gradient", points=2)
def test_numerical_gradient_uses_central_differences_with_the_given_h(student, rng):
    n = int(rng.integers(3, 7))
    x = rng.normal(scale=0.7, size=n)
    h = 1e-2
    pyf, f = _smooth_function(rng, n)
    got = expect_array(student.call("numerical_gradient", pyf, x, h), (n,),
                       "numerical_gradient(f, x, h)")
    want = ref.numerical_gradient(f, x, h=h)
    expect_close(got, want, "numerical_gradient(f, x, h)", mistakes={
        "It looks like a one-sided difference (f(x+h) - f(x)) / h: use the central difference "
        "(f(x + h e_i) - f(x - h e_i)) / (2h).": _forward_difference(f, x, h),
        "It looks like the difference is divided by h instead of 2h.": 2 * want,
        "It looks like the step h you were given is ignored: use the argument h, "
        "not a fixed number.": ref.numerical_gradient(f, x, h=FD_STEP),
    })


@pytest.mark.grade("test_numerical_gradient", points=1)
def test_numerical_gradient_default_step(student, rng):
    n = int(rng.integers(2, 6))
    x = rng.normal(scale=0.7, size=n)
    pyf, f = _smooth_function(rng, n)
    got = expect_array(student.call("numerical_gradient", pyf, x), (n,), "numerical_gradient(f, x)")
    want = ref.numerical_gradient(f, x)
    expect_close(got, want, "numerical_gradient(f, x) with the default h = 1e-6", mistakes={
        "It looks like the difference is divided by h instead of 2h.": 2 * want,
    })


@pytest.mark.grade("test_numerical_gradient", points=1)
def test_numerical_gradient_of_a_linear_model_loss(student, rng):
    m, n = int(rng.integers(6, 11)), int(rng.integers(2, 5))
    X, y = _regression(rng, m, n)
    b = float(rng.normal())
    source = (f"lambda w: float(np.mean((np.array({X.tolist()!r}) @ w + {b!r}"
              f" - {_lit(y)}) ** 2))")
    pyf, f = _pyfunc(source)
    w = rng.normal(size=n)
    got = expect_array(student.call("numerical_gradient", pyf, w), (n,), "numerical_gradient(f, w)")
    want = ref.numerical_gradient(f, w)
    expect_close(got, want, "numerical_gradient(f, w) on an MSE loss", mistakes={
        "It looks like the difference is divided by h instead of 2h.": 2 * want,
    })


# ---------------------------------------------------------------------------
# Part 3: gradient_descent
# ---------------------------------------------------------------------------


def _bowl(rng: np.random.Generator, n: int):
    a = rng.uniform(0.5, 2.0, size=n)
    c = rng.normal(size=n)
    loss_src = f"lambda w: float(np.sum({_lit(a)} * (np.asarray(w) - {_lit(c)}) ** 2))"
    grad_src = f"lambda w: 2.0 * {_lit(a)} * (np.asarray(w) - {_lit(c)})"
    return _pyfunc(loss_src), _pyfunc(grad_src)


def _descent_result(value: object, n: int, what: str):
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise CheckFailed(f"{what} should return a tuple (w, loss_history).",
                          "not a pair (w, loss_history)")
    w = expect_array(value[0], (n,), f"{what}: w")
    history = _float_list(value[1], f"{what}: loss_history")
    return w, history


@pytest.mark.grade("test_gradient_descent", points=3)
def test_gradient_descent_follows_the_slope(student, rng):
    n = int(rng.integers(2, 6))
    (loss_pf, loss_f), (grad_pf, grad_f) = _bowl(rng, n)
    w0 = rng.normal(scale=2.0, size=n)
    lr, steps = float(rng.uniform(0.05, 0.2)), int(rng.integers(8, 20))
    what = "gradient_descent(grad_fn, w0, lr, n_steps, loss_fn)"
    w, history = _descent_result(student.call("gradient_descent", grad_pf, w0, lr, steps, loss_pf),
                                 n, what)
    want_w, want_hist = ref.gradient_descent(grad_f, w0, lr, steps, loss_f)
    if len(history) != len(want_hist):
        if len(history) == steps:
            raise CheckFailed(f"{what}: loss_history has n_steps entries; it needs n_steps + 1: "
                              "the loss at w0 first, then the loss after every step.",
                              "history misses the starting loss")
        raise CheckFailed(f"{what}: loss_history should have n_steps + 1 entries "
                          "(the start plus one per step).",
                          "history of the wrong length")
    _, sign_hist = ref.gradient_descent(grad_f, w0, -lr, steps, loss_f)
    expect_close(history[:2], want_hist[:2], f"{what}: the first two losses", mistakes={
        "The loss goes up: step AGAINST the gradient, w = w - lr * grad_fn(w) (sign error).":
            sign_hist[:2],
    })
    expect_close(history, want_hist, f"{what}: loss_history", mistakes={
        "The first step is right but later steps are not: take every step with the same lr, "
        "w = w - lr * grad_fn(w), from the w of the step before (no decay, no momentum).":
            history,
    })
    expect_close(w, want_w, f"{what}: the final w", mistakes={
        "The returned w is still w0: return the updated weights.": w0,
    })


@pytest.mark.grade("test_gradient_descent", points=2)
def test_gradient_descent_stops_when_the_loss_explodes(student, rng):
    n = int(rng.integers(2, 5))
    (loss_pf, loss_f), (grad_pf, grad_f) = _bowl(rng, n)
    w0 = rng.normal(size=n)
    lr, steps = float(rng.uniform(3.0, 5.0)), 1000
    what = "gradient_descent with a far too large learning rate"
    result = student.call("gradient_descent", grad_pf, w0, lr, steps, loss_pf,
                          when="when the loss overflows to inf")
    w, history = _descent_result(result, n, what)
    with np.errstate(over="ignore", invalid="ignore"):
        _, want_hist = ref.gradient_descent(grad_f, w0, lr, steps, loss_f)
    if len(history) > len(want_hist) and all(math.isfinite(v) for v in history):
        raise CheckFailed(f"{what}: with this learning rate the loss must blow up to inf or NaN, "
                          "but your loss_history stayed finite: take every step with the lr you "
                          "are given, unchanged (no decay, no clipping of the step).",
                          "learning rate changed during the run")
    if len(history) > len(want_hist):
        raise CheckFailed(f"{what}: it kept stepping after the loss became NaN/inf: "
                          "stop as soon as the loss is not finite (np.isfinite).",
                          "kept stepping after nan")
    if len(history) < len(want_hist) and all(math.isfinite(v) for v in history):
        raise CheckFailed(f"{what}: the history should end with the first non-finite loss "
                          "(append it, then stop), but all its entries are finite.",
                          "non-finite loss not recorded")
    if len(history) != len(want_hist) or math.isfinite(history[-1]):
        raise CheckFailed(f"{what}: the loop should stop right after the first NaN/inf loss, "
                          "and the history should end with that value.",
                          "stops at the wrong step")
    # compare the part of the climb that is still far from overflowing
    k = sum(1 for v in want_hist if abs(v) < 1e100)
    expect_close(history[:k], want_hist[:k], f"{what}: the finite part of loss_history")


@pytest.mark.grade("test_gradient_descent", points=1)
def test_gradient_descent_with_zero_steps(student, rng):
    n = int(rng.integers(2, 5))
    (loss_pf, loss_f), (grad_pf, _) = _bowl(rng, n)
    w0 = rng.normal(size=n)
    what = "gradient_descent with n_steps = 0"
    result = student.call("gradient_descent", grad_pf, w0, 0.1, 0, loss_pf, when="when n_steps is 0")
    w, history = _descent_result(result, n, what)
    if len(history) != 1:
        raise CheckFailed(f"{what}: loss_history should hold just the starting loss, "
                          f"[loss_fn(w0)], but it has {len(history)} entries.",
                          "history of the wrong length")
    expect_close(history[0], loss_f(w0), f"{what}: the starting loss")
    expect_close(w, w0, f"{what}: w (no step was taken, so w equals w0)")


# ---------------------------------------------------------------------------
# Part 4: diagnose_loss_history
# ---------------------------------------------------------------------------


def _decay(rng: np.random.Generator, start: float, drop: float, k: int) -> list[float]:
    """k + 1 values falling smoothly from start by the fraction ``drop`` in total."""
    t = np.linspace(0.0, 1.0, k + 1) ** rng.uniform(0.5, 1.0)
    return [float(v) for v in start * (1.0 - drop * t)]


def _diagnose(student, history, expected, hint, mistake=None, when=""):
    """One history whose label is ``expected``; ``hint`` names the rule a wrong label breaks."""
    got = expect_str(student.call("diagnose_loss_history", history, when=when),
                     "diagnose_loss_history(history)", LABELS)
    want = ref.diagnose_loss_history(history)
    if want != expected:
        raise RuntimeError("internal: the hidden history does not show what it should")
    if got != want:
        raise CheckFailed(f"diagnose_loss_history returned {got!r} for a history that is "
                          f"{want!r}. {hint}", mistake)


@pytest.mark.grade("test_diagnose_loss_history", points=1)
def test_diagnose_nan_and_inf(student, rng):
    start = float(rng.uniform(1.0, 10.0))
    hint = "Rule 1: a NaN or inf anywhere in the history means 'diverging'."
    falling = _decay(rng, start, 0.8, 6)
    _diagnose(student, falling + [float("inf")], "diverging", hint, "non-finite loss missed")
    _diagnose(student, falling[:3] + [float("nan")], "diverging", hint, "non-finite loss missed")
    _diagnose(student, falling[:3] + [float("nan")] + falling[3:], "diverging",
              "Rule 1: a NaN in the MIDDLE of the history (not only at its end) also means "
              "'diverging': check every entry.", "nan only looked for at the end",
              when="when the history holds a NaN in the middle")


@pytest.mark.grade("test_diagnose_loss_history", points=1)
def test_diagnose_loss_that_ends_higher_than_it_started(student, rng):
    start = float(rng.uniform(1.0, 10.0))
    rise = float(rng.uniform(0.2, 3.0))
    history = [start, start * 0.7, start * 1.3, start * 0.9, start * (1.0 + rise)]
    _diagnose(student, history, "diverging",
              "Rule 1: a loss that ends more than 5% above its start is 'diverging'.",
              "rise above the start missed")


@pytest.mark.grade("test_diagnose_loss_history", points=1)
def test_diagnose_runaway_tail(student, rng):
    start = float(rng.uniform(1.0, 10.0))
    low = start * float(rng.uniform(0.1, 0.3))
    up = np.cumprod(1.0 + rng.uniform(0.03, 0.1, size=5))
    history = _decay(rng, start, 1.0 - low / start, 4) + [float(low * u) for u in up]
    _diagnose(student, history, "diverging",
              "Rule 1: when each of the last 5 steps raised the loss, by more than 5% in total, "
              "the loss is running away ('diverging'), even if it fell earlier.",
              "runaway tail missed")


@pytest.mark.grade("test_diagnose_loss_history", points=1)
def test_diagnose_too_slow_and_healthy(student, rng):
    start = float(rng.uniform(1.0, 10.0))
    k = int(rng.integers(10, 30))
    for drop in (float(rng.uniform(0.05, 0.45)), 0.48):
        _diagnose(student, _decay(rng, start, drop, k), "too slow",
                  "Rule 3: a loss that fell by less than half of its starting value is 'too slow': "
                  "(L0 - L_last) / L0 < 0.5.", "wrong too-slow threshold")
    for drop in (float(rng.uniform(0.55, 0.95)), 0.52):
        _diagnose(student, _decay(rng, start, drop, k), "healthy",
                  "Rule 4: a loss that fell by half of its starting value or more is 'healthy'.",
                  "wrong too-slow threshold")


@pytest.mark.grade("test_diagnose_loss_history", points=1)
def test_diagnose_noise_is_not_divergence(student, rng):
    start = float(rng.uniform(1.0, 10.0))
    base = _decay(rng, start, 0.8, 12)
    # every other loss ticks up a little: noisy, but never 5 rises in a row
    noisy = [v * (1.0 + float(rng.uniform(0.0, 0.04))) if i % 2 else v for i, v in enumerate(base)]
    hint = ("Small rises (mini-batch noise) are not divergence: only the three diverging rules "
            "count (more than 5% above the start, or 5 rising steps adding up to more than 5%).")
    _diagnose(student, noisy, "healthy", hint, "noise taken for divergence")
    low = base[-1]
    small_rise = [low * (1.0 + 0.008 * i) for i in range(1, 6)]   # 5 rises, +4% in total
    _diagnose(student, base + small_rise, "healthy", hint, "noise taken for divergence")
    four_up = [low * (1.0 + 0.05 * i) for i in range(1, 5)]       # only 4 rising steps
    _diagnose(student, base + four_up, "healthy", hint, "runaway window too short")


@pytest.mark.grade("test_diagnose_loss_history", points=1)
def test_diagnose_short_and_flat_histories(student, rng):
    start = float(rng.uniform(1.0, 10.0))
    _diagnose(student, [start] * 4, "too slow",
              "Rule 3: a loss that did not move at all is 'too slow'.", "flat loss not too slow")
    _diagnose(student, [0.0, 0.0, 0.0], "healthy",
              "Rule 2: a history that starts at 0 (a perfect fit) and stays there is 'healthy'.",
              "first loss of zero", when="when the first loss is 0")
    arr = np.array(_decay(rng, start, 0.9, 3))
    _diagnose(student, arr, "healthy",
              "The history may also arrive as a numpy array: use np.asarray(history, dtype=float).")


# ---------------------------------------------------------------------------
# Part 5: minibatch_indices
# ---------------------------------------------------------------------------


def _batches(student, n_samples, batch_size, seed):
    what = f"minibatch_indices({n_samples}, {batch_size}, seed)"
    when = ("when batch_size is larger than n_samples" if batch_size > n_samples
            else "when batch_size is 1" if batch_size == 1 else "")
    got = student.call("minibatch_indices", n_samples, batch_size, seed, when=when)
    if not isinstance(got, list):
        kind = f"an array of shape {got.shape}" if isinstance(got, np.ndarray) else type(got).__name__
        raise CheckFailed(f"{what} should return a Python list of index arrays, got {kind}: "
                          "collect the batches in a list (the last one may be shorter).",
                          "batches not a list of arrays")
    want = ref.minibatch_indices(n_samples, batch_size, seed)
    if len(got) != len(want):
        if len(got) == n_samples // batch_size:
            raise CheckFailed(f"{what} returned {len(got)} batches; the last, smaller batch with the "
                              "remaining examples is missing.",
                              "last batch dropped")
        raise CheckFailed(f"{what} returned {len(got)} batches, but {n_samples} examples in batches "
                          f"of {batch_size} make ceil(n / batch_size) batches.",
                          "wrong number of batches")
    sizes_ok = True
    arrays = []
    for i, (g, w) in enumerate(zip(got, want, strict=True)):
        if not isinstance(g, np.ndarray):
            raise CheckFailed(f"{what}: batch {i} is a {type(g).__name__}; each batch should be a "
                              "numpy array of indices.",
                              "batches not a list of arrays")
        if g.dtype.kind != "i":
            raise CheckFailed(f"{what}: batch {i} holds {g.dtype} values; indices should be integers.",
                              "indices not integers")
        sizes_ok = sizes_ok and g.shape == w.shape
        arrays.append(g)
    if not sizes_ok:
        raise CheckFailed(f"{what}: the batch sizes are wrong. All batches should hold batch_size "
                          "indices except the last one, which holds the remainder.",
                          "batch sizes wrong")
    flat = np.concatenate(arrays)
    if sorted(flat.tolist()) != list(range(n_samples)):
        raise CheckFailed(f"{what}: every index 0..n_samples-1 should appear in exactly one batch.",
                          "indices missing or repeated")
    if np.array_equal(flat, np.arange(n_samples)) and n_samples > 1:
        raise CheckFailed(f"{what}: the indices are not shuffled. Shuffle first with "
                          "np.random.default_rng(seed).permutation(n_samples).",
                          "not shuffled")
    if not np.array_equal(flat, np.concatenate(want)):
        raise CheckFailed(f"{what}: the order is not the expected shuffle. Use exactly "
                          "np.random.default_rng(seed).permutation(n_samples) with the given seed, "
                          "then cut it into consecutive pieces.",
                          "not the seeded shuffle")


@pytest.mark.grade("test_minibatch_indices", points=2)
def test_minibatch_indices_with_a_remainder(student, rng):
    batch_size = int(rng.integers(3, 9))
    # remainder at most batch_size - 2: then no even split gives the same batch sizes
    n_samples = batch_size * int(rng.integers(3, 7)) + int(rng.integers(1, batch_size - 1))
    _batches(student, n_samples, batch_size, int(rng.integers(0, 10_000)))


@pytest.mark.grade("test_minibatch_indices", points=1)
def test_minibatch_indices_when_the_batch_size_divides(student, rng):
    batch_size = int(rng.integers(2, 7))
    n_samples = batch_size * int(rng.integers(3, 8))
    _batches(student, n_samples, batch_size, int(rng.integers(0, 10_000)))


@pytest.mark.grade("test_minibatch_indices", points=1)
def test_minibatch_indices_sgd_and_full_batch(student, rng):
    n_samples = int(rng.integers(8, 20))
    seed = int(rng.integers(0, 10_000))
    _batches(student, n_samples, 1, seed)
    _batches(student, n_samples, n_samples, seed + 1)
    _batches(student, n_samples, n_samples + int(rng.integers(1, 5)), seed + 2)


# ---------------------------------------------------------------------------
# Part 6: updates_per_epoch
# ---------------------------------------------------------------------------


def _updates(student, n_samples, batch_size):
    what = f"updates_per_epoch({n_samples}, {batch_size})"
    got = expect_int(student.call("updates_per_epoch", n_samples, batch_size), what)
    want = ref.updates_per_epoch(n_samples, batch_size)
    if got != want:
        if got == n_samples // batch_size:
            raise CheckFailed(f"{what} returned {got}: that rounds down, but the remainder makes "
                              "one more, smaller batch. Round up (math.ceil).",
                              "rounds down")
        raise CheckFailed(f"{what} returned {got}; the number of batches is ceil(n / batch_size).",
                          "wrong count")


@pytest.mark.grade("test_updates_per_epoch", points=1)
def test_updates_per_epoch_lecture_example(student, rng):
    _updates(student, 10_000, 100)
    batch_size = int(rng.integers(2, 200))
    _updates(student, batch_size * int(rng.integers(2, 500)), batch_size)


@pytest.mark.grade("test_updates_per_epoch", points=1)
def test_updates_per_epoch_rounds_up(student, rng):
    for _ in range(3):
        batch_size = int(rng.integers(3, 200))
        n_samples = batch_size * int(rng.integers(1, 500)) + int(rng.integers(1, batch_size // 2 + 1))
        _updates(student, n_samples, batch_size)
    _updates(student, int(rng.integers(2, 30)), 1000)


# ---------------------------------------------------------------------------
# Part 7: train_linear
# ---------------------------------------------------------------------------


def _train_run(X, y, batch_size, lr, epochs, seed, *, batches=None, grad=None, record="full",
               twice=False, reseed=True, shuffle=True, divide_by_batch_size=False):
    """The training loop of the rules, optionally making one classic mistake or using the
    student's own helpers (``batches(epoch)``, ``grad(Xb, yb, w, b)``) in place of the reference."""
    m, n = X.shape
    grad = grad or ref.linear_mse_grad
    w, b = np.zeros(n), 0.0
    history = [ref.linear_mse(X, y, w, b)]
    n_updates = 0
    for epoch in range(epochs):
        if batches is not None:
            order_batches = batches(epoch)
        elif shuffle:
            order_batches = ref.minibatch_indices(m, batch_size, seed + epoch if reseed else seed)
        else:
            order_batches = [np.arange(m)[s:s + batch_size] for s in range(0, m, batch_size)]
        perm = np.random.default_rng(seed + epoch).permutation(m)
        batch_losses = []
        for idx in order_batches:
            idx = perm[idx] if twice else idx
            batch_losses.append(ref.linear_mse(X[idx], y[idx], w, b))
            dw, db = grad(X[idx], y[idx], w, b)
            if divide_by_batch_size:
                scale = len(idx) / batch_size
                dw, db = dw * scale, db * scale
            w = w - lr * dw
            b = b - lr * db
            n_updates += 1
        full = {"full": ref.linear_mse(X, y, w, b), "last batch": batch_losses[-1],
                "batch mean": float(np.mean(batch_losses))}
        history.append(full[record])
    return {"w": w, "b": b, "loss_history": history, "n_updates": n_updates}


def _packed(run) -> np.ndarray:
    """Every number of a training run in one vector (same length only for same-length runs)."""
    return np.concatenate([np.asarray(run["loss_history"], dtype=float), np.ravel(run["w"]),
                           [float(run["b"]), float(run["n_updates"])]])


def _student_batches(student, m, batch_size, seed, epochs):
    """The student's own minibatch_indices for every epoch, or None if it cannot be used."""
    try:
        out = [student.call("minibatch_indices", m, batch_size, seed + e) for e in range(epochs)]
    except (StudentError, CheckFailed):
        return None
    for batches in out:
        if not isinstance(batches, list) or not batches:
            return None
        for idx in batches:
            if (not isinstance(idx, np.ndarray) or idx.ndim != 1 or idx.dtype.kind != "i"
                    or idx.size == 0 or idx.min() < 0 or idx.max() >= m):
                return None
    return lambda epoch: out[epoch]


def _student_grad(student, X, y):
    """The student's own linear_mse_grad as a function, or None when it is right or unusable."""
    n = X.shape[1]

    def grad(Xb, yb, w, b):
        dw, db = _pair(student.call("linear_mse_grad", Xb, yb, w, b), "linear_mse_grad")
        return expect_array(dw, (n,), "linear_mse_grad: dw"), expect_float(db, "linear_mse_grad: db")

    probe = (X[: max(2, len(X) // 2)], y[: max(2, len(y) // 2)], np.linspace(-0.5, 0.5, n), 0.3)
    try:
        dw, db = grad(*probe)
    except (StudentError, CheckFailed):
        return None
    want_dw, want_db = ref.linear_mse_grad(*probe)
    return None if matches(dw, want_dw) and matches(db, want_db) else grad


def _carried(student, X, y, batch_size, lr, epochs, seed, want):
    """What a train_linear with right logic returns on top of the student's own (wrong) helpers.

    A generator: the student's helpers are only called when train_linear's answer is wrong."""
    m = X.shape[0]
    args = (X, y, batch_size, lr, epochs, seed)
    own = []
    batches = _student_batches(student, m, batch_size, seed, epochs)
    grad = _student_grad(student, X, y)
    if batches is not None:
        run = _train_run(*args, batches=batches)
        if not matches(_packed(run), _packed(want)):
            own.append(("minibatch_indices", run))
    if grad is not None:
        own.append(("linear_mse_grad", _train_run(*args, grad=grad)))
        if batches is not None:
            own.append(("minibatch_indices and linear_mse_grad",
                        _train_run(*args, batches=batches, grad=grad)))
    try:
        per_epoch = student.call("updates_per_epoch", m, batch_size)
    except (StudentError, CheckFailed):
        per_epoch = None
    if type(per_epoch) in (int, float) and per_epoch * epochs != want["n_updates"]:
        own.append(("updates_per_epoch", dict(want, n_updates=per_epoch * epochs)))
    yield from [(helper_note("train_linear", helper), _packed(run)) for helper, run in own]


def _helper_verdicts(student, X, y, batch_size, seed) -> dict[str, str]:
    """How train_linear's helpers fare on its values (for `crash_culprits`: a wrong or a raising
    helper explains a crash of train_linear)."""
    probe = (X[:batch_size], y[:batch_size], np.linspace(-0.5, 0.5, X.shape[1]), 0.3)
    want_dw, want_db = ref.linear_mse_grad(*probe)
    want_batches = ref.minibatch_indices(X.shape[0], batch_size, seed)

    def grad_right(out):
        dw, db = _pair(out, "linear_mse_grad")
        return (matches(expect_array(dw, want_dw.shape, "dw"), want_dw)
                and matches(expect_float(db, "db"), want_db))

    def batches_right(out):
        return (isinstance(out, list) and len(out) == len(want_batches)
                and all(isinstance(g, np.ndarray) and g.shape == w.shape and np.array_equal(g, w)
                        for g, w in zip(out, want_batches, strict=True)))

    return {
        "linear_mse_grad": helper_verdict(lambda: student.call("linear_mse_grad", *probe),
                                          grad_right),
        "minibatch_indices": helper_verdict(
            lambda: student.call("minibatch_indices", X.shape[0], batch_size, seed), batches_right),
    }


def _check_training(student, X, y, batch_size, lr, epochs, seed):
    m, n = X.shape
    what = f"train_linear(X, y, batch_size={batch_size}, lr, epochs={epochs}, seed)"
    try:
        got = student.call("train_linear", X, y, batch_size, lr, epochs, seed)
    except StudentError as exc:
        culprits = crash_culprits(exc, _helper_verdicts(student, X, y, batch_size, seed),
                                  wrong_counts=True) if raised_type(exc) else {}
        if culprits:
            carry_crash("train_linear", exc, culprits)
        raise
    if not isinstance(got, dict):
        raise CheckFailed(f"{what} should return a dict, got {type(got).__name__}.",
                          "wrong return type")
    missing = [k for k in ("w", "b", "loss_history", "n_updates") if k not in got]
    if missing:
        raise CheckFailed(f"{what}: the returned dict is missing the key(s) {missing}.",
                          "keys missing")
    w = expect_array(got["w"], (n,), f"{what}['w']")
    b = expect_float(got["b"], f"{what}['b']")
    history = _float_list(got["loss_history"], f"{what}['loss_history']")
    n_updates = expect_int(got["n_updates"], f"{what}['n_updates']")
    want = ref.train_linear(X, y, batch_size, lr, epochs, seed)
    mine = {"w": w, "b": b, "loss_history": history, "n_updates": n_updates}
    try:  # right, or right on top of the student's own wrong helpers: full marks
        expect_own_logic(_packed(mine), _packed(want), what,
                         _carried(student, X, y, batch_size, lr, epochs, seed, want))
        return
    except CheckFailed:
        pass
    if len(history) != epochs + 1:
        if len(history) == epochs:
            raise CheckFailed(f"{what}: loss_history has one entry per epoch but needs epochs + 1: "
                              "record the full-data MSE before training, then after every epoch.",
                              "history misses the starting loss")
        raise CheckFailed(f"{what}: loss_history should hold epochs + 1 full-data losses "
                          "(one per epoch, after it, plus the starting loss, not one per batch).",
                          "one loss per batch")
    if n_updates != want["n_updates"]:
        hint = (" It looks like epochs were counted, not updates: add 1 for every batch."
                if n_updates == epochs else "")
        raise CheckFailed(f"{what}: n_updates is {n_updates}, but every batch of every epoch makes "
                          f"one update.{hint}", "epochs counted as updates" if hint else None)
    args = (X, y, batch_size, lr, epochs, seed)
    variants = [
        ("The loss_history entries look like the loss of the last batch of each epoch: record "
         "the MSE on the FULL data set after every epoch.", _train_run(*args, record="last batch")),
        ("The loss_history entries look like the mean of the batch losses of each epoch: record "
         "the MSE on the FULL data set after every epoch, with the weights at its end.",
         _train_run(*args, record="batch mean")),
        ("The batches look the same in every epoch: shuffle epoch e with seed + e.",
         _train_run(*args, reseed=False)),
        ("The examples look unshuffled: take the batches from "
         "np.random.default_rng(seed + epoch).permutation(m).", _train_run(*args, shuffle=False)),
        ("The rows seem to be shuffled twice: the batches already hold shuffled row numbers, "
         "so index the ORIGINAL X and y with them (X[idx], y[idx]).", _train_run(*args, twice=True)),
        ("The last, smaller batch seems to be averaged over batch_size rows: divide by the "
         "number of rows actually in the batch (len(idx)).",
         _train_run(*args, divide_by_batch_size=True)),
        ("The loss goes up: step against the gradient, w = w - lr * dw (sign error).",
         _train_run(X, y, batch_size, -lr, epochs, seed)),
    ]

    def mistakes(key):
        return [(msg, run[key]) for msg, run in variants
                if key != "loss_history" or len(run[key]) == len(history)]

    expect_close(history[0], want["loss_history"][0],
                 f"{what}: loss_history[0] (the full-data MSE at w = 0, b = 0)")
    expect_close(history, want["loss_history"], f"{what}['loss_history']",
                 mistakes=mistakes("loss_history"))
    expect_close(w, want["w"], f"{what}['w']", mistakes=mistakes("w"))
    expect_close(b, want["b"], f"{what}['b']", mistakes=mistakes("b"))


@pytest.mark.grade("test_train_linear", points=2)
def test_train_linear_full_batch(student, rng):
    m, n = int(rng.integers(12, 25)), int(rng.integers(2, 5))
    X, y = _regression(rng, m, n)
    _check_training(student, X, y, m, float(rng.uniform(0.05, 0.2)), int(rng.integers(3, 6)),
                    int(rng.integers(0, 1000)))


@pytest.mark.grade("test_train_linear", points=2)
def test_train_linear_mini_batches_with_a_remainder(student, rng):
    batch_size = int(rng.integers(4, 9))
    m = batch_size * int(rng.integers(3, 6)) + int(rng.integers(1, batch_size))
    n = int(rng.integers(2, 5))
    X, y = _regression(rng, m, n)
    _check_training(student, X, y, batch_size, float(rng.uniform(0.03, 0.1)),
                    int(rng.integers(2, 5)), int(rng.integers(0, 1000)))


@pytest.mark.grade("test_train_linear", points=2)
def test_train_linear_sgd(student, rng):
    m, n = int(rng.integers(10, 20)), int(rng.integers(2, 4))
    X, y = _regression(rng, m, n)
    _check_training(student, X, y, 1, float(rng.uniform(0.01, 0.05)), int(rng.integers(2, 4)),
                    int(rng.integers(0, 1000)))
