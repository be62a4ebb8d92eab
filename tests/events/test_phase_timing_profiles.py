"""Phase timing on movement profiles other than minimum jerk (issue 15, item 1: not yet met).

The signal generator here is independent of the fits: each lowering and return follows one
of synth/profiles.py's four families (minimum jerk, raised cosine, constant speed with short
accelerations, asymmetric), plus a skewed raised cosine outside the free-shape fit's family.
These tests pin what is true today (docs/phase-timing.md): on noise-free raised-cosine and
constant-speed motion the free-shape fit times every phase within 0.15 s where the default
minimum-jerk fit misreads it by 0.3 s or more. Not yet true, so not asserted: slow-approach
profiles through the segmenter (its window ends before the return has settled) and any
profile under 1 deg of noise within 0.25 s.
"""

from __future__ import annotations

import numpy as np
import pytest

from motionrehab.events.repetitions import (
    MovementShape,
    RepetitionThresholds,
    movement_progress,
    segment_repetitions,
)
from motionrehab.signals.filters import lowpass_zero_phase
from motionrehab.synth.profiles import progress

FS = 30.0
CUTOFF_HZ = 2.0


def _skewed_cosine(tau: np.ndarray) -> np.ndarray:
    """A raised cosine on a warped time base (tau^0.7): faster start, slower approach; not a beta-family shape."""
    return (1.0 - np.cos(np.pi * np.clip(tau, 0.0, 1.0) ** 0.7)) / 2.0


def _set(profile: str, reps: list[tuple[float, float, float]], rng: np.random.Generator, depth: float = 60.0):
    total = 1.5 + sum(e + p + c + 2.0 for e, p, c in reps) + 1.5
    t = np.arange(int(total * FS)) / FS
    x = np.full(t.size, 5.0)
    shape = _skewed_cosine if profile == "skewed_cosine" else (lambda tau: progress(tau, profile))
    start = 1.5
    truth = []
    for eccentric, pause, concentric in reps:
        rise = start + eccentric + pause
        x += depth * (shape((t - start) / eccentric) - shape((t - rise) / concentric))
        truth.append((start, eccentric, pause, concentric))
        start = rise + concentric + rng.uniform(1.0, 2.0)
    return t, x, truth


def _errors(profile: str, *, noise_deg: float, free_shape: bool, n_reps: int = 4) -> np.ndarray:
    """(reps, 4) found minus true: onset, eccentric, pause, concentric, seconds."""
    rng = np.random.default_rng(sum(map(ord, profile)))
    reps = [(rng.uniform(1.0, 4.0), rng.uniform(0.0, 2.0), rng.uniform(1.0, 4.0)) for _ in range(n_reps)]
    t, x, truth = _set(profile, reps, rng)
    lowpass = None
    if noise_deg > 0:
        x = lowpass_zero_phase(x + rng.normal(0.0, noise_deg, x.size), FS, CUTOFF_HZ)
        lowpass = CUTOFF_HZ
    found = [r for r in segment_repetitions(t, x, RepetitionThresholds.for_depth(60.0), lowpass_hz=lowpass, free_shape=free_shape) if not r.partial]
    assert len(found) == len(truth)
    return np.array([(g.t_start_s - s, g.eccentric_s - e, g.pause_s - p, g.concentric_s - c) for g, (s, e, p, c) in zip(found, truth, strict=True)])


def test_shape_family_holds_the_usual_profiles():
    tau = np.linspace(0, 1, 401)
    assert np.max(np.abs(movement_progress(tau, MovementShape(3, 3, 0)) - progress(tau, "minimum_jerk"))) < 1e-12
    assert np.max(np.abs(movement_progress(tau, MovementShape(2, 4, 0)) - progress(tau, "asymmetric"))) < 1e-12
    assert np.max(np.abs(movement_progress(tau, MovementShape(1, 1, 0.9)) - progress(tau, "constant_speed"))) < 1e-9


@pytest.mark.parametrize("profile", ["raised_cosine", "constant_speed"])
def test_noise_free_free_shape_fit_times_profiles_the_minimum_jerk_fit_misreads(profile):
    free = np.abs(_errors(profile, noise_deg=0.0, free_shape=True)).max()
    fixed = np.abs(_errors(profile, noise_deg=0.0, free_shape=False)).max()
    assert free < 0.15
    assert fixed > 0.3  # the bias issue 15 reports: the default fit assumes minimum jerk
