"""Checks of the reference losses: the lecture's numbers, finite differences,
automatic differentiation (autograd), shapes, and untouched inputs."""

from __future__ import annotations

import autograd.numpy as anp
import numpy as np
import pytest
from autograd import grad

from nnfin.numerics import AD_TOL, FD_TOL, relative_error, rng_for
from nnfin.reference import losses
from nnfin.reference.gradient_descent import numerical_gradient

# ---------------------------------------------------------------------------
# The lecture's worked examples
# ---------------------------------------------------------------------------

THREE_Y = [5.0, -2.0, 8.0]
THREE_Y_HAT = [3.0, 1.0, 7.0]
FIVE_Y_HAT = [5.0, 3.0, -1.0, 4.0, 2.0]
FIVE_Y = [2.0, 4.0, 2.0, 4.0, -3.0]


def test_three_stock_table():
    value = losses.mse(THREE_Y, THREE_Y_HAT)
    assert value == pytest.approx(14.0 / 3.0, rel=1e-15)
    assert round(value, 2) == 4.67
    assert round(losses.rmse(THREE_Y, THREE_Y_HAT), 2) == 2.16
    assert isinstance(value, float)


def test_five_stock_table():
    assert losses.mse(FIVE_Y, FIVE_Y_HAT) == pytest.approx(8.8, rel=1e-15)
    assert round(losses.rmse(FIVE_Y, FIVE_Y_HAT), 2) == 2.97


def test_mae_three_stock():
    # |2| + |3| + |1| = 6 over three stocks
    assert losses.mae(THREE_Y, THREE_Y_HAT) == pytest.approx(2.0)


def test_half_squared_error_of_the_221_example():
    value = losses.half_squared_error([1.0], [0.62])
    assert value == pytest.approx(0.5 * 0.38**2, rel=1e-12)
    assert round(value, 4) == 0.0722
    assert round(value, 3) == 0.072
    assert losses.half_squared_error_grad([1.0], [0.62]) == pytest.approx([-0.38])


def test_half_convention_is_half_of_mse():
    rng = rng_for(1)
    y, p = rng.normal(size=(2, 7))
    assert losses.half_squared_error(y, p) == pytest.approx(losses.mse(y, p) / 2)
    assert relative_error(2.0 * losses.half_squared_error_grad(y, p), losses.mse_grad(y, p)) < 1e-15


def test_huber_pieces():
    # residuals 0.5 (inside) and 3 (outside) with delta = 1
    value = losses.huber([0.0, 0.0], [0.5, -3.0], delta=1.0)
    assert value == pytest.approx((0.125 + 1.0 * (3.0 - 0.5)) / 2)
    assert losses.huber_grad([0.0, 0.0], [0.5, -3.0]) == pytest.approx([0.25, -0.5])


def test_bce_known_value():
    # -(log 0.8 + log(1 - 0.4)) / 2
    expected = -(np.log(0.8) + np.log(0.6)) / 2
    assert losses.binary_cross_entropy([1.0, 0.0], [0.8, 0.4]) == pytest.approx(expected)


# ---------------------------------------------------------------------------
# Gradients against central differences and autograd
# ---------------------------------------------------------------------------


def _ad_mse(t, p):
    return anp.mean((t - p) ** 2)


def _ad_rmse(t, p):
    return anp.sqrt(anp.mean((t - p) ** 2))


def _ad_mae(t, p):
    return anp.mean(anp.abs(t - p))


def _ad_huber(t, p, delta=1.0):
    r = p - t
    a = anp.abs(r)
    return anp.mean(anp.where(a <= delta, 0.5 * r**2, delta * (a - 0.5 * delta)))


def _ad_half(t, p):
    return anp.mean(0.5 * (t - p) ** 2)


def _ad_bce(t, p):
    return -anp.mean(t * anp.log(p) + (1 - t) * anp.log(1 - p))


def _ad_bce_logits(t, z):
    return anp.mean(anp.logaddexp(0.0, z) - t * z)


def _regression_batch(shape, seed):
    """Targets and predictions whose residuals stay away from the kinks
    of MAE (r = 0) and Huber (|r| = 1)."""
    rng = rng_for(seed)
    y = rng.normal(size=shape)
    magnitude = np.where(
        rng.random(shape) < 0.5,
        rng.uniform(0.2, 0.8, size=shape),
        rng.uniform(1.3, 2.5, size=shape),
    )
    r = rng.choice([-1.0, 1.0], size=shape) * magnitude
    return y, y + r


def _classification_batch(shape, seed):
    rng = rng_for(seed)
    y = (rng.random(shape) < 0.5).astype(float)
    p = rng.uniform(0.05, 0.95, size=shape)
    return y, p


REGRESSION = [
    ("mse", losses.mse, losses.mse_grad, _ad_mse),
    ("rmse", losses.rmse, losses.rmse_grad, _ad_rmse),
    ("mae", losses.mae, losses.mae_grad, _ad_mae),
    ("huber", losses.huber, losses.huber_grad, _ad_huber),
    ("half", losses.half_squared_error, losses.half_squared_error_grad, _ad_half),
]
CLASSIFICATION = [
    ("bce", losses.binary_cross_entropy, losses.bce_grad, _ad_bce),
    ("bce_logits", losses.bce_from_logits, losses.bce_from_logits_grad, _ad_bce_logits),
]
SHAPES = [(6,), (6, 1), (3, 4)]


def _cases():
    for name, loss, loss_grad, ad in REGRESSION:
        yield pytest.param(loss, loss_grad, ad, _regression_batch, id=name)
    for name, loss, loss_grad, ad in CLASSIFICATION:
        yield pytest.param(loss, loss_grad, ad, _classification_batch, id=name)


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("loss, loss_grad, ad, batch", list(_cases()))
def test_gradient_matches_finite_differences(loss, loss_grad, ad, batch, shape):
    for seed in (11, 12):
        y, p = batch(shape, seed)
        analytic = loss_grad(y, p)
        assert analytic.shape == p.shape
        assert analytic.dtype == np.float64
        numeric = numerical_gradient(lambda q, y=y: loss(y, q), p)
        assert relative_error(analytic, numeric) < FD_TOL


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("loss, loss_grad, ad, batch", list(_cases()))
def test_gradient_matches_autograd(loss, loss_grad, ad, batch, shape):
    for seed in (21, 22):
        y, p = batch(shape, seed)
        assert loss(y, p) == pytest.approx(float(ad(y, p)), rel=1e-12)
        reference = grad(lambda q, y=y: ad(y, q))(p)
        assert relative_error(loss_grad(y, p), reference) < AD_TOL


def test_huber_with_other_delta_matches_autograd():
    y, p = _regression_batch((8,), 31)
    delta = 0.5  # residuals lie in [0.2, 0.8] and [1.3, 2.5]: keep away from 0.5
    r = np.abs(p - y)
    keep = np.abs(r - delta) > 0.05
    y, p = y[keep], p[keep]
    reference = grad(lambda q: _ad_huber(y, q, delta))(p)
    assert relative_error(losses.huber_grad(y, p, delta=delta), reference) < AD_TOL
    assert losses.huber(y, p, delta=delta) == pytest.approx(float(_ad_huber(y, p, delta)))


def test_mae_subgradient_is_zero_at_a_perfect_prediction():
    g = losses.mae_grad([1.0, 2.0], [1.0, 3.0])
    assert g.tolist() == [0.0, 0.5]


def test_rmse_grad_at_perfect_fit_is_zero():
    g = losses.rmse_grad([1.0, 2.0], [1.0, 2.0])
    assert g.tolist() == [0.0, 0.0]


def test_gradients_have_one_over_m():
    # doubling the batch by repeating it must leave the loss unchanged and
    # halve every gradient entry: this is what separates mean from sum
    y, p = _regression_batch((5,), 41)
    y2, p2 = np.tile(y, 2), np.tile(p, 2)
    for _, loss, loss_grad, _ in REGRESSION:
        assert loss(y2, p2) == pytest.approx(loss(y, p), rel=1e-12)
        assert relative_error(2.0 * loss_grad(y2, p2)[:5], loss_grad(y, p)) < 1e-12


# ---------------------------------------------------------------------------
# Numerical safety, shapes and side effects
# ---------------------------------------------------------------------------


def test_bce_finite_at_hard_probabilities():
    y = np.array([1.0, 0.0, 1.0, 0.0])
    p = np.array([0.0, 1.0, 1.0, 0.0])  # two confidently wrong, two perfect
    value = losses.binary_cross_entropy(y, p)
    g = losses.bce_grad(y, p)
    assert np.isfinite(value)
    assert value == pytest.approx(-2 * np.log(1e-12) / 4, rel=1e-6)
    assert np.all(np.isfinite(g))
    # wrong answers are pushed the right way: raise p where y = 1, lower it where y = 0
    assert g[0] < 0 < g[1]


def test_bce_from_logits_stable_for_huge_logits():
    y = np.array([1.0, 0.0, 1.0])
    z = np.array([1000.0, -1000.0, -1000.0])
    assert losses.bce_from_logits(y, z) == pytest.approx(1000.0 / 3)
    assert np.all(np.isfinite(losses.bce_from_logits_grad(y, z)))


def test_bce_rejects_labels_outside_unit_interval():
    with pytest.raises(ValueError):
        losses.binary_cross_entropy([2.0], [0.5])


def test_huber_rejects_nonpositive_delta():
    with pytest.raises(ValueError):
        losses.huber([0.0], [1.0], delta=0.0)


ALL_FUNCTIONS = [f for _, loss, g, _ in REGRESSION + CLASSIFICATION for f in (loss, g)]


@pytest.mark.parametrize("fn", ALL_FUNCTIONS, ids=lambda f: f.__name__)
def test_shape_mismatch_raises(fn):
    with pytest.raises(ValueError, match="shape"):
        fn(np.full(4, 0.5), np.full((4, 1), 0.5))
    with pytest.raises(ValueError, match="shape"):
        fn(np.full((4, 1), 0.5), np.full(4, 0.5))


@pytest.mark.parametrize("fn", ALL_FUNCTIONS, ids=lambda f: f.__name__)
def test_inputs_unchanged(fn):
    rng = rng_for(51)
    y = (rng.random((5, 1)) < 0.5).astype(float)
    p = rng.uniform(0.1, 0.9, size=(5, 1))
    y_copy, p_copy = y.copy(), p.copy()
    out = fn(y, p)
    np.testing.assert_array_equal(y, y_copy)
    np.testing.assert_array_equal(p, p_copy)
    if isinstance(out, np.ndarray):
        assert not np.shares_memory(out, p) and not np.shares_memory(out, y)
    else:
        assert type(out) is float


def test_accepts_lists_and_integers():
    assert losses.mse([1, 2], [1, 4]) == 2.0
    assert losses.mse_grad([1, 2], [1, 4]).dtype == np.float64


def test_worst_day_share_of_the_five_stocks():
    # META's miss of 5: 25 of the 44 squared points, 5 of the 12 absolute points
    y, y_hat = np.array([2.0, 4.0, 2.0, 4.0, -3.0]), np.array([5.0, 3.0, -1.0, 4.0, 2.0])
    assert losses.worst_day_share(y, y_hat) == pytest.approx((25 / 44, 5 / 12))


def test_worst_day_share_counts_one_of_tied_days_and_is_one_over_m_for_equal_errors():
    assert losses.worst_day_share(np.array([8.0, -8.0, 1.0]), np.zeros(3)) == pytest.approx(
        (64 / 129, 8 / 17))
    assert losses.worst_day_share(np.ones((4, 1)), np.zeros((4, 1))) == pytest.approx((0.25, 0.25))
    with pytest.raises(ValueError, match="nonzero error"):
        losses.worst_day_share(np.ones(3), np.ones(3))
