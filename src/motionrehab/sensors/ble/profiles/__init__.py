"""Device profiles and their registry: a new device is one module and one entry here."""

from __future__ import annotations

from collections.abc import Iterable

from motionrehab.errors import InvalidDataError
from motionrehab.sensors.ble.profiles import polar_pmd, rsc, thingy52, witmotion
from motionrehab.sensors.ble.profiles.base import (
    Decoded,
    GattWrite,
    InertialSample,
    MalformedPacket,
    Profile,
    Sample,
    StreamDecoder,
    StrideSample,
)

#: every profile motionrehab knows, by name
PROFILES: dict[str, Profile] = {p.name: p for p in (rsc.PROFILE, witmotion.PROFILE, polar_pmd.PROFILE, thingy52.PROFILE)}


def get_profile(name: str) -> Profile:
    """The profile called ``name``; a clear error listing the known ones otherwise."""
    try:
        return PROFILES[name]
    except KeyError:
        raise InvalidDataError(f"unknown sensor profile {name!r}", where="--profile",
                               fix=f"use one of {', '.join(PROFILES)}") from None  # fmt: skip


def match_profile(name: str | None, service_uuids: Iterable[str]) -> Profile | None:
    """The profile an advertisement matches: by advertised service UUID first, then by name prefix."""
    uuids = {u.lower() for u in service_uuids}
    for profile in PROFILES.values():
        if uuids & set(profile.advertised_services):
            return profile
    for profile in PROFILES.values():
        if name and any(name.startswith(prefix) for prefix in profile.name_prefixes):
            return profile
    return None


__all__ = ["PROFILES", "Decoded", "GattWrite", "InertialSample", "MalformedPacket", "Profile", "Sample",
           "StreamDecoder", "StrideSample", "get_profile", "match_profile"]  # fmt: skip
