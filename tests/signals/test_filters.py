"""Filters on signals with exactly known content."""

import numpy as np
import pytest

from motionrehab.signals.filters import OneEuroFilter, hampel, lowpass_zero_phase
from motionrehab.signals.gaps import fill_short_gaps, gate_by_visibility
from motionrehab.signals.resample import resample_series, uniform_grid

FS = 30.0


def test_zero_phase_lowpass_keeps_movement_removes_jitter_without_lag():
    t = np.arange(600) / FS
    movement = 40 * np.sin(2 * np.pi * 0.5 * t)
    jitter = 3 * np.sin(2 * np.pi * 12 * t)
    out = lowpass_zero_phase(movement + jitter, FS)
    core = slice(60, -60)
    assert np.max(np.abs(out[core] - movement[core])) < 0.2  # 0.5 Hz kept, 12 Hz removed
    lag = np.argmax(np.correlate(out[core], movement[core], "full")) - (out[core].size - 1)
    assert lag == 0


def test_lowpass_filters_each_finite_run_and_keeps_gaps():
    t = np.arange(300) / FS
    x = np.sin(2 * np.pi * 0.3 * t)
    x[100:110] = np.nan
    out = lowpass_zero_phase(x, FS)
    assert np.isnan(out[100:110]).all() and np.isfinite(out[:100]).all() and np.isfinite(out[110:]).all()


def test_one_euro_adds_less_than_one_frame_of_lag_on_a_step_at_30_fps():
    t = np.arange(90) / FS
    step = np.where(t >= 1.0, 100.0, 0.0)
    out = OneEuroFilter().filter(t, step[:, None])[:, 0]
    raw_half = np.argmax(step >= 50.0)
    filtered_half = np.argmax(out >= 50.0)
    lag_frames = filtered_half - raw_half
    assert 0 <= lag_frames < 1  # reaches half the step in the same frame
    assert abs(out[-1] - 100.0) < 0.5


def test_one_euro_smooths_a_still_noisy_landmark():
    rng = np.random.default_rng(0)
    t = np.arange(300) / FS
    noisy = 200 + rng.normal(0, 2.0, (300, 2))
    out = OneEuroFilter().filter(t, noisy)
    assert out[30:].std(axis=0).max() < 0.6 * noisy[30:].std(axis=0).min()


def test_hampel_removes_injected_spikes_and_leaves_the_rest():
    t = np.arange(200) / FS
    clean = 30 * np.sin(2 * np.pi * 0.4 * t) + np.random.default_rng(2).normal(0, 0.5, t.size)
    spiky = clean.copy()
    spikes = [20, 75, 140]
    spiky[spikes] += 60
    out, mask = hampel(spiky)
    assert set(np.flatnonzero(mask)) == set(spikes)
    assert np.max(np.abs(out - clean)) < 3.0


def test_short_gaps_filled_long_gaps_reported():
    t = np.arange(300) / FS
    x = 10 * np.sin(2 * np.pi * 0.5 * t)
    holed = x.copy()
    holed[50:55] = np.nan  # 0.2 s: filled
    holed[150:180] = np.nan  # 1.0 s: stays missing
    out, gaps = fill_short_gaps(t, holed[:, None], max_gap_s=0.25, names=["knee_x"])
    assert np.max(np.abs(out[50:55, 0] - x[50:55])) < 0.1
    assert np.isnan(out[150:180, 0]).all()
    assert len(gaps) == 1 and gaps[0].series == "knee_x" and gaps[0].n_frames == 30
    assert gaps[0].t_start_s == pytest.approx(5.0)


def test_visibility_gating():
    landmarks = np.ones((2, 33, 2))
    visibility = np.full((2, 33), 0.9)
    visibility[1, 5] = 0.3
    out = gate_by_visibility(landmarks, visibility)
    assert np.isnan(out[1, 5]).all() and np.isfinite(out[0]).all()


def test_resampling_irregular_times_onto_a_uniform_grid():
    rng = np.random.default_rng(1)
    t = np.cumsum(rng.uniform(0.005, 0.015, 2000))
    x = np.sin(2 * np.pi * 1.0 * t)
    grid = uniform_grid(t, 100.0)
    assert np.allclose(np.diff(grid), 0.01)
    out = resample_series(t, x, grid)
    assert np.nanmax(np.abs(out - np.sin(2 * np.pi * grid))) < 2e-3
    assert np.isfinite(out).all()
