"""Polar Measurement Data (PMD): accelerometer and gyroscope streams (e.g. Verity Sense).

Format (Polar BLE SDK, GitHub ``polarofficial/polar-ble-sdk``, ``technical_documentation/
online_measurement.pdf`` v1.0, Aug 2024, and the SDK's ``AccData``/``GyrData`` parsers):
PMD service FB005C80-02E7-F387-1CAD-8ACD2D8DF0C8, control point ...5C81 (write, indicate),
data ...5C82 (notify). A data frame is:

- byte 0: measurement type (mask 0x3F): 0x02 ACC, 0x05 GYRO;
- bytes 1-8: uint64 LE timestamp of the **last** sample, ns since 2000-01-01T00:00:00Z;
- byte 9: frame type; bit 7 set = delta-compressed, bits 0-6 = frame type number;
- uncompressed ACC types 0/1/2: int8/int16/int24 LE x, y, z per sample (milli-g);
- compressed: a reference sample (3 channels; int16 for type 0, IEEE-754 float32 bit
  patterns for GYRO type 1), then blocks ``[delta_bits:u8][count:u8][deltas]`` with
  ``count`` samples x 3 channels of signed ``delta_bits``-bit deltas packed LSB-first;
  each sample is the previous one plus its deltas (GYRO type 1 adds on the 32-bit bit
  patterns with wrap-around, then reinterprets them as floats).

Units out of the SDK parsers: ACC in integer milli-g (compressed type 0 values are in
units of ``factor`` g: mG = trunc(raw x factor x 1000) in float32), GYRO in float32 deg/s
(x ``factor``). The factor and the sample rate come from the measurement settings, not
the frame. Sample times: spread evenly between the previous frame's timestamp and this
one, the last sample at the frame timestamp; for the first frame (no previous) spaced
1/rate back from it; rounded half-to-even (as the SDK's Kotlin code).

Start ACC at 52 Hz, 16 bit, 8 g: ``02 02 00 01 34 00 01 01 10 00 02 01 08 00`` on the
control point (op 0x02 start, type, then settings: 0 sample rate, 1 resolution, 2 range,
each ``[type, count=1, uint16]``); GYRO at 52 Hz, 16 bit, 2000 deg/s likewise; stop with
``03 <type>``.
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass

import numpy as np

from motionrehab.sensors.ble.profiles.base import (
    STANDARD_GRAVITY_M_S2,
    Decoded,
    GattWrite,
    InertialSample,
    MalformedPacket,
    Profile,
    StreamDecoder,
)

SERVICE_UUID = "fb005c80-02e7-f387-1cad-8acd2d8df0c8"
CONTROL_POINT_UUID = "fb005c81-02e7-f387-1cad-8acd2d8df0c8"
DATA_UUID = "fb005c82-02e7-f387-1cad-8acd2d8df0c8"

ACC = 0x02
GYRO = 0x05
HEADER_LENGTH = 10
#: seconds from the Unix epoch to the Polar epoch 2000-01-01T00:00:00Z
POLAR_EPOCH_UNIX_S = 946_684_800
DEFAULT_RATE_HZ = 52.0


@dataclass(frozen=True)
class PmdContext:
    """Decoder context the frame does not carry (from the previous frame and the settings)."""

    previous_timestamp_ns: int = 0
    factor: float = 1.0
    sample_rate_hz: float = 0.0


@dataclass(frozen=True)
class PmdFrame:
    """A decoded PMD frame.

    Attributes:
        measurement_type: 0x02 ACC or 0x05 GYRO.
        timestamp_ns: timestamp of the last sample (ns since 2000-01-01 UTC).
        frame_type: frame type number (bits 0-6).
        compressed: delta-compressed frame.
        timestamps_ns: per-sample timestamps (ns since 2000-01-01 UTC).
        xyz: per-sample (x, y, z): int milli-g for ACC, float deg/s for GYRO.
    """

    measurement_type: int
    timestamp_ns: int
    frame_type: int
    compressed: bool
    timestamps_ns: tuple[int, ...]
    xyz: tuple[tuple[float, float, float], ...]


def _f32(value: float) -> float:
    return float(np.float32(value))


def _signed(value: int, bits: int) -> int:
    return value - (1 << bits) if value & (1 << (bits - 1)) else value


def _unpack_deltas(content: bytes, offset: int, reference: list[int], bits_wrap: int | None) -> list[list[int]]:
    """Reference sample plus every delta block; ``bits_wrap`` wraps sums (32 for float patterns)."""
    samples = [list(reference)]
    channels = len(reference)
    while offset < len(content):
        if offset + 2 > len(content):
            raise MalformedPacket("PMD delta block header cut short")
        delta_bits, count = content[offset], content[offset + 1]
        offset += 2
        if delta_bits == 0 or delta_bits > 32 or count == 0:
            raise MalformedPacket(f"PMD delta block with {delta_bits} bits x {count} samples")
        n_bits = delta_bits * count * channels
        n_bytes = (n_bits + 7) // 8
        if offset + n_bytes > len(content):
            raise MalformedPacket(f"PMD delta block needs {n_bytes} bytes, {len(content) - offset} left")
        packed = int.from_bytes(content[offset : offset + n_bytes], "little")
        offset += n_bytes
        mask = (1 << delta_bits) - 1
        position = 0
        previous = samples[-1]
        for _ in range(count):
            current = []
            for channel in range(channels):
                delta = _signed((packed >> position) & mask, delta_bits)
                position += delta_bits
                value = previous[channel] + delta
                if bits_wrap is not None:
                    value &= (1 << bits_wrap) - 1
                current.append(value)
            samples.append(current)
            previous = current
    return samples


def _timestamps(frame_ns: int, n: int, context: PmdContext) -> tuple[int, ...]:
    if n == 0:
        return ()
    if context.previous_timestamp_ns == 0:
        step = 1e9 / context.sample_rate_hz if context.sample_rate_hz > 0 else 0.0
        stamps = [round(frame_ns - (n - 1 - i) * step) for i in range(n - 1)]
    else:
        step = (frame_ns - context.previous_timestamp_ns) / n
        stamps = [round(context.previous_timestamp_ns + (i + 1) * step) for i in range(n - 1)]
    return (*stamps, frame_ns)


def decode_pmd_frame(data: bytes, context: PmdContext) -> PmdFrame:
    """Decode one PMD ACC/GYRO data notification. Raises MalformedPacket on bad bytes."""
    if len(data) < HEADER_LENGTH + 1:
        raise MalformedPacket(f"PMD frame is {len(data)} bytes, shorter than its 10-byte header plus data")
    measurement = data[0] & 0x3F
    (timestamp_ns,) = struct.unpack_from("<Q", data, 1)
    frame_byte = data[9]
    compressed = bool(frame_byte & 0x80)
    frame_type = frame_byte & 0x7F
    content = data[HEADER_LENGTH:]
    xyz: list[tuple[float, float, float]]
    if measurement == ACC and not compressed:
        width = {0: 1, 1: 2, 2: 3}.get(frame_type)
        if width is None:
            raise MalformedPacket(f"unknown uncompressed ACC frame type {frame_type}")
        if len(content) % (3 * width):
            raise MalformedPacket(f"ACC frame type {frame_type}: {len(content)} bytes is not whole samples")
        values = [_signed(int.from_bytes(content[i : i + width], "little"), 8 * width)
                  for i in range(0, len(content), width)]  # fmt: skip
        if context.factor != 1.0:
            values = [int(_f32(v * _f32(context.factor))) for v in values]
        xyz = [(float(values[i]), float(values[i + 1]), float(values[i + 2])) for i in range(0, len(values), 3)]
    elif compressed and frame_type == 0 and measurement in (ACC, GYRO):
        if len(content) < 6:
            raise MalformedPacket("compressed PMD frame shorter than its reference sample")
        reference = list(struct.unpack_from("<3h", content, 0))
        raw = _unpack_deltas(content, 6, reference, None)
        if measurement == ACC:
            scale = _f32(_f32(context.factor) * 1000.0) if context.factor != 1.0 else None
            xyz = [tuple(float(int(_f32(v * scale))) if scale is not None else float(v) for v in s)  # type: ignore[misc]
                   for s in raw]  # fmt: skip
        else:
            factor = _f32(context.factor)
            xyz = [tuple(_f32(v * factor) for v in s) for s in raw]  # type: ignore[misc]
    elif compressed and frame_type == 1 and measurement == ACC:
        if len(content) < 6:
            raise MalformedPacket("compressed PMD frame shorter than its reference sample")
        reference = list(struct.unpack_from("<3h", content, 0))
        raw = _unpack_deltas(content, 6, reference, None)
        factor = _f32(context.factor)
        xyz = [tuple(float(v) if factor == 1.0 else float(int(_f32(v * factor))) for v in s)  # type: ignore[misc]
               for s in raw]  # fmt: skip
    elif compressed and frame_type == 1 and measurement == GYRO:
        if len(content) < 12:
            raise MalformedPacket("compressed float PMD frame shorter than its reference sample")
        reference = list(struct.unpack_from("<3I", content, 0))
        raw = _unpack_deltas(content, 12, reference, 32)
        factor = _f32(context.factor)
        xyz = []
        for s in raw:
            floats = struct.unpack("<3f", struct.pack("<3I", *s))
            if not all(math.isfinite(v) for v in floats):
                raise MalformedPacket("GYRO float sample is not a finite number")
            xyz.append(tuple(_f32(v * factor) for v in floats))  # type: ignore[arg-type]
    else:
        raise MalformedPacket(f"unsupported PMD measurement 0x{measurement:02X} frame type 0x{frame_byte:02X}")
    if not xyz:
        raise MalformedPacket("PMD frame has no samples")
    stamps = _timestamps(timestamp_ns, len(xyz), context)
    return PmdFrame(measurement, timestamp_ns, frame_type, compressed, stamps, tuple(xyz))


def encode_pmd_frame(measurement_type: int, timestamp_ns: int, xyz: list[tuple[int, int, int]], *,
                     compressed: bool = False) -> bytes:  # fmt: skip
    """Encode int16 samples as an uncompressed ACC type-1 frame or a compressed type-0 frame.

    Compressed frames use one delta block with the fewest bits that hold every delta.
    """
    header = bytes([measurement_type]) + struct.pack("<Q", timestamp_ns)
    if not compressed:
        return header + bytes([0x01]) + b"".join(struct.pack("<3h", *s) for s in xyz)
    body = struct.pack("<3h", *xyz[0])
    deltas = [b - a for prev, cur in zip(xyz, xyz[1:], strict=False) for a, b in zip(prev, cur, strict=True)]
    if deltas:
        bits = max(max(d.bit_length() + 1 for d in deltas), 2)
        packed = 0
        for i, delta in enumerate(deltas):
            packed |= (delta & ((1 << bits) - 1)) << (i * bits)
        body += bytes([bits, len(xyz) - 1]) + packed.to_bytes((bits * len(deltas) + 7) // 8, "little")
    return header + bytes([0x80]) + body


class PmdDecoder(StreamDecoder):
    """PMD data stream: keeps each measurement's previous frame timestamp for sample times."""

    def __init__(self, acc_factor: float = 1.0, gyr_factor: float = 1.0, rate_hz: float = DEFAULT_RATE_HZ) -> None:
        self._previous: dict[int, int] = {}
        self._factor = {ACC: acc_factor, GYRO: gyr_factor}
        self._rate_hz = rate_hz

    def feed(self, characteristic: str, data: bytes) -> Decoded:
        """Decode one data-characteristic notification; control-point replies yield nothing."""
        if characteristic == CONTROL_POINT_UUID:
            return Decoded()
        if characteristic != DATA_UUID:
            return Decoded(problem=f"unexpected characteristic {characteristic}")
        measurement = data[0] & 0x3F if data else -1
        context = PmdContext(self._previous.get(measurement, 0), self._factor.get(measurement, 1.0), self._rate_hz)
        try:
            frame = decode_pmd_frame(data, context)
        except MalformedPacket as error:
            return Decoded(problem=str(error))
        previous = self._previous.get(measurement, 0)
        if previous and frame.timestamp_ns <= previous:
            return Decoded(problem=f"PMD frame timestamp {frame.timestamp_ns} does not advance past {previous}")
        self._previous[measurement] = frame.timestamp_ns
        samples: list[InertialSample] = []
        for stamp, (x, y, z) in zip(frame.timestamps_ns, frame.xyz, strict=True):
            t = stamp * 1e-9
            if frame.measurement_type == ACC:
                g = STANDARD_GRAVITY_M_S2 / 1000.0
                samples.append(InertialSample(t, acc_m_s2=(x * g, y * g, z * g)))
            else:
                samples.append(InertialSample(t, gyr_deg_s=(x, y, z)))
        return Decoded(tuple(samples))


def _start(measurement: int, rate_hz: int, resolution: int, full_range: int) -> bytes:
    settings = bytes([0x00, 0x01]) + struct.pack("<H", rate_hz)
    settings += bytes([0x01, 0x01]) + struct.pack("<H", resolution)
    settings += bytes([0x02, 0x01]) + struct.pack("<H", full_range)
    return bytes([0x02, measurement]) + settings


PROFILE = Profile(
    name="polar_pmd",
    description="Polar PMD accelerometer + gyroscope stream (Polar BLE SDK online measurement, v1.0 2024)",
    kind="inertial",
    advertised_services=(SERVICE_UUID,),
    name_prefixes=("Polar Sense", "Polar Verity", "Polar OH1"),
    notify_characteristics=(CONTROL_POINT_UUID, DATA_UUID),
    make_decoder=PmdDecoder,
    start_commands=(GattWrite(CONTROL_POINT_UUID, _start(ACC, 52, 16, 8)),
                    GattWrite(CONTROL_POINT_UUID, _start(GYRO, 52, 16, 2000))),  # fmt: skip
    stop_commands=(GattWrite(CONTROL_POINT_UUID, bytes([0x03, ACC])), GattWrite(CONTROL_POINT_UUID, bytes([0x03, GYRO]))),
    nominal_rate_hz=DEFAULT_RATE_HZ,
    has_device_clock=True,
)
