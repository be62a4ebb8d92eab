"""Repetition counting and phase timing on signals with exactly known phases."""

from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from motionrehab.events.repetitions import (
    RepetitionSegmenter,
    RepetitionThresholds,
    find_trial_peaks,
    minimum_jerk,
    segment_repetitions,
)
from motionrehab.signals.cleaning import AUTO_CUTOFF_FLOOR_HZ
from motionrehab.signals.filters import lowpass_zero_phase, residual_cutoff_hz

FS = 30.0


@dataclass
class TrueRep:
    t_start: float
    eccentric: float
    pause: float
    concentric: float
    depth: float


def rep_signal(reps: list[TrueRep], rest: float = 5.0, lead_s: float = 1.5, top_pause: float = 1.0, fs: float = FS):
    """Hip flexion (deg): rest, then min-jerk lowering, a hold, min-jerk rising, for each rep."""
    total = lead_s + sum(r.eccentric + r.pause + r.concentric + top_pause for r in reps) + 1.5
    t = np.arange(int(total * fs)) / fs
    x = np.full(t.size, rest)
    start = lead_s
    for r in reps:
        r.t_start = start
        down = (t >= start) & (t < start + r.eccentric)
        x[down] = rest + r.depth * minimum_jerk((t[down] - start) / r.eccentric)
        hold = (t >= start + r.eccentric) & (t < start + r.eccentric + r.pause)
        x[hold] = rest + r.depth
        up_start = start + r.eccentric + r.pause
        up = (t >= up_start) & (t < up_start + r.concentric)
        x[up] = rest + r.depth * (1 - minimum_jerk((t[up] - up_start) / r.concentric))
        start = up_start + r.concentric + top_pause
    return t, x


def test_noise_free_phases_within_one_frame_and_count_exact():
    truth = [TrueRep(0, 3.0, 1.0, 2.0, 70.0), TrueRep(0, 2.0, 0.5, 1.5, 65.0), TrueRep(0, 1.2, 0.0, 1.2, 72.0)]
    t, x = rep_signal(truth)
    reps = segment_repetitions(t, x)
    assert len(reps) == 3 and not any(r.partial for r in reps)
    for got, want in zip(reps, truth, strict=True):
        assert abs(got.t_start_s - want.t_start) < 1 / FS
        assert abs(got.eccentric_s - want.eccentric) < 1 / FS
        assert abs(got.pause_s - want.pause) < 1 / FS
        assert abs(got.concentric_s - want.concentric) < 1 / FS
        assert got.peak_value == pytest.approx(5.0 + want.depth, abs=1e-6)
        assert got.rest_value == pytest.approx(5.0, abs=1e-6)


def test_partial_rep_is_reported_not_counted():
    truth = [TrueRep(0, 2.0, 0.5, 2.0, 70.0), TrueRep(0, 1.5, 0.0, 1.5, 30.0), TrueRep(0, 2.0, 0.5, 2.0, 70.0)]
    t, x = rep_signal(truth)
    reps = segment_repetitions(t, x, RepetitionThresholds.for_depth(70.0))
    assert [r.partial for r in reps] == [False, True, False]


def test_live_segmenter_reports_each_rep_soon_after_it_ends_and_equals_offline():
    truth = [TrueRep(0, 2.5, 1.0, 2.0, 60.0) for _ in range(4)]
    t, x = rep_signal(truth)
    offline = segment_repetitions(t, x, RepetitionThresholds.for_depth(60.0))
    live = RepetitionSegmenter(RepetitionThresholds.for_depth(60.0))
    reported_at = []
    reps = []
    for ti, xi in zip(t, x, strict=True):
        rep = live.update(ti, xi)
        if rep:
            reps.append(rep)
            reported_at.append(ti)
    assert reps == offline
    for rep, when in zip(reps, reported_at, strict=True):
        assert when - rep.t_end_s < 1.1  # reported within about a second of being back at rest


def test_direction_minus_one_counts_decreasing_excursions():
    t, x = rep_signal([TrueRep(0, 2.0, 0.5, 2.0, 50.0), TrueRep(0, 2.0, 0.5, 2.0, 50.0)])
    reps = segment_repetitions(t, -x, direction=-1)
    assert len(reps) == 2 and reps[0].peak_value == pytest.approx(-55.0, abs=1e-6)


def test_nan_gaps_do_not_break_counting():
    t, x = rep_signal([TrueRep(0, 2.0, 0.5, 2.0, 60.0) for _ in range(3)])
    x = x.copy()
    x[100:104] = np.nan
    assert len(segment_repetitions(t, x)) == 3


@settings(max_examples=100, deadline=None)
@given(
    n_reps=st.integers(2, 6),
    seed=st.integers(0, 10_000),
    noise_deg=st.floats(0.0, 1.5),
)
def test_rep_count_exact_and_tempo_close_over_random_noisy_sets(n_reps, seed, noise_deg):
    rng = np.random.default_rng(seed)
    truth = [
        TrueRep(0, rng.uniform(1.0, 4.0), rng.uniform(0.0, 2.0), rng.uniform(1.0, 3.0), rng.uniform(45.0, 90.0))
        for _ in range(n_reps)
    ]
    t, x = rep_signal(truth, top_pause=rng.uniform(0.5, 2.0))
    noisy = x + rng.normal(0, noise_deg, x.size)
    # the cutoff the exercise measures use: Winter's residual analysis, no lower than 1 Hz
    smooth = lowpass_zero_phase(noisy, FS, cutoff_hz=residual_cutoff_hz(noisy, FS, lowest_hz=AUTO_CUTOFF_FLOOR_HZ))
    reps = [r for r in segment_repetitions(t, smooth, RepetitionThresholds.for_depth(45.0)) if not r.partial]
    assert len(reps) == n_reps
    for got, want in zip(reps, truth, strict=True):
        assert abs(got.eccentric_s - want.eccentric) < 0.25
        assert abs(got.concentric_s - want.concentric) < 0.25
        assert abs(got.pause_s - want.pause) < 0.25


def test_trial_peaks_by_prominence():
    t, x = rep_signal([TrueRep(0, 2.0, 2.0, 2.0, d) for d in (40.0, 55.0, 62.0)])
    x = x + 0.3 * np.sin(2 * np.pi * 3 * t)  # small ripples must not count
    peaks = find_trial_peaks(t, x, min_prominence=10.0)
    assert [round(p.value) for p in peaks] == [45, 60, 67]
