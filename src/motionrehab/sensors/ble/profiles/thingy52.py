"""Nordic Thingy:52 motion service, raw data characteristic (accelerometer, gyroscope, compass).

Format (Nordic Semiconductor, "Nordic Thingy:52 firmware documentation" v2.2.0, Firmware
architecture > BLE services > Motion service, and ``ble_tms.h``; conversion in
``source/modules/m_motion.c`` of ``NordicSemiconductor/Nordic-Thingy52-FW``): motion
service EF680400-9B35-4933-9B10-52FFA9740042, configuration characteristic ...0401, raw
data characteristic ...0406 (notify). A raw notification is 18 bytes, 9 x int16 LE:

- accelerometer x, y, z in Q6.10 fixed point (g): value = raw / 2^10;
- gyroscope x, y, z in Q11.5 (deg/s): value = raw / 2^5;
- compass x, y, z in Q12.4 (microtesla): value = raw / 2^4.

The fixed-point formats are the firmware's (``m_motion.c``: RAW_Q_FORMAT_ACC/GYR/CMP_
INTEGER_BITS = 6, 11, 12 of 16 bits, so 10, 5 and 4 fraction bits). Note that Nordic's
Web Bluetooth demo library (``thingy_web_bluetooth``, ``RawDataSensor.js``) divides by
64, 2048 and 4096 instead; we follow the firmware that produces the bytes.

The configuration characteristic is a packed ``ble_tms_config_t``: pedometer interval
(uint16 ms), temperature compensation interval (uint16 ms), compass interpolation
interval (uint16 ms), motion processing frequency (uint16 Hz, 5-200) and wake-on-motion
(uint8). The start command writes it with 200 Hz. Thingy advertises its configuration
service EF680100-...; no device clock (samples take host receive time).
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
)


def thingy_uuid(short: int) -> str:
    """A Thingy:52 UUID from its 16-bit part (base EF68xxxx-9B35-4933-9B10-52FFA9740042)."""
    return f"ef68{short:04x}-9b35-4933-9b10-52ffa9740042"


CONFIGURATION_SERVICE_UUID = thingy_uuid(0x0100)
MOTION_SERVICE_UUID = thingy_uuid(0x0400)
MOTION_CONFIG_UUID = thingy_uuid(0x0401)
RAW_DATA_UUID = thingy_uuid(0x0406)
RAW_LENGTH = 18
ACC_Q_BITS = 10
GYR_Q_BITS = 5
MAG_Q_BITS = 4
_RAW = struct.Struct("<9h")
_CONFIG = struct.Struct("<4HB")


@dataclass(frozen=True, slots=True)
class ThingyRaw:
    """One raw motion sample: raw int16 values and scaled units."""

    raw: tuple[int, ...]

    @property
    def acc_g(self) -> tuple[float, float, float]:
        """Acceleration (g), Q6.10."""
        return tuple(v / (1 << ACC_Q_BITS) for v in self.raw[0:3])  # type: ignore[return-value]

    @property
    def gyr_deg_s(self) -> tuple[float, float, float]:
        """Angular rate (deg/s), Q11.5."""
        return tuple(v / (1 << GYR_Q_BITS) for v in self.raw[3:6])  # type: ignore[return-value]

    @property
    def mag_uT(self) -> tuple[float, float, float]:
        """Magnetic field (microtesla), Q12.4."""
        return tuple(v / (1 << MAG_Q_BITS) for v in self.raw[6:9])  # type: ignore[return-value]


def decode_raw(data: bytes) -> ThingyRaw:
    """Decode one 18-byte raw motion notification. Raises MalformedPacket otherwise."""
    if len(data) != RAW_LENGTH:
        raise MalformedPacket(f"Thingy raw motion value is {len(data)} bytes, expected {RAW_LENGTH}")
    return ThingyRaw(_RAW.unpack(data))


def encode_raw(raw: tuple[int, ...]) -> bytes:
    """Encode 9 int16 values (acc Q6.10, gyro Q11.5, compass Q12.4) as a raw notification."""
    return _RAW.pack(*raw)


def motion_config(motion_freq_hz: int, *, pedometer_ms: int = 1000, temperature_ms: int = 500,
                  compass_ms: int = 500, wake_on_motion: bool = True) -> bytes:  # fmt: skip
    """The packed motion configuration value (``ble_tms_config_t``)."""
    if not 5 <= motion_freq_hz <= 200:
        raise ValueError("Thingy:52 motion processing frequency is 5-200 Hz (BLE_TMS_CONFIG_MPUF_MIN/MAX)")
    return _CONFIG.pack(pedometer_ms, temperature_ms, compass_ms, motion_freq_hz, int(wake_on_motion))


class ThingyDecoder(StreamDecoder):
    """Stateless: one notification = one sample."""

    def feed(self, characteristic: str, data: bytes) -> Decoded:
        """Decode one raw-data notification."""
        if characteristic != RAW_DATA_UUID:
            return Decoded(problem=f"unexpected characteristic {characteristic}")
        try:
            sample = decode_raw(data)
        except MalformedPacket as error:
            return Decoded(problem=str(error))
        acc = sample.acc_g
        g = STANDARD_GRAVITY_M_S2
        return Decoded((InertialSample(None, (acc[0] * g, acc[1] * g, acc[2] * g), sample.gyr_deg_s, sample.mag_uT),))


PROFILE = Profile(
    name="thingy52",
    description="Nordic Thingy:52 motion service raw data (Thingy:52 firmware documentation v2.2.0)",
    kind="inertial",
    advertised_services=(CONFIGURATION_SERVICE_UUID, MOTION_SERVICE_UUID),
    name_prefixes=("Thingy",),
    notify_characteristics=(RAW_DATA_UUID,),
    make_decoder=ThingyDecoder,
    start_commands=(GattWrite(MOTION_CONFIG_UUID, motion_config(200)),),
    nominal_rate_hz=200.0,
)
