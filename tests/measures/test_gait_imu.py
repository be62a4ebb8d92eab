"""Inertial gait measures against exact synthetic truth and real references."""

import csv
import json

import numpy as np
import pytest

from motionrehab.measures.gait_imu import (
    analyze_foot_imu,
    analyze_lower_back_imu,
    analyze_phone,
    analyze_shank_imu,
)
from motionrehab.sensors.imu_csv import (
    read_android_accelerometer_csv,
    read_gaitmap_imu_csv,
    read_mobgap_imu_csv,
)
from motionrehab.synth.foot_imu import FootWalkParameters, synthesize_foot_walk

FS_GAITMAP = 204.8


@pytest.mark.parametrize("rate_hz", [100.0, 204.8])
def test_synthetic_foot_walk_strides_events_and_length(rate_hz):
    walk = synthesize_foot_walk(20, rate_hz=rate_hz, params=FootWalkParameters(stride_time_s=1.1, stride_length_m=1.4))
    result = analyze_foot_imu([walk.recording])
    assert len(result.strides) == 20  # exact
    t_ic = np.array([s.t_ic_s for s in result.strides] + [result.strides[-1].t_next_ic_s])
    t_fc = np.array([s.t_fc_s for s in result.strides])
    frame = 1.0 / rate_hz
    assert np.max(np.abs(t_ic - walk.t_ic_s)) <= frame
    assert np.max(np.abs(t_fc - walk.t_fc_s[1:])) <= frame
    lengths = np.array([s.stride_length_m for s in result.strides])
    assert np.max(np.abs(lengths - 1.4) / 1.4) < 0.02  # within 2 %
    assert result.cadence_steps_per_min == pytest.approx(120 / 1.1, abs=1.0)
    assert result.steps == 41  # 21 ICs of this foot + 20 steps of the other foot
    assert result.distance_m == pytest.approx(28.0, rel=0.02)


def test_synthetic_slow_walk_is_also_exact():
    params = FootWalkParameters(stride_time_s=1.5, stride_length_m=0.8, toe_off_pitch_deg=35, heel_strike_pitch_deg=10)
    walk = synthesize_foot_walk(12, params=params)
    result = analyze_foot_imu([walk.recording], pain_onset_s=float(walk.t_ic_s[0] + 6.0))
    assert len(result.strides) == 12
    assert result.cadence_steps_per_min == pytest.approx(80.0, abs=1.0)
    assert np.allclose([s.stride_length_m for s in result.strides], 0.8, rtol=0.02)
    tolerance = result.walking_tolerance
    assert tolerance.time_s == pytest.approx(6.0, abs=0.01)  # from the detected first IC (within a frame)
    assert tolerance.distance_m == pytest.approx(0.8 * 4, rel=0.02)  # 6 s = 4 strides of 1.5 s


def _reference(shared_data):
    with open(shared_data / "gaitmap" / "stride_events_sample.csv", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["foot"] == "left"]
    pre_ic = np.array([float(row["pre_ic"]) for row in rows])
    spatial = json.loads((shared_data / "gaitmap" / "reference_spatial_parameters_left_sensor.json").read_text())
    temporal = json.loads((shared_data / "gaitmap" / "reference_temporal_parameters_left_sensor.json").read_text())
    length = np.array([row["stride_length"] for row in spatial["data"]])
    time = np.array([row["stride_time"] for row in temporal["data"]])
    return pre_ic, length, time


@pytest.fixture(scope="module")
def gaitmap_result(shared_data):
    recordings = [read_gaitmap_imu_csv(shared_data / "gaitmap" / "imu_sample.csv", side) for side in ("left", "right")]
    return analyze_foot_imu(recordings)


@pytest.mark.realdata
def test_gaitmap_left_stride_length_and_time_against_mocap(shared_data, gaitmap_result):
    pre_ic, ref_length, ref_time = _reference(shared_data)
    left = [s for s in gaitmap_result.strides if s.side == "left"]
    starts = np.array([s.t_ic_s for s in left]) * FS_GAITMAP
    matched = []
    for x in pre_ic:
        j = int(np.argmin(np.abs(starts - x)))
        assert abs(starts[j] - x) <= 10
        matched.append(left[j])
    assert len({id(s) for s in matched}) == 28
    length_error = np.array([s.stride_length_m for s in matched]) - ref_length
    time_error_ms = (np.array([s.stride_time_s for s in matched]) - ref_time) * 1000
    # measured: stride length error mean -0.010 m (-0.7 % of mean 1.34 m), SD 0.056 m,
    # limits of agreement -0.120..+0.101 m; stride time error -0.1 +- 9.3 ms
    assert abs(length_error.mean()) / ref_length.mean() < 0.02
    assert length_error.std(ddof=1) < 0.07
    assert abs(time_error_ms.mean()) < 20 and time_error_ms.std(ddof=1) < 15
    # the 180 deg turn stride (reference index 13, 0.47 m) is flagged as a turn
    assert matched[13].is_turn
    assert sum(s.is_turn for s in matched) == 1
    # total left-foot distance over the reference strides: 37.53 m
    assert np.sum([s.stride_length_m for s in matched]) == pytest.approx(37.53, rel=0.02)


@pytest.mark.realdata
def test_gaitmap_summary(gaitmap_result):
    assert gaitmap_result.cadence_steps_per_min == pytest.approx(112, abs=8)  # README: ~1.07 s strides
    assert gaitmap_result.symmetry_index_pct is not None and gaitmap_result.symmetry_index_pct < 5
    assert gaitmap_result.speed_m_per_s == pytest.approx(1.25, abs=0.15)


MOBGAP = {  # trial: (reference cadence, reference bout length (Stereophoto), reference ICs, bout [start, end) s)
    "HA_002_Test5_Trial2": (98.7, 4.11, 6, (2.27, 5.39)),
    "MS_001_Test5_Trial1": (107.2, 4.14, 9, (6.76, 11.31)),
}


@pytest.mark.realdata
@pytest.mark.parametrize("trial", sorted(MOBGAP))
def test_lower_back_cadence_and_inverted_pendulum_distance(shared_data, trial):
    recording, meta = read_mobgap_imu_csv(shared_data / "mobgap" / trial)
    result = analyze_lower_back_imu(recording, leg_length_m=float(meta["sensor_height_m"]))
    cadence, length, n_ic, (bout_start, bout_end) = MOBGAP[trial]
    # walking bout boundaries within +-1 s of the reference (data README section 2)
    assert result.strides[0].t_ic_s == pytest.approx(bout_start, abs=1.0)
    assert result.strides[-1].t_next_ic_s == pytest.approx(bout_end, abs=1.0)
    assert result.cadence_steps_per_min == pytest.approx(cadence, abs=5.0)
    # measured: HA 6 ICs / 3.67 m (-11 %), MS 10 ICs (one after the reference bout) / 4.76 m
    assert n_ic <= result.steps <= n_ic + 1
    per_step = result.distance_m / (result.steps - 1)
    assert per_step == pytest.approx(length / (n_ic - 1), rel=0.15)


@pytest.mark.realdata
def test_lower_back_without_leg_length_has_no_distance(shared_data):
    recording, _ = read_mobgap_imu_csv(shared_data / "mobgap" / "HA_002_Test5_Trial2")
    result = analyze_lower_back_imu(recording)
    assert result.distance_m is None and result.speed_m_per_s is None


@pytest.mark.realdata
def test_phone_result(shared_data):
    path = shared_data / "oxford_step_counter" / "validation" / "user2_frontpocket_1506422217391.csv"
    result = analyze_phone(read_android_accelerometer_csv(path))
    assert result.steps == pytest.approx(343, rel=0.05)
    assert 90 < result.cadence_steps_per_min < 130
    assert result.distance_m is None




def test_shank_result_is_temporal_only():
    from motionrehab.sensors import ImuRecording

    fs, stride = 100.0, 1.2
    t = np.arange(0, 12, 1 / fs)
    rate = np.zeros_like(t)
    for m in 1.0 + stride * np.arange(8):
        rate += 350 * np.exp(-0.5 * ((t - m) / 0.07) ** 2)
        rate -= 120 * np.exp(-0.5 * ((t - (m + 0.12)) / 0.02) ** 2)
        rate -= 200 * np.exp(-0.5 * ((t - (m - 0.25)) / 0.04) ** 2)
    gyr = np.zeros((t.size, 3))
    gyr[:, 1] = -rate
    rec = ImuRecording(t_s=t, acc_m_s2=np.tile([9.81, 0, 0], (t.size, 1)), gyr_deg_s=gyr, placement="shin",
                       side="left", axis_convention="shin_anterior")
    result = analyze_shank_imu([rec])
    assert len(result.strides) == 7
    assert result.cadence_steps_per_min == pytest.approx(100.0, abs=0.5)
    assert result.distance_m is None
    assert all(s.stance_s == pytest.approx(stride - 0.37, abs=0.02) for s in result.strides)
