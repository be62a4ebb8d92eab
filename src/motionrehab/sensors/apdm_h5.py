"""APDM Opal HDF5 recordings (what APDM's Mobility Lab and Moveo write) -> ImuRecording.

Layout (FileFormatVersion 5, read with h5py): one group per sensor, ``Sensors/<id>``,
with datasets ``Accelerometer`` (n x 3), ``Gyroscope`` (n x 3), ``Magnetometer`` (n x 3)
and ``Time`` (n, microseconds since 1970), each carrying a ``Units`` attribute; the
sensor's place on the body is the ``Label 0`` attribute of ``Sensors/<id>/Configuration``
("Lumbar", "Left Foot", "Sternum", ...). All sensors of one file share the clock; t_s is
counted from the earliest first sample of the file.

Units are taken from each dataset's ``Units`` attribute (m/s^2 or g; rad/s or deg/s; uT;
microseconds) and converted to motionrehab's. Axis conventions: the lower-back sensor
is ``apdm_lumbar`` (x down, y right, z out of the back: gravity reads on -x when
standing); other placements keep the device's own axes (``device``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from motionrehab.errors import InputFileError
from motionrehab.sensors.imu_recording import ImuRecording

#: APDM label -> (placement, side, axis convention)
APDM_LABELS: dict[str, tuple[str, str, str]] = {
    "lumbar": ("lower_back", "none", "apdm_lumbar"),
    "left foot": ("foot", "left", "device"),
    "right foot": ("foot", "right", "device"),
    "sternum": ("other", "none", "device"),
    "left wrist": ("wrist", "left", "device"),
    "right wrist": ("wrist", "right", "device"),
}

_ACC_TO_M_S2 = {"m/s^2": 1.0, "m/s/s": 1.0, "g": 9.80665}
_GYR_TO_DEG_S = {"rad/s": float(np.degrees(1.0)), "deg/s": 1.0}
_TIME_TO_S = {"microseconds": 1e-6, "us": 1e-6, "milliseconds": 1e-3, "seconds": 1.0}


def is_apdm_h5(path: str | os.PathLike[str]) -> bool:
    """True when the file is an HDF5 file (APDM files start with the HDF5 signature)."""
    try:
        with open(path, "rb") as handle:
            return handle.read(8) == b"\x89HDF\r\n\x1a\n"
    except OSError:
        return False


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _unit(dataset: Any, table: dict[str, float], file: Path) -> float:
    unit = _text(dataset.attrs.get("Units", "")).strip()
    if unit not in table:
        raise InputFileError(
            f"{dataset.name} is in {unit!r}, which motionrehab does not know",
            where=str(file),
            fix=f"export in one of {', '.join(table)}",
        )
    return table[unit]


def read_apdm_h5(path: str | os.PathLike[str], *, placement: str | None = None) -> tuple[ImuRecording, ...]:
    """Every sensor of an APDM HDF5 file (or those at ``placement``), on one clock.

    Raises:
        InputFileError: not an APDM file, unknown units, or no sensor at ``placement``.
    """
    import h5py  # optional at import time: only APDM users pay for it

    file = Path(path)
    if not is_apdm_h5(file):
        raise InputFileError("not an HDF5 file", where=str(file), fix="export the APDM recording as .h5")
    recordings: list[ImuRecording] = []
    with h5py.File(file, "r") as h5:
        if "Sensors" not in h5:
            raise InputFileError("no 'Sensors' group: not an APDM recording", where=str(file))
        groups = [h5["Sensors"][name] for name in h5["Sensors"]]
        starts = [int(group["Time"][0]) for group in groups]
        origin = min(starts) if starts else 0
        for name, group in zip(h5["Sensors"], groups, strict=True):
            label = _text(group["Configuration"].attrs.get("Label 0", name)) if "Configuration" in group else name
            where_placed = APDM_LABELS.get(label.strip().lower(), ("other", "none", "device"))
            if placement is not None and where_placed[0] != placement:
                continue
            time = group["Time"]
            t_s = np.asarray((np.asarray(time[:], dtype=np.int64) - origin) * _unit(time, _TIME_TO_S, file), dtype=np.float64)
            acc = np.asarray(group["Accelerometer"][:], dtype=np.float64) * _unit(group["Accelerometer"], _ACC_TO_M_S2, file)
            gyr = np.asarray(group["Gyroscope"][:], dtype=np.float64) * _unit(group["Gyroscope"], _GYR_TO_DEG_S, file)
            mag = np.asarray(group["Magnetometer"][:], dtype=np.float64) if "Magnetometer" in group else None
            recordings.append(ImuRecording(
                t_s=t_s, acc_m_s2=acc, gyr_deg_s=gyr, mag_uT=mag, placement=where_placed[0], side=where_placed[1],
                axis_convention=where_placed[2], device=f"APDM Opal {name} ({label})", source=f"{file} [{label}]",
            ))  # fmt: skip
    if not recordings:
        raise InputFileError(
            f"no sensor {'at ' + placement if placement else ''} in the file",
            where=str(file),
            fix="check --sensor-placement against the sensor labels (Lumbar, Left Foot, ...)",
        )
    return tuple(recordings)
