"""`motionrehab sensors scan|record|replay|calibrate` through bleak and the fake BlueZ."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from fake_bluez import FakeBlueZ, bus_environment, device_for_profile
from test_bleak_fake_bluez import IMU, POD, imu_stream, pod_stream

from motionrehab.cli.main import main
from motionrehab.cli.sensors import parse_placement
from motionrehab.sensors import ImuRecording
from motionrehab.sensors.ble.rawlog import RAW_LOG_NAME
from motionrehab.sensors.ble.recording import SIDECAR_NAME
from motionrehab.sensors.calibration import SensorCalibration
from motionrehab.sensors.imu_csv import read_imu_csv, write_imu_csv


def test_scan_lists_known_sensors(fake_bluez: FakeBlueZ, capsys: pytest.CaptureFixture[str]) -> None:
    fake_bluez.add_device(device_for_profile(POD, "Stryd-Pod", "rsc", [], rssi=-48))
    fake_bluez.add_device(device_for_profile(IMU, "WT901BLE67", "witmotion", [], rssi=-66))
    assert main(["sensors", "scan", "--seconds", "0.3"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["name", "address", "RSSI", "profile"]
    assert lines[1].split() == ["Stryd-Pod", POD, "-48", "rsc"]
    assert lines[2].split() == ["WT901BLE67", IMU, "-66", "witmotion"]


def test_record_by_name_and_address_then_replay(fake_bluez: FakeBlueZ, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    fake_bluez.add_device(device_for_profile(POD, "Stryd-Pod", "rsc", pod_stream(100)))
    fake_bluez.add_device(device_for_profile(IMU, "WT901BLE67", "witmotion", imu_stream(500)))
    out = tmp_path / "rec"
    status = main(["sensors", "record", "--device", "WT901BLE67", "--placement", "shin-left", "--device", POD,
                   "--placement", "footpod-right", "--samples", "60", "--duration", "20", "--out", str(out),
                   "--scan-seconds", "0.3"])  # fmt: skip
    printed = capsys.readouterr().out
    assert status == 0, printed
    assert f"shin left WT901BLE67 {IMU} (witmotion): 60 samples from 60 notifications" in printed
    assert f"footpod right Stryd-Pod {POD} (rsc): 60 samples" in printed
    body = json.loads((out / SIDECAR_NAME).read_text())
    assert [(d["placement"], d["side"], d["samples"]) for d in body["devices"]] == [("shin", "left", 60),
                                                                                      ("footpod", "right", 60)]
    csv_before = {p.name: p.read_bytes() for p in out.glob("*.csv")}
    assert main(["sensors", "replay", str(out)]) == 0
    assert "60 samples from 60 notifications" in capsys.readouterr().out
    assert {p.name: p.read_bytes() for p in out.glob("*.csv")} == csv_before


def test_bad_input_is_a_plain_sentence(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status = main(["sensors", "record", "--device", "AA:BB:CC:DD:EE:FF", "--profile", "rsc", "--placement", "ear",
                   "--out", str(tmp_path / "x")])  # fmt: skip
    assert status == 2
    assert "unknown placement 'ear'" in capsys.readouterr().err
    assert main(["sensors", "record", "--device", "AA:BB:CC:DD:EE:FF", "--profile", "nope", "--placement", "shin",
                 "--out", str(tmp_path / "x")]) == 2  # fmt: skip
    assert "unknown sensor profile 'nope'" in capsys.readouterr().err


def test_parse_placement() -> None:
    assert parse_placement("shin-left") == ("shin", "left")
    assert parse_placement("trunk-t12") == ("trunk_t12", "none")
    assert parse_placement("Foot-Right") == ("foot", "right")
    assert parse_placement("sacrum") == ("sacrum", "none")


def test_calibrate_saves_a_profile_under_calibration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    n = 300
    rng = np.random.default_rng(0)
    acc = np.tile([0.0, 0.0, 9.80665], (n, 1)) + rng.normal(0, 0.02, (n, 3))  # leg flat: +z up
    recording = ImuRecording(t_s=np.arange(n) / 100.0, acc_m_s2=acc, gyr_deg_s=np.tile([0.4, 0.0, -0.2], (n, 1)),
                             placement="shin", side="right")  # fmt: skip
    csv_path = write_imu_csv(tmp_path / "shin.csv", recording)
    monkeypatch.chdir(tmp_path)
    assert main(["sensors", "calibrate", str(csv_path), "--posture", "leg_flat"]) == 0
    printed = capsys.readouterr().out
    assert "gyro bias +0.40, +0.00, -0.20 deg/s" in printed
    profile = SensorCalibration.load(tmp_path / "calibration" / "sensor-shin-right.json")
    assert profile.posture == "leg_flat" and profile.tilt_correction_deg < 1.0
    calibrated = profile.apply(read_imu_csv(csv_path))
    assert float(np.abs(calibrated.gyr_deg_s).max()) < 1e-5


def test_ctrl_c_ends_a_recording_cleanly(fake_bluez: FakeBlueZ, private_bus: str, tmp_path: Path) -> None:
    fake_bluez.add_device(device_for_profile(IMU, "WT901BLE67", "witmotion", imu_stream(100_000), burst=4))
    out = tmp_path / "rec"
    process = subprocess.Popen([sys.executable, "-m", "motionrehab.cli.main", "sensors", "record", "--device", IMU,
                                "--profile", "witmotion", "--placement", "shin-left", "--out", str(out)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=bus_environment(private_bus))  # fmt: skip
    assert process.stderr is not None
    assert process.stderr.readline().decode().strip() == f"{IMU}: connected"  # the recorder says so on stderr
    deadline = time.monotonic() + 30.0
    while not (out / RAW_LOG_NAME).is_file() or (out / RAW_LOG_NAME).stat().st_size < 10_000:
        assert time.monotonic() < deadline, "no notification reached the raw log"  # it grows within a second
    process.send_signal(signal.SIGINT)
    stdout, _ = process.communicate(timeout=30)
    assert process.returncode == 0
    body = json.loads((out / SIDECAR_NAME).read_text())
    samples = body["devices"][0]["samples"]
    assert samples > 50
    assert f"{samples} samples from {samples} notifications" in stdout.decode()
    assert read_imu_csv(out / body["devices"][0]["csv"]).n_samples == samples
