"""Swap repair and the cleaning pipeline on tracks with known truth; resampling on real irregular phone data."""

import numpy as np
import pytest

from motionrehab.capture.landmarks import MIRROR_PERMUTATION
from motionrehab.capture.pose_track import PoseTrack
from motionrehab.sensors.imu_recording import ImuRecording
from motionrehab.signals.cleaning import LivePoseSmoother, clean_pose_track
from motionrehab.signals.resample import resample_imu
from motionrehab.signals.swaps import repair_swaps

FS = 30.0


def moving_body(n: int = 600, seed: int = 0) -> np.ndarray:
    """(n, 33, 2): a body whose left landmarks sit 60 px left of the right ones, moving smoothly."""
    rng = np.random.default_rng(seed)
    t = np.arange(n) / FS
    base = rng.uniform(200, 800, (33, 2))
    mirror = np.asarray(MIRROR_PERMUTATION)
    for i in range(33):
        if mirror[i] > i:  # i is left, mirror[i] right: put them 60 px apart
            base[mirror[i]] = base[i] + [60.0, 0.0]
    sway = np.stack([80 * np.sin(2 * np.pi * 0.3 * t), 50 * np.sin(2 * np.pi * 0.2 * t)], axis=-1)
    return base[None] + sway[:, None, :]


def test_injected_swaps_are_repaired():
    truth = moving_body()
    swapped = truth.copy()
    mirror = np.asarray(MIRROR_PERMUTATION)
    injected = list(range(17, 600, 37)) + [300, 301, 302]
    for i in injected:
        swapped[i] = truth[i][mirror]
    visibility = np.full((600, 33), 0.9)
    repaired, _, frames = repair_swaps(swapped, visibility)
    assert set(frames.tolist()) == set(injected)
    np.testing.assert_allclose(repaired, truth)


def test_clean_pose_track_brings_noisy_landmarks_back_to_truth():
    rng = np.random.default_rng(3)
    truth = moving_body(seed=3)
    noisy = truth + rng.normal(0, 3.0, truth.shape)
    visibility = np.full((600, 33), 0.95)
    drop = rng.random((600, 33)) < 0.02
    noisy[drop] = np.nan
    visibility[drop] = 0.1
    mirror = np.asarray(MIRROR_PERMUTATION)
    for i in range(150, 600, 300):
        noisy[i] = noisy[i][mirror]
        visibility[i] = visibility[i][mirror]
    track = PoseTrack(t_s=np.arange(600) / FS, landmarks_px=noisy, visibility=visibility, image_width_px=1000,
                      image_height_px=1000, frame_rate_hz=FS)
    cleaned, report = clean_pose_track(track)
    error = np.linalg.norm(cleaned.landmarks_px - truth, axis=-1)
    raw_error = np.nanmean(np.linalg.norm(noisy - truth, axis=-1)[np.isfinite(noisy).all(axis=-1)])
    # white noise: a 6 Hz cutoff at 30 fps keeps 6/15 of its bandwidth, so about sqrt(0.4) = 0.63 of it
    assert np.nanmean(error[5:-5]) < 0.68 * raw_error
    assert np.isfinite(cleaned.landmarks_px).mean() > 0.999
    assert set(report.swapped_frames) == {150, 450}
    # 2 % drop-outs are all short: only drop-outs in the first or last frame cannot be interpolated
    assert report.gaps_left and all(g.n_frames == 1 and g.t_start_s in (0.0, track.t_s[-1]) for g in report.gaps_left)


def test_live_smoother_repairs_swaps_and_smooths_as_frames_arrive():
    rng = np.random.default_rng(4)
    truth = moving_body(n=300, seed=4)
    noisy = truth + rng.normal(0, 3.0, truth.shape)
    noisy[100] = noisy[100][np.asarray(MIRROR_PERMUTATION)]
    smoother = LivePoseSmoother()
    out = np.stack([smoother.update(i / FS, noisy[i], np.full(33, 0.9))[0] for i in range(300)])
    assert smoother.swapped_frames == 1
    assert np.mean(np.linalg.norm(out[30:] - truth[30:], axis=-1)) < np.mean(np.linalg.norm(noisy[30:] - truth[30:], axis=-1))


@pytest.mark.realdata
def test_irregular_phone_recording_resamples_to_a_uniform_grid(shared_data):
    raw = np.loadtxt(shared_data / "oxford_step_counter/optimisation/Pixel_Jamie_Hard_Armband_1/accelerometer.csv",
                     delimiter=",", max_rows=20000)
    t = (raw[:, 0] - raw[0, 0]) * 1e-9
    keep = np.concatenate([[True], np.diff(t) > 0])
    steps = np.diff(t[keep])
    assert steps.max() / np.median(steps) > 2  # irregular: that is the point
    recording = ImuRecording(t_s=t[keep], acc_m_s2=raw[keep, 2:5], gyr_deg_s=np.zeros((keep.sum(), 3)),
                             placement="phone", axis_convention="android_phone")
    uniform = resample_imu(recording, 100.0)
    assert np.allclose(np.diff(uniform.t_s), 0.01)
    assert uniform.sampling_rate_hz == pytest.approx(100.0)
    magnitude = np.linalg.norm(uniform.acc_m_s2, axis=1)
    assert 9.0 < np.nanmedian(magnitude) < 10.6  # gravity survives resampling
    assert np.isfinite(uniform.acc_m_s2).mean() > 0.99
