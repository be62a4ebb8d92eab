"""Gait events against real references (gaitmap mocap events, mobgap ICs, Oxford foot switches)."""

import csv

import numpy as np
import pytest

from motionrehab.errors import InvalidDataError
from motionrehab.events.gait_events import (
    FootEventDetector,
    LowerBackIcDetector,
    PhoneStepDetector,
    ShankEventDetector,
    resample_uniform,
    sagittal_rate_deg_s,
)
from motionrehab.sensors import ImuRecording
from motionrehab.sensors.imu_csv import (
    read_android_accelerometer_csv,
    read_gaitmap_imu_csv,
    read_mobgap_imu_csv,
)

FS_GAITMAP = 204.8


def _gaitmap_reference(shared_data, side):
    with open(shared_data / "gaitmap" / "stride_events_sample.csv", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["foot"] == side]
    return {key: np.array([float(row[key]) for row in rows]) for key in ("pre_ic", "ic", "tc")}


@pytest.mark.realdata
@pytest.mark.parametrize(("side", "n_ref"), [("left", 28), ("right", 29)])
def test_foot_events_match_gaitmap_mocap(shared_data, side, n_ref):
    recording = read_gaitmap_imu_csv(shared_data / "gaitmap" / "imu_sample.csv", side)
    events = FootEventDetector().detect(recording)
    ref = _gaitmap_reference(shared_data, side)
    assert ref["ic"].size == n_ref
    ic = events.t_ic_s * FS_GAITMAP
    fc = events.t_fc_s * FS_GAITMAP
    # stride count between the first and the last reference stride: exact
    inside = (ic >= ref["pre_ic"][0] - 10) & (ic <= ref["ic"][-1] + 10)
    assert inside.sum() - 1 == n_ref
    ic_error = np.array([ic[np.argmin(np.abs(ic - x))] - x for x in ref["ic"]])
    tc_error = np.array([fc[np.argmin(np.abs(fc - x))] - x for x in ref["tc"]])
    # data README: within +-10 samples (about 50 ms) for at least 90 % of strides
    assert np.mean(np.abs(ic_error) <= 10) >= 0.9
    assert np.mean(np.abs(tc_error) <= 10) >= 0.9
    # measured: IC within 4 samples for every stride, toe-off 2-7 samples after mocap
    assert np.max(np.abs(ic_error)) <= 4.5
    assert 2.0 <= np.median(tc_error) <= 5.0


REFERENCE_ICS = {
    "HA_002_Test5_Trial2": [227, 295, 355, 413, 471, 538],
    "MS_001_Test5_Trial1": [676, 740, 801, 857, 912, 962, 1017, 1072, 1130],
}


@pytest.mark.realdata
@pytest.mark.parametrize("trial", sorted(REFERENCE_ICS))
def test_lower_back_ics_within_ten_samples_of_stereophoto(shared_data, trial):
    recording, _ = read_mobgap_imu_csv(shared_data / "mobgap" / trial)
    events = LowerBackIcDetector().detect(recording)
    detected = np.round(events.t_ic_s * 100.0)
    for reference in REFERENCE_ICS[trial]:
        assert np.min(np.abs(detected - reference)) <= 10, reference
    # no IC before the bout (quiet standing) and at most one after its end
    first, last = REFERENCE_ICS[trial][0], REFERENCE_ICS[trial][-1]
    assert np.sum(detected < first - 10) == 0
    assert np.sum(detected > last + 10) <= 1


def _oxford_truth(path):
    if path.is_dir():
        switches = np.loadtxt(path / "stepcounter.csv", delimiter=",")
        return int(sum((np.diff(switches[:, c]) == 1).sum() for c in (1, 2)))
    return int(np.loadtxt(path, delimiter=",")[:, 5].max())


OXFORD = [
    "optimisation/Samsung_Jamie_Hard_InHand_1",
    "optimisation/Samsung_Dario_Hard_BackPocket_1",
    "optimisation/Samsung_Dario_Hard_FrontPocket_1",
    "optimisation/Pixel_Jamie_Hard_Armband_1",
    "validation/user1_hand_1506421989895.csv",
    "validation/user2_frontpocket_1506422217391.csv",
]


@pytest.mark.realdata
@pytest.mark.parametrize("name", OXFORD)
def test_phone_step_count_within_5_percent(shared_data, name):
    path = shared_data / "oxford_step_counter" / name
    recording = read_android_accelerometer_csv(path / "accelerometer.csv" if path.is_dir() else path)
    steps = PhoneStepDetector().detect(recording).t_ic_s.size
    truth = _oxford_truth(path)
    assert abs(steps - truth) / truth <= 0.05, (steps, truth)


def _shank_recording(stride_s=1.1, n_strides=8, fs=100.0):
    """Shank sagittal rate: mid-swing peak with a minimum 0.12 s after it (IC) and 0.25 s before (FC)."""
    t = np.arange(0, stride_s * n_strides + 2, 1 / fs)
    rate = np.zeros_like(t)
    mid_swing = 1.0 + stride_s * np.arange(n_strides)
    for m in mid_swing:
        rate += 350 * np.exp(-0.5 * ((t - m) / 0.07) ** 2)
        rate -= 120 * np.exp(-0.5 * ((t - (m + 0.12)) / 0.02) ** 2)
        rate -= 200 * np.exp(-0.5 * ((t - (m - 0.25)) / 0.04) ** 2)
    gyr = np.zeros((t.size, 3))
    gyr[:, 1] = -rate  # shin_anterior: y left, swing negative about +y
    acc = np.tile([9.81, 0, 0], (t.size, 1))
    rec = ImuRecording(t_s=t, acc_m_s2=acc, gyr_deg_s=gyr, placement="shin", side="right", axis_convention="shin_anterior")
    return rec, mid_swing


def test_shank_events_on_known_waveform():
    rec, mid_swing = _shank_recording()
    events = ShankEventDetector().detect(rec)
    assert events.t_ic_s.size == mid_swing.size
    np.testing.assert_allclose(events.t_ic_s, mid_swing + 0.12, atol=0.015)
    np.testing.assert_allclose(events.t_fc_s, mid_swing - 0.25, atol=0.015)


def test_sagittal_rate_needs_a_known_axis_convention():
    rec = ImuRecording(t_s=np.arange(20) / 100, acc_m_s2=np.tile([0, 0, 9.81], (20, 1)),
                       gyr_deg_s=np.zeros((20, 3)), placement="foot", axis_convention="device")
    with pytest.raises(InvalidDataError, match="sagittal axis"):
        sagittal_rate_deg_s(rec)


def test_resample_uniform_is_exact_for_linear_signals():
    t = np.array([0.0, 0.013, 0.019, 0.031, 0.05, 0.061])
    grid, values = resample_uniform(t, 3.0 * t[:, None], 100.0)
    np.testing.assert_allclose(values[:, 0], 3.0 * grid)
    assert np.allclose(np.diff(grid), 0.01)


def test_foot_detector_ignores_gyro_offset_and_toe_taps_while_sitting():
    from motionrehab.synth.foot_imu import synthesize_foot_walk

    fs = 100.0
    t = np.arange(0, 600, 1 / fs)
    gyr = np.zeros((t.size, 3))
    gyr[:, 1] = -3.0  # +3 deg/s sagittal offset for 10 minutes (a long "forward rotation")
    taps = (t % 60) < 3
    gyr[:, 1] += np.where(taps, -3.0 * 2 * np.pi * np.sin(2 * np.pi * t), 0.0)  # 3 deg toe taps
    sitting = ImuRecording(t_s=t, acc_m_s2=np.tile([0, 0, 9.81], (t.size, 1)), gyr_deg_s=gyr, placement="foot",
                           axis_convention="gaitmap_foot")
    events = FootEventDetector().detect(sitting)
    assert events.t_ic_s.size == 0 and events.t_fc_s.size == 0
    walk = synthesize_foot_walk(5)
    assert FootEventDetector().detect(walk.recording).t_ic_s.size == 6
