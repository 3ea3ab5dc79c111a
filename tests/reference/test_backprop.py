"""Backpropagation: shapes, the 1/m convention, finite differences and autograd."""

from __future__ import annotations

import itertools

import autograd
import autograd.numpy as anp
import numpy as np
import pytest

from nnfin.numerics import AD_TOL, FD_TOL, relative_error, rng_for
from nnfin.reference import backprop as bp
from nnfin.reference.activations import sigmoid_prime
from nnfin.reference.gradcheck import gradient_check, network_gradient_check, numerical_gradient

HIDDEN = ("sigmoid", "tanh", "relu")
OUTPUT = ("sigmoid", "linear")
SHAPES = ([3, 5, 4, 2], [2, 7, 1])
KINK_MARGIN = 1e-3  # ReLU pre-activations closer than this to 0 are re-drawn


def frozen(arr):
    """A read-only copy: any in-place write by the code under test raises."""
    out = np.array(arr, dtype=np.float64, copy=True)
    out.flags.writeable = False
    return out


def make_problem(layer_sizes, hidden, output, m=6, seed=0):
    """Random parameters (non-zero biases) and a batch, off the ReLU kink.

    Targets lie in (0, 1) for a sigmoid output and are standard normal for a
    linear one. For ReLU we re-draw until every hidden pre-activation is at
    least KINK_MARGIN from 0, where finite differences are meaningless.
    """
    for attempt in range(100):
        rng = rng_for(seed * 1000 + attempt)
        weights, _ = bp.init_params(layer_sizes, seed=seed * 1000 + attempt)
        biases = [rng.normal(0, 0.5, size=(n, 1)) for n in layer_sizes[1:]]
        X = rng.normal(size=(layer_sizes[0], m))
        if output == "sigmoid":
            y = rng.uniform(0.05, 0.95, size=(layer_sizes[-1], m))
        else:
            y = rng.normal(size=(layer_sizes[-1], m))
        _, cache = bp.forward(weights, biases, X, hidden, output)
        if hidden != "relu" or all(np.abs(z).min() > KINK_MARGIN for z in cache["z"][:-1]):
            return weights, biases, X, y
    raise AssertionError("could not draw a problem away from the ReLU kink")


# -------------------------------------------------- independent autograd model

AD_ACTIVATIONS = {
    "sigmoid": lambda z: 1.0 / (1.0 + anp.exp(-z)),
    "tanh": anp.tanh,
    "relu": lambda z: anp.maximum(z, 0.0),
    "linear": lambda z: z,
}


def ad_loss(params, X, y, hidden, output):
    """The network loss written again from scratch with autograd.numpy."""
    n_layers = len(params) // 2
    a = X
    for layer in range(n_layers):
        W, b = params[2 * layer], params[2 * layer + 1]
        name = output if layer == n_layers - 1 else hidden
        a = AD_ACTIVATIONS[name](anp.dot(W, a) + b)
    return anp.sum((y - a) ** 2) / (2.0 * X.shape[1])


# ------------------------------------------------------------------ basics


def test_count_parameters_matches_lecture():
    assert bp.count_parameters([4, 10, 5, 1]) == 111
    assert bp.count_parameters([2, 2, 1]) == 9
    weights, biases = bp.init_params([4, 10, 5, 1], seed=1)
    assert sum(p.size for p in weights + biases) == 111


def test_init_params_shapes_seed_and_scales():
    weights, biases = bp.init_params([3, 5, 4, 2], seed=11)
    assert [W.shape for W in weights] == [(5, 3), (4, 5), (2, 4)]
    assert [b.shape for b in biases] == [(5, 1), (4, 1), (2, 1)]
    assert all(W.dtype == np.float64 for W in weights)
    assert all(np.all(b == 0) for b in biases)
    again, _ = bp.init_params([3, 5, 4, 2], seed=11)
    other, _ = bp.init_params([3, 5, 4, 2], seed=12)
    assert all(np.array_equal(a, b) for a, b in zip(weights, again, strict=True))
    assert not np.array_equal(weights[0], other[0])
    default_a, _ = bp.init_params([3, 2])
    default_b, _ = bp.init_params([3, 2])
    np.testing.assert_array_equal(default_a[0], default_b[0])
    # hidden units are not symmetric
    assert np.linalg.matrix_rank(weights[0]) == 3
    # measured standard deviations follow the requested scale
    big = [400, 400]
    xavier, _ = bp.init_params(big, seed=0, scale="xavier")
    he, _ = bp.init_params(big, seed=0, scale="he")
    fixed, _ = bp.init_params(big, seed=0, scale=0.01)
    assert xavier[0].std() == pytest.approx(np.sqrt(2 / 800), rel=0.02)
    assert he[0].std() == pytest.approx(np.sqrt(2 / 400), rel=0.02)
    assert fixed[0].std() == pytest.approx(0.01, rel=0.02)
    with pytest.raises(ValueError):
        bp.init_params([3, 2], scale="lecun")
    with pytest.raises(ValueError):
        bp.init_params([3])


def test_forward_shapes_and_cache():
    weights, biases, X, _ = make_problem([3, 5, 4, 2], "tanh", "sigmoid", m=7)
    y_hat, cache = bp.forward(weights, biases, X, "tanh", "sigmoid")
    assert y_hat.shape == (2, 7)
    assert [z.shape for z in cache["z"]] == [(5, 7), (4, 7), (2, 7)]
    assert [a.shape for a in cache["a"]] == [(3, 7), (5, 7), (4, 7), (2, 7)]
    np.testing.assert_array_equal(cache["a"][0], X)
    np.testing.assert_array_equal(cache["a"][-1], y_hat)
    # the lecture's formulas, written out for layer 1 and the output layer
    np.testing.assert_allclose(cache["z"][0], weights[0] @ X + biases[0], rtol=1e-14)
    np.testing.assert_allclose(cache["a"][1], np.tanh(cache["z"][0]), rtol=1e-14)
    np.testing.assert_allclose(y_hat, 1 / (1 + np.exp(-cache["z"][2])), rtol=1e-14)


def test_forward_columns_are_independent_examples():
    weights, biases, X, _ = make_problem([2, 7, 1], "sigmoid", "linear", m=4)
    y_hat, _ = bp.forward(weights, biases, X, "sigmoid", "linear")
    for i in range(4):
        single, _ = bp.forward(weights, biases, X[:, i : i + 1], "sigmoid", "linear")
        np.testing.assert_allclose(single, y_hat[:, i : i + 1], rtol=1e-14)


def test_loss_is_half_squared_error_averaged_over_batch():
    weights, biases, X, y = make_problem([3, 5, 4, 2], "sigmoid", "sigmoid", m=5)
    y_hat, _ = bp.forward(weights, biases, X)
    expected = np.sum((y - y_hat) ** 2) / (2 * 5)
    loss = bp.network_loss(weights, biases, X, y)
    assert type(loss) is float
    assert loss == pytest.approx(expected, rel=1e-14)
    loss2, _, _ = bp.loss_and_gradients(weights, biases, X, y)
    assert loss2 == loss


def test_deltas_follow_the_lecture_formulas():
    rng = rng_for(5)
    z = rng.normal(size=(3, 4))
    y_hat = 1 / (1 + np.exp(-z))
    y = rng.uniform(size=(3, 4))
    np.testing.assert_allclose(
        bp.output_delta(y_hat, y, z, "sigmoid"), (y_hat - y) * y_hat * (1 - y_hat), rtol=1e-13
    )
    np.testing.assert_array_equal(bp.output_delta(y_hat, y, z, "linear"), y_hat - y)
    # from the activations alone (the notebook's signature): the same signal, no z needed
    np.testing.assert_allclose(bp.sigmoid_output_delta(y_hat, y), bp.output_delta(y_hat, y, z),
                               rtol=1e-13)
    with pytest.raises(ValueError, match="y_hat"):
        bp.sigmoid_output_delta(y_hat, y[:, :1])
    W_next = rng.normal(size=(3, 5))
    z_hidden = rng.normal(size=(5, 4))
    delta_next = rng.normal(size=(3, 4))
    np.testing.assert_allclose(
        bp.hidden_delta(W_next, delta_next, z_hidden, "sigmoid"),
        (W_next.T @ delta_next) * sigmoid_prime(z_hidden),
        rtol=1e-14,
    )


def test_shape_mistakes_are_refused():
    W = np.ones((3, 2))
    with pytest.raises(ValueError, match="b must"):
        bp.dense_forward(W, np.zeros(3), np.ones((2, 4)))  # (n,) bias
    with pytest.raises(ValueError, match="y_hat"):
        bp.output_delta(np.ones((1, 4)), np.ones(4), np.ones((1, 4)))  # (m,) target
    with pytest.raises(ValueError, match="2-D"):
        bp.forward([W], [np.zeros((3, 1))], np.ones(2))  # 1-D input
    with pytest.raises(ValueError, match="weights\\[1\\]"):
        bp.forward([W, np.ones((1, 4))], [np.zeros((3, 1)), np.zeros((1, 1))], np.ones((2, 1)))
    with pytest.raises(ValueError, match="unknown activation"):
        bp.forward([W], [np.zeros((3, 1))], np.ones((2, 1)), "softplus")


# ------------------------------------------------- the 1/m and (n, 1) checks


def test_dense_backward_is_the_mean_of_per_example_gradients():
    rng = rng_for(21)
    m = 5
    delta = rng.normal(size=(4, m))
    a_prev = rng.normal(size=(3, m))
    dW, db = bp.dense_backward(delta, a_prev)
    assert dW.shape == (4, 3) and db.shape == (4, 1)
    loop_dW = sum(np.outer(delta[:, i], a_prev[:, i]) for i in range(m)) / m
    loop_db = sum(delta[:, i : i + 1] for i in range(m)) / m
    np.testing.assert_allclose(dW, loop_dW, rtol=1e-13)
    np.testing.assert_allclose(db, loop_db, rtol=1e-13)

    # Planted bugs that this comparison catches with m = 5 ...
    missing_1_over_m = delta @ a_prev.T
    flat_db = np.mean(delta, axis=1)  # (n,) instead of (n, 1)
    assert not np.allclose(missing_1_over_m, loop_dW)
    assert flat_db.shape != loop_db.shape
    assert (np.zeros((4, 1)) - flat_db).shape == (4, 4)  # the update would broadcast to (n, n)
    # ... but a single-example test (m = 1) could not see the missing 1/m.
    dW1, _ = bp.dense_backward(delta[:, :1], a_prev[:, :1])
    np.testing.assert_array_equal(dW1, delta[:, :1] @ a_prev[:, :1].T)


def test_gradient_check_catches_a_missing_one_over_m():
    weights, biases, X, y = make_problem([2, 7, 1], "sigmoid", "sigmoid", m=5)
    _, dWs, _ = bp.loss_and_gradients(weights, biases, X, y)

    def loss_of_W0(W0):
        return bp.network_loss([W0, weights[1]], biases, X, y)

    assert gradient_check(loss_of_W0, dWs[0], weights[0]) < FD_TOL
    assert gradient_check(loss_of_W0, 5 * dWs[0], weights[0]) > 0.5
    # the factor 2 of forgetting the 1/2 convention
    assert gradient_check(loss_of_W0, 2 * dWs[0], weights[0]) > 0.3


# ------------------------------------------- finite differences and autograd


@pytest.mark.parametrize(
    ("layer_sizes", "hidden", "output"), list(itertools.product(SHAPES, HIDDEN, OUTPUT))
)
def test_backward_matches_central_differences(layer_sizes, hidden, output):
    weights, biases, X, y = make_problem(layer_sizes, hidden, output, m=6)
    assert network_gradient_check(weights, biases, X, y, hidden, output) < FD_TOL


@pytest.mark.parametrize(
    ("layer_sizes", "hidden", "output"), list(itertools.product(SHAPES, HIDDEN, OUTPUT))
)
def test_backward_matches_autograd(layer_sizes, hidden, output):
    weights, biases, X, y = make_problem(layer_sizes, hidden, output, m=6, seed=1)
    loss, dWs, dbs = bp.loss_and_gradients(weights, biases, X, y, hidden, output)
    params = [p for pair in zip(weights, biases, strict=True) for p in pair]
    assert loss == pytest.approx(float(ad_loss(params, X, y, hidden, output)), rel=1e-13)
    ad_grads = autograd.grad(ad_loss)(params, X, y, hidden, output)
    grads = bp.network_gradients(weights, biases, X, y, hidden, output)  # the same, as (dWs, dbs)
    assert isinstance(grads, tuple) and len(grads) == 2
    assert all(np.array_equal(g, h) for g, h in zip(grads[0] + grads[1], dWs + dbs, strict=True))
    for layer, (dW, db) in enumerate(zip(dWs, dbs, strict=True)):
        assert dW.shape == weights[layer].shape and db.shape == biases[layer].shape
        assert relative_error(dW, ad_grads[2 * layer]) < AD_TOL
        assert relative_error(db, ad_grads[2 * layer + 1]) < AD_TOL


def test_numerical_gradient_of_a_known_function():
    x = np.array([[1.0, -2.0, 0.5]])
    g = numerical_gradient(lambda v: float(np.sum(v**3)), x)
    np.testing.assert_allclose(g, 3 * x**2, rtol=1e-8)
    assert g.shape == x.shape
    assert gradient_check(lambda v: float(np.sum(v**3)), lambda v: 3 * v**2, x) < FD_TOL


# ---------------------------------------------------- side effects, training


def test_public_functions_leave_their_inputs_unchanged():
    weights, biases, X, y = make_problem([3, 5, 4, 2], "relu", "linear", m=4)
    originals = [p.copy() for p in weights + biases + [X, y]]
    weights = [frozen(W) for W in weights]
    biases = [frozen(b) for b in biases]
    X, y = frozen(X), frozen(y)
    args = ("relu", "linear")

    y_hat, cache = bp.forward(weights, biases, X, *args)
    cache_before = {k: [v.copy() for v in vs] for k, vs in cache.items()}
    frozen_cache = {k: [frozen(v) for v in vs] for k, vs in cache.items()}
    dWs, dbs = bp.backward(weights, frozen_cache, y, *args)
    bp.network_loss(weights, biases, X, y, *args)
    bp.loss_and_gradients(weights, biases, X, y, *args)
    dWs = [frozen(g) for g in dWs]
    dbs = [frozen(g) for g in dbs]
    new_w, new_b = bp.sgd_update(weights, biases, dWs, dbs, 0.1)
    step_w, step_b, _ = bp.train_step(weights, biases, X, y, 0.1, *args)
    bp.dense_forward(weights[0], biases[0], X)
    bp.dense_backward(frozen(cache["z"][0]), X)
    bp.output_delta(frozen(y_hat), y, frozen(cache["z"][-1]), "linear")
    bp.hidden_delta(weights[-1], frozen(y_hat - y), frozen(cache["z"][-2]), "relu")
    network_gradient_check(weights, biases, X, y, *args)
    numerical_gradient(lambda v: float(np.sum(v**2)), X)

    for now, before in zip(weights + biases + [X, y], originals, strict=True):
        np.testing.assert_array_equal(now, before)
    for key, values in cache.items():
        for now, before in zip(values, cache_before[key], strict=True):
            np.testing.assert_array_equal(now, before)
    # updates are new arrays, not views of the old parameters
    olds = weights + biases
    for new, old in zip(new_w + new_b + step_w + step_b, olds + olds, strict=True):
        assert not np.shares_memory(new, old)
    assert all(np.array_equal(a, b) for a, b in zip(new_w, step_w, strict=True))


def test_sgd_update_is_w_minus_lr_grad():
    weights, biases, X, y = make_problem([2, 7, 1], "tanh", "linear", m=5)
    _, dWs, dbs = bp.loss_and_gradients(weights, biases, X, y, "tanh", "linear")
    new_w, new_b = bp.sgd_update(weights, biases, dWs, dbs, 0.3)
    for new, old, grad in zip(new_w + new_b, weights + biases, dWs + dbs, strict=True):
        np.testing.assert_array_equal(new, old - 0.3 * grad)
    with pytest.raises(ValueError, match="dbs"):
        bp.sgd_update(weights, biases, dWs, [db.ravel() for db in dbs], 0.3)


def test_train_step_reduces_the_loss():
    rng = rng_for(4)
    X = rng.normal(size=(2, 16))
    y = (X[0:1] + X[1:2] > 0).astype(float)  # which side of a line
    weights, biases = bp.init_params([2, 4, 1], seed=4)
    w, b, first = bp.train_step(weights, biases, X, y, 0.5)
    assert first == pytest.approx(bp.network_loss(weights, biases, X, y), rel=1e-15)
    assert bp.network_loss(w, b, X, y) < first
    losses = [first]
    for _ in range(500):
        w, b, loss = bp.train_step(w, b, X, y, 2.0)
        losses.append(loss)
    # measured: 0.124 -> 0.010, every step downhill
    assert all(later < earlier for earlier, later in itertools.pairwise(losses))
    assert losses[-1] < 0.2 * losses[0]
