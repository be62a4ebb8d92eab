"""Gait events (initial contact IC, final contact FC) from inertial sensors and phones.

Definitions (docs/clinical-terms.md section 1, Gait): IC = the foot's first contact with the ground
(heel strike in normal gait), FC = the foot leaving the ground (toe-off). A step is IC of
one foot to IC of the other; a stride is IC to the next IC of the same foot.

Sign convention used throughout: the *sagittal angular rate* of a lower-limb segment is
its angular velocity about the medio-lateral axis, positive when the distal end moves
forward (the direction of the swing). In gaitmap's foot sensor frame (x forward, y left,
z up) that is ``-gyr_y`` (gaitmap's body-frame ``gyr_ml``); the same holds for the
``shin_anterior`` convention (y left).

Detectors here return event *times* (seconds on the recording's clock); stride assembly,
lengths and summary parameters are in measures/.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.integrate import cumulative_trapezoid
from scipy.ndimage import gaussian_filter1d
from scipy.signal import butter, find_peaks, sosfiltfilt

from motionrehab.capture.landmarks import LANDMARK_INDEX
from motionrehab.capture.pose_track import PoseTrack
from motionrehab.errors import InvalidDataError
from motionrehab.sensors.imu_recording import ImuRecording

FloatArray = NDArray[np.float64]

#: which gyro axis, with which sign, is the sagittal (swing-positive) rate, per convention
_SAGITTAL_AXIS: dict[str, tuple[int, float]] = {
    "gaitmap_foot": (1, -1.0),  # y left: forward swing is a negative rotation about +y
    "shin_anterior": (1, -1.0),
}


@dataclass(frozen=True, eq=False)
class GaitEvents:
    """Initial and final contacts of one foot (or of either foot when side is 'none').

    Attributes:
        side: 'left', 'right' or 'none' (lower-back and phone sensors do not know the side).
        t_ic_s: (k,) initial-contact times, seconds, increasing.
        t_fc_s: (m,) final-contact (toe-off) times, seconds, increasing; empty when the
            method cannot see toe-off.
        method: short description of the detector (with its reference).
    """

    side: str
    t_ic_s: FloatArray
    t_fc_s: FloatArray
    method: str

    def __post_init__(self) -> None:
        for name in ("t_ic_s", "t_fc_s"):
            values = np.sort(np.asarray(getattr(self, name), dtype=np.float64).ravel())
            values.flags.writeable = False
            object.__setattr__(self, name, values)


def sagittal_rate_deg_s(recording: ImuRecording) -> FloatArray:
    """Sagittal angular rate (deg/s, positive = forward swing) of a foot or shank sensor.

    Raises:
        InvalidDataError: when the recording's axis convention does not say which axis is
            medio-lateral (e.g. 'device' without a calibration).
    """
    try:
        axis, sign = _SAGITTAL_AXIS[recording.axis_convention]
    except KeyError:
        raise InvalidDataError(
            f"cannot tell the sagittal axis for axis convention {recording.axis_convention!r}",
            where=recording.source or "inertial recording",
            fix="record with a known convention (gaitmap_foot: x forward, y left, z up; or shin_anterior)",
        ) from None
    return np.asarray(sign * recording.gyr_deg_s[:, axis], dtype=np.float64)


def _runs(mask: NDArray[np.bool_]) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Start (inclusive) and end (exclusive) indices of runs of True."""
    edges = np.diff(mask.astype(np.int8), prepend=0, append=0)
    return np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)


def _walk_to_zero(y: FloatArray, i: int, step: int) -> int:
    """From sample i, the last sample still > 0 walking in direction ``step`` (-1 or +1)."""
    while 0 <= i + step < y.size and y[i + step] > 0:
        i += step
    return i


def _crossing_time(t: FloatArray, y: FloatArray, i: int) -> float:
    """Time where y crosses zero between samples i and i+1 (linear interpolation)."""
    if i < 0 or i + 1 >= y.size or y[i] == y[i + 1]:
        return float(t[min(max(i, 0), t.size - 1)])
    fraction = y[i] / (y[i] - y[i + 1])
    return float(t[i] + fraction * (t[i + 1] - t[i]))


@dataclass(frozen=True)
class FootEventDetector:
    """Foot-mounted IMU: IC and FC from the sagittal angular rate (after Rampp et al. 2015).

    A swing phase is a run of positive sagittal rate (the foot rotating forward). FC
    (toe-off) is the negative-to-positive zero crossing that starts it: the ankle turns
    from plantar flexion (push-off) to dorsiflexion, Rampp et al. 2015 (IEEE TBME
    62(4):1089). IC is the positive-to-negative crossing that ends it, when the forward
    rotation of the swinging foot stops at heel contact. Both are interpolated between
    samples.

    Turns and shuffles: a swing normally sweeps 60-120 deg; a run that starts with a
    push-off but sweeps less than ``min_swing_rotation_deg``, and the next positive run
    (within ``max_merge_gap_s``, not preceded by a push-off) form one swing: the foot
    pivots and touches down briefly during a turn without a heel-to-toe roll-over.

    Args:
        noise_rotation_deg: positive runs sweeping less than this are noise (default 5 deg).
        min_swing_rotation_deg: a swing must sweep at least this (default 15 deg; a first, partial step of gait initiation sweeps about 17 deg in gaitmap's example).
        push_off_deg_s: a push-off is a sagittal rate below minus this within
            ``push_off_window_s`` before the swing (default 150 deg/s, 0.2 s; healthy
            push-off peaks are about -450 to -600 deg/s in gaitmap's example data).
        max_merge_gap_s: longest pivot between two partial swings (default 1.5 s).
        max_swing_s: a forward rotation lasting longer is not a swing (default 1.5 s;
            swings last 0.3-0.6 s): a gyroscope offset while sitting is not a step.
        dead_band_deg_s: candidate runs are where the rate exceeds this (default 1 deg/s),
            which ignores sensor noise at rest; the event times are still the exact
            zero crossings next to each run.
    """

    noise_rotation_deg: float = 5.0
    min_swing_rotation_deg: float = 15.0
    push_off_deg_s: float = 150.0
    push_off_window_s: float = 0.2
    max_merge_gap_s: float = 1.5
    max_swing_s: float = 1.5
    dead_band_deg_s: float = 1.0

    def detect(self, recording: ImuRecording) -> GaitEvents:
        """Return the foot's IC and FC times."""
        rate = sagittal_rate_deg_s(recording)
        t = recording.t_s
        rate[~np.isfinite(rate)] = 0.0
        starts, ends = _runs(rate > self.dead_band_deg_s)
        # widen each run to the zero crossings around it (a few samples at most)
        starts = np.array([_walk_to_zero(rate, i, -1) for i in starts.tolist()], dtype=np.intp)
        ends = np.array([_walk_to_zero(rate, i - 1, 1) + 1 for i in ends.tolist()], dtype=np.intp)
        # dead-band runs inside one positive run widen to the same run: keep it once
        unique = np.concatenate([[True], starts[1:] != starts[:-1]]) if starts.size else np.array([], dtype=bool)
        starts, ends = starts[unique], ends[unique]
        if starts.size == 0:
            return GaitEvents(recording.side, np.array([]), np.array([]), self.method)
        # Swept angle of every positive run at once (long recordings have millions of
        # noise runs while sitting; only the few real swings reach the Python loop).
        # swept angle = sum of rate x sample interval (memory-frugal for day-long recordings)
        weighted = np.empty(t.size + 1)
        weighted[0] = 0.0
        np.multiply(rate[:-1], np.diff(t), out=weighted[1:-1])
        weighted[-1] = 0.0
        cumulative = np.cumsum(weighted, out=weighted)
        swept_all = cumulative[ends] - cumulative[starts]
        keep = (swept_all >= self.noise_rotation_deg) & (t[np.minimum(ends, t.size - 1)] - t[starts] <= self.max_swing_s)
        window_start = np.searchsorted(t, t[starts] - self.push_off_window_s)
        swings: list[list[float]] = []  # [start, end, swept deg, 0 no push-off / 1 pushed / 2 merged]
        for start, end, swept, first in zip(
            starts[keep].tolist(), ends[keep].tolist(), swept_all[keep].tolist(), window_start[keep].tolist(), strict=True
        ):
            pushed = first < start and float(rate[first:start].min()) <= -self.push_off_deg_s
            if swings and not pushed:
                previous = swings[-1]
                gap = t[start] - t[int(previous[1]) - 1]
                # a pivot continues a partial swing that began with a push-off (toe-off), once
                if previous[2] < self.min_swing_rotation_deg and gap <= self.max_merge_gap_s and previous[3] == 1:
                    previous[1] = end
                    previous[2] += swept
                    previous[3] = 2
                    continue
            swings.append([start, end, swept, 1 if pushed else 0])
        t_fc: list[float] = []
        t_ic: list[float] = []
        for start, end, swept, _ in swings:
            if swept < self.min_swing_rotation_deg:
                continue
            t_fc.append(_crossing_time(t, rate, int(start) - 1))
            t_ic.append(_crossing_time(t, rate, int(end) - 1))
        return GaitEvents(
            side=recording.side,
            t_ic_s=np.array(t_ic),
            t_fc_s=np.array(t_fc),
            method=self.method,
        )

    @property
    def method(self) -> str:
        """Short description of the detector with its reference."""
        return "foot IMU, sagittal angular rate zero crossings (Rampp et al. 2015)"


@dataclass(frozen=True)
class ShankEventDetector:
    """Shank IMU: IC and FC from the sagittal angular rate (Salarian et al. 2004).

    Mid-swing is a large positive peak of the sagittal rate (above
    ``mid_swing_deg_s``, default 100 deg/s, at least ``min_stride_s`` apart); IC is the
    first local minimum after it (within ``ic_window_s``), FC the deepest local minimum
    before it (within ``fc_window_s``). Salarian et al., IEEE TBME 51(8):1434, 2004;
    Aminian et al., J Biomech 35:689, 2002. The signal is low-pass filtered first
    (``cutoff_hz``, zero-lag Butterworth).
    """

    mid_swing_deg_s: float = 100.0
    min_stride_s: float = 0.6
    ic_window_s: float = 0.35
    fc_window_s: float = 0.5
    cutoff_hz: float = 15.0

    def detect(self, recording: ImuRecording) -> GaitEvents:
        """Return the shank's IC and FC times."""
        t = recording.t_s
        fs = recording.sampling_rate_hz
        rate = np.nan_to_num(sagittal_rate_deg_s(recording))
        if self.cutoff_hz < fs / 2:
            rate = sosfiltfilt(butter(2, self.cutoff_hz, fs=fs, output="sos"), rate)
        peaks, _ = find_peaks(rate, height=self.mid_swing_deg_s, distance=max(1, int(self.min_stride_s * fs)))
        minima, _ = find_peaks(-rate)
        t_ic: list[float] = []
        t_fc: list[float] = []
        for peak in peaks.tolist():
            after = minima[(minima > peak) & (t[minima] <= t[peak] + self.ic_window_s)]
            before = minima[(minima < peak) & (t[minima] >= t[peak] - self.fc_window_s)]
            if after.size and before.size:
                t_ic.append(float(t[after[0]]))
                t_fc.append(float(t[before[np.argmin(rate[before])]]))
        return GaitEvents(
            side=recording.side,
            t_ic_s=np.array(t_ic),
            t_fc_s=np.array(t_fc),
            method="shank IMU, minima around mid-swing peaks of the sagittal rate (Salarian et al. 2004)",
        )


def resample_uniform(
    t_s: NDArray[np.floating], values: NDArray[np.floating], rate_hz: float
) -> tuple[FloatArray, FloatArray]:
    """Linear interpolation of (n, ...) ``values`` onto a uniform time grid at ``rate_hz``.

    Irregularly sampled phone data must be resampled on its timestamps before filtering
    (data README, format surprise 3). NaN rows are dropped before interpolating.
    """
    t = np.asarray(t_s, dtype=np.float64)
    v = np.asarray(values, dtype=np.float64).reshape(t.size, -1)
    good = np.isfinite(v).all(axis=1)
    t, v = t[good], v[good]
    if t.size < 2:
        raise InvalidDataError("fewer than 2 usable samples to resample", where="resample_uniform")
    grid = np.arange(t[0], t[-1], 1.0 / rate_hz)
    out = np.column_stack([np.interp(grid, t, v[:, k]) for k in range(v.shape[1])])
    return grid, out


@dataclass(frozen=True)
class LowerBackIcDetector:
    """Lower-back IMU: initial contacts from vertical acceleration (McCamley et al. 2012).

    The vertical acceleration (gravity removed by subtracting its mean) is integrated and
    then differentiated with a Gaussian (a Gaussian continuous wavelet, as McCamley et al.
    2012, Gait Posture 36:316, and mobgap's IcdIonescu/Shin family). McCamley et al.
    take minima in their sensor's sign convention; with the vertical axis pointing up
    (mobgap frame: x up) ICs are the *maxima*, the upward acceleration peak of loading
    response. On mobgap's lab trials they fall 1-10 samples (10-100 ms) after the
    reference ICs. Only peaks higher than ``min_depth_fraction`` of the recording's 95th
    percentile of |signal| count (rejects standing still).

    Args:
        vertical_axis: index of the up axis (mobgap_lower_back: 0; trunk_posterior: 0).
        sigma_s: Gaussian width in seconds (default 0.06 s; McCamley's scale 9 at 100 Hz).
        min_step_s: shortest step time accepted (default 0.25 s = 240 steps/min).
    """

    vertical_axis: int = 0
    sigma_s: float = 0.06
    min_step_s: float = 0.25
    min_depth_fraction: float = 0.3
    cutoff_hz: float = 20.0

    def detect(self, recording: ImuRecording) -> GaitEvents:
        """Return IC times (side unknown: 'none')."""
        fs = recording.sampling_rate_hz
        t, acc = resample_uniform(recording.t_s, recording.acc_m_s2, fs)
        vertical = acc[:, self.vertical_axis] - np.mean(acc[:, self.vertical_axis])
        if self.cutoff_hz < fs / 2:
            vertical = sosfiltfilt(butter(4, self.cutoff_hz, fs=fs, output="sos"), vertical)
        velocity = cumulative_trapezoid(vertical, dx=1.0 / fs, initial=0.0)
        signal = gaussian_filter1d(velocity, self.sigma_s * fs, order=1)
        depth = self.min_depth_fraction * float(np.percentile(np.abs(signal), 95))
        maxima, _ = find_peaks(signal, height=depth, distance=max(1, int(self.min_step_s * fs)))
        return GaitEvents(
            side="none",
            t_ic_s=t[maxima],
            t_fc_s=np.array([]),
            method="lower-back IMU, Gaussian-CWT of integrated vertical acceleration (McCamley et al. 2012)",
        )


@dataclass(frozen=True)
class PhoneStepDetector:
    """Phone (any orientation): steps as peaks of the band-passed acceleration magnitude.

    The magnitude does not depend on how the phone is held. Samples are resampled on
    their timestamps to ``rate_hz``, band-passed (``band_hz``, zero-lag Butterworth:
    walking steps are 1.4-2.5 Hz), and each peak above ``min_peak_m_s2`` and at least
    ``min_step_s`` after the previous one is a step (threshold and minimum interval as
    in the Oxford step counter, Salvi et al. 2018, EMBC, doi:10.1109/EMBC.2018.8513319).
    """

    rate_hz: float = 50.0
    band_hz: tuple[float, float] = (1.0, 3.0)
    min_peak_m_s2: float = 0.6
    min_step_s: float = 0.3

    def detect(self, recording: ImuRecording) -> GaitEvents:
        """Return step times (as ICs, side unknown)."""
        t, acc = resample_uniform(recording.t_s, recording.acc_m_s2, self.rate_hz)
        magnitude = np.linalg.norm(acc, axis=1)
        sos = butter(2, self.band_hz, btype="bandpass", fs=self.rate_hz, output="sos")
        filtered = sosfiltfilt(sos, magnitude - magnitude.mean())
        peaks, _ = find_peaks(filtered, height=self.min_peak_m_s2, distance=max(1, int(self.min_step_s * self.rate_hz)))
        return GaitEvents(
            side="none",
            t_ic_s=t[peaks],
            t_fc_s=np.array([]),
            method="phone, peaks of band-passed acceleration magnitude (after Salvi et al. 2018)",
        )


@dataclass(frozen=True, eq=False)
class VideoGaitEvents:
    """Zeni events of both feet from one side-view pose track.

    Attributes:
        left, right: per-foot events (times in seconds).
        forward_sign: +1 when the person faces image +x (right), -1 when facing left.
        forward_reason: how the walking direction was decided.
        pelvis_travel_px: horizontal range of the pelvis over the track (px).
    """

    left: GaitEvents
    right: GaitEvents
    forward_sign: int
    forward_reason: str
    pelvis_travel_px: float


def _landmark(track: PoseTrack, name: str) -> FloatArray:
    return np.asarray(track.landmarks_px[:, LANDMARK_INDEX[name], :], dtype=np.float64)


def _fill_and_smooth(values: FloatArray, t: FloatArray, cutoff_hz: float, fs: float) -> FloatArray:
    """Interpolate over missing frames, then zero-lag low-pass (when the frame rate allows)."""
    good = np.isfinite(values)
    if good.sum() < 2:
        return np.full_like(values, np.nan)
    filled = np.interp(t, t[good], values[good])
    if cutoff_hz < 0.45 * fs and filled.size > 15:
        filled = sosfiltfilt(butter(2, cutoff_hz, fs=fs, output="sos"), filled)
    return np.asarray(filled, dtype=np.float64)


def _refined_extrema(t: FloatArray, y: FloatArray, peaks: NDArray[np.intp]) -> FloatArray:
    """Sub-frame peak times by a parabola through each peak and its neighbours."""
    times = []
    for i in peaks.tolist():
        if 0 < i < y.size - 1:
            denominator = y[i - 1] - 2 * y[i] + y[i + 1]
            shift = 0.5 * (y[i - 1] - y[i + 1]) / denominator if denominator != 0 else 0.0
            times.append(float(t[i] + np.clip(shift, -0.5, 0.5) * (t[i + 1] - t[i - 1]) / 2))
        else:
            times.append(float(t[i]))
    return np.array(times)


@dataclass(frozen=True)
class ZeniEventDetector:
    """Side-view video: IC and FC from heel and toe positions relative to the pelvis.

    Zeni, Richards & Higginson 2008 (Gait Posture 27(4):710): IC when the heel is most
    anterior relative to the pelvis (sacrum), FC when the toe is most posterior. Here the
    pelvis is the midpoint of the hips, the toe is MediaPipe's foot_index, and
    "anterior" is the walking direction: the sign of the pelvis's net horizontal travel
    when it moves more than ``min_travel_leg_lengths`` leg lengths, otherwise (treadmill,
    walking in place) the side the nose points to relative to the ears.

    Extremes count only when their prominence exceeds ``min_prominence_leg_lengths`` of
    the leg length (hip to ankle, px) and same-foot events are ``min_stride_s`` apart,
    so swaying, shifting weight or a lunge in place do not produce steps.
    """

    cutoff_hz: float = 6.0
    min_stride_s: float = 0.6
    min_prominence_leg_lengths: float = 0.25
    min_travel_leg_lengths: float = 1.0
    max_stride_s: float = 2.5

    def detect(self, track: PoseTrack) -> VideoGaitEvents:
        """Return both feet's events and the walking direction."""
        t = track.t_s
        fs = track.frame_rate_hz
        pelvis = 0.5 * (_landmark(track, "left_hip") + _landmark(track, "right_hip"))
        pelvis_x = _fill_and_smooth(pelvis[:, 0], t, self.cutoff_hz, fs)
        leg = np.nanmedian(
            np.concatenate([
                np.linalg.norm(_landmark(track, f"{s}_hip") - _landmark(track, f"{s}_ankle"), axis=1)
                for s in ("left", "right")
            ])
        )  # fmt: skip
        if not np.isfinite(leg) or leg <= 0 or not np.isfinite(pelvis_x).any():
            empty = GaitEvents("left", np.array([]), np.array([]), self.method)
            return VideoGaitEvents(empty, GaitEvents("right", np.array([]), np.array([]), self.method), 1,
                                   "no legs visible", 0.0)  # fmt: skip
        travel = float(np.nanmax(pelvis_x) - np.nanmin(pelvis_x))
        net = float(pelvis_x[-1] - pelvis_x[0])
        if abs(net) >= self.min_travel_leg_lengths * leg:
            forward = 1 if net > 0 else -1
            reason = f"pelvis travels {abs(net):.0f} px towards image {'right' if forward > 0 else 'left'}"
        else:
            nose = _landmark(track, "nose")[:, 0]
            ears = 0.5 * (_landmark(track, "left_ear")[:, 0] + _landmark(track, "right_ear")[:, 0])
            facing = float(np.nanmedian(nose - ears))
            forward = 1 if not np.isfinite(facing) or facing >= 0 else -1
            reason = f"pelvis nearly still (treadmill or in place); nose points image {'right' if forward > 0 else 'left'}"
        prominence = self.min_prominence_leg_lengths * leg
        distance = max(1, int(self.min_stride_s * fs))
        per_side = []
        for side in ("left", "right"):
            heel = _fill_and_smooth(_landmark(track, f"{side}_heel")[:, 0], t, self.cutoff_hz, fs)
            toe = _fill_and_smooth(_landmark(track, f"{side}_foot_index")[:, 0], t, self.cutoff_hz, fs)
            heel_forward = forward * (heel - pelvis_x)
            toe_forward = forward * (toe - pelvis_x)
            if not np.isfinite(heel_forward).all() or not np.isfinite(toe_forward).all():
                per_side.append(GaitEvents(side, np.array([]), np.array([]), self.method))
                continue
            ic, _ = find_peaks(heel_forward, prominence=prominence, distance=distance)
            fc, _ = find_peaks(-toe_forward, prominence=prominence, distance=distance)
            per_side.append(GaitEvents(side, _refined_extrema(t, heel_forward, ic),
                                       _refined_extrema(t, -toe_forward, fc), self.method))  # fmt: skip
        return VideoGaitEvents(per_side[0], per_side[1], forward, reason, travel)

    @property
    def method(self) -> str:
        """Short description of the detector with its reference."""
        return "video side view, heel/toe relative to the pelvis (Zeni et al. 2008)"
