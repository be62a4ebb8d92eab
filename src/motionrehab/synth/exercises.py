"""Synthetic exercise recordings with exact truth: a hip-hinge set, supine SLR trials, a walk.

Every movement phase follows a movement profile between its start and end values (by
default minimum jerk, Flash & Hogan 1985, J Neurosci 5:1688; ``profile=`` picks another of
synth/profiles.py so tests can vary the shape), holds are exact constants, so the truth
phase durations are exactly the prescribed ones. Each generator
returns a ``SyntheticRecording``: the filmed PoseTrack (as the video pipeline would give
it), the true angles (an AngleTable with the kinematics column names) and the event truth.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from numpy.typing import NDArray

from motionrehab.capture.pose_track import PoseTrack
from motionrehab.kinematics.angle_table import AngleTable
from motionrehab.synth.body import (
    ANKLE_HEIGHT,
    SHANK,
    THIGH,
    LegPosture,
    Posture,
    body_points,
    posture_angles,
)
from motionrehab.synth.camera import PinholeCamera, Realism, RealismLog, add_realism, film
from motionrehab.synth.profiles import MovementProfile, inverse, step

FloatArray = NDArray[np.float64]


def minimum_jerk_step(t_s: FloatArray, t0_s: float, duration_s: float) -> FloatArray:
    """0 before t0, 1 after t0 + duration, the minimum-jerk profile in between."""
    return step(t_s, t0_s, duration_s, "minimum_jerk")


@dataclass(frozen=True)
class SyntheticRecording:
    """A filmed synthetic exercise: what the camera saw, and the truth.

    track: the PoseTrack (with noise, drop-outs and swaps if asked for).
    clean_track: the same without any realism added.
    truth: the true angles per frame (AngleTable columns, degrees).
    events: the exercise's event truth (HingeRepTruth, SlrTrialTruth or GaitEventTruth items).
    realism_log: which frames were swapped, how many entries dropped.
    """

    track: PoseTrack
    clean_track: PoseTrack
    truth: AngleTable
    events: tuple = ()
    realism_log: RealismLog | None = None
    camera: PinholeCamera = field(default_factory=PinholeCamera)


def _record(postures: Sequence[Posture], t_s: FloatArray, camera: PinholeCamera, realism: Realism, seed: int, height_m: float, source: str, events: tuple) -> SyntheticRecording:
    frames = np.stack([body_points(p, height_m) for p in postures])
    clean = film(frames, camera, t_s=t_s, source=source)
    rng = np.random.default_rng(seed)
    track, log = add_realism(clean, realism, rng)
    truths = [posture_angles(p) for p in postures]
    columns = {name: np.array([a[name] for a in truths]) for name in truths[0]}
    truth = AngleTable(t_s=t_s, columns=columns, camera_roll_deg=camera.roll_deg, source=f"truth of {source}")
    return SyntheticRecording(track=track, clean_track=clean, truth=truth, events=events, realism_log=log, camera=camera)


# ----------------------------------------------------------------------------- hip hinge


@dataclass(frozen=True)
class HingeRep:
    """One hinge repetition's bottom position and tempo (defaults: a good hinge, docs/clinical-terms.md sec. 2).

    trunk_deg: trunk inclination at the bottom; knee_flexion_deg: knees soft (15-30 deg);
    shin_deg: shin inclination at the bottom (knee forward of the ankle, near vertical for a
    hinge); lateral_lean_deg: trunk lean to the right (a lateral shift, front view);
    lumbar_flexion_deg: lumbar flexion change at the bottom (only the trunk sensors see it).
    Tempo: eccentric (lowering), pause at the bottom, concentric (rising), rest at the top.
    """

    trunk_deg: float = 60.0
    knee_flexion_deg: float = 20.0
    shin_deg: float = 5.0
    eccentric_s: float = 3.0
    pause_s: float = 1.0
    concentric_s: float = 2.0
    rest_s: float = 1.5
    lateral_lean_deg: float = 0.0
    lumbar_flexion_deg: float = 0.0

    @property
    def hip_flexion_deg(self) -> float:
        """Hip flexion at the bottom: trunk + thigh angle (thigh = knee flexion - shin)."""
        return self.trunk_deg + self.knee_flexion_deg - self.shin_deg


@dataclass(frozen=True)
class HingeRepTruth:
    """The truth of one repetition (seconds from the recording start; degrees)."""

    index: int
    t_start_s: float
    t_bottom_s: float
    t_rise_s: float
    t_end_s: float
    eccentric_s: float
    pause_s: float
    concentric_s: float
    peak_hip_flexion_deg: float
    peak_trunk_inclination_deg: float
    knee_flexion_at_bottom_deg: float
    peak_shin_inclination_deg: float
    lateral_lean_deg: float
    lumbar_flexion_deg: float


def _standing_posture(trunk: float, knee: float, shin: float, lean: float, height_m: float) -> Posture:
    """A standing posture with the feet flat on the floor at x = 0 (the pelvis moves, the feet do not)."""
    shank_deg = -shin
    thigh_deg = shank_deg + knee
    leg = LegPosture(thigh_deg=thigh_deg, shank_deg=shank_deg, dorsiflexion_deg=shin)
    r_thigh, r_shank = math.radians(thigh_deg), math.radians(shank_deg)
    x = -height_m * (THIGH * math.sin(r_thigh) + SHANK * math.sin(r_shank))
    y = height_m * (ANKLE_HEIGHT + THIGH * math.cos(r_thigh) + SHANK * math.cos(r_shank))
    return Posture(trunk_deg=trunk, left=leg, right=leg, pelvis_m=(x, y, 0.0), lateral_lean_deg=lean)


def hip_hinge_set(
    reps: Sequence[HingeRep] | int = 10,
    *,
    camera: PinholeCamera | None = None,
    realism: Realism | None = None,
    seed: int = 0,
    height_m: float = 1.70,
    lead_in_s: float = 2.0,
    standing_knee_deg: float = 0.0,
    profile: MovementProfile = "minimum_jerk",
) -> SyntheticRecording:
    """A hinge set filmed from the side (default camera: left side view, portrait phone).

    ``reps`` is a list of HingeRep (or a count of default reps). The person stands still for
    ``lead_in_s`` first (a stretch the camera-roll calibration uses) and after the last rep.
    ``profile``: the shape of every lowering and return (synth/profiles.py).
    """
    rep_list = [HingeRep()] * reps if isinstance(reps, int) else list(reps)
    camera = camera or PinholeCamera()
    realism = realism if realism is not None else Realism.none()
    total = lead_in_s + sum(r.eccentric_s + r.pause_s + r.concentric_s + r.rest_s for r in rep_list) + 1.0
    t_s = np.arange(int(round(total * camera.frame_rate_hz))) / camera.frame_rate_hz
    trunk = np.zeros_like(t_s)
    knee = np.full_like(t_s, standing_knee_deg)
    shin = np.zeros_like(t_s)
    lean = np.zeros_like(t_s)
    events = []
    t0 = lead_in_s
    for i, rep in enumerate(rep_list):
        down = step(t_s, t0, rep.eccentric_s, profile)
        up = step(t_s, t0 + rep.eccentric_s + rep.pause_s, rep.concentric_s, profile)
        shape = down - up  # 0 -> 1 -> hold -> 0
        trunk += rep.trunk_deg * shape
        knee += (rep.knee_flexion_deg - standing_knee_deg) * shape
        shin += rep.shin_deg * shape
        lean += rep.lateral_lean_deg * shape
        t_bottom = t0 + rep.eccentric_s
        t_rise = t_bottom + rep.pause_s
        t_end = t_rise + rep.concentric_s
        events.append(HingeRepTruth(i, t0, t_bottom, t_rise, t_end, rep.eccentric_s, rep.pause_s, rep.concentric_s,
                                    rep.hip_flexion_deg, rep.trunk_deg, rep.knee_flexion_deg, rep.shin_deg, rep.lateral_lean_deg, rep.lumbar_flexion_deg))
        t0 = t_end + rep.rest_s
    postures = [_standing_posture(a, k, s, le, height_m) for a, k, s, le in zip(trunk, knee, shin, lean, strict=True)]
    source = f"synthetic hip hinge, {len(rep_list)} reps, camera yaw {camera.yaw_deg:g} roll {camera.roll_deg:g} deg"
    return _record(postures, t_s, camera, realism, seed, height_m, source, tuple(events))


# ----------------------------------------------------------------------------- straight-leg raise


@dataclass(frozen=True)
class SlrTrial:
    """One supine straight-leg-raise trial.

    peak_deg: leg elevation at the top (hip -> ankle relative to the trunk line).
    knee_bend_deg: knee flexion at the top (a bent knee invalidates the trial above ~10 deg).
    other_thigh_lift_deg: the other thigh lifting (compensation). trunk_rotation_deg: the
    trunk line rotating at the top (pelvic compensation; rotates the trunk relative to the table).
    onset_fraction: symptom onset on the way up, as a fraction of the raise (None: no symptoms).
    raise_s, hold_s, lower_s, rest_s: phase durations.
    """

    peak_deg: float = 70.0
    knee_bend_deg: float = 0.0
    other_thigh_lift_deg: float = 0.0
    trunk_rotation_deg: float = 0.0
    onset_fraction: float | None = None
    raise_s: float = 2.5
    hold_s: float = 1.0
    lower_s: float = 2.5
    rest_s: float = 2.0


@dataclass(frozen=True)
class SlrTrialTruth:
    """The truth of one SLR trial (seconds; degrees)."""

    index: int
    side: str
    t_start_s: float
    t_peak_s: float
    t_end_s: float
    peak_leg_elevation_deg: float
    knee_flexion_at_peak_deg: float
    compensation_deg: float
    onset_t_s: float | None
    onset_deg: float | None


def supine_slr(
    trials: Sequence[SlrTrial] | int = 3,
    *,
    side: str = "left",
    camera: PinholeCamera | None = None,
    realism: Realism | None = None,
    seed: int = 0,
    height_m: float = 1.70,
    lead_in_s: float = 2.0,
    table_height_m: float = 0.15,
    profile: MovementProfile = "minimum_jerk",
) -> SyntheticRecording:
    """SLR trials of one leg, lying supine, filmed from the side of the raised leg at hip height.

    Default camera: landscape 1920x1080, 4 m away, 0.6 m high (a phone on a chair beside
    the plinth), on the raised leg's side (left leg: camera at the person's left); the raised
    foot stays in the picture up to 90 deg. (At mat height 3.2 m away it leaves it above
    about 30 deg.) ``profile``: the shape of every raise and lowering (synth/profiles.py).
    """
    trial_list = [SlrTrial()] * trials if isinstance(trials, int) else list(trials)
    if side not in ("left", "right"):
        raise ValueError(f"side must be 'left' or 'right', not {side!r}")
    camera = camera or PinholeCamera(distance_m=4.0, height_m=0.6, yaw_deg=0.0 if side == "left" else 180.0,
                                     target_m=(0.3, 0.6, 0.0), image_width_px=1920, image_height_px=1080)
    realism = realism if realism is not None else Realism.none()
    total = lead_in_s + sum(t.raise_s + t.hold_s + t.lower_s + t.rest_s for t in trial_list) + 1.0
    t_s = np.arange(int(round(total * camera.frame_rate_hz))) / camera.frame_rate_hz
    raised_thigh = np.zeros_like(t_s)
    knee = np.zeros_like(t_s)
    other = np.zeros_like(t_s)
    trunk = np.zeros_like(t_s)
    events = []
    t0 = lead_in_s
    for i, trial in enumerate(trial_list):
        shape = step(t_s, t0, trial.raise_s, profile) - step(t_s, t0 + trial.raise_s + trial.hold_s, trial.lower_s, profile)
        knee += trial.knee_bend_deg * shape
        other += trial.other_thigh_lift_deg * shape
        trunk -= trial.trunk_rotation_deg * shape
        # the leg (hip -> ankle) rises to the peak; with a bent knee the thigh rises further
        raised_thigh += _thigh_for_leg_elevation(trial.peak_deg, trial.knee_bend_deg) * shape
        onset_t = onset_deg = None
        if trial.onset_fraction is not None:
            # the time at which the raise reaches that fraction of its amplitude (profiles are monotonic)
            tau = inverse(trial.onset_fraction, profile)
            onset_t = t0 + tau * trial.raise_s
        t_peak = t0 + trial.raise_s
        t_end = t_peak + trial.hold_s + trial.lower_s
        events.append((i, trial, t0, t_peak, t_end, onset_t))
        t0 = t_end + trial.rest_s
    postures = []
    for th, k, o, tr in zip(raised_thigh, knee, other, trunk, strict=True):
        raised = LegPosture(thigh_deg=th, shank_deg=th - k, dorsiflexion_deg=0.0)
        lying = LegPosture(thigh_deg=o, shank_deg=o, dorsiflexion_deg=0.0)
        left, right = (raised, lying) if side == "left" else (lying, raised)
        pelvis_y = table_height_m + 0.1 * height_m  # the hip joint's height above the table (body thickness)
        postures.append(Posture(trunk_deg=tr, left=left, right=right, pelvis_m=(0.0, pelvis_y, 0.0), body_pitch_deg=90.0))
    angles_by_frame = [posture_angles(p) for p in postures]
    elevation = np.array([a[f"{side}_leg_elevation_deg"] for a in angles_by_frame])
    truths = []
    for i, trial, start, t_peak, t_end, onset_t in events:
        k = int(np.argmin(np.abs(t_s - t_peak)))
        onset_deg = None if onset_t is None else float(np.interp(onset_t, t_s, elevation))
        truths.append(SlrTrialTruth(i, side, start, t_peak, t_end, float(elevation[k]), trial.knee_bend_deg,
                                    max(trial.other_thigh_lift_deg, trial.trunk_rotation_deg), onset_t, onset_deg))
    source = f"synthetic supine SLR, {side} leg, {len(trial_list)} trials, camera roll {camera.roll_deg:g} deg"
    return _record(postures, t_s, camera, realism, seed, height_m, source, tuple(truths))


def _thigh_for_leg_elevation(leg_deg: float, knee_bend_deg: float) -> float:
    """Thigh angle that puts the hip -> ankle line at ``leg_deg`` with the knee bent by ``knee_bend_deg``."""
    # hip -> ankle makes an angle beta with the thigh, from the triangle thigh-shank-leg
    bend = math.radians(knee_bend_deg)
    shank_x, shank_y = SHANK * math.sin(bend), SHANK * math.cos(bend)  # shank in the thigh's frame, turned back
    beta = math.degrees(math.atan2(shank_x, THIGH + shank_y))
    return leg_deg + beta



# ----------------------------------------------------------------------------- walking


@dataclass(frozen=True)
class GaitEventTruth:
    """One foot contact event: 'IC' (initial contact, the foot lands) or 'FC' (final contact, toe-off)."""

    side: str
    kind: str
    t_s: float
    foot_x_m: float


@dataclass(frozen=True)
class WalkTruth:
    """The walk's known parameters: stride length (m), stride time (s), cadence (steps/min), speed (m/s)."""

    stride_length_m: float
    stride_time_s: float
    cadence_steps_min: float
    speed_m_s: float
    stance_fraction: float


def walk(
    *,
    strides: int = 6,
    stride_length_m: float = 1.3,
    stride_time_s: float = 1.1,
    stance_fraction: float = 0.6,
    camera: PinholeCamera | None = None,
    realism: Realism | None = None,
    seed: int = 0,
    height_m: float = 1.70,
    foot_clearance_m: float = 0.08,
) -> SyntheticRecording:
    """Level walking past a side camera, with known initial/final contacts, stride length and cadence.

    The pelvis moves at constant speed; each foot is still on the floor during stance and
    moves one stride forward on a minimum-jerk path (lifting by ``foot_clearance_m``) during
    swing; the right foot is half a stride behind the left in time. Legs follow by two-link
    inverse kinematics (knee forward), the foot is kept level. Events: IC when the foot lands,
    FC when it lifts. Default camera: 4.5 m to the person's left, landscape, wide angle.
    """
    speed = stride_length_m / stride_time_s
    camera = camera or PinholeCamera(distance_m=4.5, height_m=0.9, yaw_deg=0.0, target_m=(0.0, 0.9, 0.0),
                                     image_width_px=1920, image_height_px=1080, horizontal_fov_deg=80.0)
    realism = realism if realism is not None else Realism.none()
    n_frames = int(round((strides + 1) * stride_time_s * camera.frame_rate_hz))
    t_s = np.arange(n_frames) / camera.frame_rate_hz
    start_x = -0.5 * speed * t_s[-1]
    pelvis_x = start_x + speed * t_s
    leg_length = (THIGH + SHANK) * height_m
    swing_s = (1.0 - stance_fraction) * stride_time_s
    # the farthest the ankle gets from under the hip is at contact: stance covers stance_fraction of a stride
    reach = 0.5 * stance_fraction * stride_length_m + 0.02
    pelvis_y = ANKLE_HEIGHT * height_m + math.sqrt(max(leg_length**2 * 0.995 - reach**2, 0.01))
    events: list[GaitEventTruth] = []
    ankle_x = {}
    ankle_y = {}
    for side, phase in (("left", 0.0), ("right", 0.5)):
        # IC times: the first contact puts the foot ahead of the pelvis by reach, at the phase offset
        first_ic = phase * stride_time_s - stride_time_s
        x = np.empty_like(t_s)
        y = np.full_like(t_s, ANKLE_HEIGHT * height_m)
        k = 0
        while first_ic + k * stride_time_s < t_s[-1] + stride_time_s:
            ic = first_ic + k * stride_time_s
            land_x = start_x + speed * ic + reach - 0.02
            fc = ic + stance_fraction * stride_time_s
            next_ic = ic + stride_time_s
            stance = (t_s >= ic) & (t_s < fc)
            swing = (t_s >= fc) & (t_s < next_ic)
            x[stance] = land_x
            s = minimum_jerk_step(t_s[swing], fc, swing_s)
            x[swing] = land_x + stride_length_m * s
            y[swing] += foot_clearance_m * np.sin(np.pi * (t_s[swing] - fc) / swing_s)
            if 0.0 <= ic <= t_s[-1]:
                events.append(GaitEventTruth(side, "IC", ic, land_x))
            if 0.0 <= fc <= t_s[-1]:
                events.append(GaitEventTruth(side, "FC", fc, land_x))
            k += 1
        ankle_x[side], ankle_y[side] = x, y
    # the pelvis vaults over the stance leg (inverted pendulum, knee nearly straight): highest
    # at mid-stance, lowest in double support, as in walking (about 4-5 cm of bob)
    support = np.full_like(t_s, np.inf)
    for side in ("left", "right"):
        planted = ankle_y[side] <= ANKLE_HEIGHT * height_m + 1e-9
        dx = np.abs(ankle_x[side] - pelvis_x)
        height = ANKLE_HEIGHT * height_m + np.sqrt(np.maximum(leg_length**2 * 0.995 - dx**2, 0.01))
        support = np.where(planted, np.minimum(support, height), support)
    pelvis_y_t = np.where(np.isfinite(support), support, pelvis_y)
    postures = []
    for i in range(n_frames):
        legs = {}
        for side in ("left", "right"):
            dx, dy = ankle_x[side][i] - pelvis_x[i], ankle_y[side][i] - pelvis_y_t[i]
            thigh_deg, shank_deg = _two_link(dx, dy, THIGH * height_m, SHANK * height_m)
            legs[side] = LegPosture(thigh_deg=thigh_deg, shank_deg=shank_deg, dorsiflexion_deg=-shank_deg)
        postures.append(Posture(trunk_deg=0.0, left=legs["left"], right=legs["right"], pelvis_m=(float(pelvis_x[i]), float(pelvis_y_t[i]), 0.0)))
    events.sort(key=lambda e: e.t_s)
    truth = WalkTruth(stride_length_m, stride_time_s, 120.0 / stride_time_s, speed, stance_fraction)
    source = f"synthetic walk, {strides} strides of {stride_length_m:g} m in {stride_time_s:g} s"
    recording = _record(postures, t_s, camera, realism, seed, height_m, source, (truth, *events))
    return recording


def _two_link(dx: float, dy: float, thigh_m: float, shank_m: float) -> tuple[float, float]:
    """Thigh and shank angles from vertical-down (forward +) putting the ankle at (dx, dy) from the hip, knee forward."""
    distance = min(math.hypot(dx, dy), thigh_m + shank_m - 1e-9)
    leg_deg = math.degrees(math.atan2(dx, -dy))
    # law of cosines: angle between the thigh and the hip -> ankle line
    cos_alpha = (thigh_m**2 + distance**2 - shank_m**2) / (2 * thigh_m * distance)
    alpha = math.degrees(math.acos(max(-1.0, min(1.0, cos_alpha))))
    cos_beta = (shank_m**2 + distance**2 - thigh_m**2) / (2 * shank_m * distance)
    beta = math.degrees(math.acos(max(-1.0, min(1.0, cos_beta))))
    return leg_deg + alpha, leg_deg - beta


def with_realism(recording: SyntheticRecording, realism: Realism, seed: int = 0) -> SyntheticRecording:
    """The same recording with different realism (noise, drop-outs, swaps) added to its clean track."""
    track, log = add_realism(recording.clean_track, realism, np.random.default_rng(seed))
    return replace(recording, track=track, realism_log=log)
