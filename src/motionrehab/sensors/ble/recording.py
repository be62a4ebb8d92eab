"""A sensor recording folder: raw log + JSON sidecar -> decoded per-sensor CSV (see docs/sensors.md).

Folder layout::

    recording.json            sidecar: devices (address, name, profile, placement, side, axis
                              convention, firmware), start time, and after decoding: samples,
                              sampling rate, clock model, gaps, malformed packets
    raw_notifications.jsonl   append-only raw log (rawlog.py), the source of truth
    <placement>-<side>-<address>.csv   one decoded CSV per sensor

The decoded CSVs are a pure function of the raw log and the sidecar's device list:
:func:`decode_recording` re-decodes the raw log exactly as the recorder does at the end of
a recording, so ``sensors replay`` reproduces the CSVs byte for byte, and a recording cut
short by a crash is recovered the same way.

Sample times (``t_s``, seconds from ``started_unix_s``): for profiles with a device clock,
device sample times mapped to host time (clock.py); otherwise the host receive time of
the notification (several samples in one notification are spaced 1/nominal rate back
from it). Times are made strictly increasing (a tie moves the later sample 1 us on).
A new connection starts a new decoder (no state crosses a disconnection). A device with
separate ACC and GYRO streams (Polar PMD) gets one row per accelerometer sample, with the
angular rate interpolated onto its time (see ``_onto_acc_times``).
"""

from __future__ import annotations

import csv
import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from motionrehab import _csv_sidecar
from motionrehab._files import child_path, open_private, write_private_text
from motionrehab._text import read_text
from motionrehab.errors import InputFileError
from motionrehab.sensors.ble.clock import ClockModel, fit_clock
from motionrehab.sensors.ble.profiles import InertialSample, StrideSample, get_profile
from motionrehab.sensors.ble.rawlog import RAW_LOG_NAME, RawEntry, read_raw_log
from motionrehab.sensors.imu_csv import write_imu_csv
from motionrehab.sensors.imu_recording import ImuRecording

SIDECAR_NAME = "recording.json"
FORMAT_NAME = "motionrehab-ble-recording"
FORMAT_VERSION = 1
#: malformed packets kept verbatim in the sidecar per sensor (all are counted)
MALFORMED_EXAMPLES = 20
TIE_STEP_S = 1e-6
FOOTPOD_COLUMNS = ("t_s", "speed_m_s", "cadence_per_min", "stride_length_m", "total_distance_m", "is_running")

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class SensorSpec:
    """One sensor to record: which device, how to decode it, where it is worn.

    Attributes:
        address: Bluetooth address (or the platform's device id).
        profile: profile name (see profiles.PROFILES).
        placement: body segment, one of sensors.PLACEMENTS (shin, foot, trunk_t12, sacrum, footpod...).
        side: 'left', 'right' or 'none'.
        axis_convention: a key of AXIS_CONVENTIONS ('device' until a calibration maps it).
        name: advertised name ('' when unknown).
    """

    address: str
    profile: str
    placement: str
    side: str = "none"
    axis_convention: str = "device"
    name: str = ""

    @property
    def csv_name(self) -> str:
        """File name of this sensor's decoded CSV."""
        return f"{self.placement}-{self.side}-{self.address.replace(':', '').lower()}.csv"


@dataclass(frozen=True)
class Gap:
    """A disconnection: when it started and ended and what is known to be missing.

    Attributes:
        disconnected_s: time of the disconnection event (s from recording start).
        reconnected_s: time the link came back (s), or None if it never did.
        last_sample_before_s: time of the last sample before the drop (s), or None.
        first_sample_after_s: time of the first sample after it (s), or None.
        samples_missing: samples the device produced that never arrived, from its sample
            clock (device-clock profiles); None when the profile cannot tell.
    """

    disconnected_s: float
    reconnected_s: float | None
    last_sample_before_s: float | None
    first_sample_after_s: float | None
    samples_missing: int | None


@dataclass(frozen=True)
class Malformed:
    """One malformed notification (kept as an example in the sidecar)."""

    t_s: float
    hex: str
    problem: str


@dataclass(frozen=True, eq=False)
class FootpodTrack:
    """Decoded footpod (RSC) measurements of one sensor; arrays (n,), NaN when a field was absent."""

    t_s: FloatArray
    speed_m_s: FloatArray
    cadence_per_min: FloatArray
    stride_length_m: FloatArray
    total_distance_m: FloatArray
    is_running: NDArray[np.bool_]
    device: str = ""
    source: str = ""

    @property
    def n_samples(self) -> int:
        """Number of measurements."""
        return int(self.t_s.size)


@dataclass(frozen=True, eq=False)
class DecodedSensor:
    """Everything decoded for one sensor of a recording."""

    spec: SensorSpec
    imu: ImuRecording | None
    footpod: FootpodTrack | None
    n_samples: int
    n_notifications: int
    malformed_count: int
    malformed_examples: tuple[Malformed, ...]
    gaps: tuple[Gap, ...]
    clock: ClockModel
    sampling_rate_hz: float | None
    firmware: str = ""


@dataclass(frozen=True)
class RecordingContents:
    """A decoded recording: one DecodedSensor per device, plus raw-log damage found on reading."""

    folder: Path
    started_unix_s: float
    sensors: tuple[DecodedSensor, ...]
    truncated_last_line: bool
    bad_lines: tuple[int, ...] = field(default=())

    def sensor(self, address: str) -> DecodedSensor:
        """The sensor recorded from ``address``."""
        for item in self.sensors:
            if item.spec.address == address:
                return item
        raise KeyError(address)


def write_sidecar(folder: Path, started_unix_s: float, sensors: list[SensorSpec],
                  extra: dict[str, Any] | None = None) -> Path:  # fmt: skip
    """Write (or rewrite) the sidecar with the device list and anything in ``extra``."""
    body: dict[str, Any] = {"format": FORMAT_NAME, "version": FORMAT_VERSION, "started_unix_s": started_unix_s,
                            "raw_log": RAW_LOG_NAME,
                            "devices": [{"address": s.address, "name": s.name, "profile": s.profile,
                                         "placement": s.placement, "side": s.side,
                                         "axis_convention": s.axis_convention, "csv": s.csv_name}
                                        for s in sensors]}  # fmt: skip
    if extra:
        body.update(extra)
    return write_private_text(folder / SIDECAR_NAME, json.dumps(body, indent=2) + "\n")


def read_sidecar(folder: str | os.PathLike[str]) -> tuple[float, list[SensorSpec], dict[str, Any]]:
    """Start time, sensors and the whole sidecar of a recording folder."""
    path = Path(folder) / SIDECAR_NAME
    if not path.is_file():
        raise InputFileError("not a sensor recording: no recording.json", where=str(folder),
                             fix="pass the folder written by `motionrehab sensors record`")  # fmt: skip
    try:
        body = json.loads(read_text(path, kind="recording sidecar", max_bytes=10_000_000))
        specs = [SensorSpec(d["address"], d["profile"], d["placement"], d.get("side", "none"),
                            d.get("axis_convention", "device"), d.get("name", "")) for d in body["devices"]]  # fmt: skip
        return float(body["started_unix_s"]), specs, body
    except (ValueError, KeyError, TypeError) as error:
        raise InputFileError(f"recording.json is damaged ({error})", where=str(path)) from None


def _strictly_increasing(t: FloatArray) -> FloatArray:
    out = t.copy()
    for i in range(1, out.size):
        if out[i] <= out[i - 1]:
            out[i] = out[i - 1] + TIE_STEP_S
    return out


def _decode_sensor(spec: SensorSpec, entries: list[RawEntry], started: float, firmware: str) -> DecodedSensor:
    profile = get_profile(spec.profile)
    decoder = profile.make_decoder()
    # per sample: (host receive time, index in notification, count in notification, sample, connection number)
    rows: list[tuple[float, int, int, InertialSample | StrideSample, int]] = []
    clock_pairs: list[tuple[float, float]] = []
    malformed: list[Malformed] = []
    malformed_count = notifications = 0
    events: list[tuple[float, str]] = []
    connection = 0
    for entry in entries:
        if entry.event:
            events.append((entry.t_host_s, entry.event))
            if entry.event == "connected":
                decoder = profile.make_decoder()
                connection += 1
            continue
        notifications += 1
        decoded = decoder.feed(entry.characteristic, entry.data or b"")
        if decoded.problem is not None:
            malformed_count += 1
            if len(malformed) < MALFORMED_EXAMPLES:
                malformed.append(Malformed(entry.t_host_s - started, (entry.data or b"").hex(), decoded.problem))
        n = len(decoded.samples)
        for k, sample in enumerate(decoded.samples):
            rows.append((entry.t_host_s, k, n, sample, connection))
        if n and profile.has_device_clock and decoded.samples[-1].device_time_s is not None:
            clock_pairs.append((float(decoded.samples[-1].device_time_s), entry.t_host_s))  # type: ignore[arg-type]
    clock = ClockModel(kind="host")
    if profile.has_device_clock:
        clock = fit_clock(np.array([p[0] for p in clock_pairs]), np.array([p[1] for p in clock_pairs]))
    rate = profile.nominal_rate_hz or 0.0

    def host_time(row: tuple[float, int, int, InertialSample | StrideSample, int]) -> float:
        t_rx, k, n, sample, _ = row
        if profile.has_device_clock and sample.device_time_s is not None:
            return float(clock.to_host(sample.device_time_s))
        return t_rx - ((n - 1 - k) / rate if rate > 0 else 0.0)

    times = np.array([host_time(r) for r in rows], dtype=np.float64) - started
    imu = footpod = None
    n_samples = len(rows)
    if profile.kind == "footpod":
        t = _strictly_increasing(times)
        strides = [r[3] for r in rows]
        footpod = FootpodTrack(
            t_s=t,
            speed_m_s=np.array([s.speed_m_s for s in strides if isinstance(s, StrideSample)]),
            cadence_per_min=np.array([s.cadence_per_min for s in strides if isinstance(s, StrideSample)]),
            stride_length_m=np.array([math.nan if s.stride_length_m is None else s.stride_length_m
                                      for s in strides if isinstance(s, StrideSample)]),  # fmt: skip
            total_distance_m=np.array([math.nan if s.total_distance_m is None else s.total_distance_m
                                       for s in strides if isinstance(s, StrideSample)]),  # fmt: skip
            is_running=np.array([s.is_running for s in strides if isinstance(s, StrideSample)], dtype=bool),
            device=spec.name or spec.address,
            source=str(spec.csv_name),
        )
        sample_times = t
    else:
        # Merge samples that share a device time (Polar ACC and GYRO frames), then sort by time.
        merged: dict[float, list[Any]] = {}
        order: list[float] = []
        for time_s, row in zip(times.tolist(), rows, strict=True):
            sample = row[3]
            assert isinstance(sample, InertialSample)
            key = time_s if profile.has_device_clock else float(len(order))
            slot = merged.get(key)
            if slot is None:
                slot = merged[key] = [time_s, None, None, None]
                order.append(key)
            for index, value in ((1, sample.acc_m_s2), (2, sample.gyr_deg_s), (3, sample.mag_uT)):
                if value is not None:
                    slot[index] = value
        slots = sorted((merged[k] for k in order), key=lambda s: s[0]) if profile.has_device_clock else \
            [merged[k] for k in order]  # fmt: skip
        nan3 = (math.nan, math.nan, math.nan)
        if profile.has_device_clock and rate > 0:
            slots = _onto_acc_times(slots, rate)
        t = _strictly_increasing(np.array([s[0] for s in slots], dtype=np.float64))
        has_mag = any(s[3] is not None for s in slots)
        n_samples = len(slots)
        imu = ImuRecording(
            t_s=t,
            acc_m_s2=np.array([s[1] or nan3 for s in slots], dtype=np.float64).reshape(-1, 3),
            gyr_deg_s=np.array([s[2] or nan3 for s in slots], dtype=np.float64).reshape(-1, 3),
            mag_uT=np.array([s[3] or nan3 for s in slots], dtype=np.float64).reshape(-1, 3) if has_mag else None,
            placement=spec.placement,
            side=spec.side,
            axis_convention=spec.axis_convention,
            device=f"{spec.name or spec.profile} {spec.address}".strip(),
            source=spec.csv_name,
        )
        sample_times = t
    gaps = _gaps(events, rows, times, started, profile.has_device_clock, rate)
    sampling = float(1.0 / np.median(np.diff(sample_times))) if sample_times.size > 2 else None
    return DecodedSensor(spec, imu, footpod, n_samples, notifications, malformed_count, tuple(malformed),
                         tuple(gaps), clock, sampling, firmware)  # fmt: skip


#: gyro samples are interpolated onto an accelerometer time only between two gyro samples
#: at most this many nominal sample periods apart (never across a gap)
MAX_INTERPOLATION_PERIODS = 2.5


def _onto_acc_times(slots: list[list[Any]], rate_hz: float) -> list[list[Any]]:
    """Separate ACC and GYRO streams of one device (Polar PMD) -> one row per ACC sample.

    The two streams have their own sample times. Each accelerometer sample keeps its
    time; the angular rate at that time is linear interpolation between the neighbouring
    gyro samples when they are at most MAX_INTERPOLATION_PERIODS apart (else left
    missing). Gyro samples stay in the raw log. Streams that already share times, or a
    device that sends only one of them, are returned unchanged.
    """
    acc_only = [s for s in slots if s[1] is not None and s[2] is None]
    gyr_only = [s for s in slots if s[2] is not None and s[1] is None]
    if not acc_only or not gyr_only:
        return slots
    with_acc = [s for s in slots if s[1] is not None]
    gyr_slots = [s for s in slots if s[2] is not None]
    tg = np.array([s[0] for s in gyr_slots], dtype=np.float64)
    g = np.array([s[2] for s in gyr_slots], dtype=np.float64)
    out: list[list[Any]] = []
    for slot in with_acc:
        gyr = slot[2]
        if gyr is None:
            k = int(np.searchsorted(tg, slot[0]))
            if 0 < k < tg.size and tg[k] - tg[k - 1] <= MAX_INTERPOLATION_PERIODS / rate_hz:
                w = (slot[0] - tg[k - 1]) / (tg[k] - tg[k - 1])
                gyr = tuple(float(v) for v in (1.0 - w) * g[k - 1] + w * g[k])
        out.append([slot[0], slot[1], gyr, slot[3]])
    return out


def _gaps(events: list[tuple[float, str]], rows: list[Any], row_times: FloatArray, started: float,
          device_clock: bool, rate_hz: float) -> list[Gap]:  # fmt: skip
    """One Gap per disconnection event, from the samples of the connections on either side of it.

    ``rows`` carry their connection number (1 for the first connection); ``row_times`` are
    the rows' times (s from the start) before merging. A disconnection ends connection k;
    the first sample after it belongs to connection k + 1.
    """
    gaps: list[Gap] = []
    connected_times = [t for t, e in events if e == "connected"]
    connection_of = np.array([r[4] for r in rows], dtype=np.int64)
    for t_drop, event in events:
        if event != "disconnected":
            continue
        # the connection that dropped: the number of 'connected' events before the drop
        k = sum(1 for t in connected_times if t <= t_drop)
        later = [t for t in connected_times if t > t_drop]
        t_back = later[0] if later else None
        before = np.flatnonzero(connection_of == k)
        after = np.flatnonzero(connection_of == k + 1)
        last_before = float(row_times[before].max()) if before.size else None
        first_after = float(row_times[after].min()) if after.size else None
        missing = None
        if device_clock and rate_hz > 0 and before.size and after.size:
            t0 = max(rows[i][3].device_time_s for i in before)
            t1 = min(rows[i][3].device_time_s for i in after)
            if t0 is not None and t1 is not None:
                # samples the device made between the last one received and the first one after
                missing = max(0, int(round((t1 - t0) * rate_hz)) - 1)
        gaps.append(Gap(t_drop - started, None if t_back is None else t_back - started, last_before,
                        first_after, missing))  # fmt: skip
    return gaps


def decode_recording(folder: str | os.PathLike[str]) -> RecordingContents:
    """Re-decode a recording folder's raw log (the same code the recorder runs at the end)."""
    root = Path(folder)
    started, specs, body = read_sidecar(root)
    log = read_raw_log(root / body.get("raw_log", RAW_LOG_NAME))
    firmware = {d["address"]: d.get("firmware", "") for d in body.get("devices", [])}
    firmware.update({str(k): str(v) for k, v in dict(body.get("firmware", {})).items()})
    by_device: dict[str, list[RawEntry]] = {s.address: [] for s in specs}
    for entry in log.entries:
        if entry.device in by_device:
            by_device[entry.device].append(entry)
    sensors = tuple(_decode_sensor(s, by_device[s.address], started, firmware.get(s.address, "")) for s in specs)
    return RecordingContents(root, started, sensors, log.truncated_last_line, log.bad_lines)


def write_footpod_csv(path: str | os.PathLike[str], track: FootpodTrack, placement: str = "footpod") -> Path:
    """Write decoded footpod measurements (owner-only), one row per notification."""
    with open_private(path, "w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(FOOTPOD_COLUMNS)
        for i in range(track.n_samples):
            writer.writerow([repr(float(track.t_s[i])), repr(float(track.speed_m_s[i])),
                             repr(float(track.cadence_per_min[i])),
                             "" if math.isnan(track.stride_length_m[i]) else repr(float(track.stride_length_m[i])),
                             "" if math.isnan(track.total_distance_m[i]) else repr(float(track.total_distance_m[i])),
                             int(track.is_running[i])])  # fmt: skip
    _csv_sidecar.write_sidecar(path, {"placement": placement, "device": track.device})
    return Path(path)


def read_footpod_csv(path: str | os.PathLike[str]) -> FootpodTrack:
    """Read a footpod CSV written by :func:`write_footpod_csv`."""
    file = Path(path)
    if not file.is_file():
        raise InputFileError("file not found", where=str(file))
    device = _csv_sidecar.read_sidecar(file).get("device", "")  # older files: a '# device:' line, read below
    rows: list[list[str]] = []
    lines = read_text(file, kind="footpod CSV").splitlines(keepends=True)
    for line in lines:
        if line.startswith("# device:"):
            device = line.partition(":")[2].strip()
    body = [line for line in lines if not line.startswith("#")]
    reader = csv.reader(body)
    header = next(reader, None)
    if header is None or tuple(header) != FOOTPOD_COLUMNS:
        raise InputFileError(f"not a footpod CSV (header {header})", where=str(file),
                             fix=f"expected columns {','.join(FOOTPOD_COLUMNS)}")  # fmt: skip
    rows = [row for row in reader if row]

    def column(i: int) -> FloatArray:
        return np.array([math.nan if row[i] == "" else float(row[i]) for row in rows], dtype=np.float64)

    return FootpodTrack(column(0), column(1), column(2), column(3), column(4),
                        np.array([row[5] == "1" for row in rows], dtype=bool), device, str(file))  # fmt: skip


def write_decoded(contents: RecordingContents) -> list[Path]:
    """Write each sensor's CSV and complete the sidecar with counts, clock, gaps and malformed packets."""
    written: list[Path] = []
    summaries = []
    for sensor in contents.sensors:
        path = child_path(contents.folder, sensor.spec.csv_name)  # the address comes from a device or a sidecar file: checked
        if sensor.footpod is not None and sensor.footpod.n_samples:
            written.append(write_footpod_csv(path, sensor.footpod, sensor.spec.placement))
        elif sensor.imu is not None and sensor.imu.n_samples:
            written.append(write_imu_csv(path, sensor.imu))
        summaries.append({
            "address": sensor.spec.address, "name": sensor.spec.name, "profile": sensor.spec.profile,
            "placement": sensor.spec.placement, "side": sensor.spec.side,
            "axis_convention": sensor.spec.axis_convention, "csv": sensor.spec.csv_name,
            "firmware": sensor.firmware, "samples": sensor.n_samples, "notifications": sensor.n_notifications,
            "sampling_rate_hz": sensor.sampling_rate_hz, "nominal_rate_hz": get_profile(sensor.spec.profile).nominal_rate_hz,
            "clock": sensor.clock.to_json_dict(),
            "gaps": [g.__dict__ for g in sensor.gaps],
            "malformed": {"count": sensor.malformed_count, "examples": [m.__dict__ for m in sensor.malformed_examples]},
        })  # fmt: skip
    _, specs, body = read_sidecar(contents.folder)
    body["devices"] = summaries
    body["raw_log_truncated_last_line"] = contents.truncated_last_line
    body["raw_log_bad_lines"] = list(contents.bad_lines)
    write_private_text(contents.folder / SIDECAR_NAME, json.dumps(body, indent=2) + "\n")
    return written


def replay_recording(folder: str | os.PathLike[str]) -> RecordingContents:
    """Re-decode a recording from its raw log and (re)write its CSVs and sidecar."""
    contents = decode_recording(folder)
    write_decoded(contents)
    return contents


__all__ = ["DecodedSensor", "FootpodTrack", "Gap", "Malformed", "RecordingContents", "SensorSpec",
           "decode_recording", "read_footpod_csv", "read_sidecar", "replay_recording", "write_decoded",
           "write_footpod_csv", "write_sidecar"]  # fmt: skip
