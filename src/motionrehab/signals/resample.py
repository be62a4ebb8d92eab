"""Resampling to a uniform rate, for tracks and recordings with irregular timestamps.

Filters assume uniform sampling; phones and webcams deliver irregular frames (the Oxford
phone recordings sample at 100-405 Hz with gaps up to 20 ms). Values are interpolated
linearly onto a uniform grid from the first to the last timestamp; a grid point inside a
gap longer than ``max_gap_s`` stays NaN rather than being invented.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from motionrehab.capture.pose_track import PoseTrack
from motionrehab.errors import InvalidDataError
from motionrehab.sensors.imu_recording import ImuRecording
from motionrehab.timebase import check_grid_size

FloatArray = NDArray[np.float64]


def uniform_grid(t_s: FloatArray, rate_hz: float) -> FloatArray:
    """Times from t_s[0] to t_s[-1] at ``rate_hz``."""
    if rate_hz <= 0 or not np.isfinite(rate_hz):
        raise InvalidDataError(f"resampling rate must be positive, got {rate_hz!r}", fix="give a rate in Hz, e.g. 30 or 100")
    span = float(t_s[-1] - t_s[0]) * rate_hz
    if not np.isfinite(span):
        raise InvalidDataError("the timestamps span an infinite time", where="resampling", fix="check the timestamps")
    n = int(np.floor(span + 1e-9)) + 1
    check_grid_size(t_s.size, n, rate_hz)
    return t_s[0] + np.arange(n) / rate_hz


def resample_series(t_s: FloatArray, values: FloatArray, new_t_s: FloatArray, max_gap_s: float | None = None) -> FloatArray:
    """Linear interpolation of (n, ...) ``values`` at ``new_t_s``, NaN-aware per column."""
    data = np.asarray(values, dtype=np.float64)
    flat = data.reshape(data.shape[0], -1)
    out = np.full((new_t_s.size, flat.shape[1]), np.nan)
    for column in range(flat.shape[1]):
        finite = np.isfinite(flat[:, column])
        if finite.sum() < 2:
            continue
        t_known = t_s[finite]
        out[:, column] = np.interp(new_t_s, t_known, flat[finite, column], left=np.nan, right=np.nan)
        if max_gap_s is not None:
            after = np.searchsorted(t_known, new_t_s, side="left").clip(1, t_known.size - 1)
            gap = t_known[after] - t_known[after - 1]
            out[gap > max_gap_s, column] = np.nan
    return out.reshape((new_t_s.size, *data.shape[1:]))


def resample_pose_track(track: PoseTrack, rate_hz: float, max_gap_s: float = 0.25) -> PoseTrack:
    """The track at a uniform ``rate_hz`` (visibility interpolated too; world landmarks if present)."""
    new_t = uniform_grid(track.t_s, rate_hz)
    return track.replace(
        t_s=new_t,
        landmarks_px=resample_series(track.t_s, track.landmarks_px, new_t, max_gap_s),
        visibility=resample_series(track.t_s, track.visibility, new_t, max_gap_s),
        landmarks_z=None if track.landmarks_z is None else resample_series(track.t_s, track.landmarks_z, new_t, max_gap_s),
        world_m=None if track.world_m is None else resample_series(track.t_s, track.world_m, new_t, max_gap_s),
        frame_rate_hz=rate_hz,
    )


def resample_imu(recording: ImuRecording, rate_hz: float, max_gap_s: float = 0.1) -> ImuRecording:
    """The recording at a uniform ``rate_hz``."""
    new_t = uniform_grid(recording.t_s, rate_hz)

    def at(values: FloatArray) -> FloatArray:
        return resample_series(recording.t_s, values, new_t, max_gap_s)

    return ImuRecording(
        t_s=new_t, acc_m_s2=at(recording.acc_m_s2), gyr_deg_s=at(recording.gyr_deg_s),
        mag_uT=None if recording.mag_uT is None else at(recording.mag_uT),
        placement=recording.placement, side=recording.side, axis_convention=recording.axis_convention,
        device=recording.device, source=recording.source,
    )  # fmt: skip
