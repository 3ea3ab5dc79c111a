"""Checks of the linear model, the descent loop, its diagnosis and mini-batches."""

from __future__ import annotations

import autograd.numpy as anp
import numpy as np
import pytest
from autograd import grad

from nnfin.numerics import AD_TOL, FD_TOL, relative_error, rng_for
from nnfin.reference import gradient_descent as gd

W_TRUE = np.array([2.0, -1.0])
B_TRUE = 0.5


def _problem(m=200, seed=3, noise=0.1):
    """A well-conditioned regression: standard-normal features, clear signal."""
    rng = rng_for(seed)
    X = rng.normal(size=(m, 2))
    y = X @ W_TRUE + B_TRUE + noise * rng.normal(size=m)
    return X, y


def _theta_functions(X, y):
    """Loss and gradient of (w, b) packed into one vector theta = [w, b]."""

    def loss(theta):
        return gd.linear_mse(X, y, theta[:-1], theta[-1])

    def gradient(theta):
        dw, db = gd.linear_mse_grad(X, y, theta[:-1], theta[-1])
        return np.append(dw, db)

    return loss, gradient


# ---------------------------------------------------------------------------
# Model, loss and gradient
# ---------------------------------------------------------------------------


def test_predict_and_loss_by_hand():
    X = np.array([[1.0, 2.0], [3.0, -1.0]])
    w = np.array([0.5, 1.0])
    pred = gd.linear_predict(X, w, 1.0)
    np.testing.assert_allclose(pred, [3.5, 1.5])
    # residuals against y = [3, 3]: 0.5 and -1.5 -> (0.25 + 2.25) / 2
    assert gd.linear_mse(X, [3.0, 3.0], w, 1.0) == pytest.approx(1.25)
    dw, db = gd.linear_mse_grad(X, [3.0, 3.0], w, 1.0)
    # 2/m X^T r with r = [0.5, -1.5]
    np.testing.assert_allclose(dw, [0.5 - 4.5, 1.0 + 1.5])
    assert db == pytest.approx(-1.0)
    assert type(db) is float


@pytest.mark.parametrize("m, n", [(7, 3), (12, 1), (5, 4)])
def test_grad_matches_finite_differences_and_autograd(m, n):
    rng = rng_for(m * 10 + n)
    X = rng.normal(size=(m, n))
    y = rng.normal(size=m)
    w = rng.normal(size=n)
    b = float(rng.normal())
    dw, db = gd.linear_mse_grad(X, y, w, b)
    assert dw.shape == (n,)

    num_w = gd.numerical_gradient(lambda v: gd.linear_mse(X, y, v, b), w)
    num_b = gd.numerical_gradient(lambda c: gd.linear_mse(X, y, w, float(c)), b)
    assert relative_error(dw, num_w) < FD_TOL
    assert relative_error(db, num_b) < FD_TOL

    def ad_loss(v, c):
        return anp.mean((anp.dot(X, v) + c - y) ** 2)

    assert relative_error(dw, grad(ad_loss, 0)(w, b)) < AD_TOL
    assert relative_error(db, grad(ad_loss, 1)(w, b)) < AD_TOL


def test_numerical_gradient_any_shape_and_no_mutation():
    x = np.arange(6.0).reshape(2, 3)
    x_copy = x.copy()
    g = gd.numerical_gradient(lambda a: float(np.sum(a**3)), x)
    assert g.shape == (2, 3)
    assert relative_error(g, 3 * x_copy**2) < FD_TOL
    np.testing.assert_array_equal(x, x_copy)


def test_shape_errors():
    X, y = _problem(m=10)
    with pytest.raises(ValueError):
        gd.linear_predict(X, np.zeros(3), 0.0)
    with pytest.raises(ValueError):
        gd.linear_mse(X, y.reshape(-1, 1), np.zeros(2), 0.0)
    with pytest.raises(ValueError):
        gd.linear_predict(X[:, 0], np.zeros(2), 0.0)


# ---------------------------------------------------------------------------
# The descent loop and its diagnosis
# ---------------------------------------------------------------------------


def test_gradient_descent_reaches_least_squares():
    X, y = _problem()
    loss, gradient = _theta_functions(X, y)
    theta0 = np.zeros(3)
    theta, history = gd.gradient_descent(gradient, theta0, 0.1, 200, loss)
    expected = np.linalg.lstsq(np.column_stack([X, np.ones(len(y))]), y, rcond=None)[0]
    assert relative_error(theta, expected) < 1e-8
    assert len(history) == 201
    assert history[0] == pytest.approx(loss(theta0))
    assert history[-1] == pytest.approx(loss(theta))
    assert all(type(v) is float for v in history)
    np.testing.assert_array_equal(theta0, np.zeros(3))


def test_gradient_descent_zero_steps():
    theta, history = gd.gradient_descent(lambda t: 2 * t, [1.0], 0.1, 0, lambda t: float(t @ t))
    assert theta.tolist() == [1.0]
    assert history == [1.0]


def test_gradient_descent_stops_on_nan():
    # f(w) = w^2 with lr = 10 multiplies w by -19 each step: overflow in ~240 steps
    w, history = gd.gradient_descent(
        lambda t: 2 * t, np.array([1.0]), 10.0, 1000, lambda t: float(np.sum(t**2))
    )
    assert len(history) < 1001
    assert not np.isfinite(history[-1])
    assert all(np.isfinite(history[:-1]))


@pytest.mark.parametrize("lr, label", [(1e-4, "too slow"), (0.1, "healthy"), (1.5, "diverging")])
def test_learning_rates_get_the_right_diagnosis(lr, label):
    X, y = _problem()
    loss, gradient = _theta_functions(X, y)
    _, history = gd.gradient_descent(gradient, np.zeros(3), lr, 100, loss)
    assert gd.diagnose_loss_history(history) == label
    assert gd.is_diverging(history) == (label == "diverging")


def test_diagnosis_on_hand_made_curves():
    assert gd.diagnose_loss_history([1.0, 0.5, float("nan")]) == "diverging"
    assert gd.diagnose_loss_history([1.0, 2.0, 4.0]) == "diverging"
    # dropped first, then ran away for five steps
    assert gd.diagnose_loss_history([10, 1, 1.1, 1.3, 1.6, 2.0, 2.5]) == "diverging"
    assert gd.diagnose_loss_history([1.0, 0.99, 0.98]) == "too slow"
    assert gd.diagnose_loss_history([1.0, 0.3, 0.1, 0.12, 0.1]) == "healthy"
    assert gd.diagnose_loss_history([0.0, 0.0]) == "healthy"
    assert not gd.is_diverging([1.0, 1.01, 1.02])


# ---------------------------------------------------------------------------
# Mini-batches, epochs and training
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("n, size", [(10, 3), (10, 10), (10, 1), (7, 20), (100, 16)])
def test_minibatch_indices_cover_every_index_once(n, size):
    batches = gd.minibatch_indices(n, size, seed=4)
    assert len(batches) == gd.updates_per_epoch(n, size)
    assert all(len(batch) == size for batch in batches[:-1])
    assert 1 <= len(batches[-1]) <= size
    np.testing.assert_array_equal(np.sort(np.concatenate(batches)), np.arange(n))


def test_minibatch_indices_seeded():
    first = gd.minibatch_indices(50, 8, seed=1)
    again = gd.minibatch_indices(50, 8, seed=1)
    other = gd.minibatch_indices(50, 8, seed=2)
    assert all(np.array_equal(a, b) for a, b in zip(first, again, strict=True))
    assert not np.array_equal(np.concatenate(first), np.concatenate(other))
    np.testing.assert_array_equal(np.concatenate(first), np.random.default_rng(1).permutation(50))


def test_updates_per_epoch():
    assert gd.updates_per_epoch(10_000, 100) == 100
    assert gd.updates_per_epoch(10, 3) == 4
    assert gd.updates_per_epoch(10, 10) == 1
    assert gd.updates_per_epoch(10, 1) == 10
    assert gd.updates_per_epoch(0, 7) == 0  # no samples, no batch
    with pytest.raises(ValueError):
        gd.updates_per_epoch(-1, 7)
    with pytest.raises(ValueError):
        gd.updates_per_epoch(10, 0)


@pytest.mark.parametrize("batch_size, lr", [(1, 0.01), (16, 0.05), (200, 0.1)])
def test_train_linear_reduces_the_loss(batch_size, lr):
    X, y = _problem()
    X_copy, y_copy = X.copy(), y.copy()
    epochs = 5
    result = gd.train_linear(X, y, batch_size, lr, epochs, seed=9)
    history = result["loss_history"]
    assert len(history) == epochs + 1
    assert history[-1] < 0.5 * history[0]
    assert result["n_updates"] == epochs * gd.updates_per_epoch(len(y), batch_size)
    assert result["w"].shape == (2,)
    assert type(result["b"]) is float
    assert history[-1] == pytest.approx(gd.linear_mse(X, y, result["w"], result["b"]))
    np.testing.assert_array_equal(X, X_copy)
    np.testing.assert_array_equal(y, y_copy)


def test_train_linear_full_batch_equals_gradient_descent():
    # with batch = all rows, the order does not matter: each epoch is one GD step
    X, y = _problem()
    loss, gradient = _theta_functions(X, y)
    theta, history = gd.gradient_descent(gradient, np.zeros(3), 0.1, 4, loss)
    result = gd.train_linear(X, y, len(y), 0.1, 4, seed=0)
    assert relative_error(np.append(result["w"], result["b"]), theta) < 1e-12
    assert relative_error(result["loss_history"], history) < 1e-12


def test_train_linear_is_deterministic_and_keeps_w0():
    X, y = _problem(m=60)
    w0 = np.array([0.3, -0.2])
    one = gd.train_linear(X, y, 8, 0.05, 3, seed=5, w0=w0, b0=0.1)
    two = gd.train_linear(X, y, 8, 0.05, 3, seed=5, w0=w0, b0=0.1)
    np.testing.assert_array_equal(one["w"], two["w"])
    np.testing.assert_array_equal(w0, [0.3, -0.2])
    assert one["loss_history"][0] == pytest.approx(gd.linear_mse(X, y, w0, 0.1))


def test_loss_grid_matches_pointwise_mse():
    X, y = _problem(m=30)
    w0_values = np.linspace(-1, 3, 5)
    w1_values = np.linspace(-2, 1, 4)
    Z = gd.loss_grid(X, y, w0_values, w1_values, b=0.5)
    assert Z.shape == (4, 5)
    for i, w1 in enumerate(w1_values):
        for j, w0 in enumerate(w0_values):
            expected = gd.linear_mse(X, y, np.array([w0, w1]), 0.5)
            assert Z[i, j] == pytest.approx(expected, rel=1e-12)
    # the bowl's lowest grid point sits at the true weights (2, -1)
    i, j = np.unravel_index(np.argmin(Z), Z.shape)
    assert (w0_values[j], w1_values[i]) == (2.0, -1.0)


def test_train_linear_reshuffles_with_seed_plus_epoch():
    # replay two epochs by hand: epoch e uses minibatch_indices(m, B, seed + e)
    X, y = _problem(m=20)
    w, b = np.zeros(2), 0.0
    for epoch in range(2):
        for idx in gd.minibatch_indices(20, 6, 11 + epoch):
            dw, db = gd.linear_mse_grad(X[idx], y[idx], w, b)
            w, b = w - 0.05 * dw, b - 0.05 * db
    result = gd.train_linear(X, y, 6, 0.05, 2, seed=11)
    assert relative_error(result["w"], w) < 1e-12
    assert result["b"] == pytest.approx(b, rel=1e-12)
    assert result["n_updates"] == 8
