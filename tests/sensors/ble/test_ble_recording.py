"""Raw log, recording folder, re-decoding and the replay / synthetic transports (no D-Bus needed)."""

from __future__ import annotations

import asyncio
import json
import stat
from pathlib import Path

import numpy as np
import pytest

from motionrehab.errors import InputFileError, InvalidDataError
from motionrehab.sensors.ble.clock import fit_clock
from motionrehab.sensors.ble.profiles import polar_pmd, rsc, witmotion
from motionrehab.sensors.ble.rawlog import RAW_LOG_NAME, RawLogWriter, read_raw_log
from motionrehab.sensors.ble.recorder import Recorder, record
from motionrehab.sensors.ble.recording import (
    SIDECAR_NAME,
    SensorSpec,
    decode_recording,
    read_footpod_csv,
    replay_recording,
    write_sidecar,
)
from motionrehab.sensors.ble.transport import (
    ReplayTransport,
    SyntheticDevice,
    SyntheticTransport,
    TransportError,
)
from motionrehab.sensors.imu_csv import read_imu_csv

IMU = "AA:BB:CC:00:00:01"
POD = "AA:BB:CC:00:00:02"


def witmotion_packets(n: int) -> tuple[bytes, ...]:
    # flat sensor (+1 g on z = 2048 raw) with a slowly changing gyro x
    return tuple(witmotion.encode_frame((i % 7, -(i % 5), 2048, i % 100, 0, -3, 0, 0, 0)) for i in range(n))


def rsc_packets(n: int) -> tuple[bytes, ...]:
    return tuple(rsc.encode_rsc(rsc.RscMeasurement(320 + i, 100 + i % 10, False, 120, 1000 + 12 * i))
                 for i in range(n))  # fmt: skip


def two_sensor_recording(folder: Path, n_imu: int = 300, n_pod: int = 60, count: int | None = None):
    transport = SyntheticTransport([
        SyntheticDevice(IMU, "WT901BLE67", "witmotion", witmotion_packets(n_imu), 200.0),
        SyntheticDevice(POD, "Footpod", "rsc", rsc_packets(n_pod), 1.0),
    ])  # fmt: skip
    specs = [SensorSpec(IMU, "witmotion", "shin", "left", name="WT901BLE67"),
             SensorSpec(POD, "rsc", "footpod", "right", name="Footpod")]  # fmt: skip
    return record(transport, specs, folder, samples_per_sensor=count, duration_s=None if count else 1.0)


def test_record_exact_counts_csv_sidecar_and_private_files(tmp_path: Path) -> None:
    out = tmp_path / "rec"
    contents = two_sensor_recording(out, count=20)
    imu = contents.sensor(IMU)
    pod = contents.sensor(POD)
    assert imu.n_samples == 20 and pod.n_samples == 20
    assert imu.malformed_count == pod.malformed_count == 0
    csv_imu = read_imu_csv(out / imu.spec.csv_name)
    assert csv_imu.n_samples == 20
    assert csv_imu.placement == "shin" and csv_imu.side == "left"
    np.testing.assert_array_equal(csv_imu.acc_m_s2[:, 2], np.full(20, 9.80665))
    np.testing.assert_array_equal(csv_imu.gyr_deg_s[:, 0], np.arange(20) / 32768.0 * 2000.0)
    # the CSV is lossless: identical floats to the decoded samples
    np.testing.assert_array_equal(csv_imu.t_s, imu.imu.t_s)
    footpod = read_footpod_csv(out / pod.spec.csv_name)
    np.testing.assert_array_equal(footpod.speed_m_s, (320 + np.arange(20)) / 256.0)
    np.testing.assert_array_equal(footpod.total_distance_m, (1000 + 12 * np.arange(20)) / 10.0)
    assert np.all(np.diff(footpod.t_s) == pytest.approx(1.0, abs=1e-6))  # synthetic host times 1 s apart
    body = json.loads((out / SIDECAR_NAME).read_text())
    assert body["format"] == "motionrehab-ble-recording" and body["version"] == 1
    devices = {d["address"]: d for d in body["devices"]}
    assert devices[IMU]["samples"] == 20 and devices[IMU]["profile"] == "witmotion"
    assert devices[IMU]["sampling_rate_hz"] == pytest.approx(200.0, rel=1e-4)  # Unix-time float resolution
    assert devices[POD]["clock"]["kind"] == "host"
    assert devices[IMU]["malformed"] == {"count": 0, "examples": []}
    for path in out.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
    assert stat.S_IMODE(out.stat().st_mode) == 0o700


def test_redecoding_the_raw_log_reproduces_the_csv_exactly(tmp_path: Path) -> None:
    out = tmp_path / "rec"
    two_sensor_recording(out, count=50)
    before = {p.name: p.read_bytes() for p in out.glob("*.csv")}
    sidecar_before = json.loads((out / SIDECAR_NAME).read_text())
    for path in out.glob("*.csv"):
        path.unlink()
    replay_recording(out)
    after = {p.name: p.read_bytes() for p in out.glob("*.csv")}
    assert len(before) == 2
    assert after == before
    assert json.loads((out / SIDECAR_NAME).read_text()) == sidecar_before


def test_malformed_packets_are_counted_and_reported(tmp_path: Path) -> None:
    good = rsc_packets(5)
    packets = (good[0], b"\x03\x00", good[1], b"", good[2], b"\x01\x10\x00\x50\x01\x02\x03")
    transport = SyntheticTransport([SyntheticDevice(POD, "Footpod", "rsc", packets, 10.0)])
    contents = record(transport, [SensorSpec(POD, "rsc", "footpod")], tmp_path / "rec", duration_s=0.5)
    pod = contents.sensor(POD)
    assert pod.n_notifications == 6
    assert pod.n_samples == 3
    assert pod.malformed_count == 3
    assert [m.hex for m in pod.malformed_examples] == ["0300", "", "0110005001020" "3"]
    assert "mandatory fields need 4" in pod.malformed_examples[0].problem
    assert "unexpected trailing byte" in pod.malformed_examples[2].problem
    body = json.loads((tmp_path / "rec" / SIDECAR_NAME).read_text())
    assert body["devices"][0]["malformed"]["count"] == 3


def test_raw_log_cut_mid_line_is_read_and_reported(tmp_path: Path) -> None:
    path = tmp_path / RAW_LOG_NAME
    writer = RawLogWriter(path)
    writer.event(100.0, IMU, "connected")
    for i in range(5):
        writer.notification(100.0 + i, IMU, witmotion.NOTIFY_UUID, bytes([i, 255]))
    writer.close()
    with open(path, "a", encoding="utf-8") as handle:
        handle.write('not json\n{"t": 200.0, "dev": "x", "ch')  # a damaged line, then a kill mid-line
    log = read_raw_log(path)
    assert log.truncated_last_line is True
    assert log.bad_lines == (7,)
    assert [e.data for e in log.entries if e.data is not None] == [bytes([i, 255]) for i in range(5)]
    assert log.entries[0].event == "connected"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with pytest.raises(InputFileError, match="no raw notification log"):
        read_raw_log(tmp_path / "missing.jsonl")


def test_flush_progress_is_reported(tmp_path: Path) -> None:
    flushed: list[int] = []
    writer = RawLogWriter(tmp_path / RAW_LOG_NAME, flush_interval_s=3600.0, on_flush=flushed.append)
    for i in range(3):
        writer.notification(float(i), IMU, witmotion.NOTIFY_UUID, b"\x00")
    assert flushed == []  # nothing flushed yet (interval not reached)
    writer.flush()
    writer.notification(4.0, IMU, witmotion.NOTIFY_UUID, b"\x00")
    writer.close()
    assert flushed == [3, 4]


def test_replay_transport_plays_the_recorded_notifications(tmp_path: Path) -> None:
    out = tmp_path / "rec"
    two_sensor_recording(out, count=30)
    log = read_raw_log(out / RAW_LOG_NAME)
    recorded = [(e.characteristic, e.data, e.t_host_s) for e in log.entries if e.device == IMU and e.data is not None]

    async def play() -> tuple[list[str | None], list[tuple[str, bytes, float]]]:
        transport = ReplayTransport(out)
        ads = await transport.scan(0.0)
        got: list[tuple[str, bytes, float]] = []
        link = await transport.connect(IMU, lambda: None)
        await link.start_notify(witmotion.NOTIFY_UUID, lambda c, d, t: got.append((c, d, t)))
        await transport.links[IMU].done.wait()
        await link.disconnect()
        return [a.profile_name for a in ads], got

    profiles, got = asyncio.run(play())
    assert profiles == ["witmotion", "rsc"]
    assert len(got) == 30
    assert got == recorded


def test_polar_device_clock_is_mapped_to_host_time(tmp_path: Path) -> None:
    # 10 frames of 5 ACC samples at 52 Hz, device epoch far from host time
    frames = []
    for f in range(10):
        samples = [(0, 0, 1000 + f * 5 + k) for k in range(5)]
        frames.append(polar_pmd.encode_pmd_frame(polar_pmd.ACC, 10**12 + round((f + 1) * 5 * 1e9 / 52), samples))
    transport = SyntheticTransport([SyntheticDevice(IMU, "Polar Sense", "polar_pmd", tuple(frames), 52.0 / 5)])
    contents = record(transport, [SensorSpec(IMU, "polar_pmd", "trunk_t12")], tmp_path / "rec", samples_per_sensor=50)
    sensor = contents.sensor(IMU)
    assert sensor.n_samples == 50
    assert sensor.clock.kind == "device" and sensor.clock.pairs == 10
    # samples keep the device's 1/52 s spacing (not the notification spacing)
    assert np.diff(sensor.imu.t_s) == pytest.approx(np.full(49, 1 / 52), abs=1e-6)
    np.testing.assert_allclose(sensor.imu.acc_m_s2[:, 2], (1000 + np.arange(50)) * 9.80665e-3, rtol=0, atol=1e-12)


def test_clock_fit_recovers_drift_and_never_maps_after_receipt() -> None:
    rng = np.random.default_rng(3)
    device = np.arange(0, 60, 0.1)  # 60 s of notifications every 100 ms
    latency = 0.005 + rng.exponential(0.01, device.size)
    host = 1.7e9 + device * (1 + 40e-6) + latency  # device clock 40 ppm slow
    model = fit_clock(device, host)
    assert model.drift_ppm == pytest.approx(40.0, abs=3.0)
    mapped = model.to_host(device)
    assert np.all(mapped <= host + 1e-9)
    assert float(np.min(host - mapped)) < 0.002
    assert model.latency_spread_s == pytest.approx(float(np.ptp(host - mapped)), abs=1e-9)


def test_recorder_refuses_bad_requests(tmp_path: Path) -> None:
    transport = SyntheticTransport([])
    with pytest.raises(InvalidDataError, match="no sensor"):
        Recorder(transport, [], tmp_path / "a", duration_s=1)
    with pytest.raises(InvalidDataError, match="listed twice"):
        Recorder(transport, [SensorSpec(IMU, "rsc", "footpod")] * 2, tmp_path / "a", duration_s=1)
    with pytest.raises(InvalidDataError, match="unknown placement 'ear'"):
        Recorder(transport, [SensorSpec(IMU, "rsc", "ear")], tmp_path / "a", duration_s=1)
    with pytest.raises(InvalidDataError, match="no end"):
        Recorder(transport, [SensorSpec(IMU, "rsc", "footpod")], tmp_path / "a")
    out = tmp_path / "rec"
    two_sensor_recording(out, count=5)
    with pytest.raises(InvalidDataError, match="already holds a recording"):
        two_sensor_recording(out, count=5)
    with pytest.raises(InputFileError, match="no recording.json"):
        decode_recording(tmp_path)


def test_recording_a_replay_reproduces_the_csv_byte_for_byte_across_a_drop(tmp_path: Path) -> None:
    # a Polar recording written by hand: 6 frames, a drop (2 frames never arrive), 6 more frames
    source = tmp_path / "source"
    source.mkdir()
    write_sidecar(source, 1_800_000_000.0, [SensorSpec(IMU, "polar_pmd", "sacrum", name="Polar Sense")])
    writer = RawLogWriter(source / RAW_LOG_NAME)
    writer.event(1_800_000_000.1, IMU, "connected")
    t_host = 1_800_000_000.2
    for f in list(range(6)) + ["drop"] + list(range(8, 14)):
        if f == "drop":
            writer.event(t_host, IMU, "disconnected")
            writer.event(t_host + 0.3, IMU, "connected")
            t_host += 0.5
            continue
        samples = [(f, 2 * f, 1000 + 10 * f + k) for k in range(10)]
        frame = polar_pmd.encode_pmd_frame(polar_pmd.ACC, 10**15 + round((f + 1) * 10 * 1e9 / 52), samples, compressed=True)
        writer.notification(t_host, IMU, polar_pmd.DATA_UUID, frame)
        t_host += 10 / 52
    writer.close()
    original = replay_recording(source)
    sensor = original.sensor(IMU)
    assert sensor.n_samples == 120
    assert len(sensor.gaps) == 1 and sensor.gaps[0].samples_missing == 20
    replayed = record(ReplayTransport(source), [SensorSpec(IMU, "polar_pmd", "sacrum", name="Polar Sense")],
                      tmp_path / "replayed", samples_per_sensor=120, duration_s=10.0,
                      reconnect_initial_s=0.01)  # fmt: skip
    again = replayed.sensor(IMU)
    assert again.n_samples == 120
    assert len(again.gaps) == 1 and again.gaps[0].samples_missing == 20
    name = sensor.spec.csv_name
    assert (tmp_path / "replayed" / name).read_bytes() == (source / name).read_bytes()


class FlakyTransport(SyntheticTransport):
    """Refuses the first ``failures`` connection attempts (a sensor still out of range)."""

    def __init__(self, devices: list[SyntheticDevice], failures: int) -> None:
        super().__init__(devices)
        self.failures = failures
        self.attempts = 0

    async def connect(self, address, on_disconnect, timeout_s=10.0):  # type: ignore[no-untyped-def]
        self.attempts += 1
        if self.attempts <= self.failures:
            raise TransportError(f"cannot connect to {address}: not found")
        return await super().connect(address, on_disconnect, timeout_s)


def test_failed_connections_are_retried_with_doubling_backoff(tmp_path: Path) -> None:
    transport = FlakyTransport([SyntheticDevice(POD, "Footpod", "rsc", rsc_packets(5), 1.0)], failures=3)
    contents = record(transport, [SensorSpec(POD, "rsc", "footpod")], tmp_path / "rec", samples_per_sensor=5,
                      reconnect_initial_s=0.01, reconnect_max_s=0.03)  # fmt: skip
    assert transport.attempts == 4
    assert contents.sensor(POD).n_samples == 5
    events = [e for e in read_raw_log(tmp_path / "rec" / RAW_LOG_NAME).entries if e.event]
    assert [e.event for e in events] == ["connect_failed"] * 3 + ["connected"]
    assert events[0].detail == f"cannot connect to {POD}: not found"
    waits = np.diff([e.t_host_s for e in events])
    assert np.all(waits >= np.array([0.01, 0.02, 0.03]) - 1e-3)  # 0.01, doubled, capped at 0.03


def test_polar_gyro_is_interpolated_onto_the_accelerometer_times(tmp_path: Path) -> None:
    # ACC and GYRO frames of 5 samples at 52 Hz; GYRO stamped half a period later; gyro x ramps 1 deg/s per sample
    period_ns = 1e9 / 52
    frames = []
    for f in range(8):
        acc = [(0, 0, 1000)] * 5
        gyr = [(10 * (f * 5 + k), 0, 0) for k in range(5)]
        t_acc = 10**12 + round((f + 1) * 5 * period_ns)
        frames.append(polar_pmd.encode_pmd_frame(polar_pmd.ACC, t_acc, acc, compressed=True))
        frames.append(polar_pmd.encode_pmd_frame(polar_pmd.GYRO, t_acc + round(period_ns / 2), gyr, compressed=True))
    transport = SyntheticTransport([SyntheticDevice(IMU, "Polar Sense", "polar_pmd", tuple(frames), 20.0)])
    contents = record(transport, [SensorSpec(IMU, "polar_pmd", "sacrum")], tmp_path / "rec", samples_per_sensor=80)
    imu = contents.sensor(IMU).imu
    assert imu.n_samples == 40  # one row per accelerometer sample
    gyr_x = imu.gyr_deg_s[:, 0]
    # GYRO sample i is half a period after ACC sample i: ACC i sits midway between GYRO i-1 and i
    assert np.isnan(gyr_x[0])
    np.testing.assert_allclose(gyr_x[1:], 10 * np.arange(1, 40) - 5.0, atol=1e-3)
    assert np.isfinite(imu.acc_m_s2).all()


class BrokenTransport(SyntheticTransport):
    """A transport with a bug: subscribing raises something that is not a TransportError."""

    async def connect(self, address, on_disconnect, timeout_s=10.0):  # type: ignore[no-untyped-def]
        link = await super().connect(address, on_disconnect, timeout_s)

        async def broken(characteristic, handler):  # type: ignore[no-untyped-def]
            raise ZeroDivisionError("bug in a transport")

        link.start_notify = broken  # type: ignore[method-assign]
        return link


def test_a_bug_stops_the_recording_saves_what_arrived_and_surfaces(tmp_path: Path) -> None:
    transport = BrokenTransport([SyntheticDevice(POD, "Footpod", "rsc", rsc_packets(5), 1.0)])
    with pytest.raises(ZeroDivisionError, match="bug in a transport"):
        record(transport, [SensorSpec(POD, "rsc", "footpod")], tmp_path / "rec", samples_per_sensor=5)
    events = [(e.event, e.detail) for e in read_raw_log(tmp_path / "rec" / RAW_LOG_NAME).entries if e.event]
    assert events == [("connected", ""), ("recorder_error", "ZeroDivisionError: bug in a transport")]
    assert (tmp_path / "rec" / SIDECAR_NAME).is_file()
