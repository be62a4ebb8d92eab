"""PoseTrack: one person's 33 pose landmarks over time, the capture stage's output type.

Frames of reference
- Image landmarks ``landmarks_px``: pixels, origin at the top-left corner of the
  (rotation-corrected) image, x to the right, y down.
- ``landmarks_z``: MediaPipe's relative depth of each landmark, unitless, roughly the
  scale of normalised x, smaller = nearer the camera; origin at the hips' midpoint.
- World landmarks ``world_m`` (optional): metres, exactly as MediaPipe gives them:
  origin at the midpoint of the hips, axes aligned with the image (x right, y down,
  z away from the camera).

Missing values are NaN: a landmark that was not detected, or was rejected, has NaN
coordinates and NaN visibility. Time ``t_s`` is seconds from the start of the recording,
float64, strictly increasing.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from motionrehab._format import seconds
from motionrehab.capture.landmarks import LANDMARK_INDEX, N_LANDMARKS
from motionrehab.errors import InvalidDataError

FloatArray = NDArray[np.float64]


def _as_float_array(name: str, value: Any, shape: tuple[int | None, ...], where: str) -> FloatArray:
    array = np.asarray(value, dtype=np.float64)
    if array.ndim != len(shape) or any(
        expected is not None and got != expected for got, expected in zip(array.shape, shape, strict=False)
    ):
        wanted = "(" + ", ".join("n" if s is None else str(s) for s in shape) + ")"
        raise InvalidDataError(
            f"{name} has shape {array.shape}, expected {wanted}",
            where=where,
            fix=f"give {name} as an array of shape {wanted} with one row per frame",
        )
    if np.isinf(array).any():
        first = tuple(int(i) for i in np.argwhere(np.isinf(array))[0])
        raise InvalidDataError(
            f"{name} contains an infinite value at index {first}",
            where=where,
            fix="use NaN for missing values; infinite values are never valid measurements",
        )
    array = np.ascontiguousarray(array)
    array.flags.writeable = False
    return array


def validate_time_s(t_s: Any, where: str) -> FloatArray:
    """Return ``t_s`` as a read-only float64 vector, checking it is finite and strictly increasing."""
    t = _as_float_array("t_s", t_s, (None,), where)
    if not np.isfinite(t).all():
        bad = int(np.flatnonzero(~np.isfinite(t))[0])
        raise InvalidDataError(
            f"t_s[{bad}] is not a finite number", where=where, fix="every frame needs a timestamp"
        )
    if t.size > 1:
        steps = np.diff(t)
        if (steps <= 0).any():
            bad = int(np.flatnonzero(steps <= 0)[0])
            raise InvalidDataError(
                f"time is not strictly increasing: frame {bad} at {seconds(t[bad])} then "
                f"frame {bad + 1} at {seconds(t[bad + 1])}",
                where=where,
                fix="sort the frames by time and drop duplicated timestamps",
            )
    return t


@dataclass(frozen=True, eq=False)
class PoseTrack:
    """One person's pose landmarks over a recording.

    Attributes:
        t_s: (n,) frame times in seconds from the start of the recording, strictly increasing.
        landmarks_px: (n, 33, 2) image x, y in pixels (x right, y down, origin top-left); NaN missing.
        visibility: (n, 33) MediaPipe visibility in [0, 1]; NaN where the landmark is missing.
        landmarks_z: (n, 33) MediaPipe relative depth (unitless); NaN where unknown.
        world_m: (n, 33, 3) world landmarks in metres (origin between the hips) or None.
        image_width_px, image_height_px: size of the (rotation-corrected) image.
        frame_rate_hz: nominal frame rate of the source (the container's, or the median of 1/dt).
        person_id: stable id of this person within the recording (0, 1, ...).
        source: where the track came from (file name, camera index, 'synthetic: ...').
    """

    t_s: FloatArray
    landmarks_px: FloatArray
    visibility: FloatArray
    image_width_px: int
    image_height_px: int
    frame_rate_hz: float
    person_id: int = 0
    source: str = ""
    landmarks_z: FloatArray | None = None
    world_m: FloatArray | None = None

    def __post_init__(self) -> None:
        where = f"pose track of person {self.person_id} ({self.source or 'unknown source'})"
        t = validate_time_s(self.t_s, where)
        n = t.size
        set_ = object.__setattr__
        set_(self, "t_s", t)
        set_(self, "landmarks_px", _as_float_array("landmarks_px", self.landmarks_px, (n, N_LANDMARKS, 2), where))
        vis = _as_float_array("visibility", self.visibility, (n, N_LANDMARKS), where)
        finite_vis = vis[np.isfinite(vis)]
        if finite_vis.size and (finite_vis.min() < 0.0 or finite_vis.max() > 1.0):
            raise InvalidDataError(
                f"visibility must lie in [0, 1]; found values from {finite_vis.min():.3g} to {finite_vis.max():.3g}",
                where=where,
                fix="pass MediaPipe's visibility scores unchanged",
            )
        set_(self, "visibility", vis)
        if self.landmarks_z is None:
            set_(self, "landmarks_z", _as_float_array("landmarks_z", np.full((n, N_LANDMARKS), np.nan), (n, N_LANDMARKS), where))
        else:
            set_(self, "landmarks_z", _as_float_array("landmarks_z", self.landmarks_z, (n, N_LANDMARKS), where))
        if self.world_m is not None:
            set_(self, "world_m", _as_float_array("world_m", self.world_m, (n, N_LANDMARKS, 3), where))
        for name in ("image_width_px", "image_height_px"):
            value = getattr(self, name)
            if int(value) != value or value <= 0:
                raise InvalidDataError(f"{name} must be a positive whole number, got {value!r}", where=where)
            set_(self, name, int(value))
        if not np.isfinite(self.frame_rate_hz) or self.frame_rate_hz <= 0:
            raise InvalidDataError(
                f"frame_rate_hz must be positive, got {self.frame_rate_hz!r}",
                where=where,
                fix="give the source's nominal frame rate in frames per second",
            )
        set_(self, "frame_rate_hz", float(self.frame_rate_hz))
        set_(self, "person_id", int(self.person_id))

    @property
    def n_frames(self) -> int:
        """Number of frames."""
        return int(self.t_s.size)

    @property
    def duration_s(self) -> float:
        """Time from the first to the last frame, seconds."""
        return float(self.t_s[-1] - self.t_s[0]) if self.n_frames else 0.0

    def landmark_px(self, name: str) -> FloatArray:
        """(n, 2) image position of one landmark by its MediaPipe name, e.g. ``'left_hip'``."""
        return self.landmarks_px[:, LANDMARK_INDEX[name], :]

    def detected(self) -> NDArray[np.bool_]:
        """(n,) True for frames where at least the hips were detected."""
        hips = self.landmarks_px[:, [LANDMARK_INDEX["left_hip"], LANDMARK_INDEX["right_hip"]], :]
        return np.asarray(np.isfinite(hips).all(axis=(1, 2)), dtype=bool)

    def detection_rate(self) -> float:
        """Share of frames (0-1) with the person detected."""
        return float(self.detected().mean()) if self.n_frames else 0.0

    def slice_frames(self, start: int, stop: int) -> PoseTrack:
        """A new track holding frames ``[start, stop)``."""
        return PoseTrack(
            t_s=self.t_s[start:stop],
            landmarks_px=self.landmarks_px[start:stop],
            visibility=self.visibility[start:stop],
            landmarks_z=None if self.landmarks_z is None else self.landmarks_z[start:stop],
            world_m=None if self.world_m is None else self.world_m[start:stop],
            image_width_px=self.image_width_px,
            image_height_px=self.image_height_px,
            frame_rate_hz=self.frame_rate_hz,
            person_id=self.person_id,
            source=self.source,
        )

    def replace(self, **changes: Any) -> PoseTrack:
        """A copy with some fields replaced (validated again)."""
        return dataclasses.replace(self, **changes)

    def to_dataframe(self) -> Any:
        """A pandas DataFrame with the pose-track CSV's columns (docs/pose-track-csv.md), one row per frame.

        ``frame_rate_hz`` and ``source`` are in ``frame.attrs``; world columns only when the
        track has world landmarks.
        """
        import pandas as pd

        from motionrehab.capture.pose_csv import pose_csv_header

        n = self.n_frames
        z = self.landmarks_z if self.landmarks_z is not None else np.full((n, N_LANDMARKS), np.nan)
        image = np.stack([self.landmarks_px[..., 0], self.landmarks_px[..., 1], z, self.visibility], axis=-1).reshape(n, -1)
        blocks = [image] if self.world_m is None else [image, self.world_m.reshape(n, -1)]
        names = pose_csv_header(self.world_m is not None)
        frame = pd.DataFrame(np.hstack(blocks), columns=names[4:])
        frame.insert(0, "t_s", self.t_s)
        frame.insert(1, "person_id", self.person_id)
        frame.insert(2, "image_width_px", self.image_width_px)
        frame.insert(3, "image_height_px", self.image_height_px)
        frame.attrs.update(frame_rate_hz=self.frame_rate_hz, source=self.source)
        return frame

    @classmethod
    def from_dataframe(cls, frame: Any, *, source: str | None = None) -> PoseTrack:
        """One person's track from a DataFrame with the pose-track CSV's columns (e.g. ``pandas.read_csv`` of one).

        The rows must all belong to one person (select ``frame[frame.person_id == k]`` first).
        The frame rate is ``frame.attrs['frame_rate_hz']``, else the median of 1/dt.
        """
        from motionrehab.capture.pose_csv import FRAME_COLUMNS, IMAGE_COLUMNS, WORLD_COLUMNS

        where = "PoseTrack.from_dataframe"
        missing = [c for c in (*FRAME_COLUMNS, *IMAGE_COLUMNS) if c not in frame.columns]
        if missing:
            raise InvalidDataError(f"{len(missing)} pose-track column(s) missing, first {missing[:3]}", where=where, fix="see docs/pose-track-csv.md")
        people = sorted({int(k) for k in frame["person_id"]})
        if len(people) != 1:
            raise InvalidDataError(f"the rows hold {len(people)} people ({people[:5]})", where=where, fix="select one person's rows: frame[frame.person_id == k]")
        n = len(frame)
        image = frame[list(IMAGE_COLUMNS)].to_numpy(dtype=np.float64).reshape(n, N_LANDMARKS, 4)
        world = frame[list(WORLD_COLUMNS)].to_numpy(dtype=np.float64).reshape(n, N_LANDMARKS, 3) if all(c in frame.columns for c in WORLD_COLUMNS) else None
        t = frame["t_s"].to_numpy(dtype=np.float64)
        attrs = dict(getattr(frame, "attrs", {}))
        rate = float(attrs["frame_rate_hz"]) if "frame_rate_hz" in attrs else (float(1.0 / np.median(np.diff(t))) if n > 1 else 30.0)
        return cls(
            t_s=t, landmarks_px=image[..., :2], landmarks_z=image[..., 2], visibility=image[..., 3], world_m=world,
            image_width_px=int(frame["image_width_px"].iloc[0]), image_height_px=int(frame["image_height_px"].iloc[0]),
            frame_rate_hz=rate, person_id=people[0], source=str(attrs.get("source", "DataFrame") if source is None else source),
        )  # fmt: skip
