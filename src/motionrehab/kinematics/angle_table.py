"""AngleTable: named joint and segment angles over time, the kinematics stage's output type.

Column names are in the clinic's words with the side first and the unit last:
``trunk_inclination_deg``, ``left_hip_flexion_deg``, ``right_knee_flexion_deg`` ...
Each angle's landmarks, plane and sign are defined once in kinematics/angles.py.
Values are degrees; NaN where a landmark was missing.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
from numpy.typing import NDArray

from motionrehab.capture.pose_track import validate_time_s
from motionrehab.errors import InvalidDataError

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class AngleTable:
    """Angles per frame for one person.

    Attributes:
        t_s: (n,) frame times in seconds, strictly increasing.
        columns: name -> (n,) angle in degrees. Every name ends in ``_deg``.
        person_id: the person the angles belong to.
        camera_roll_deg: the camera roll that was corrected for (0 when none), degrees,
            positive when the image is rotated clockwise relative to the true vertical.
        source: where the track came from.
    """

    t_s: FloatArray
    columns: Mapping[str, FloatArray]
    person_id: int = 0
    camera_roll_deg: float = 0.0
    source: str = ""
    _names: tuple[str, ...] = field(default=(), repr=False)

    def __post_init__(self) -> None:
        where = f"angle table ({self.source or 'unknown source'})"
        t = validate_time_s(self.t_s, where)
        checked: dict[str, FloatArray] = {}
        for name, values in self.columns.items():
            if not name.endswith("_deg"):
                raise InvalidDataError(
                    f"angle column {name!r} does not end in '_deg'", where=where, fix="angles are in degrees; name them <angle>_deg"
                )
            array = np.asarray(values, dtype=np.float64)
            if array.shape != t.shape:
                raise InvalidDataError(f"column {name!r} has shape {array.shape}, expected {t.shape}", where=where)
            if np.isinf(array).any():
                raise InvalidDataError(f"column {name!r} contains infinite values", where=where, fix="use NaN for missing")
            array = np.ascontiguousarray(array)
            array.flags.writeable = False
            checked[name] = array
        object.__setattr__(self, "t_s", t)
        object.__setattr__(self, "columns", MappingProxyType(checked))
        object.__setattr__(self, "_names", tuple(checked))

    def __getitem__(self, name: str) -> FloatArray:
        try:
            return self.columns[name]
        except KeyError:
            raise KeyError(f"no angle {name!r}; this table has {', '.join(self._names)}") from None

    def __contains__(self, name: object) -> bool:
        return name in self.columns

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    @property
    def names(self) -> tuple[str, ...]:
        """Column names in order."""
        return self._names

    @property
    def n_frames(self) -> int:
        """Number of frames."""
        return int(self.t_s.size)

    def with_columns(self, **new_columns: Any) -> AngleTable:
        """A copy with columns added or replaced."""
        merged = dict(self.columns)
        merged.update(new_columns)
        return AngleTable(
            t_s=self.t_s, columns=merged, person_id=self.person_id, camera_roll_deg=self.camera_roll_deg, source=self.source
        )

    def to_dataframe(self) -> Any:
        """A pandas DataFrame: ``t_s`` then every angle column in degrees (the angle CSV's columns).

        ``person_id``, ``camera_roll_deg`` and ``source`` are in ``frame.attrs``.
        """
        import pandas as pd

        frame = pd.DataFrame({"t_s": self.t_s, **{name: self.columns[name] for name in self._names}})
        frame.attrs.update(person_id=self.person_id, camera_roll_deg=self.camera_roll_deg, source=self.source)
        return frame

    @classmethod
    def from_dataframe(cls, frame: Any, *, person_id: int | None = None, camera_roll_deg: float | None = None, source: str | None = None) -> AngleTable:
        """The table in a DataFrame with a ``t_s`` column and ``*_deg`` columns (others are ignored).

        Keyword arguments override what ``frame.attrs`` says (as ``to_dataframe`` wrote it).
        """
        attrs = dict(getattr(frame, "attrs", {}))
        if "t_s" not in frame.columns:
            raise InvalidDataError("the DataFrame has no t_s column", where="AngleTable.from_dataframe", fix="name the time column t_s (seconds)")
        angles = {str(name): frame[name].to_numpy(dtype=np.float64) for name in frame.columns if str(name).endswith("_deg")}
        return cls(
            t_s=frame["t_s"].to_numpy(dtype=np.float64),
            columns=angles,
            person_id=int(attrs.get("person_id", 0) if person_id is None else person_id),
            camera_roll_deg=float(attrs.get("camera_roll_deg", 0.0) if camera_roll_deg is None else camera_roll_deg),
            source=str(attrs.get("source", "DataFrame") if source is None else source),
        )
