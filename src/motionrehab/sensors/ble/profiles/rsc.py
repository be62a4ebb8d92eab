"""Running Speed and Cadence (RSC) footpods: service 0x1814, measurement 0x2A53.

Format (Bluetooth SIG, Running Speed and Cadence Service 1.0 and the GATT Specification
Supplement, "RSC Measurement"; field order as in Nordic's ``subsys/bluetooth/services/
rscs.c``), little-endian:

- flags (uint8): bit0 instantaneous stride length present, bit1 total distance present,
  bit2 0 = walking / 1 = running; bits 3-7 reserved;
- instantaneous speed (uint16) in 1/256 m/s;
- instantaneous cadence (uint8) in 1/min (foot contacts per minute);
- [instantaneous stride length (uint16) in 1/100 m] if bit0;
- [total distance (uint32) in 1/10 m] if bit1.

Nothing needs writing to start: subscribing to 0x2A53 starts notifications (about one
per second). No device clock: samples take the host receive time.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from motionrehab.sensors.ble.profiles.base import (
    Decoded,
    MalformedPacket,
    Profile,
    StreamDecoder,
    StrideSample,
    uuid16,
)

SERVICE_UUID = uuid16(0x1814)
MEASUREMENT_UUID = uuid16(0x2A53)

FLAG_STRIDE_LENGTH = 0x01
FLAG_TOTAL_DISTANCE = 0x02
FLAG_RUNNING = 0x04


@dataclass(frozen=True, slots=True)
class RscMeasurement:
    """One RSC measurement with its raw integer fields (units in the names)."""

    speed_raw: int
    cadence_per_min: int
    is_running: bool = False
    stride_length_raw: int | None = None
    total_distance_raw: int | None = None
    reserved_flags: int = 0

    @property
    def speed_m_s(self) -> float:
        """Instantaneous speed (m/s): raw / 256."""
        return self.speed_raw / 256.0

    @property
    def stride_length_m(self) -> float | None:
        """Instantaneous stride length (m): raw / 100, or None when absent."""
        return None if self.stride_length_raw is None else self.stride_length_raw / 100.0

    @property
    def total_distance_m(self) -> float | None:
        """Total distance (m): raw / 10, or None when absent."""
        return None if self.total_distance_raw is None else self.total_distance_raw / 10.0

    @property
    def flags(self) -> int:
        """The flags byte this measurement encodes to."""
        return (
            (FLAG_STRIDE_LENGTH if self.stride_length_raw is not None else 0)
            | (FLAG_TOTAL_DISTANCE if self.total_distance_raw is not None else 0)
            | (FLAG_RUNNING if self.is_running else 0)
            | (self.reserved_flags & 0xF8)
        )


def decode_rsc(data: bytes) -> RscMeasurement:
    """Decode one RSC Measurement value. Raises MalformedPacket when too short or too long."""
    if len(data) < 4:
        raise MalformedPacket(f"RSC measurement is {len(data)} bytes, the mandatory fields need 4")
    flags, speed, cadence = struct.unpack_from("<BHB", data, 0)
    offset = 4
    stride = distance = None
    if flags & FLAG_STRIDE_LENGTH:
        if len(data) < offset + 2:
            raise MalformedPacket("RSC flags announce a stride length but the packet ends before it")
        (stride,) = struct.unpack_from("<H", data, offset)
        offset += 2
    if flags & FLAG_TOTAL_DISTANCE:
        if len(data) < offset + 4:
            raise MalformedPacket("RSC flags announce a total distance but the packet ends before it")
        (distance,) = struct.unpack_from("<I", data, offset)
        offset += 4
    if len(data) != offset:
        raise MalformedPacket(f"RSC measurement has {len(data) - offset} unexpected trailing byte(s)")
    return RscMeasurement(speed, cadence, bool(flags & FLAG_RUNNING), stride, distance, flags & 0xF8)


def encode_rsc(measurement: RscMeasurement) -> bytes:
    """Encode a measurement as the 0x2A53 value a footpod sends."""
    out = struct.pack("<BHB", measurement.flags, measurement.speed_raw, measurement.cadence_per_min)
    if measurement.stride_length_raw is not None:
        out += struct.pack("<H", measurement.stride_length_raw)
    if measurement.total_distance_raw is not None:
        out += struct.pack("<I", measurement.total_distance_raw)
    return out


class RscDecoder(StreamDecoder):
    """Stateless: one notification = one measurement."""

    def feed(self, characteristic: str, data: bytes) -> Decoded:
        """Decode one 0x2A53 notification (other characteristics are reported as malformed)."""
        if characteristic != MEASUREMENT_UUID:
            return Decoded(problem=f"unexpected characteristic {characteristic}")
        try:
            m = decode_rsc(data)
        except MalformedPacket as error:
            return Decoded(problem=str(error))
        return Decoded((StrideSample(m.speed_m_s, float(m.cadence_per_min), m.stride_length_m,
                                     m.total_distance_m, m.is_running),))  # fmt: skip


PROFILE = Profile(
    name="rsc",
    description="Bluetooth footpod, Running Speed and Cadence service 0x1814 (Bluetooth SIG RSCS 1.0)",
    kind="footpod",
    advertised_services=(SERVICE_UUID,),
    name_prefixes=(),
    notify_characteristics=(MEASUREMENT_UUID,),
    make_decoder=RscDecoder,
    nominal_rate_hz=1.0,
)
