"""What every device profile provides, and the decoded sample types.

A profile is one module: a pure decoder ``bytes -> samples with units`` (plus the
encoder used by tests and the synthetic transport), the GATT UUIDs it needs, how it is
recognised in advertisements, and the commands that start and stop its stream.

Decoders never raise on bad bytes: :meth:`StreamDecoder.feed` returns a
:class:`Decoded` whose ``problem`` names what was wrong (the recorder counts it and
reports the device and the bytes). Samples carry the device's own time when the
profile has one (``device_time_s``), else None and the recorder uses host time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

#: standard gravity (m/s^2): converts accelerations in g to m/s^2 (done once, in the decoder)
STANDARD_GRAVITY_M_S2 = 9.80665

Vector3 = tuple[float, float, float]


class MalformedPacket(ValueError):
    """Raised by a packet decoder for bytes that do not follow the profile's format."""


@dataclass(frozen=True, slots=True)
class InertialSample:
    """One decoded inertial sample in SI-ish units (NaN-free; None when the frame lacks it).

    Attributes:
        device_time_s: the device's timestamp of this sample (s, device clock), or None.
        acc_m_s2: acceleration including gravity, sensor axes (m/s^2), or None.
        gyr_deg_s: angular rate, sensor axes, right-hand rule (deg/s), or None.
        mag_uT: magnetic field (microtesla), or None.
    """

    device_time_s: float | None
    acc_m_s2: Vector3 | None = None
    gyr_deg_s: Vector3 | None = None
    mag_uT: Vector3 | None = None


@dataclass(frozen=True, slots=True)
class StrideSample:
    """One decoded footpod measurement (Running Speed and Cadence, 0x2A53).

    Attributes:
        speed_m_s: instantaneous speed (m/s).
        cadence_per_min: instantaneous cadence (foot contacts per minute).
        stride_length_m: instantaneous stride length (m) or None when not sent.
        total_distance_m: the pod's running total distance (m) or None when not sent.
        is_running: the pod's walking (False) / running (True) status bit.
    """

    speed_m_s: float
    cadence_per_min: float
    stride_length_m: float | None
    total_distance_m: float | None
    is_running: bool
    device_time_s: float | None = None


Sample = InertialSample | StrideSample


@dataclass(frozen=True, slots=True)
class Decoded:
    """What one notification decoded to.

    Attributes:
        samples: the samples it completed (a stream parser may complete none or several).
        problem: why (part of) the notification was malformed, or None when it was fine.
    """

    samples: tuple[Sample, ...] = ()
    problem: str | None = None


class StreamDecoder:
    """Decodes one device's notifications in order (some formats keep state between them)."""

    def feed(self, characteristic: str, data: bytes) -> Decoded:
        """Decode one notification from ``characteristic`` (a 128-bit UUID string, lower case)."""
        raise NotImplementedError


@dataclass(frozen=True)
class GattWrite:
    """A write to a characteristic (start/stop commands, configuration)."""

    characteristic: str
    data: bytes
    with_response: bool = True


def uuid16(short: int) -> str:
    """The 128-bit UUID string of a Bluetooth SIG 16-bit UUID (e.g. 0x1814)."""
    return f"0000{short:04x}-0000-1000-8000-00805f9b34fb"


@dataclass(frozen=True)
class Profile:
    """A device profile (one module per device family, one registry entry).

    Attributes:
        name: short key used on the command line (``--profile``).
        description: device family in plain words, with the protocol document.
        kind: 'inertial' (acc/gyr samples -> inertial CSV) or 'footpod' (RSC -> footpod CSV).
        advertised_services: service UUIDs that identify the device in advertisements.
        name_prefixes: advertised local-name prefixes that identify it when no service is advertised.
        notify_characteristics: characteristics to subscribe to, in order.
        start_commands: writes after subscribing that start the stream.
        stop_commands: writes that stop the stream before disconnecting.
        nominal_rate_hz: sampling rate the start commands request (or the device's default).
        has_device_clock: True when samples carry a device timestamp (mapped to host time).
        make_decoder: returns a fresh :class:`StreamDecoder` for one connection's stream.
        firmware_characteristic: characteristic holding a readable firmware version, if any.
    """

    name: str
    description: str
    kind: Literal["inertial", "footpod"]
    advertised_services: tuple[str, ...]
    name_prefixes: tuple[str, ...]
    notify_characteristics: tuple[str, ...]
    make_decoder: Callable[[], StreamDecoder]
    start_commands: tuple[GattWrite, ...] = ()
    stop_commands: tuple[GattWrite, ...] = ()
    nominal_rate_hz: float | None = None
    has_device_clock: bool = False
    firmware_characteristic: str | None = uuid16(0x2A26)
    extra: dict[str, str] = field(default_factory=dict)
