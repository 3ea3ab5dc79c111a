"""Activations, their derivatives and the lecture's chain-rule example."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from nnfin.numerics import FD_TOL, relative_error, rng_for
from nnfin.reference import activations as act
from nnfin.reference.chain_rule import composite, composite_derivative, inner, outer
from nnfin.reference.gradcheck import numerical_gradient

PAIRS = sorted(act.ACTIVATIONS)


def test_registry_holds_the_four_course_activations():
    assert set(act.ACTIVATIONS) == {"sigmoid", "tanh", "relu", "linear"}
    assert act.get_activation("sigmoid") == (act.sigmoid, act.sigmoid_prime)
    assert act.get_activation("linear") == (act.identity, act.identity_prime)


@pytest.mark.parametrize("bad", ["Sigmoid", "softmax", "", None])
def test_unknown_activation_names_the_valid_choices(bad):
    with pytest.raises(ValueError, match="unknown activation.*'sigmoid'"):
        act.get_activation(bad)


def test_known_values():
    z = np.array([-2.0, 0.0, 3.0])
    np.testing.assert_allclose(act.sigmoid(z), 1 / (1 + np.exp(-z)), rtol=1e-15)
    assert act.sigmoid(0.0) == 0.5
    np.testing.assert_array_equal(act.relu(z), [0.0, 0.0, 3.0])
    np.testing.assert_array_equal(act.relu_prime(z), [0.0, 0.0, 1.0])
    np.testing.assert_allclose(act.tanh(z), np.tanh(z), rtol=1e-15)
    np.testing.assert_allclose(act.tanh_prime(0.5), 1 - np.tanh(0.5) ** 2, rtol=1e-15)
    np.testing.assert_array_equal(act.identity(z), z)
    np.testing.assert_array_equal(act.identity_prime(z), np.ones(3))


def test_sigmoid_prime_peaks_at_a_quarter_at_zero():
    z = np.linspace(-10, 10, 20001)  # contains 0 exactly
    s_prime = act.sigmoid_prime(z)
    assert s_prime.max() == 0.25
    assert z[np.argmax(s_prime)] == 0.0
    assert act.sigmoid_prime(0.0) == 0.25
    assert np.all(s_prime <= 0.25)
    assert act.tanh_prime(0.0) == 1.0


def test_sigmoid_is_stable_at_extremes():
    z = np.array([-1000.0, -750.0, 0.0, 750.0, 1000.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = act.sigmoid(z)
        s_prime = act.sigmoid_prime(z)
    assert np.all(np.isfinite(s)) and np.all(np.isfinite(s_prime))
    assert s[0] == 0.0 and s[-1] == 1.0 and s[2] == 0.5
    np.testing.assert_array_equal(s_prime[[0, -1]], [0.0, 0.0])
    # symmetry sigma(-z) = 1 - sigma(z) holds in the moderate range
    zz = np.linspace(-30, 30, 121)
    np.testing.assert_allclose(act.sigmoid(-zz), 1 - act.sigmoid(zz), atol=1e-15)


def test_relu_derivative_at_the_kink_is_zero():
    assert act.relu_prime(0.0) == 0.0
    assert act.relu_prime(-0.0) == 0.0
    assert act.relu_prime(1e-300) == 1.0


@pytest.mark.parametrize("name", PAIRS)
def test_derivatives_match_central_differences(name):
    f, f_prime = act.get_activation(name)
    z = rng_for(7).normal(0, 2, size=(3, 4))
    if name == "relu":
        z = np.where(np.abs(z) < 1e-2, 0.5, z)  # stay off the kink
    # elementwise functions: d/dz sum f(z) is exactly f'(z)
    numeric = numerical_gradient(lambda v: float(np.sum(f(v))), z)
    assert relative_error(f_prime(z), numeric) < FD_TOL


@pytest.mark.parametrize("name", PAIRS)
def test_shape_dtype_and_no_mutation(name):
    f, f_prime = act.get_activation(name)
    z = rng_for(3).normal(size=(2, 5))
    z_before = z.copy()
    z.flags.writeable = False  # any in-place write would raise
    for g in (f, f_prime):
        out = g(z)
        assert out.shape == (2, 5) and out.dtype == np.float64
        assert not np.shares_memory(out, z)
    np.testing.assert_array_equal(z, z_before)
    assert f([[1, 2]]).dtype == np.float64  # integer lists become float64


def test_chain_rule_example():
    x = np.array([-2.0, -1 / 3, 0.0, 0.5, 1.0, 4.0])
    np.testing.assert_array_equal(inner(x), 3 * x + 1)
    np.testing.assert_array_equal(outer(x), x**2)
    np.testing.assert_allclose(composite(x), (3 * x + 1) ** 2, rtol=1e-15)
    np.testing.assert_allclose(composite_derivative(x), 6 * (3 * x + 1), rtol=1e-15)
    assert composite_derivative(1.0) == 24.0  # 2 * 4 * 3
    assert composite_derivative(-1 / 3) == pytest.approx(0.0, abs=1e-15)


def test_chain_rule_matches_central_differences():
    x = np.array([[-1.5, 0.2], [0.7, 3.0]])
    numeric = numerical_gradient(lambda v: float(np.sum(composite(v))), x)
    assert relative_error(composite_derivative(x), numeric) < FD_TOL
