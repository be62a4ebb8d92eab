"""Movement profiles: how a synthetic movement goes from its start value to its end value.

A measure built and tested on one profile shares its assumptions: a phase-timing method
tuned on minimum-jerk motion may misread a patient who lowers at a steady, counted speed.
The generators take ``profile=`` so tests can vary the shape the measure never chose.

Each profile maps normalised time tau in [0, 1] to progress s in [0, 1], monotonic, with
s(0) = 0 and s(1) = 1:

- ``minimum_jerk``: 10 tau^3 - 15 tau^4 + 6 tau^5 (Flash & Hogan 1985, J Neurosci 5:1688);
  smooth, symmetric, zero velocity and acceleration at both ends.
- ``raised_cosine``: (1 - cos(pi tau)) / 2; symmetric, zero velocity at the ends but a
  sudden acceleration.
- ``constant_speed``: a steady speed with short accelerations (10 % of the duration at each
  end): what a patient told "three seconds down" does when counting.
- ``asymmetric``: fast start, long slow approach (regularised incomplete beta function
  I_tau(2, 4): peak speed at tau = 0.25); zero velocity at both ends.
"""

from __future__ import annotations

from typing import Literal, get_args

import numpy as np
from numpy.typing import NDArray
from scipy.special import betainc

FloatArray = NDArray[np.float64]

MovementProfile = Literal["minimum_jerk", "raised_cosine", "constant_speed", "asymmetric"]
PROFILES: tuple[MovementProfile, ...] = get_args(MovementProfile)

CONSTANT_SPEED_RAMP = 0.10
"""Share of a constant-speed movement spent accelerating (and as much decelerating)."""


def progress(tau: FloatArray, profile: MovementProfile = "minimum_jerk") -> FloatArray:
    """Progress s in [0, 1] at normalised time ``tau`` (clipped to [0, 1]) for ``profile``."""
    tau = np.clip(np.asarray(tau, dtype=np.float64), 0.0, 1.0)
    if profile == "minimum_jerk":
        return 10 * tau**3 - 15 * tau**4 + 6 * tau**5
    if profile == "raised_cosine":
        return (1.0 - np.cos(np.pi * tau)) / 2.0
    if profile == "constant_speed":
        a = CONSTANT_SPEED_RAMP
        v = 1.0 / (1.0 - a)  # peak speed so that the area under the trapezoid is 1
        ramp_up = 0.5 * v / a * tau**2
        steady = v * a / 2 + v * (tau - a)
        ramp_down = 1.0 - 0.5 * v / a * (1.0 - tau) ** 2
        return np.where(tau < a, ramp_up, np.where(tau > 1.0 - a, ramp_down, steady))
    if profile == "asymmetric":
        return np.asarray(betainc(2.0, 4.0, tau), dtype=np.float64)
    raise ValueError(f"unknown movement profile {profile!r}; choose one of {', '.join(PROFILES)}")


def step(t_s: FloatArray, t0_s: float, duration_s: float, profile: MovementProfile = "minimum_jerk") -> FloatArray:
    """0 before ``t0_s``, 1 after ``t0_s + duration_s``, the profile's progress in between."""
    return progress((np.asarray(t_s, dtype=np.float64) - t0_s) / duration_s, profile)


def inverse(fraction: float, profile: MovementProfile = "minimum_jerk") -> float:
    """Normalised time tau in [0, 1] at which ``profile`` reaches ``fraction`` (bisection: monotonic)."""
    low, high = 0.0, 1.0
    for _ in range(60):
        mid = (low + high) / 2
        if float(progress(np.array(mid), profile)) < fraction:
            low = mid
        else:
            high = mid
    return (low + high) / 2
