"""The lecture's 2-2-1 worked example, number by number."""

from __future__ import annotations

import numpy as np
import pytest

from nnfin.numerics import FD_TOL
from nnfin.reference import backprop as bp
from nnfin.reference import worked_example as we
from nnfin.reference.backprop import network_loss
from nnfin.reference.gradcheck import gradient_check

STEP = we.worked_example_step()

SHAPES = {
    "z1": (2, 1), "a1": (2, 1), "z2": (1, 1), "y_hat": (1, 1), "delta2": (1, 1),
    "delta1": (2, 1), "dW2": (1, 2), "db2": (1, 1), "dW1": (2, 2), "db1": (2, 1),
    "W1_new": (2, 2), "b1_new": (2, 1), "W2_new": (1, 2), "b2_new": (1, 1),
}  # fmt: skip


def sigma(z):
    return 1 / (1 + np.exp(-z))


def test_given_values_from_the_lecture():
    np.testing.assert_array_equal(we.X, [[0.5], [0.8]])
    np.testing.assert_array_equal(we.Y, [[1.0]])
    assert we.ETA == 0.1
    shapes = [a.shape for a in (we.X, we.Y, we.W1, we.B1, we.W2, we.B2)]
    assert shapes == [(2, 1), (1, 1), (2, 2), (2, 1), (1, 2), (1, 1)]
    for value in (we.W1, we.B1, we.W2, we.B2):  # "simple" numbers, two decimals at most
        np.testing.assert_array_equal(value, np.round(value, 2))


def test_constants_are_read_only():
    for value in (we.X, we.Y, we.W1, we.B1, we.W2, we.B2):
        assert value.flags.writeable is False
        assert value.dtype == np.float64
        with pytest.raises(ValueError):
            value[0, 0] = 42.0


def test_step_has_every_quantity_with_its_shape():
    assert set(STEP) == set(SHAPES) | {"loss"}
    for key, shape in SHAPES.items():
        assert STEP[key].shape == shape, key
        assert STEP[key].dtype == np.float64
    assert type(STEP["loss"]) is float


def test_lecture_numbers():
    y_hat = STEP["y_hat"].item()
    delta2 = STEP["delta2"].item()
    assert round(y_hat, 2) == 0.62
    assert round(STEP["loss"], 3) == 0.072
    assert round(delta2, 3) == -0.089
    # the exact values behind the rounded slide numbers
    assert y_hat == pytest.approx(0.621100, abs=1e-6)
    assert STEP["loss"] == pytest.approx(0.071782, abs=1e-6)
    assert delta2 == pytest.approx(-0.089168, abs=1e-6)
    assert STEP["loss"] == pytest.approx(0.5 * (1 - y_hat) ** 2, rel=1e-14)
    assert delta2 == pytest.approx((y_hat - 1) * y_hat * (1 - y_hat), rel=1e-14)


def test_forward_pass_by_hand():
    z1 = np.array([[0.5 * 0.5 - 0.1 * 0.8 + 0.1], [0.4 * 0.5 + 0.6 * 0.8 + 0.2]])
    np.testing.assert_allclose(z1, [[0.27], [0.88]], rtol=1e-14)
    np.testing.assert_allclose(STEP["z1"], z1, rtol=1e-14)
    np.testing.assert_allclose(STEP["a1"], sigma(z1), rtol=1e-14)
    z2 = 0.3 * sigma(0.27) + 0.6 * sigma(0.88) - 0.1
    np.testing.assert_allclose(STEP["z2"], [[z2]], rtol=1e-14)
    np.testing.assert_allclose(STEP["y_hat"], [[sigma(z2)]], rtol=1e-14)


def test_backward_pass_by_hand():
    a1, z1, delta2 = STEP["a1"], STEP["z1"], STEP["delta2"]
    delta1 = (we.W2.T @ delta2) * sigma(z1) * (1 - sigma(z1))
    np.testing.assert_allclose(STEP["delta1"], delta1, rtol=1e-14)
    np.testing.assert_allclose(STEP["dW2"], delta2 * a1.T, rtol=1e-14)  # error x input
    np.testing.assert_allclose(STEP["db2"], delta2, rtol=1e-14)
    np.testing.assert_allclose(STEP["dW1"], delta1 @ we.X.T, rtol=1e-14)
    np.testing.assert_allclose(STEP["db1"], delta1, rtol=1e-14)
    # output weights get the blame with the lecture's sign: increase both
    assert np.all(STEP["dW2"] < 0)


@pytest.mark.parametrize(
    ("new", "old", "grad"),
    [
        ("W1_new", "W1", "dW1"),
        ("b1_new", "B1", "db1"),
        ("W2_new", "W2", "dW2"),
        ("b2_new", "B2", "db2"),
    ],
)
def test_update_is_w_minus_eta_grad(new, old, grad):
    expected = getattr(we, old) - 0.1 * STEP[grad]
    np.testing.assert_array_equal(STEP[new], expected)
    assert STEP[new].flags.writeable  # a fresh array, not a read-only constant


def _loss_with(**replace):
    params = {"W1": we.W1, "B1": we.B1, "W2": we.W2, "B2": we.B2} | replace
    return network_loss([params["W1"], params["W2"]], [params["B1"], params["B2"]], we.X, we.Y)


@pytest.mark.parametrize(
    ("name", "grad"), [("W1", "dW1"), ("B1", "db1"), ("W2", "dW2"), ("B2", "db2")]
)
def test_each_gradient_matches_central_differences(name, grad):
    def loss(value):
        return _loss_with(**{name: value})

    assert gradient_check(loss, STEP[grad], getattr(we, name)) < FD_TOL


def test_the_step_lowers_the_loss_and_is_repeatable():
    new_loss = network_loss(
        [STEP["W1_new"], STEP["W2_new"]], [STEP["b1_new"], STEP["b2_new"]], we.X, we.Y
    )
    assert new_loss < STEP["loss"]
    again = we.worked_example_step()
    for key in SHAPES:
        np.testing.assert_array_equal(again[key], STEP[key])
    again["W1_new"][0, 0] = 99.0  # results are private copies
    assert we.worked_example_step()["W1_new"][0, 0] != 99.0


def test_the_step_on_a_batch_is_the_mean_of_its_examples():
    # the lecture's example twice in one batch: the same gradients and updates, two columns
    double = we.train_step_221(we.W1, we.B1, we.W2, we.B2, np.hstack([we.X, we.X]),
                               np.hstack([we.Y, we.Y]), we.ETA)
    for key in ("dW1", "db1", "dW2", "db2", "W1_new", "b1_new", "W2_new", "b2_new"):
        np.testing.assert_allclose(double[key], STEP[key], rtol=1e-14)
    assert double["loss"] == pytest.approx(STEP["loss"], rel=1e-14)
    np.testing.assert_allclose(double["delta2"], np.hstack([STEP["delta2"]] * 2), rtol=1e-14)


def test_the_step_on_any_batch_matches_the_general_backward_pass():
    rng = np.random.default_rng(3)
    W1, b1 = rng.normal(size=(2, 2)), rng.normal(size=(2, 1))
    W2, b2 = rng.normal(size=(1, 2)), rng.normal(size=(1, 1))
    x, y = rng.normal(size=(2, 5)), rng.uniform(size=(1, 5))
    before = [a.copy() for a in (W1, b1, W2, b2, x, y)]
    step = we.train_step_221(W1, b1, W2, b2, x, y, 0.3)
    dWs, dbs = bp.network_gradients([W1, W2], [b1, b2], x, y)
    for key, want in {"dW1": dWs[0], "dW2": dWs[1], "db1": dbs[0], "db2": dbs[1],
                      "W1_new": W1 - 0.3 * dWs[0], "b2_new": b2 - 0.3 * dbs[1]}.items():
        np.testing.assert_allclose(step[key], want, rtol=1e-14)
    assert step["loss"] == pytest.approx(network_loss([W1, W2], [b1, b2], x, y), rel=1e-14)
    assert type(step["loss"]) is float
    assert all(np.array_equal(a, b) for a, b in zip((W1, b1, W2, b2, x, y), before, strict=True))
