"""ImuRecording: one inertial sensor's samples over time, the sensors stage's output type.

Units: acceleration in m/s^2 *including gravity* (a sensor at rest reads +9.81 m/s^2 on
the axis that points up), angular rate in deg/s (positive by the right-hand rule about
each axis), magnetic field in microtesla. Time ``t_s`` is seconds from the start of the
recording, float64, strictly increasing (irregular sampling is allowed; resample in
signals/ before filtering).

Axis conventions differ between devices and data sets (gaitmap foot: x forward, y left,
z up; mobgap lower back: x up, y right, z forward; Android phone: x right, y up the
screen, z out of the screen). The recording carries its convention as a short string in
``axis_convention``; see AXIS_CONVENTIONS for the ones motionrehab knows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from motionrehab._format import seconds
from motionrehab.errors import InvalidDataError

FloatArray = NDArray[np.float64]

#: known axis conventions: name -> description (sensor frame, right-handed unless noted)
AXIS_CONVENTIONS: dict[str, str] = {
    "gaitmap_foot": "foot sensor frame: x forward (towards the toe), y left, z up (gaitmap docs)",
    "mobgap_lower_back": "lower-back sensor frame: x up, y right, z forward (mobgap docs)",
    "android_phone": "Android device frame: x right, y up along the screen, z out of the screen",
    "shin_anterior": "shin sensor on the anterior crest: x along the shin towards the knee, y left, z out of the shin (anterior)",
    "trunk_posterior": "trunk sensor on the spine: x up along the spine, y left, z posterior (out of the back)",
    "apdm_lumbar": "APDM Opal on the lower back: x down, y right, z out of the back (posterior)",
    "device": "the device's own printed axes; mapping to the segment comes from a calibration profile",
}

#: placements motionrehab knows (what segment the sensor is strapped to)
PLACEMENTS: tuple[str, ...] = (
    "shin", "foot", "thigh", "lower_back", "trunk_t12", "sacrum", "wrist", "phone", "footpod", "other",
)  # fmt: skip

SIDES: tuple[str, ...] = ("left", "right", "none")


def _vectors(name: str, value: Any, n: int, where: str) -> FloatArray:
    array = np.asarray(value, dtype=np.float64)
    if array.shape != (n, 3):
        raise InvalidDataError(
            f"{name} has shape {array.shape}, expected ({n}, 3): one x, y, z row per sample",
            where=where,
        )
    if np.isinf(array).any():
        raise InvalidDataError(f"{name} contains infinite values", where=where, fix="use NaN for missing samples")
    array = np.ascontiguousarray(array)
    array.flags.writeable = False
    return array


@dataclass(frozen=True, eq=False)
class ImuRecording:
    """One inertial sensor's recording.

    Attributes:
        t_s: (n,) sample times in seconds, strictly increasing.
        acc_m_s2: (n, 3) acceleration in m/s^2 including gravity, sensor frame; NaN for missing.
        gyr_deg_s: (n, 3) angular rate in deg/s, sensor frame; NaN for missing.
        placement: body segment, one of PLACEMENTS.
        side: 'left', 'right' or 'none' (midline sensors).
        axis_convention: a key of AXIS_CONVENTIONS saying what x, y, z mean.
        mag_uT: (n, 3) magnetic field in microtesla, or None.
        device: device name or model ('' when unknown).
        source: file or stream the samples came from.
        notes: unit conversions and other changes made while reading (sensors/sanity.py),
            one plain sentence each; measures copy them into their results.
    """

    t_s: FloatArray
    acc_m_s2: FloatArray
    gyr_deg_s: FloatArray
    placement: str
    side: str = "none"
    axis_convention: str = "device"
    mag_uT: FloatArray | None = None
    device: str = ""
    source: str = ""
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        where = f"inertial recording ({self.device or 'sensor'} on {self.placement}, {self.source or 'unknown source'})"
        t = np.asarray(self.t_s, dtype=np.float64)
        if t.ndim != 1:
            raise InvalidDataError(f"t_s must be a vector, got shape {t.shape}", where=where)
        if not np.isfinite(t).all():
            raise InvalidDataError("t_s contains a missing or infinite time", where=where, fix="every sample needs a time")
        if t.size > 1 and (np.diff(t) <= 0).any():
            bad = int(np.flatnonzero(np.diff(t) <= 0)[0])
            raise InvalidDataError(
                f"time is not strictly increasing at sample {bad + 1} ({seconds(t[bad])} then {seconds(t[bad + 1])})",
                where=where,
                fix="sort samples by time and drop duplicates",
            )
        t = np.ascontiguousarray(t)
        t.flags.writeable = False
        n = t.size
        set_ = object.__setattr__
        set_(self, "t_s", t)
        set_(self, "notes", tuple(self.notes))
        set_(self, "acc_m_s2", _vectors("acc_m_s2", self.acc_m_s2, n, where))
        set_(self, "gyr_deg_s", _vectors("gyr_deg_s", self.gyr_deg_s, n, where))
        if self.mag_uT is not None:
            set_(self, "mag_uT", _vectors("mag_uT", self.mag_uT, n, where))
        if self.placement not in PLACEMENTS:
            raise InvalidDataError(
                f"unknown placement {self.placement!r}", where=where, fix=f"use one of {', '.join(PLACEMENTS)}"
            )
        if self.side not in SIDES:
            raise InvalidDataError(f"unknown side {self.side!r}", where=where, fix="use 'left', 'right' or 'none'")
        if self.axis_convention not in AXIS_CONVENTIONS:
            raise InvalidDataError(
                f"unknown axis convention {self.axis_convention!r}",
                where=where,
                fix=f"use one of {', '.join(AXIS_CONVENTIONS)}",
            )
        finite_acc = self.acc_m_s2[np.isfinite(self.acc_m_s2).all(axis=1)]
        if finite_acc.shape[0] >= 10:
            median_norm = float(np.median(np.linalg.norm(finite_acc, axis=1)))
            # A recording in g reads about 1 at rest; in m/s^2 about 9.81. Walking never averages below 3 m/s^2.
            if median_norm < 3.0:
                raise InvalidDataError(
                    f"median |acceleration| is {median_norm:.2f}, which looks like units of g, not m/s^2",
                    where=where,
                    fix="multiply accelerations in g by 9.80665 before building the recording",
                )

    @property
    def n_samples(self) -> int:
        """Number of samples."""
        return int(self.t_s.size)

    @property
    def sampling_rate_hz(self) -> float:
        """Median sampling rate in Hz (irregular recordings: resample before filtering)."""
        if self.n_samples < 2:
            return float("nan")
        return float(1.0 / np.median(np.diff(self.t_s)))

    @property
    def duration_s(self) -> float:
        """Time from the first to the last sample, seconds."""
        return float(self.t_s[-1] - self.t_s[0]) if self.n_samples else 0.0

    def to_dataframe(self) -> Any:
        """A pandas DataFrame with the inertial CSV's columns: ``t_s``, ``acc_*_m_s2``, ``gyr_*_deg_s`` (and ``mag_*_uT``).

        ``placement``, ``side``, ``axis_convention``, ``device``, ``source`` and ``notes`` are in ``frame.attrs``.
        """
        import pandas as pd

        columns: dict[str, FloatArray] = {"t_s": self.t_s}
        for prefix, unit, values in (("acc", "m_s2", self.acc_m_s2), ("gyr", "deg_s", self.gyr_deg_s), ("mag", "uT", self.mag_uT)):
            if values is not None:
                columns.update({f"{prefix}_{axis}_{unit}": values[:, k] for k, axis in enumerate("xyz")})
        frame = pd.DataFrame(columns)
        frame.attrs.update(placement=self.placement, side=self.side, axis_convention=self.axis_convention, device=self.device,
                           source=self.source, notes=list(self.notes))  # fmt: skip
        return frame

    @classmethod
    def from_dataframe(cls, frame: Any, **fields: Any) -> ImuRecording:
        """A recording from a DataFrame with the inertial CSV's columns (units as named: m/s^2 incl. gravity, deg/s, uT).

        ``placement``, ``side``, ``axis_convention``, ``device`` and ``source`` come from keyword
        arguments, else from ``frame.attrs``; a placement is required.
        """
        attrs = {**dict(getattr(frame, "attrs", {})), **fields}
        acc, gyr, mag = ([f"{p}_{axis}_{unit}" for axis in "xyz"] for p, unit in (("acc", "m_s2"), ("gyr", "deg_s"), ("mag", "uT")))
        missing = [c for c in ("t_s", *acc, *gyr) if c not in frame.columns]
        if missing:
            raise InvalidDataError(f"column(s) {', '.join(missing)} missing", where="ImuRecording.from_dataframe",
                                   fix="name the columns t_s, acc_x_m_s2 ... gyr_z_deg_s (units in the names)")  # fmt: skip
        if not attrs.get("placement"):
            raise InvalidDataError("no placement given", where="ImuRecording.from_dataframe", fix="pass placement='foot' (or shin, lower_back, phone)")
        return cls(
            t_s=frame["t_s"].to_numpy(dtype=np.float64), acc_m_s2=frame[acc].to_numpy(dtype=np.float64), gyr_deg_s=frame[gyr].to_numpy(dtype=np.float64),
            mag_uT=frame[mag].to_numpy(dtype=np.float64) if all(c in frame.columns for c in mag) else None,
            placement=str(attrs["placement"]), side=str(attrs.get("side", "none")), axis_convention=str(attrs.get("axis_convention", "device")),
            device=str(attrs.get("device", "")), source=str(attrs.get("source", "DataFrame")), notes=tuple(attrs.get("notes", ())),
        )  # fmt: skip
