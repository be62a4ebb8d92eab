"""Straight leg raise (SLR): peak hip flexion per trial, validity, and change between visits.

Definitions and thresholds from docs/clinical-terms.md section 1:
- The measure is hip flexion of the straight leg: the angle between the leg's long axis
  and the table. Camera: the leg axis is hip -> ankle (greater trochanter -> lateral
  malleolus) by default, hip -> knee on request; the reference is the lying trunk line
  (shoulder -> hip, continued past the hip), never the image's x axis: kinematics'
  ``<side>_leg_elevation_deg`` and ``<side>_hip_flexion_deg`` with the calibrated camera roll.
  Hip -> ankle is the default because it is the longer lever (landmark noise costs half the
  degrees of hip -> knee) and, with the knee straight, it is the leg's long axis; hip -> knee
  reads the thigh alone (the femur's hip flexion whatever the knee does).
- A bent knee invalidates a trial: knee flexion at the peak above KNEE_BEND_MAX_DEG
  (10 deg: docs/clinical-terms.md flags "above about 10-15 deg"; the lower end is used so that a
  goniometer-visible bend is never reported as hamstring length).
- Pelvic compensation: the trunk/pelvis line rotating, or the other thigh lifting, by more
  than COMPENSATION_MAX_DEG (5 deg, docs/clinical-terms.md) between rest and the peak invalidates the trial.
- Landmarks missing at a trial's peak: the trial is invalid with that reason and its peak
  is None; an angle is never guessed (cleaning fills gaps up to 0.25 s only).
- Shin sensor: inclination from gravity, zeroed with the leg flat (see ``shin_inclination_deg``).
  One shin sensor cannot see knee bend or pelvic compensation: reported as unknown (None).
- Per side: mean and SD of the valid trials. Between visits: the change is real when it is
  at least the MDC95 = 1.96 sqrt(2) SEM (docs/clinical-terms.md section 5; see ``mdc95_deg``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from motionrehab._frames import rows_dataframe
from motionrehab.capture.pose_track import PoseTrack
from motionrehab.errors import InvalidDataError, UnusableViewError
from motionrehab.events.repetitions import find_trial_peaks
from motionrehab.kinematics.angle_table import AngleTable
from motionrehab.kinematics.calibration import CameraCalibration
from motionrehab.kinematics.measure import AngleMeasurement, measure_angles
from motionrehab.sensors.imu_recording import ImuRecording
from motionrehab.signals.filters import lowpass_zero_phase

FloatArray = NDArray[np.float64]

#: knee flexion at the peak above which a trial is invalid, deg (docs/clinical-terms.md: about 10-15 deg)
KNEE_BEND_MAX_DEG = 10.0
#: trunk-line rotation or contralateral thigh lift above which a trial is invalid, deg (docs/clinical-terms.md: about 5 deg)
COMPENSATION_MAX_DEG = 5.0
#: a trial must rise at least this far above rest to count, deg (smaller wobbles are not raises)
MIN_TRIAL_PROMINENCE_DEG = 10.0
#: a trial starts (ends) where the leg leaves (returns to) its rest level by this much, deg:
#: about 5 x the frame-to-frame noise of the cleaned leg angle, so noise does not start a trial
TRIAL_START_DEG = 3.0
#: rest stretch before a trial from which the baselines of compensation are taken, s
BASELINE_S = 0.5
#: a gap is "at the peak" when the leg was above this share of the trial's rise while unseen
#: (cleaning already filled gaps up to 0.25 s; longer ones while the leg is high may hide the top)
HIDDEN_TOP_FRACTION = 0.5
#: the shin sensor's zeroing window at the start of the recording (leg flat, still), s
ZERO_WINDOW_S = 1.0
#: standard gravity, m/s^2 (the shin sensor's bias fit assumes the accelerometer reads |g| at rest)
GRAVITY_M_S2 = 9.80665

SIDES = ("left", "right")
LEG_AXES = ("hip_ankle", "hip_knee")


@dataclass(frozen=True)
class SlrTrial:
    """One straight-leg-raise trial.

    Attributes:
        index: 0-based trial number.
        t_start_s, t_peak_s, t_end_s: the leg leaves rest, reaches its peak, is back at rest, s.
        peak_deg: hip flexion of the leg at the peak, deg; None when the peak was not seen.
        onset_deg: the angle at the symptom-onset marker inside the trial, deg, or None.
        onset_t_s: the marker's time, s, or None.
        knee_flexion_at_peak_deg: knee flexion at the peak (camera), or None (sensor, or not seen).
        trunk_rotation_deg: trunk/pelvis line rotation from rest to the peak (camera; unsigned), or None.
        contralateral_thigh_lift_deg: the other thigh's lift from rest to the peak (camera;
            positive = lifted), or None.
        valid: True when none of the validity rules failed.
        invalid_reasons: plain-words reasons, empty when valid.
        unchecked: what could not be checked (e.g. the other thigh hidden), plain words.
        method: 'camera' or 'shin_sensor'.
    """

    index: int
    t_start_s: float
    t_peak_s: float
    t_end_s: float
    peak_deg: float | None
    onset_deg: float | None
    onset_t_s: float | None
    knee_flexion_at_peak_deg: float | None
    trunk_rotation_deg: float | None
    contralateral_thigh_lift_deg: float | None
    valid: bool
    invalid_reasons: tuple[str, ...]
    unchecked: tuple[str, ...]
    method: str

    @property
    def pelvic_compensation_deg(self) -> float | None:
        """The larger of trunk-line rotation and contralateral thigh lift, deg (None when neither was seen)."""
        seen = [v for v in (self.trunk_rotation_deg, self.contralateral_thigh_lift_deg) if v is not None]
        return max(seen) if seen else None

    def to_json_dict(self) -> dict[str, Any]:
        """The trial as plain JSON types."""
        return {
            "index": self.index, "t_start_s": round(self.t_start_s, 3), "t_peak_s": round(self.t_peak_s, 3),
            "t_end_s": round(self.t_end_s, 3), "peak_deg": _rounded(self.peak_deg), "onset_deg": _rounded(self.onset_deg),
            "onset_t_s": None if self.onset_t_s is None else round(self.onset_t_s, 3),
            "knee_flexion_at_peak_deg": _rounded(self.knee_flexion_at_peak_deg),
            "pelvic_compensation_deg": _rounded(self.pelvic_compensation_deg),
            "trunk_rotation_deg": _rounded(self.trunk_rotation_deg),
            "contralateral_thigh_lift_deg": _rounded(self.contralateral_thigh_lift_deg),
            "valid": self.valid, "invalid_reasons": list(self.invalid_reasons), "unchecked": list(self.unchecked),
            "method": self.method,
        }  # fmt: skip


def _rounded(value: float | None, digits: int = 2) -> float | None:
    return None if value is None or not math.isfinite(value) else round(float(value), digits)


@dataclass(frozen=True)
class SlrMeasurement:
    """All trials of one side, with the summary a clinician compares at rechecks.

    Attributes:
        side: 'left' or 'right'.
        trials: every trial found, valid or not.
        method: 'camera' or 'shin_sensor'.
        leg_axis: 'hip_ankle' or 'hip_knee' (camera), 'shin' (sensor).
        detection_rate: share (0-1) of frames in which the leg angle was measured (camera:
            its landmarks seen after cleaning) or of complete samples (sensor).
        notes: plain-words remarks (e.g. fewer trials than asked for).
    """

    side: str
    trials: tuple[SlrTrial, ...]
    method: str
    leg_axis: str
    detection_rate: float
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def valid_peaks_deg(self) -> FloatArray:
        """Peak angles of the valid trials, deg."""
        return np.array([t.peak_deg for t in self.trials if t.valid and t.peak_deg is not None], dtype=np.float64)

    @property
    def n_valid(self) -> int:
        """Number of valid trials."""
        return int(self.valid_peaks_deg.size)

    @property
    def mean_deg(self) -> float:
        """Mean peak of the valid trials, deg (NaN with none)."""
        peaks = self.valid_peaks_deg
        return float(peaks.mean()) if peaks.size else float("nan")

    @property
    def sd_deg(self) -> float:
        """Sample SD (n - 1) of the valid trials' peaks, deg (NaN with fewer than 2)."""
        peaks = self.valid_peaks_deg
        return float(peaks.std(ddof=1)) if peaks.size >= 2 else float("nan")

    def to_dataframe(self) -> Any:
        """A pandas DataFrame, one row per trial (angles in deg, validity and its reasons); the result's summary values are in ``frame.attrs``."""
        return rows_dataframe(self.trials, SlrTrial, {"side": self.side, "method": self.method, "leg_axis": self.leg_axis, "detection_rate": self.detection_rate, "notes": self.notes})

    def to_json_dict(self) -> dict[str, Any]:
        """The measurement with the keys of `motionrehab measure slr --json`."""
        return {
            "side": self.side, "method": self.method, "leg_axis": self.leg_axis,
            "trials": [t.to_json_dict() for t in self.trials],
            "n_trials": len(self.trials), "n_valid": self.n_valid,
            "mean_deg": _rounded(self.mean_deg), "sd_deg": _rounded(self.sd_deg),
            "detection_rate": round(self.detection_rate, 3), "notes": list(self.notes),
        }  # fmt: skip


# ----------------------------------------------------------------------------- trial finding


@dataclass(frozen=True)
class _Window:
    """Sample indices of one trial: rest before it (baseline), start, peak (on the bridged signal), end."""

    baseline: slice
    start: int
    peak: int
    end: int
    rest_deg: float
    top_deg: float


def _bridge(t_s: FloatArray, values: FloatArray) -> FloatArray:
    """``values`` with gaps joined by straight lines: for FINDING trials only, never for measuring them."""
    finite = np.isfinite(values)
    if finite.sum() < 2:
        return np.full_like(values, np.nan)
    return np.interp(t_s, t_s[finite], values[finite])


def _find_windows(t_s: FloatArray, values: FloatArray) -> list[_Window]:
    """Trials as prominent peaks of the leg angle (gaps bridged, so a hidden top is still one trial)."""
    bridged = _bridge(t_s, values)
    if not np.isfinite(bridged).any():
        return []
    peaks = find_trial_peaks(t_s, bridged, min_prominence=MIN_TRIAL_PROMINENCE_DEG, min_separation_s=1.0)
    rate = 1.0 / float(np.median(np.diff(t_s)))
    windows = []
    for number, peak in enumerate(peaks):
        lo = peaks[number - 1].index if number else 0
        hi = peaks[number + 1].index if number + 1 < len(peaks) else t_s.size - 1
        valley_before = lo + int(np.argmin(bridged[lo : peak.index + 1]))
        valley_after = peak.index + int(np.argmin(bridged[peak.index : hi + 1]))
        rest_before, rest_after = float(bridged[valley_before]), float(bridged[valley_after])
        rising = np.flatnonzero(bridged[valley_before : peak.index + 1] <= rest_before + TRIAL_START_DEG)
        start = valley_before + int(rising[-1]) if rising.size else valley_before
        falling = np.flatnonzero(bridged[peak.index : valley_after + 1] <= rest_after + TRIAL_START_DEG)
        end = peak.index + int(falling[0]) if falling.size else valley_after
        baseline = slice(max(valley_before, start - int(round(BASELINE_S * rate))), start + 1)
        windows.append(_Window(baseline, start, peak.index, end, rest_before, float(bridged[peak.index])))
    return windows


def _baseline(values: FloatArray, window: _Window) -> float:
    rest = values[window.baseline]
    rest = rest[np.isfinite(rest)]
    return float(np.median(rest)) if rest.size else float("nan")


def _onset(t_s: FloatArray, values: FloatArray, onset_times_s: Sequence[float], t_from: float, t_to: float) -> tuple[float | None, float | None, str | None]:
    """(marker time, angle at it, problem) for the first marker in [t_from, t_to]."""
    marker = next((float(t) for t in sorted(onset_times_s) if t_from <= t <= t_to), None)
    if marker is None:
        return None, None, None
    after = int(np.searchsorted(t_s, marker))
    neighbours = values[max(0, after - 1) : after + 1]
    if neighbours.size == 0 or not np.isfinite(neighbours).all():
        return marker, None, f"the symptom marker at {marker:.2f} s fell where the leg's angle was not measured (not seen, or moving without a gyroscope)"
    return marker, float(np.interp(marker, t_s, values)), None


def _missing_landmarks(track: PoseTrack | None, names: Sequence[str], frames: NDArray[np.intp]) -> str:
    if track is None or frames.size == 0:
        return "leg landmarks"
    missing = [n.replace("_", " ") for n in names if not np.isfinite(track.landmark_px(n)[frames]).all()]
    return ", ".join(missing) if missing else "leg landmarks"


def measure_slr_camera(
    angles: AngleTable,
    side: str,
    *,
    leg_axis: str = "hip_ankle",
    onset_times_s: Sequence[float] = (),
    expected_trials: int | None = None,
    cleaned: PoseTrack | None = None,
) -> SlrMeasurement:
    """SLR trials of one side from camera angles (side view, lying supine, camera roll calibrated).

    Args:
        angles: the angles of the cleaned pose track (``kinematics.measure.measure_angles``).
        side: the leg raised, 'left' or 'right'.
        leg_axis: 'hip_ankle' (default, docs/clinical-terms.md) or 'hip_knee'.
        onset_times_s: symptom-onset marker times, s (same clock as ``angles.t_s``); the angle
            at the first marker inside a trial is reported for that trial.
        expected_trials: how many trials were asked for (a note is added when the count differs).
        cleaned: the cleaned track, only to name the landmarks missing at a hidden peak.
    """
    if side not in SIDES:
        raise InvalidDataError(f"side must be 'left' or 'right', got {side!r}", fix="say which leg is raised: --side left|right")
    if leg_axis not in LEG_AXES:
        raise InvalidDataError(f"leg axis must be 'hip_ankle' or 'hip_knee', got {leg_axis!r}", fix="use --leg-axis hip_ankle or hip_knee")
    other = "right" if side == "left" else "left"
    t_s = angles.t_s
    leg = angles[f"{side}_leg_elevation_deg" if leg_axis == "hip_ankle" else f"{side}_hip_flexion_deg"]
    knee = angles[f"{side}_knee_flexion_deg"]
    trunk = angles["trunk_inclination_deg"]
    other_thigh = angles[f"{other}_hip_flexion_deg"]
    end_landmark = "ankle" if leg_axis == "hip_ankle" else "knee"
    leg_landmarks = [f"{side}_shoulder", f"{other}_shoulder", f"{side}_hip", f"{side}_knee", f"{side}_{end_landmark}"]
    trials = []
    bridged = _bridge(t_s, leg)
    for number, w in enumerate(_find_windows(t_s, leg)):
        reasons: list[str] = []
        unchecked: list[str] = []
        inside = np.arange(w.start, w.end + 1)
        seen = inside[np.isfinite(leg[inside])]
        rise = w.top_deg - w.rest_deg
        hidden = inside[~np.isfinite(leg[inside]) & (bridged[inside] >= w.rest_deg + HIDDEN_TOP_FRACTION * rise)]
        peak_deg: float | None = None
        peak = w.peak
        if hidden.size or not seen.size:
            unseen_s = hidden.size * float(np.median(np.diff(t_s)))
            what = _missing_landmarks(cleaned, leg_landmarks, hidden)
            reasons.append(f"landmarks missing at the peak ({what} not seen for {unseen_s:.1f} s while the leg was up): "
                           "the angle was not measured, not guessed")  # fmt: skip
        else:
            peak = int(seen[np.argmax(leg[seen])])
            peak_deg = float(leg[peak])
        # knee and compensation are read at the measured peak only: at a hidden one they mean nothing
        knee_deg: float | None = float(knee[peak]) if peak_deg is not None else None
        if knee_deg is None or not math.isfinite(knee_deg):
            knee_deg = None
            if peak_deg is not None:
                reasons.append("knee not seen at the peak: a bent knee cannot be ruled out")
        elif knee_deg > KNEE_BEND_MAX_DEG:
            reasons.append(f"knee bent {knee_deg:.0f} deg at the peak (more than {KNEE_BEND_MAX_DEG:.0f} deg)")
        rotation: float | None = abs(float(trunk[peak]) - _baseline(trunk, w)) if peak_deg is not None else None
        if rotation is None or not math.isfinite(rotation):
            rotation = None
            if peak_deg is not None:
                unchecked.append("trunk line not seen at rest and peak: its rotation was not checked")
        elif rotation > COMPENSATION_MAX_DEG:
            reasons.append(f"pelvic compensation: trunk line rotated {rotation:.0f} deg (more than {COMPENSATION_MAX_DEG:.0f} deg)")
        lift: float | None = float(other_thigh[peak]) - _baseline(other_thigh, w) if peak_deg is not None else None
        if lift is None or not math.isfinite(lift):
            lift = None
            if peak_deg is not None:
                unchecked.append("other thigh not seen at rest and peak: its lift was not checked")
        elif lift > COMPENSATION_MAX_DEG:
            reasons.append(f"pelvic compensation: other thigh lifted {lift:.0f} deg (more than {COMPENSATION_MAX_DEG:.0f} deg)")
        t_from = float(t_s[w.baseline.start])
        t_to = float(t_s[w.end])
        onset_t, onset_deg, problem = _onset(t_s, leg, onset_times_s, t_from, t_to)
        if problem:
            unchecked.append(problem)
        trials.append(SlrTrial(
            index=number, t_start_s=float(t_s[w.start]), t_peak_s=float(t_s[peak]), t_end_s=float(t_s[w.end]),
            peak_deg=peak_deg, onset_deg=onset_deg, onset_t_s=onset_t, knee_flexion_at_peak_deg=knee_deg,
            trunk_rotation_deg=rotation, contralateral_thigh_lift_deg=lift, valid=not reasons,
            invalid_reasons=tuple(reasons), unchecked=tuple(unchecked), method="camera",
        ))  # fmt: skip
    rate = float(np.isfinite(leg).mean()) if leg.size else 0.0
    return SlrMeasurement(side, tuple(trials), "camera", leg_axis, rate, _count_notes(len(trials), expected_trials))


@dataclass(frozen=True)
class SlrCameraAnalysis:
    """The camera measurement and the angles it was read from (for --out and checks)."""

    result: SlrMeasurement
    measurement: AngleMeasurement


def measure_slr_track(
    track: PoseTrack,
    side: str,
    *,
    calibration: CameraCalibration | None = None,
    leg_axis: str = "hip_ankle",
    onset_times_s: Sequence[float] = (),
    expected_trials: int | None = None,
) -> SlrCameraAnalysis:
    """Clean, calibrate and measure a pose track of supine SLR trials (the path every camera input takes).

    Refuses a recording where the person does not lie down: the SLR's reference is the lying
    trunk line, and a standing or seated body frame would make its angles meaningless.
    """
    measurement = measure_angles(track, calibration, cutoff_hz="auto")
    if not measurement.body_frame.lying:
        raise UnusableViewError("the person does not lie down in this recording: the SLR is measured lying on the back",
                                where=track.source or "pose track",
                                fix="film from the side at hip height, the whole body lying in view, the raised leg nearest the camera")  # fmt: skip
    result = measure_slr_camera(measurement.angles, side, leg_axis=leg_axis, onset_times_s=onset_times_s,
                                expected_trials=expected_trials, cleaned=measurement.cleaned)  # fmt: skip
    return SlrCameraAnalysis(result, measurement)


def _count_notes(found: int, expected: int | None) -> tuple[str, ...]:
    if expected is not None and found != expected:
        return (f"{found} trial(s) found, {expected} expected",)
    return ()


# ----------------------------------------------------------------------------- shin sensor


def _still_stretches(t_s: FloatArray, gyr_deg_s: FloatArray, max_rate_deg_s: float, min_s: float) -> list[slice]:
    """Stretches of at least ``min_s`` where the angular rate stays below ``max_rate_deg_s`` (padded by 0.25 s).

    The padding keeps out the ends of each movement, where the rate is already small but the
    tangential acceleration is not (minimum-jerk starts: peak angular acceleration at zero rate).
    """
    rate_hz = 1.0 / float(np.median(np.diff(t_s)))
    moving = ~(np.linalg.norm(np.nan_to_num(gyr_deg_s, nan=np.inf), axis=1) < max_rate_deg_s)
    pad = max(1, int(round(0.25 * rate_hz)))
    if moving.any():
        kernel = np.ones(2 * pad + 1)
        moving = np.convolve(moving.astype(np.float64), kernel, mode="same") > 0
    stretches, start = [], None
    for i, m in enumerate(np.append(moving, True)):
        if not m and start is None:
            start = i
        elif m and start is not None:
            if (i - start) / rate_hz >= min_s:
                stretches.append(slice(start, i))
            start = None
    return stretches


def _fit_accelerometer_bias(points: FloatArray, gravity_m_s2: float = GRAVITY_M_S2, ridge: float = 0.1) -> FloatArray:
    """Bias b (3,) such that the still readings lie on a sphere of radius |g| around b.

    Gauss-Newton on sum(|p_i - b| - g)^2 + ridge * |b|^2. A leg raise turns the shin about one
    axis, so the still readings lie on one circle and the bias along that axis is barely
    determined: the ridge (in units of the residual, m/s^2 per m/s^2) keeps it near 0, where it
    only changes the angle to second order. The in-plane bias is what tilts the angle.
    """
    b = np.zeros(3)
    for _ in range(20):
        diff = points - b
        norm = np.linalg.norm(diff, axis=1)
        residual = np.concatenate([norm - gravity_m_s2, math.sqrt(ridge) * b])
        jacobian = np.vstack([-diff / norm[:, None], math.sqrt(ridge) * np.eye(3)])
        step, *_ = np.linalg.lstsq(jacobian, -residual, rcond=None)
        b = b + step
        if np.linalg.norm(step) < 1e-9:
            break
    return b


def _bridge_with_gyro(t_s: FloatArray, from_gravity_deg: FloatArray, gyr_deg_s: FloatArray, still: list[slice]) -> FloatArray:
    """Gravity's angle where the shin is still; between still stretches the gyroscope's, drift-corrected.

    While the leg moves, its acceleration (r theta'' along the shin's normal, r theta'^2 along
    it) adds to gravity and tilts the accelerometer's angle (3 deg at the end of a brisk
    90-deg raise, measured on the synthetic sensor). The rotation rate about the raise's axis
    (the gyro's main direction), integrated from one still stretch to the next and corrected
    linearly to meet gravity's angle at both ends (gyro bias and drift), carries the angle there.
    """
    gyr = np.nan_to_num(gyr_deg_s - np.mean(np.vstack([gyr_deg_s[s] for s in still]), axis=0), nan=0.0)
    moving = np.linalg.norm(gyr, axis=1) > 10.0
    if moving.sum() < 3:
        return from_gravity_deg
    _, _, vt = np.linalg.svd(gyr[moving], full_matrices=False)
    rate = gyr @ vt[0]
    angle = from_gravity_deg.copy()
    gaps = [(a.stop - 1, b.start) for a, b in zip(still[:-1], still[1:], strict=True)]
    integrals = []
    for a, b in gaps:
        turned = np.concatenate([[0.0], np.cumsum(0.5 * (rate[a + 1 : b + 1] + rate[a:b]) * np.diff(t_s[a : b + 1]))])
        integrals.append(turned)
    # the sign of the axis: the integrated turn must go the way gravity's angle goes
    sign = 1.0 if sum(i[-1] * (from_gravity_deg[b] - from_gravity_deg[a]) for i, (a, b) in zip(integrals, gaps, strict=True)) >= 0 else -1.0
    for turned, (a, b) in zip(integrals, gaps, strict=True):
        path = from_gravity_deg[a] + sign * turned
        drift = path[-1] - from_gravity_deg[b]
        angle[a : b + 1] = path - drift * (t_s[a : b + 1] - t_s[a]) / (t_s[b] - t_s[a])
    return angle


@dataclass(frozen=True)
class ShinInclination:
    """The shin's inclination from its zero (leg flat) position.

    Attributes:
        t_s: sample times, s.
        inclination_deg: angle of the shin from its zero position, deg (unsigned: an SLR only raises the leg).
        bias_m_s2: the accelerometer bias removed (3,), m/s^2 (zeros when it could not be fitted).
        zero_t_s: (start, end) of the still, leg-flat stretch used as zero, s.
        note: one sentence: how the zero and the bias were found.
    """

    t_s: FloatArray
    inclination_deg: FloatArray
    bias_m_s2: FloatArray
    zero_t_s: tuple[float, float]
    note: str


def shin_inclination(
    recording: ImuRecording,
    *,
    cutoff_hz: float = 2.0,
    max_still_rate_deg_s: float = 5.0,
    gravity_m_s2: float = GRAVITY_M_S2,
) -> ShinInclination:
    """Inclination of a shin sensor from gravity, zeroed with the leg flat (docs/clinical-terms.md section 1).

    1. The accelerometer is low-passed at ``cutoff_hz`` (2 Hz: a raise takes seconds; noise and
       tremor above that go).
    2. Still stretches (angular rate below ``max_still_rate_deg_s`` for 0.5 s or more) are where
       the accelerometer reads gravity plus its bias only. The first one (the leg flat, before
       the first raise) is the zero. When the still readings span 15 deg or more (rest and the
       holds at the top), the bias is fitted: the readings must lie |g| from it (a 0.1 m/s^2
       bias would otherwise tilt a 90-deg reading by up to 0.6 deg).
    3. The inclination is the angle between each bias-free reading and the zero reading: it
       does not depend on how the sensor is turned on the shin.
    """
    t_s = recording.t_s
    if t_s.size < 10:
        raise InvalidDataError("the recording is too short to measure a leg raise", where=recording.source, fix="record the whole test")
    rate_hz = recording.sampling_rate_hz
    acc = np.asarray(recording.acc_m_s2, dtype=np.float64)
    finite = np.isfinite(acc).all(axis=1)
    if finite.sum() < 10:
        raise InvalidDataError("the accelerometer has no usable samples", where=recording.source)
    raw = np.stack([np.interp(t_s, t_s[finite], acc[finite, k]) for k in range(3)], axis=1)
    acc = lowpass_zero_phase(raw, rate_hz, cutoff_hz)
    gyr = np.asarray(recording.gyr_deg_s, dtype=np.float64)
    has_gyro = bool(np.isfinite(gyr).all(axis=1).mean() > 0.9)
    if not has_gyro:
        # no gyroscope: stillness from the accelerometer's own change (deg/s of its direction)
        unit = acc / np.linalg.norm(acc, axis=1, keepdims=True)
        turn = np.degrees(np.linalg.norm(np.gradient(unit, t_s, axis=0), axis=1))
        gyr = np.column_stack([turn, np.zeros_like(turn), np.zeros_like(turn)])
    still = _still_stretches(t_s, gyr, max_still_rate_deg_s, 0.3)
    if not still:
        raise InvalidDataError("no still stretch found to zero the shin sensor", where=recording.source,
                               fix="start with the leg flat and still for a second, and hold each raise at the top")  # fmt: skip
    # still readings unfiltered: the low-pass would smear the end of a movement into the hold
    points = np.array([raw[s].mean(axis=0) for s in still])
    zero_dir = points[0] / np.linalg.norm(points[0])
    spread = float(np.degrees(np.max(np.arccos(np.clip(points @ zero_dir / np.linalg.norm(points, axis=1), -1.0, 1.0)))))
    bias = np.zeros(3)
    note = "zeroed on the first still stretch"
    if len(still) >= 3 and spread >= 15.0:
        bias = _fit_accelerometer_bias(points, gravity_m_s2)
        note += f"; accelerometer bias {np.linalg.norm(bias):.2f} m/s^2 fitted on {len(still)} still stretches"
    else:
        note += "; too few still positions to fit the accelerometer bias (up to 0.6 deg error at 90 deg per 0.1 m/s^2)"
    zero = points[0] - bias
    zero /= np.linalg.norm(zero)

    def angle_deg(vectors: FloatArray) -> FloatArray:
        unit = (vectors - bias) / np.linalg.norm(vectors - bias, axis=-1, keepdims=True)
        return np.degrees(np.arccos(np.clip(unit @ zero, -1.0, 1.0)))

    from_gravity = angle_deg(acc)
    if has_gyro:
        # each still stretch reads its mean (noise averages out; a max would read the noise's peak)
        for stretch, point in zip(still, points, strict=True):
            from_gravity[stretch] = angle_deg(point[None, :])[0]
        inclination = _bridge_with_gyro(t_s, from_gravity, np.asarray(recording.gyr_deg_s, dtype=np.float64), still)
        note += "; between still stretches the gyroscope carries the angle (movement accelerations tilt gravity's reading)"
    else:
        # without a gyroscope nothing carries the angle while the leg moves (its acceleration
        # tilts gravity's reading by degrees): the angle exists only where the leg is still
        inclination = np.full_like(from_gravity, np.nan)
        for stretch, point in zip(still, points, strict=True):
            inclination[stretch] = angle_deg(point[None, :])[0]
        note += "; no gyroscope: the angle is read only where the leg is still (hold each raise at the top)"
    zero_span = (float(t_s[still[0].start]), float(t_s[still[0].stop - 1]))
    return ShinInclination(t_s, inclination, bias, zero_span, note)


def measure_slr_sensor(
    recording: ImuRecording,
    side: str,
    *,
    onset_times_s: Sequence[float] = (),
    expected_trials: int | None = None,
) -> SlrMeasurement:
    """SLR trials from a shin-mounted inertial sensor (see ``shin_inclination``); same output as the camera.

    One shin sensor cannot see knee bend or pelvic compensation: those are None and listed as
    unchecked, so a clinician checks them by eye.
    """
    if side not in SIDES:
        raise InvalidDataError(f"side must be 'left' or 'right', got {side!r}", fix="say which leg is raised: --side left|right")
    shin = shin_inclination(recording)
    t_s, angle = shin.t_s, shin.inclination_deg
    unseen = ("knee bend and pelvic compensation: one shin sensor cannot see them",)
    trials = []
    for number, w in enumerate(_find_windows(t_s, angle)):
        inside = np.arange(w.start, w.end + 1)
        inside = inside[np.isfinite(angle[inside])]
        if not inside.size:
            continue
        peak = int(inside[np.argmax(angle[inside])])
        onset_t, onset_deg, problem = _onset(t_s, angle, onset_times_s, float(t_s[w.baseline.start]), float(t_s[w.end]))
        trials.append(SlrTrial(
            index=number, t_start_s=float(t_s[w.start]), t_peak_s=float(t_s[peak]), t_end_s=float(t_s[w.end]),
            peak_deg=float(angle[peak]), onset_deg=onset_deg, onset_t_s=onset_t, knee_flexion_at_peak_deg=None,
            trunk_rotation_deg=None, contralateral_thigh_lift_deg=None, valid=True, invalid_reasons=(),
            unchecked=unseen + ((problem,) if problem else ()), method="shin_sensor",
        ))  # fmt: skip
    rate = float(np.isfinite(recording.acc_m_s2).all(axis=1).mean())
    return SlrMeasurement(side, tuple(trials), "shin_sensor", "shin", rate, (shin.note, *_count_notes(len(trials), expected_trials)))


# ----------------------------------------------------------------------------- both methods, visits


@dataclass(frozen=True)
class TrialDifference:
    """Camera and sensor peaks of the same trial (paired by peak time).

    Attributes:
        camera_index, sensor_index: the trial's index in each measurement.
        camera_peak_deg, sensor_peak_deg: the peaks, deg (camera None when its peak was hidden).
    """

    camera_index: int
    sensor_index: int
    camera_peak_deg: float | None
    sensor_peak_deg: float | None

    @property
    def difference_deg(self) -> float | None:
        """Camera minus sensor, deg (None when either is missing)."""
        if self.camera_peak_deg is None or self.sensor_peak_deg is None:
            return None
        return self.camera_peak_deg - self.sensor_peak_deg

    def to_json_dict(self) -> dict[str, Any]:
        """Plain JSON types."""
        return {"camera_index": self.camera_index, "sensor_index": self.sensor_index, "camera_peak_deg": _rounded(self.camera_peak_deg),
                "sensor_peak_deg": _rounded(self.sensor_peak_deg), "difference_deg": _rounded(self.difference_deg)}  # fmt: skip


def compare_methods(camera: SlrMeasurement, sensor: SlrMeasurement, *, sensor_offset_s: float = 0.0, max_apart_s: float = 1.5) -> tuple[TrialDifference, ...]:
    """Pair camera and sensor trials whose peaks are within ``max_apart_s`` (sensor time + ``sensor_offset_s`` = camera time)."""
    pairs = []
    used: set[int] = set()
    for trial in camera.trials:
        candidates = [s for s in sensor.trials if s.index not in used and abs(s.t_peak_s + sensor_offset_s - trial.t_peak_s) <= max_apart_s]
        if candidates:
            match = min(candidates, key=lambda s: abs(s.t_peak_s + sensor_offset_s - trial.t_peak_s))
            used.add(match.index)
            pairs.append(TrialDifference(trial.index, match.index, trial.peak_deg, match.peak_deg))
    return tuple(pairs)


def mdc95_deg(sem_deg: float) -> float:
    """MDC95 = 1.96 x sqrt(2) x SEM (docs/clinical-terms.md section 5), deg."""
    return 1.96 * math.sqrt(2.0) * sem_deg


@dataclass(frozen=True)
class SlrChange:
    """Latest visit against the previous one, one side.

    Attributes:
        previous_mean_deg, latest_mean_deg: the two visits' means of valid trials, deg.
        mdc95_deg: the minimal detectable change used, deg.
        mdc_source: plain words: 'configured' or how it was estimated.
    """

    previous_mean_deg: float
    latest_mean_deg: float
    mdc95_deg: float
    mdc_source: str

    @property
    def change_deg(self) -> float:
        """Latest minus previous, deg (positive = the leg goes higher)."""
        return self.latest_mean_deg - self.previous_mean_deg

    @property
    def exceeds_mdc(self) -> bool:
        """True when the change is at least the MDC95 (more than measurement error)."""
        return abs(self.change_deg) >= self.mdc95_deg

    def to_json_dict(self) -> dict[str, Any]:
        """Plain JSON types."""
        return {"previous_mean_deg": _rounded(self.previous_mean_deg), "latest_mean_deg": _rounded(self.latest_mean_deg),
                "change_deg": _rounded(self.change_deg), "mdc95_deg": _rounded(self.mdc95_deg), "mdc_source": self.mdc_source,
                "exceeds_mdc": self.exceeds_mdc}  # fmt: skip


def compare_with_previous(
    latest: SlrMeasurement,
    previous_mean_deg: float,
    previous_sd_deg: float | None = None,
    *,
    previous_n: int = 3,
    configured_mdc_deg: float | None = None,
) -> SlrChange:
    """The change since the previous visit and whether it exceeds the MDC95.

    Without a configured MDC, SEM is estimated from the trials themselves: the SD of one
    person's repeated trials is the within-subject SD, which is the SEM (the ICC form
    SEM = SD sqrt(1 - ICC) needs a group's between-subject SD, which one patient has not).
    Both visits' SDs are pooled (each weighted by n - 1). Trials within one visit vary less
    than visits do, so this MDC is a lower bound: configure the clinic's own value when known.
    """
    if not math.isfinite(latest.mean_deg):
        raise InvalidDataError("no valid trial in this measurement: nothing to compare", fix="repeat the test with the knee straight and the pelvis still")
    if configured_mdc_deg is not None:
        return SlrChange(previous_mean_deg, latest.mean_deg, configured_mdc_deg, "configured")
    parts = []
    if latest.n_valid >= 2:
        parts.append((latest.n_valid - 1, latest.sd_deg**2))
    if previous_sd_deg is not None and math.isfinite(previous_sd_deg) and previous_n >= 2:
        parts.append((previous_n - 1, previous_sd_deg**2))
    if not parts:
        raise InvalidDataError("not enough valid trials to estimate the MDC", fix="measure 3 trials per visit, or configure an MDC (--mdc-deg)")
    pooled = math.sqrt(sum(dof * var for dof, var in parts) / sum(dof for dof, _ in parts))
    return SlrChange(previous_mean_deg, latest.mean_deg, mdc95_deg(pooled), f"1.96 x sqrt(2) x pooled trial SD {pooled:.1f} deg")
