"""The numeric policy of the whole course, in one place.

Every comparison, gradient check and random draw in the reference tests and
in the hidden checks reads its constants from here, so that regrading the same
submission always gives the same score.
"""

from __future__ import annotations

import numpy as np

DTYPE = np.float64
"""All reference computations run in double precision."""

RTOL = 1e-6
"""Largest relative error at which a student's value counts as equal."""

FD_STEP = 1e-6
"""Step h of the central difference (f(x + h) - f(x - h)) / 2h."""

FD_TOL = 1e-5
"""Largest relative error between an analytic and a central-difference gradient."""

AD_TOL = 1e-7
"""Largest relative error between the reference and automatic differentiation."""

DEFAULT_SEED = 20251126
"""Seed of the course data (the lecture's date) and of every example."""


def as_float_array(x: object) -> np.ndarray:
    """Return ``x`` as a new float64 array, so callers can never alias inputs."""
    return np.array(x, dtype=DTYPE, copy=True)


def relative_error(a: object, b: object) -> float:
    """max |a - b| / max(1e-8, max(|a| + |b|)): scale-free and safe at zero."""
    a_arr = np.asarray(a, dtype=DTYPE)
    b_arr = np.asarray(b, dtype=DTYPE)
    if a_arr.shape != b_arr.shape:
        raise ValueError(f"shapes differ: {a_arr.shape} vs {b_arr.shape}")
    if a_arr.size == 0:
        return 0.0
    num = float(np.max(np.abs(a_arr - b_arr)))
    den = float(np.max(np.abs(a_arr) + np.abs(b_arr)))
    return num / max(1e-8, den)


def rng_for(seed: int | None = None) -> np.random.Generator:
    """A numpy Generator; ``None`` means the course default, never the clock."""
    return np.random.default_rng(DEFAULT_SEED if seed is None else seed)
