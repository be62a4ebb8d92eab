"""bleak's real BlueZ backend against the fake BlueZ on a private D-Bus: scan, record, drop, kill."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from fake_bluez import FakeBlueZ, bus_environment, device_for_profile

from motionrehab.sensors.ble.profiles import polar_pmd, rsc, witmotion
from motionrehab.sensors.ble.rawlog import RAW_LOG_NAME, read_raw_log
from motionrehab.sensors.ble.recorder import record
from motionrehab.sensors.ble.recording import SIDECAR_NAME, SensorSpec, decode_recording
from motionrehab.sensors.ble.transport import BleakTransport

POD = "C0:FF:EE:00:00:01"
IMU = "C0:FF:EE:00:00:02"
PMD = "C0:FF:EE:00:00:03"


def imu_stream(n: int) -> list[bytes]:
    return [witmotion.encode_frame((i % 11, 0, 2048, i % 1000, -i % 50, 7, 0, 0, 0)) for i in range(n)]


def pod_stream(n: int) -> list[bytes]:
    return [rsc.encode_rsc(rsc.RscMeasurement(300 + i % 40, 100, False, 125, 10 * i)) for i in range(n)]


def pmd_stream(n_frames: int, per_frame: int = 10, rate_hz: float = 52.0) -> list[bytes]:
    frames = []
    for f in range(n_frames):
        samples = [(f, -f, 1000 + (f * per_frame + k) % 50) for k in range(per_frame)]
        stamp = 5 * 10**17 + round((f + 1) * per_frame * 1e9 / rate_hz)
        frames.append(polar_pmd.encode_pmd_frame(polar_pmd.ACC, stamp, samples, compressed=True))
    return frames


def test_scan_finds_footpod_and_imu_with_their_profiles(fake_bluez: FakeBlueZ) -> None:
    fake_bluez.add_device(device_for_profile(POD, "Stryd-Pod", "rsc", [], rssi=-55))
    fake_bluez.add_device(device_for_profile(IMU, "WT901BLE67", "witmotion", [], rssi=-70))
    found = asyncio.run(BleakTransport().scan(0.3))
    by_address = {a.address: a for a in found}
    assert set(by_address) == {POD, IMU}
    assert (by_address[POD].name, by_address[POD].rssi_dbm, by_address[POD].profile_name) == ("Stryd-Pod", -55, "rsc")
    assert (by_address[IMU].name, by_address[IMU].rssi_dbm, by_address[IMU].profile_name) == (
        "WT901BLE67", -70, "witmotion")


def test_record_two_sensors_exactly_n_samples_each(fake_bluez: FakeBlueZ, tmp_path: Path) -> None:
    n = 400
    imu = fake_bluez.add_device(device_for_profile(IMU, "WT901BLE67", "witmotion", imu_stream(n + 50),
                                                   firmware=b"WT5.0 2.1"))  # fmt: skip
    pod = fake_bluez.add_device(device_for_profile(POD, "Stryd-Pod", "rsc", pod_stream(n + 50)))
    specs = [SensorSpec(IMU, "witmotion", "shin", "left"), SensorSpec(POD, "rsc", "footpod", "right")]
    contents = record(BleakTransport(), specs, tmp_path / "rec", samples_per_sensor=n, duration_s=20.0)
    assert contents.sensor(IMU).n_samples == n
    assert contents.sensor(POD).n_samples == n
    assert contents.sensor(IMU).malformed_count == 0
    assert contents.sensor(IMU).firmware == "WT5.0 2.1"
    # the WitMotion start command (200 Hz) reached the device through bleak's WriteValue
    assert (witmotion.WRITE_UUID, bytes.fromhex("FFAA030B00")) in imu.writes
    assert pod.connects == imu.connects == 1
    gyro_x = contents.sensor(IMU).imu.gyr_deg_s[:, 0]
    np.testing.assert_array_equal(gyro_x, (np.arange(n) % 1000) / 32768.0 * 2000.0)  # in order, none lost
    body = json.loads((tmp_path / "rec" / SIDECAR_NAME).read_text())
    assert [d["samples"] for d in body["devices"]] == [n, n]


def test_forced_disconnect_reconnects_records_the_gap_and_loses_nothing(fake_bluez: FakeBlueZ, tmp_path: Path) -> None:
    per_frame, frames, drop_after, missing_frames = 10, 40, 15, 3
    device = fake_bluez.add_device(device_for_profile(PMD, "Polar Sense A1", "polar_pmd", pmd_stream(frames),
                                                      drop_after=drop_after, missing_during_drop=missing_frames))  # fmt: skip
    received_frames = frames - missing_frames
    contents = record(BleakTransport(), [SensorSpec(PMD, "polar_pmd", "sacrum")], tmp_path / "rec",
                      samples_per_sensor=received_frames * per_frame, duration_s=20.0,
                      reconnect_initial_s=0.05)  # fmt: skip
    sensor = contents.sensor(PMD)
    assert device.connects == 2
    assert sensor.n_samples == received_frames * per_frame  # everything sent before and after the drop
    assert len(sensor.gaps) == 1
    gap = sensor.gaps[0]
    assert gap.reconnected_s is not None and gap.reconnected_s > gap.disconnected_s
    assert gap.samples_missing == missing_frames * per_frame
    assert gap.last_sample_before_s < gap.first_sample_after_s
    # the z channel counts 1000..1049 cyclically per sample: check none before the drop is missing
    z_mg = np.round(sensor.imu.acc_m_s2[:, 2] / 9.80665e-3).astype(int)
    expected = [1000 + (f * per_frame + k) % 50 for f in range(frames) if not drop_after <= f < drop_after + missing_frames
                for k in range(per_frame)]  # fmt: skip
    assert z_mg.tolist() == expected
    events = [e.event for e in read_raw_log(tmp_path / "rec" / RAW_LOG_NAME).entries if e.event]
    assert events == ["connected", "disconnected", "connected"]
    body = json.loads((tmp_path / "rec" / SIDECAR_NAME).read_text())
    assert body["devices"][0]["gaps"][0]["samples_missing"] == missing_frames * per_frame


RECORDER_SCRIPT = """
import sys
from motionrehab.sensors.ble.recorder import record
from motionrehab.sensors.ble.recording import SensorSpec
from motionrehab.sensors.ble.transport import BleakTransport

def progress(flushed):
    print(flushed, flush=True)

record(BleakTransport(), [SensorSpec(sys.argv[2], "witmotion", "shin", "left")], sys.argv[1], duration_s=60.0,
       flush_interval_s=0.2, on_flush=progress)
"""


def test_sigkilled_recorder_leaves_a_raw_log_that_replays_every_flushed_sample(
        fake_bluez: FakeBlueZ, private_bus: str, tmp_path: Path) -> None:  # fmt: skip
    n = 200_000  # far more than can arrive before the kill
    fake_bluez.add_device(device_for_profile(IMU, "WT901BLE67", "witmotion", imu_stream(n), burst=4))
    out = tmp_path / "rec"
    process = subprocess.Popen([sys.executable, "-c", RECORDER_SCRIPT, str(out), IMU], stdout=subprocess.PIPE,
                               env=bus_environment(private_bus))  # fmt: skip
    assert process.stdout is not None
    flushed = 0
    deadline = time.monotonic() + 30.0
    while flushed < 500 and time.monotonic() < deadline:  # wait until the recorder reports flushed notifications
        line = process.stdout.readline()
        if not line:
            break
        flushed = int(line)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    assert process.returncode == -signal.SIGKILL
    assert flushed >= 500
    assert not any(out.glob("*.csv"))  # killed before it could decode
    contents = decode_recording(out)
    sensor = contents.sensor(IMU)
    assert sensor.n_samples >= flushed  # every notification flushed before the kill replays
    gyro_x = sensor.imu.gyr_deg_s[:, 0]
    np.testing.assert_array_equal(gyro_x, (np.arange(sensor.n_samples) % 1000) / 32768.0 * 2000.0)
