"""WitMotion BWT901BLE-style 9-axis IMU: 20-byte ``0x55 0x61`` frames on 0xFFE4.

Format (WitMotion's official SDK, GitHub ``WITMOTION/WitBluetooth_BWT901BLE5_0``, commit
9efaab0f, ``Python/BWT901BLE5.0_python_sdk/device_model.py``: ``onDataReceived`` and
``processData``): header 0x55, flag 0x61, then 9 x int16 little-endian: ax, ay, az, wx,
wy, wz, angle x (roll), angle y (pitch), angle z (yaw). Full-scale ranges: acceleration
raw/32768 x 16 g, angular rate raw/32768 x 2000 deg/s, angle raw/32768 x 180 deg. Service
0xFFE5, notify characteristic 0xFFE4, write characteristic 0xFFE9. Frames do not have to
line up with notifications: the stream parser buffers bytes and re-synchronises on 0x55
followed by 0x61 (data) or 0x71 (register reply, skipped), as the SDK does.

No device clock: samples take the host receive time. The default output rate is 10 Hz;
the start command sets 200 Hz (register 0x03 RATE = 0x0B, WitMotion protocol
"FF AA 03 0B 00"). Accelerations are converted from g to m/s^2 here, once.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from motionrehab.sensors.ble.profiles.base import (
    STANDARD_GRAVITY_M_S2,
    Decoded,
    GattWrite,
    InertialSample,
    MalformedPacket,
    Profile,
    StreamDecoder,
    uuid16,
)

SERVICE_UUID = uuid16(0xFFE5)
NOTIFY_UUID = uuid16(0xFFE4)
WRITE_UUID = uuid16(0xFFE9)
FRAME_LENGTH = 20
HEADER = 0x55
DATA_FLAG = 0x61
REGISTER_FLAG = 0x71

ACC_FULL_SCALE_G = 16.0
GYR_FULL_SCALE_DEG_S = 2000.0
ANGLE_FULL_SCALE_DEG = 180.0
_FRAME = struct.Struct("<2B9h")


@dataclass(frozen=True, slots=True)
class WitMotionFrame:
    """One decoded 0x61 frame: raw int16 values and scaled units."""

    raw: tuple[int, ...]

    @property
    def acc_g(self) -> tuple[float, float, float]:
        """Acceleration in g (raw/32768 x 16)."""
        return tuple(v / 32768.0 * ACC_FULL_SCALE_G for v in self.raw[0:3])  # type: ignore[return-value]

    @property
    def gyro_deg_s(self) -> tuple[float, float, float]:
        """Angular rate in deg/s (raw/32768 x 2000)."""
        return tuple(v / 32768.0 * GYR_FULL_SCALE_DEG_S for v in self.raw[3:6])  # type: ignore[return-value]

    @property
    def angle_deg(self) -> tuple[float, float, float]:
        """The device's own roll, pitch, yaw (deg, raw/32768 x 180); sign conventions are the device's."""
        return tuple(v / 32768.0 * ANGLE_FULL_SCALE_DEG for v in self.raw[6:9])  # type: ignore[return-value]


def decode_frame(data: bytes) -> WitMotionFrame:
    """Decode one complete 20-byte 0x55 0x61 frame. Raises MalformedPacket otherwise."""
    if len(data) != FRAME_LENGTH:
        raise MalformedPacket(f"WitMotion frame is {len(data)} bytes, expected {FRAME_LENGTH}")
    header, flag, *raw = _FRAME.unpack(data)
    if header != HEADER or flag != DATA_FLAG:
        raise MalformedPacket(f"WitMotion frame starts {header:02X} {flag:02X}, expected 55 61")
    return WitMotionFrame(tuple(raw))


def encode_frame(raw: tuple[int, ...]) -> bytes:
    """Encode 9 int16 values (ax, ay, az, wx, wy, wz, roll, pitch, yaw) as a 0x61 frame."""
    return _FRAME.pack(HEADER, DATA_FLAG, *raw)


def _sample(frame: WitMotionFrame) -> InertialSample:
    acc = frame.acc_g
    return InertialSample(
        device_time_s=None,
        acc_m_s2=(acc[0] * STANDARD_GRAVITY_M_S2, acc[1] * STANDARD_GRAVITY_M_S2, acc[2] * STANDARD_GRAVITY_M_S2),
        gyr_deg_s=frame.gyro_deg_s,
    )


class WitMotionDecoder(StreamDecoder):
    """Byte-stream parser: buffers, re-synchronises on 0x55 0x61/0x71, returns complete frames.

    Memory is bounded: after each notification the buffer holds at most one partial frame.
    """

    def __init__(self) -> None:
        self._buffer = bytearray()

    def feed(self, characteristic: str, data: bytes) -> Decoded:
        """Append the notification's bytes and return every frame it completes."""
        if characteristic != NOTIFY_UUID:
            return Decoded(problem=f"unexpected characteristic {characteristic}")
        buffer = self._buffer
        buffer.extend(data)
        samples: list[InertialSample] = []
        skipped = 0
        while True:
            start = buffer.find(HEADER)
            while start != -1 and start + 1 < len(buffer) and buffer[start + 1] not in (DATA_FLAG, REGISTER_FLAG):
                start = buffer.find(HEADER, start + 1)
            if start == -1:
                skipped += len(buffer)
                buffer.clear()
                break
            skipped += start
            del buffer[:start]
            if len(buffer) < FRAME_LENGTH:
                break
            if buffer[1] == DATA_FLAG:
                samples.append(_sample(decode_frame(bytes(buffer[:FRAME_LENGTH]))))
            del buffer[:FRAME_LENGTH]
        problem = f"skipped {skipped} byte(s) outside 0x55 0x61 frames" if skipped else None
        return Decoded(tuple(samples), problem)


PROFILE = Profile(
    name="witmotion",
    description="WitMotion BWT901BLE-style 9-axis IMU (0x55 0x61 frames; WitMotion BLE 5.0 SDK)",
    kind="inertial",
    advertised_services=(SERVICE_UUID,),
    name_prefixes=("WT901", "BWT901"),
    notify_characteristics=(NOTIFY_UUID,),
    make_decoder=WitMotionDecoder,
    start_commands=(GattWrite(WRITE_UUID, bytes.fromhex("FFAA030B00"), with_response=False),),
    nominal_rate_hz=200.0,
)
