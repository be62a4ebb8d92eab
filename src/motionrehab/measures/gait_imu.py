"""Gait from inertial sensors: foot (events + ZUPT stride length), shank, lower back, phone.

Frames (see docs/gait.md): foot sensors in gaitmap's foot sensor frame (x forward to the
toe, y left, z up); shank sensors ``shin_anterior`` (x up the shin, y left, z anterior);
lower-back sensors in mobgap's frame (x up, y right, z forward); phones in the Android
device frame (only the acceleration magnitude is used). The earth frame of the
orientation estimate is z up (signals/orientation.py).

Foot-mounted IMU stride length: zero-velocity-update (ZUPT) strapdown integration
(Foxlin 2005, IEEE CG&A 25(6):38; Skog et al. 2010, IEEE TBME 57(11):2657): find the
still samples of each stance, estimate orientation with imufusion's AHRS (gyro bias
removed from still periods), rotate acceleration to the earth frame, remove gravity,
integrate to velocity, force velocity to zero on still samples with a linear de-drift
over each movement between them, integrate to position. Stride length is the
horizontal distance between the mid-stance positions that frame the stride (as gaitmap
computes its reference from motion capture), so distance is measured along the path and
turns are handled: the stride that contains a heading change above 45 deg is flagged.

Lower back: step length from the inverted-pendulum model (Zijlstra & Hof 2003, Gait
Posture 18(2):1): SL = K x 2 sqrt(2 l h - h^2), l = leg length (sensor height), h =
vertical excursion of the sensor within the step from double-integrated, high-pass
filtered earth-vertical acceleration. K is an empirical correction (1.0 = the bare
model; Zijlstra & Hof report the model underestimates, Zijlstra 2004 used 1.25).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray
from scipy.integrate import cumulative_trapezoid
from scipy.ndimage import uniform_filter1d
from scipy.signal import butter, sosfiltfilt

from motionrehab.errors import InvalidDataError
from motionrehab.events.gait_events import (
    FootEventDetector,
    GaitEvents,
    PhoneStepDetector,
    ShankEventDetector,
    resample_uniform,
)
from motionrehab.events.lumbar_gait import LumbarGaitDetector
from motionrehab.measures.gait import (
    MAX_STRIDE_TIME_S,
    GaitResult,
    Stride,
    TurnSummary,
    WalkingBout,
    strides_from_events,
    summarize_gait,
)
from motionrehab.sensors.imu_recording import ImuRecording
from motionrehab.sensors.sanity import sanitized
from motionrehab.signals.orientation import estimate_gyro_bias_deg_s, estimate_orientation
from motionrehab.signals.segments import split_at_holes

FloatArray = NDArray[np.float64]

#: heading change within one stride above which it is reported as a turn stride (deg)
TURN_THRESHOLD_DEG = 45.0


@dataclass(frozen=True, eq=False)
class FootTrajectory:
    """ZUPT result for one walking bout of a foot sensor.

    Attributes:
        t_s: (n,) sample times (s).
        position_m: (n, 3) sensor position in the earth frame (z up, x = initial heading), m.
        velocity_m_s: (n, 3) velocity, m/s (zero on still samples).
        still: (n,) True where the foot was taken to be at rest (zero-velocity update).
        heading_deg: (n,) heading of the sensor x axis, unwrapped, deg (left turn positive).
    """

    t_s: FloatArray
    position_m: FloatArray
    velocity_m_s: FloatArray
    still: NDArray[np.bool_]
    heading_deg: FloatArray


@dataclass(frozen=True)
class ZuptIntegrator:
    """Zero-velocity-update integration of a foot-mounted IMU (Foxlin 2005; Skog et al. 2010).

    Args:
        still_gyr_deg_s: a sample is still when the 50 ms mean of |gyr| is below this
            (default 40 deg/s; gaitmap's example stance reads 2-6 deg/s, swing 300-700).
        still_acc_m_s2: ... and the 50 ms mean of ||acc| - g| is below this (default 1.5 m/s^2).
        window_s: averaging window of the still test (default 0.05 s).
        ahrs_gain: imufusion gain while the foot moves (default 0.1: mostly gyroscope;
            the accelerometer reads swing accelerations, not only gravity).
        still_gain: imufusion gain on still samples (default 2.0: tilt is corrected from
            gravity at every mid-stance, the attitude part of a zero-velocity update).
        acceleration_rejection_deg: imufusion acceleration rejection (default 0 = off;
            with imufusion 1.3 a rejected accelerometer did not recover from a 30 deg
            error within 10 s in our check, and rejection gave larger errors on gaitmap).
        remove_gyro_bias: subtract the median still-sample gyro reading first (default
            False: on gaitmap's example the estimate was biased by slow movements and
            worsened tilt; the still-sample correction handles drift instead).

    Defaults were chosen on gaitmap's example recording (the only real foot data we
    have): mean stride-length error -0.7 %, SD 5.6 cm over 28 strides.
    """

    still_gyr_deg_s: float = 40.0
    still_acc_m_s2: float = 1.5
    window_s: float = 0.05
    ahrs_gain: float = 0.1
    acceleration_rejection_deg: float = 0.0
    remove_gyro_bias: bool = False
    still_gain: float | None = 2.0

    def still_mask(self, recording: ImuRecording) -> NDArray[np.bool_]:
        """Samples taken as zero velocity (foot flat on the ground)."""
        size = max(1, int(round(self.window_s * recording.sampling_rate_hz)))
        gyr = np.linalg.norm(np.nan_to_num(recording.gyr_deg_s), axis=1)
        acc = np.linalg.norm(np.nan_to_num(recording.acc_m_s2), axis=1)
        local_g = float(np.median(acc[gyr < self.still_gyr_deg_s])) if np.any(gyr < self.still_gyr_deg_s) else 9.80665
        still = (uniform_filter1d(gyr, size) < self.still_gyr_deg_s) & (
            uniform_filter1d(np.abs(acc - local_g), size) < self.still_acc_m_s2
        )
        return np.asarray(still, dtype=bool)

    def integrate(self, recording: ImuRecording, anchors: NDArray[np.intp] | None = None) -> FootTrajectory:
        """Integrate one bout. ``anchors``: sample indices forced to zero velocity (mid-stance)."""
        t = recording.t_s
        acc = np.nan_to_num(recording.acc_m_s2)
        still = self.still_mask(recording)
        if anchors is not None and anchors.size:
            still[anchors] = True
        if not still.any():
            raise InvalidDataError(
                "the foot never rests: no zero-velocity samples for ZUPT",
                where=recording.source or "foot sensor",
                fix="check that the sensor is on the foot (not the shank) and the recording includes standing",
            )
        gyr = np.nan_to_num(recording.gyr_deg_s)
        if self.remove_gyro_bias:
            gyr = gyr - estimate_gyro_bias_deg_s(recording.gyr_deg_s, still)
        # The recording (bout) starts still, which sets the initial tilt from gravity.
        track = estimate_orientation(
            t,
            acc,
            gyr,
            gain=self.ahrs_gain,
            acceleration_rejection_deg=self.acceleration_rejection_deg,
            still=None if self.still_gain is None else still,
            still_gain=self.still_gain or 0.0,
        )
        local_g = float(np.median(np.linalg.norm(acc[still], axis=1)))
        free = track.to_earth(acc)
        free[:, 2] -= local_g  # the sensor's own reading of 1 g (gaitmap's reads about 9.45)
        raw = cumulative_trapezoid(free, t, axis=0, initial=0.0)
        # Linear de-drift between zero-velocity samples: every sample belongs to the
        # interval [last still sample before it, first still sample after it].
        index = np.arange(t.size)
        still_index = np.flatnonzero(still)
        before = still_index[np.clip(np.searchsorted(still_index, index, side="right") - 1, 0, None)]
        after = still_index[np.clip(np.searchsorted(still_index, index, side="left"), None, still_index.size - 1)]
        before = np.minimum(before, index)
        after = np.maximum(after, index)
        span = t[after] - t[before]
        fraction = np.divide(t - t[before], span, out=np.zeros_like(t), where=span > 0)
        velocity = raw - raw[before] - fraction[:, None] * (raw[after] - raw[before])
        velocity[still] = 0.0
        position = cumulative_trapezoid(velocity, t, axis=0, initial=0.0)
        return FootTrajectory(
            t_s=t, position_m=position, velocity_m_s=velocity, still=still, heading_deg=track.heading_deg()
        )


def _slice(recording: ImuRecording, start: int, stop: int) -> ImuRecording:
    return ImuRecording(
        t_s=recording.t_s[start:stop],
        acc_m_s2=recording.acc_m_s2[start:stop],
        gyr_deg_s=recording.gyr_deg_s[start:stop],
        mag_uT=None if recording.mag_uT is None else recording.mag_uT[start:stop],
        placement=recording.placement,
        side=recording.side,
        axis_convention=recording.axis_convention,
        device=recording.device,
        source=recording.source,
    )


def _bouts(t_ic: FloatArray, max_gap_s: float) -> list[tuple[int, int]]:
    """Index ranges [first, last] of ICs with no gap longer than max_gap_s."""
    if t_ic.size == 0:
        return []
    breaks = np.flatnonzero(np.diff(t_ic) > max_gap_s)
    firsts = np.concatenate([[0], breaks + 1])
    lasts = np.concatenate([breaks, [t_ic.size - 1]])
    return list(zip(firsts.tolist(), lasts.tolist(), strict=True))


def foot_stride_lengths(
    recording: ImuRecording, events: GaitEvents, integrator: ZuptIntegrator | None = None
) -> tuple[list[float | None], list[bool]]:
    """ZUPT stride length (m) and turn flag for the stride starting at each IC of ``events``.

    Each walking bout (ICs closer than MAX_STRIDE_TIME_S) is integrated on its own, from
    1.5 s before its first toe-off to 1 s after its last IC, so long recordings with
    sitting cost time only while walking.
    """
    integrator = integrator or ZuptIntegrator()
    t = recording.t_s
    t_ic, t_fc = events.t_ic_s, events.t_fc_s
    lengths: list[float | None] = [None] * t_ic.size
    turns = [False] * t_ic.size
    size = max(1, int(round(integrator.window_s * recording.sampling_rate_hz)))
    for first, last in _bouts(t_ic, MAX_STRIDE_TIME_S):
        fc_before = t_fc[t_fc < t_ic[first]]
        begin_t = (fc_before[-1] if fc_before.size else t_ic[first]) - 1.5
        start = int(np.searchsorted(t, begin_t))
        stop = int(np.searchsorted(t, t_ic[last] + 1.0))
        if stop - start < 10:
            continue
        # rotation energy of this bout only (day-long recordings: memory stays per bout)
        energy = uniform_filter1d(np.linalg.norm(np.nan_to_num(recording.gyr_deg_s[start:stop]), axis=1), size)
        # mid-stance anchor after each IC: least rotation between the IC and the next toe-off
        anchors = []
        for k in range(first, last + 1):
            next_fc = t_fc[t_fc > t_ic[k]]
            end_t = min(next_fc[0] if next_fc.size else t_ic[k] + 0.6, t_ic[k] + 1.5)
            i0 = int(np.searchsorted(t, t_ic[k])) - start
            i1 = min(int(np.searchsorted(t, end_t)) - start, stop - start)
            anchors.append(i0 + int(np.argmin(energy[i0:i1])) if i1 > i0 else i0)
        anchor = np.clip(np.array(anchors), 0, stop - start - 1)
        trajectory = integrator.integrate(_slice(recording, start, stop), anchor)
        for j, k in enumerate(range(first, last)):
            a, b = anchor[j], anchor[j + 1]
            step = trajectory.position_m[b, :2] - trajectory.position_m[a, :2]
            lengths[k] = float(np.hypot(step[0], step[1]))
            turns[k] = bool(abs(trajectory.heading_deg[b] - trajectory.heading_deg[a]) > TURN_THRESHOLD_DEG)
    return lengths, turns


def _label(recording: ImuRecording) -> str:
    return f"{recording.side} {recording.placement}" if recording.side != "none" else recording.placement


def _segments(recording: ImuRecording, notes: list[str]) -> list[ImuRecording]:
    """The recording split at holes (signals/segments.py); the split is stated in ``notes``."""
    segments, hole_notes = split_at_holes(recording)
    notes.extend(f"{_label(recording)}: {note}" for note in hole_notes)
    return segments


def _joined(side: str, parts: Sequence[GaitEvents], method: str) -> GaitEvents:
    if not parts:
        return GaitEvents(side=side, t_ic_s=np.array([]), t_fc_s=np.array([]), method=method)
    return GaitEvents(side=side, t_ic_s=np.concatenate([p.t_ic_s for p in parts]),
                      t_fc_s=np.concatenate([p.t_fc_s for p in parts]), method=parts[0].method)  # fmt: skip


def analyze_foot_imu(
    recordings: Sequence[ImuRecording],
    *,
    pain_onset_s: float | None = None,
    detector: FootEventDetector | None = None,
    integrator: ZuptIntegrator | None = None,
) -> GaitResult:
    """Gait from one or two foot-mounted IMUs (same clock): events, ZUPT stride lengths, summary.

    A recording with holes (signals/segments.py) is analysed segment by segment; no
    stride spans a hole.
    """
    detector = detector or FootEventDetector()
    all_events: list[GaitEvents] = []
    strides: list[Stride] = []
    notes: list[str] = []
    for recording in recordings:
        parts: list[GaitEvents] = []
        side_strides: list[Stride] = []
        for segment in _segments(recording, notes):
            events = detector.detect(segment)
            lengths, turns = foot_stride_lengths(segment, events, integrator)
            side_strides.extend(strides_from_events(events, lengths, turns))
            parts.append(events)
        events = _joined(recording.side, parts, detector.method)
        n_turns = sum(s.is_turn for s in side_strides)
        if n_turns:
            notes.append(f"{events.side}: {n_turns} turn stride(s) (heading change > {TURN_THRESHOLD_DEG:.0f} deg), "
                         "length measured along the path")  # fmt: skip
        all_events.append(events)
        strides.extend(side_strides)
    return summarize_gait(
        all_events,
        strides,
        method=f"{detector.method}; stride length by ZUPT with imufusion AHRS orientation (Skog et al. 2010)",
        notes=notes,
        pain_onset_s=pain_onset_s,
        single_foot=len(recordings) == 1,
    )


def analyze_shank_imu(
    recordings: Sequence[ImuRecording], *, pain_onset_s: float | None = None, detector: ShankEventDetector | None = None
) -> GaitResult:
    """Gait events and temporal parameters from one or two shank IMUs (no lengths); holes split."""
    detector = detector or ShankEventDetector()
    notes = ["no length source: distance not measured"]
    all_events: list[GaitEvents] = []
    strides: list[Stride] = []
    for recording in recordings:
        parts = [detector.detect(segment) for segment in _segments(recording, notes)]
        strides.extend(stride for events in parts for stride in strides_from_events(events))
        all_events.append(_joined(recording.side, parts, "shank IMU"))
    method = all_events[0].method if all_events else "shank IMU"
    return summarize_gait(all_events, strides, method=method, notes=notes,
                          pain_onset_s=pain_onset_s, single_foot=len(recordings) == 1)  # fmt: skip


def inverted_pendulum_step_lengths_m(
    recording: ImuRecording,
    t_ic_s: NDArray[np.floating],
    leg_length_m: float,
    *,
    correction_factor: float = 1.0,
    high_pass_hz: float = 0.5,
) -> FloatArray:
    """Step length for each step (IC k to IC k+1) from the inverted-pendulum model (m).

    SL = K x 2 sqrt(2 l h - h^2) (Zijlstra & Hof 2003), l = ``leg_length_m``, h = peak-to-
    peak vertical displacement within the step. Vertical displacement: acceleration
    rotated to the earth frame (imufusion AHRS), gravity removed, high-pass filtered
    (``high_pass_hz``, zero-lag Butterworth) after each integration to stop drift.
    """
    if leg_length_m <= 0:
        raise InvalidDataError(f"leg length must be positive, got {leg_length_m}", where="inverted pendulum",
                               fix="pass the sensor height above the ground (m) as the leg length")  # fmt: skip
    fs = recording.sampling_rate_hz
    t, acc = resample_uniform(recording.t_s, recording.acc_m_s2, fs)
    _, gyr = resample_uniform(recording.t_s, np.nan_to_num(recording.gyr_deg_s), fs)
    track = estimate_orientation(t, acc, gyr)
    vertical = track.to_earth(acc)[:, 2]
    vertical = vertical - np.mean(vertical)
    sos = butter(4, high_pass_hz, btype="highpass", fs=fs, output="sos")
    velocity = sosfiltfilt(sos, cumulative_trapezoid(sosfiltfilt(sos, vertical), dx=1 / fs, initial=0.0))
    height = sosfiltfilt(sos, cumulative_trapezoid(velocity, dx=1 / fs, initial=0.0))
    ics = np.sort(np.asarray(t_ic_s, dtype=np.float64))
    lengths = np.full(max(ics.size - 1, 0), np.nan)
    for k in range(ics.size - 1):
        i0, i1 = np.searchsorted(t, ics[k]), np.searchsorted(t, ics[k + 1])
        if i1 - i0 < 3:
            continue
        h = float(np.ptp(height[i0 : i1 + 1]))
        lengths[k] = correction_factor * 2.0 * np.sqrt(max(2.0 * leg_length_m * h - h * h, 0.0))
    return lengths


def analyze_lower_back_imu(
    recording: ImuRecording,
    *,
    leg_length_m: float | None = None,
    correction_factor: float = 1.0,
    pain_onset_s: float | None = None,
    detector: LumbarGaitDetector | None = None,
) -> GaitResult:
    """Walking bouts, steps with left/right, turns, cadence and (with a leg length) distance.

    Bouts, contacts, sides and turns: events/lumbar_gait.py (straight bouts split at
    pauses and turns; turning steps counted apart). Per bout: steps, left/right, cadence
    (mean of 120 / stride time over its strides), and with ``leg_length_m`` distance
    (inverted-pendulum step lengths, Zijlstra & Hof 2003) and speed. Totals: every
    contact while walking (bouts and turns) is a step; cadence over all bout strides;
    distance summed over every step of the walk (turns included). A recording with holes
    is analysed segment by segment.
    """
    detector = detector or LumbarGaitDetector()
    notes: list[str] = []
    bouts: list[WalkingBout] = []
    turns: list[TurnSummary] = []
    strides: list[Stride] = []
    contacts: list[FloatArray] = []
    walk_time = 0.0
    total_distance = 0.0
    method = "lower-back IMU"
    for segment in _segments(recording, notes):
        events = detector.detect(segment)
        method = events.method
        t_ic = events.t_ic_s
        contacts.append(t_ic)
        turns.extend(TurnSummary(t.t_start_s, t.t_end_s, t.angle_deg, t.steps) for t in events.turns)
        step_lengths = None
        if leg_length_m is not None and t_ic.size > 1:
            step_lengths = inverted_pendulum_step_lengths_m(segment, t_ic, leg_length_m,
                                                            correction_factor=correction_factor)  # fmt: skip
        # steps of the walk: consecutive contacts of one walking run (no pause between)
        walking = np.diff(t_ic) <= detector.max_step_s
        walk_time += float(np.sum(np.diff(t_ic)[walking]))
        if step_lengths is not None:
            total_distance += float(np.nansum(step_lengths[walking]))
        for bout in events.bouts:
            index = np.arange(bout.first, bout.last + 1)
            sides = events.side[index]
            bout_strides = [
                Stride(side=str(sides[j]), t_ic_s=float(t_ic[k]), t_fc_s=None, t_next_ic_s=float(t_ic[k + 2]),
                       stride_time_s=float(t_ic[k + 2] - t_ic[k]), stance_s=None, swing_s=None,
                       stride_length_m=None if step_lengths is None
                       else float(step_lengths[k] + step_lengths[k + 1]))
                for j, k in enumerate(index[:-2])
            ]  # fmt: skip
            strides.extend(bout_strides)
            duration = float(t_ic[bout.last] - t_ic[bout.first])
            distance = None if step_lengths is None else float(np.nansum(step_lengths[bout.first : bout.last]))
            bouts.append(WalkingBout(
                t_start_s=float(t_ic[bout.first]), t_end_s=float(t_ic[bout.last]), steps=int(index.size),
                left_steps=int(np.sum(sides == "left")), right_steps=int(np.sum(sides == "right")),
                cadence_steps_per_min=_stride_cadence(bout_strides), distance_m=distance,
                speed_m_per_s=None if distance is None or duration <= 0 else distance / duration,
            ))  # fmt: skip
    all_ic = np.concatenate(contacts) if contacts else np.array([])
    if leg_length_m is not None:
        notes.append(f"step length: inverted pendulum, leg length {leg_length_m:.3f} m, K = {correction_factor:g}")
    else:
        notes.append("no leg length given: distance not measured (pass --leg-length-m)")
    notes.append(f"{len(bouts)} straight walking bout(s), {len(turns)} turn(s) "
                 f"({sum(t.steps for t in turns)} turning steps counted in the total, not in the bouts)")  # fmt: skip
    if not all_ic.size:
        notes.append("no walking found")
    events_all = GaitEvents(side="none", t_ic_s=all_ic, t_fc_s=np.array([]), method=method)
    result = summarize_gait([events_all], strides, method=method + "; step length: inverted pendulum "
                            "(Zijlstra & Hof 2003)", notes=notes, pain_onset_s=pain_onset_s,
                            distance_m=total_distance if leg_length_m is not None else None)  # fmt: skip
    return replace(
        result,
        cadence_steps_per_min=_stride_cadence(strides),
        speed_m_per_s=total_distance / walk_time if leg_length_m is not None and walk_time > 0 else None,
        bouts=tuple(bouts),
        turns=tuple(turns),
    )


def _stride_cadence(strides: Sequence[Stride]) -> float | None:
    """Mean of 120 / stride time (steps/min), as the Mobilise-D references compute bout cadence."""
    if not strides:
        return None
    return float(np.mean([120.0 / s.stride_time_s for s in strides]))


def analyze_phone(
    recording: ImuRecording, *, pain_onset_s: float | None = None, detector: PhoneStepDetector | None = None
) -> GaitResult:
    """Step count and cadence from a phone's accelerometer (any orientation, irregular rate)."""
    detector = detector or PhoneStepDetector()
    events = detector.detect(recording)
    return summarize_gait([events], [], method=events.method, notes=["phone: steps only, no strides or lengths"],
                          pain_onset_s=pain_onset_s)  # fmt: skip


def analyze_inertial_gait(
    recordings: Sequence[ImuRecording],
    *,
    leg_length_m: float | None = None,
    pain_onset_s: float | None = None,
    correction_factor: float = 1.0,
) -> GaitResult:
    """Analyse inertial recordings according to where the sensors were worn.

    foot -> events + ZUPT (analyze_foot_imu); shin -> events (analyze_shank_imu);
    lower_back, sacrum, trunk_t12 -> steps + inverted pendulum (analyze_lower_back_imu,
    first recording); phone, wrist, thigh, other -> step counting (analyze_phone).

    Raises:
        InvalidDataError: no recordings, or sensors on different segments.
    """
    if not recordings:
        raise InvalidDataError("no inertial recordings to analyse", where="gait")
    placements = {r.placement for r in recordings}
    if len(placements) > 1:
        raise InvalidDataError(
            f"sensors on different segments ({', '.join(sorted(placements))})",
            where="gait",
            fix="analyse one placement at a time (e.g. both feet together, or the lower back alone: "
            "--sensor-placement lower_back on the command line)",
        )
    # units and axes against physics; conversions made here or by the reader are stated
    checked = [sanitized(recording) for recording in recordings]
    unit_notes = [f"{_label(r)}: {note}" for r in checked for note in r.notes]
    result = _analyze_placement(placements.pop(), checked, leg_length_m, pain_onset_s, correction_factor)
    if unit_notes:
        result = replace(result, notes=(*unit_notes, *result.notes))
    return result


def _analyze_placement(
    placement: str,
    recordings: Sequence[ImuRecording],
    leg_length_m: float | None,
    pain_onset_s: float | None,
    correction_factor: float,
) -> GaitResult:
    if placement == "foot":
        return analyze_foot_imu(recordings, pain_onset_s=pain_onset_s)
    if placement == "shin":
        return analyze_shank_imu(recordings, pain_onset_s=pain_onset_s)
    if placement in ("lower_back", "sacrum", "trunk_t12"):
        return analyze_lower_back_imu(recordings[0], leg_length_m=leg_length_m, correction_factor=correction_factor,
                                      pain_onset_s=pain_onset_s)  # fmt: skip
    return analyze_phone(recordings[0], pain_onset_s=pain_onset_s)
