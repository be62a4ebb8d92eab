"""C3D export of marker trajectories (and joint angles), the format Vicon, Visual3D and OpenSim users exchange.

Written through ezc3d (the ``c3d`` extra: ``pip install 'motionrehab[c3d]'``). Conventions:

- Markers: MediaPipe's 33 landmark names as POINT:LABELS, in millimetres (POINT:UNITS ``mm``,
  what Vicon and Visual3D write), in a laboratory frame with Z up: X = the .trc's X (forward /
  image right), Y = minus the .trc's Z, Z = the .trc's Y (up); right-handed. Positions come
  from world landmarks, or from image landmarks with a scale (pixels per metre), exactly as
  for the .trc (records/opensim_files.py). Without either the export is refused: C3D readers
  take the numbers as lengths.
- Angles (optional): each AngleTable column as one more point whose X is the angle in degrees
  (Y, Z zero), listed in POINT:ANGLES with POINT:ANGLE_UNITS ``deg``: the way Vicon's Plug-in
  Gait stores model angles (``LHipAngles``...).
- Missing values are NaN (ezc3d writes them as invalid points, residual -1).
- C3D has one frame rate: the track's nominal rate. A track whose frame times stray more than
  half a frame from that grid is refused (resample it first); the first frame's time is kept
  in the ``MOTIONREHAB:T0_S`` parameter.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from motionrehab._files import open_private
from motionrehab.capture.landmarks import LANDMARK_NAMES
from motionrehab.capture.pose_track import PoseTrack
from motionrehab.errors import InvalidDataError, MotionRehabError
from motionrehab.kinematics.angle_table import AngleTable
from motionrehab.records.opensim_files import trc_positions


def c3d_positions_mm(track: PoseTrack, px_per_m: float | None = None) -> np.ndarray:
    """Marker positions (n, 33, 3) in millimetres, Z up (see the module docstring)."""
    positions, units, _ = trc_positions(track, px_per_m)
    if units != "m":
        raise InvalidDataError("C3D needs metric positions: this track has no world landmarks and no scale was given",
                               where=track.source or "pose track", fix="give the pixels per metre (--px-per-m), or a track with world landmarks")  # fmt: skip
    return np.stack([positions[..., 0], -positions[..., 2], positions[..., 1]], axis=-1) * 1000.0


def write_c3d(path: str | os.PathLike[str], track: PoseTrack, *, px_per_m: float | None = None, angles: AngleTable | None = None) -> Path:
    """Write the track's markers (and ``angles``, sampled at the same frames) to a C3D file (owner-only)."""
    try:
        import ezc3d
    except ImportError as error:
        raise MotionRehabError("C3D export needs the ezc3d package", fix="pip install 'motionrehab[c3d]'") from error
    target = Path(path)
    n = track.n_frames
    rate = float(track.frame_rate_hz)
    grid = track.t_s[0] + np.arange(n) / rate
    if n and np.max(np.abs(track.t_s - grid)) > 0.5 / rate:
        raise InvalidDataError(f"the frame times are not on a {rate:g} Hz grid (C3D has one frame rate)", where=track.source or "pose track",
                               fix="resample the track to a constant rate before exporting C3D")  # fmt: skip
    markers = c3d_positions_mm(track, px_per_m)
    labels = list(LANDMARK_NAMES)
    angle_names: list[str] = []
    if angles is not None:
        angle_names = list(angles.names)
        values = np.column_stack([np.interp(track.t_s, angles.t_s, angles[name], left=np.nan, right=np.nan) for name in angle_names]) if angle_names else np.empty((n, 0))
        as_points = np.zeros((n, len(angle_names), 3))
        as_points[..., 0] = values
        as_points[np.isnan(values)] = np.nan
        markers = np.concatenate([markers, as_points], axis=1)
        labels += angle_names
    c3d = ezc3d.c3d()
    c3d["parameters"]["POINT"]["RATE"]["value"] = [rate]
    c3d["parameters"]["POINT"]["LABELS"]["value"] = labels
    c3d["parameters"]["POINT"]["UNITS"]["value"] = ["mm"]
    if angle_names:
        c3d.add_parameter("POINT", "ANGLES", angle_names)
        c3d.add_parameter("POINT", "ANGLE_UNITS", ["deg"])
    c3d.add_parameter("MOTIONREHAB", "T0_S", [float(track.t_s[0]) if n else 0.0])
    c3d.add_parameter("MOTIONREHAB", "SOURCE", [os.path.basename(track.source) or "pose track"])
    points = np.ones((4, len(labels), n))
    points[:3] = np.transpose(markers, (2, 1, 0))
    c3d["data"]["points"] = points
    # Write to a private file: ezc3d opens by name, so create it owner-only first.
    with open_private(target, "wb"):
        pass
    c3d.write(str(target))
    return target
