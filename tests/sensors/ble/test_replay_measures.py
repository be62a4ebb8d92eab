"""A recording replayed through the gait measures gives what the offline file analysis gives."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from motionrehab.measures.gait_footpod import FootpodSample, analyze_footpod
from motionrehab.measures.gait_imu import analyze_foot_imu
from motionrehab.sensors.ble.profiles import rsc, witmotion
from motionrehab.sensors.ble.recorder import record
from motionrehab.sensors.ble.recording import (
    FootpodTrack,
    SensorSpec,
    read_footpod_csv,
    replay_recording,
)
from motionrehab.sensors.ble.transport import ReplayTransport, SyntheticDevice, SyntheticTransport
from motionrehab.sensors.imu_csv import read_imu_csv
from motionrehab.synth.foot_imu import synthesize_foot_walk

POD = "AA:BB:CC:00:00:0A"
FOOT = "AA:BB:CC:00:00:0B"
G = 9.80665


def footpod_samples(track: FootpodTrack) -> list[FootpodSample]:
    return [FootpodSample(float(t), float(v), float(c), None if math.isnan(s) else float(s),
                          None if math.isnan(d) else float(d))
            for t, v, c, s, d in zip(track.t_s, track.speed_m_s, track.cadence_per_min, track.stride_length_m,
                                     track.total_distance_m, strict=True)]  # fmt: skip


def test_footpod_gait_from_replay_equals_offline_file_analysis(tmp_path: Path) -> None:
    # 2 min walk at 1.25 m/s and 108 steps/min, 1 notification per second, total distance in 1/10 m
    n = 120
    packets = tuple(rsc.encode_rsc(rsc.RscMeasurement(320, 108, False, 139, 125 * i // 10)) for i in range(n))
    source = tmp_path / "walk"
    record(SyntheticTransport([SyntheticDevice(POD, "Footpod", "rsc", packets, 1.0)]),
           [SensorSpec(POD, "rsc", "footpod", "right")], source, samples_per_sensor=n)  # fmt: skip
    replayed = analyze_footpod(footpod_samples(replay_recording(source).sensor(POD).footpod))
    offline = analyze_footpod(footpod_samples(read_footpod_csv(source / "footpod-right-aabbcc00000a.csv")))
    assert replayed == offline
    assert replayed.distance_m == pytest.approx(0.1 * (125 * (n - 1) // 10), abs=1e-9)
    assert replayed.cadence_steps_per_min == 108.0
    # and through the replay transport into a new recording
    again = record(ReplayTransport(source), [SensorSpec(POD, "rsc", "footpod", "right")], tmp_path / "again",
                   samples_per_sensor=n, duration_s=10.0)  # fmt: skip
    assert analyze_footpod(footpod_samples(again.sensor(POD).footpod)) == offline


def test_foot_imu_gait_from_replay_equals_offline_file_analysis(tmp_path: Path) -> None:
    walk = synthesize_foot_walk(12, rate_hz=200.0, side="left")
    rec = walk.recording
    # what a WitMotion sensor strapped in the gaitmap foot frame would send (int16, 16 g, 2000 deg/s)
    acc_raw = np.clip(np.round(rec.acc_m_s2 / G / 16.0 * 32768.0), -32768, 32767).astype(int)
    gyr_raw = np.clip(np.round(rec.gyr_deg_s / 2000.0 * 32768.0), -32768, 32767).astype(int)
    packets = tuple(witmotion.encode_frame((*a, *w, 0, 0, 0)) for a, w in zip(acc_raw.tolist(), gyr_raw.tolist(),
                                                                                strict=True))  # fmt: skip
    spec = SensorSpec(FOOT, "witmotion", "foot", "left", axis_convention="gaitmap_foot", name="WT901BLE")
    source = tmp_path / "walk"
    record(SyntheticTransport([SyntheticDevice(FOOT, "WT901BLE", "witmotion", packets, 200.0)]), [spec], source,
           samples_per_sensor=len(packets))  # fmt: skip
    decoded = replay_recording(source).sensor(FOOT).imu
    assert decoded is not None and decoded.n_samples == rec.n_samples
    replayed = analyze_foot_imu([decoded])
    offline = analyze_foot_imu([read_imu_csv(source / spec.csv_name)])
    assert replayed == offline
    # and it is the walk that was sent: 12 strides of 1.4 m within 5 %
    lengths = [s.stride_length_m for s in replayed.strides if s.stride_length_m is not None]
    assert len(lengths) >= 10
    assert np.median(lengths) == pytest.approx(1.4, rel=0.05)
