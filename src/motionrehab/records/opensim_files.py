"""OpenSim exports: marker trajectories as .trc and joint angles as .mot.

Both follow the file conventions OpenSim's own readers expect (TRCFileAdapter /
TimeSeriesTableVec3 / MarkerData for .trc; STOFileAdapter / Storage for .mot), and the
tests load them with the ``opensim`` package itself.

Coordinate frame of the .trc (OpenSim's convention: X forward/right, Y up, Z lateral),
right-handed, built from our image or world landmarks:

- world landmarks available (MediaPipe world frame, metres, x right, y down, z away from
  the camera): X = x, Y = -y, Z = -z (a 180 deg rotation about x), units ``m``.
- image landmarks with a scale (pixels per metre, from a camera calibration profile or
  the subject's height): X = x / scale, Y = -y / scale, Z = 0, units ``m``, origin at
  the image's top-left corner.
- image landmarks with no scale: the same in pixels, units ``px``, and the file name
  ends in ``_px.trc``: OpenSim loads it, but it is flagged as not metric.

Missing landmarks and angles are written as ``NaN``, never filled in: OpenSim's table
readers (TimeSeriesTableVec3, TimeSeriesTable, MarkerData) read them as missing. OpenSim's
legacy ``Storage`` class does not parse ``NaN`` cells in a .mot; load angle files that have
gaps with ``opensim.TimeSeriesTable``.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from motionrehab._files import child_path, open_private
from motionrehab.capture.landmarks import LANDMARK_NAMES
from motionrehab.capture.pose_track import PoseTrack
from motionrehab.errors import InvalidDataError
from motionrehab.kinematics.angle_table import AngleTable


@dataclass(frozen=True)
class TrcExport:
    """What was written to a .trc file.

    Attributes:
        path: the file written.
        units: ``'m'`` or ``'px'`` (pixels: no scale was available).
        source_frame: ``'world'`` (MediaPipe world landmarks) or ``'image'``.
        n_frames: number of frames (rows).
        data_rate_hz: the DataRate written in the header.
    """

    path: Path
    units: str
    source_frame: str
    n_frames: int
    data_rate_hz: float


def _number(value: float) -> str:
    return "NaN" if math.isnan(value) else f"{value:.6f}"


def trc_positions(track: PoseTrack, px_per_m: float | None = None) -> tuple[np.ndarray, str, str]:
    """Marker positions (n, 33, 3) in OpenSim's axes, the units and the source frame (see module docstring)."""
    if track.world_m is not None and np.isfinite(track.world_m).any():
        world = track.world_m
        positions = np.stack([world[..., 0], -world[..., 1], -world[..., 2]], axis=-1)
        return positions, "m", "world"
    image = track.landmarks_px
    zeros = np.where(np.isfinite(image[..., 0]), 0.0, np.nan)
    positions = np.stack([image[..., 0], -image[..., 1], zeros], axis=-1)
    if px_per_m is not None:
        if not (math.isfinite(px_per_m) and px_per_m > 0):
            raise InvalidDataError(f"px_per_m must be positive, got {px_per_m!r}", where="OpenSim export")
        return positions / px_per_m, "m", "image"
    return positions, "px", "image"


def write_trc(folder: str | os.PathLike[str], stem: str, track: PoseTrack, px_per_m: float | None = None) -> TrcExport:
    """Write a PoseTrack as ``<stem>.trc`` (metres) or ``<stem>_px.trc`` (pixels, no scale) in ``folder``.

    The header is OpenSim's TRC (PathFileType 4): DataRate/CameraRate are the track's
    nominal frame rate; Frame# counts from 1; Time is ``t_s`` unchanged (variable frame
    rates keep their true times).
    """
    positions, units, source_frame = trc_positions(track, px_per_m)
    name = f"{stem}.trc" if units == "m" else f"{stem}_px.trc"
    path = child_path(folder, name)
    n = track.n_frames
    rate = f"{track.frame_rate_hz:.6f}"
    header = [
        f"PathFileType\t4\t(X/Y/Z)\t{name}",
        "DataRate\tCameraRate\tNumFrames\tNumMarkers\tUnits\tOrigDataRate\tOrigDataStartFrame\tOrigNumFrames",
        f"{rate}\t{rate}\t{n}\t{len(LANDMARK_NAMES)}\t{units}\t{rate}\t1\t{n}",
        "Frame#\tTime\t" + "\t\t\t".join(LANDMARK_NAMES) + "\t\t",
        "\t\t" + "\t".join(f"X{i}\tY{i}\tZ{i}" for i in range(1, len(LANDMARK_NAMES) + 1)),
        "",
    ]
    flat = positions.reshape(n, -1)
    with open_private(path, "w", newline="\n") as handle:
        handle.write("\n".join(header) + "\n")
        for i in range(n):
            cells = "\t".join(_number(v) for v in flat[i].tolist())
            handle.write(f"{i + 1}\t{track.t_s[i]:.6f}\t{cells}\n")
    return TrcExport(path=path, units=units, source_frame=source_frame, n_frames=n, data_rate_hz=track.frame_rate_hz)


def write_mot(folder: str | os.PathLike[str], stem: str, angles: AngleTable) -> Path:
    """Write an AngleTable as ``<stem>.mot`` (OpenSim Storage format, version 1, inDegrees=yes).

    Columns are ``time`` then every angle column by its motionrehab name (``left_hip_flexion_deg``
    ...). Missing values are ``NaN``.
    """
    path = child_path(folder, f"{stem}.mot")
    names = list(angles.names)
    header = [
        path.name,
        "version=1",
        f"nRows={angles.n_frames}",
        f"nColumns={len(names) + 1}",
        "inDegrees=yes",
        "endheader",
        "\t".join(["time", *names]),
    ]
    matrix = np.column_stack([angles[name] for name in names]) if names else np.empty((angles.n_frames, 0))
    with open_private(path, "w", newline="\n") as handle:
        handle.write("\n".join(header) + "\n")
        for i in range(angles.n_frames):
            cells = "\t".join(_number(v) for v in matrix[i].tolist())
            handle.write(f"{angles.t_s[i]:.6f}\t{cells}\n" if names else f"{angles.t_s[i]:.6f}\n")
    return path
