"""Synthetic recordings of the home program's exercises with exact truth.

Bridge, squat, sit-to-stand, plank and side plank (and more, see each generator).

Each repetition (or hold) goes out, holds, and comes back, every movement following a
movement profile of synth/profiles.py (``profile=``: the measure never chooses it); a hold may
sway (``sway_deg``: a smooth oscillation that is zero at both ends of the hold, so the hold's
start and end stay exact). The truth of each repetition (``RepTruth``) gives its times and
the values the measures report, under the same names, computed from the generating geometry:
joint angles in closed form (synth.body.posture_angles), the frontal-plane and body-line
angles from the 3-D points by orthographic projection on the body's plane (the camera's
perspective, noise and the pose pipeline are what the measure must get through).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from motionrehab.capture.landmarks import LANDMARK_INDEX
from motionrehab.kinematics.angle_table import AngleTable
from motionrehab.synth.body import (
    ANKLE_HEIGHT,
    SHANK,
    THIGH,
    TRUNK,
    LegPosture,
    Posture,
    body_points,
    posture_angles,
)
from motionrehab.synth.camera import PinholeCamera, Realism, add_realism, film
from motionrehab.synth.exercises import SyntheticRecording, _standing_posture
from motionrehab.synth.profiles import MovementProfile, step

FloatArray = NDArray[np.float64]

#: height of the hip and shoulder joint centres above the mat lying on the back or front, x height
LYING_JOINT_HEIGHT = 0.06


@dataclass(frozen=True)
class Rep:
    """One repetition or hold: timing (s) and what is done (fields used by each generator).

    move_s: out to the turning point / into position; hold_s: at the turning point; back_s:
    return; rest_s: at rest after it. sway_deg: amplitude of the sway during the hold.
    depth_deg: the exercise's depth (squat knee flexion; bridge hip flexion at the top; the
    standing knee flexion of a sit-to-stand). valgus_deg: frontal-plane projection angle of
    both knees at the turning point. lateral_lean_deg: trunk lean to the right at the turning
    point. pelvic_drop_deg: the right hip dropping at the top of a bridge. sag_at_s: a plank
    sags by ``sag_deg`` from this many seconds into the hold (None: no sag).
    """

    move_s: float = 1.5
    hold_s: float = 2.0
    back_s: float = 1.5
    rest_s: float = 1.5
    sway_deg: float = 0.0
    depth_deg: float | None = None
    valgus_deg: float = 0.0
    lateral_lean_deg: float = 0.0
    trunk_deg: float | None = None
    pelvic_drop_deg: float = 0.0
    sag_at_s: float | None = None
    sag_deg: float = -15.0


@dataclass(frozen=True)
class RepTruth:
    """The truth of one repetition or hold (seconds from the recording start; degrees)."""

    index: int
    t_start_s: float
    t_top_s: float
    t_leave_s: float
    t_end_s: float
    hold_s: float
    values: dict[str, float] = field(default_factory=dict)
    faults: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Timeline:
    t_s: FloatArray
    shape: FloatArray  # 0 at rest, 1 at the turning point
    sway: FloatArray  # the hold's sway, -1..1, zero outside holds
    rep_index: NDArray[np.int_]  # which rep each sample belongs to (-1 before the first)
    times: tuple[tuple[float, float, float, float], ...]  # (start, top, leave, end) per rep


def _timeline(reps: Sequence[Rep], frame_rate_hz: float, lead_in_s: float, profile: MovementProfile, tail_s: float = 1.5) -> _Timeline:
    total = lead_in_s + sum(r.move_s + r.hold_s + r.back_s + r.rest_s for r in reps) + tail_s
    t = np.arange(int(round(total * frame_rate_hz))) / frame_rate_hz
    shape = np.zeros_like(t)
    sway = np.zeros_like(t)
    index = np.full(t.size, -1)
    times = []
    t0 = lead_in_s
    for i, rep in enumerate(reps):
        top, leave = t0 + rep.move_s, t0 + rep.move_s + rep.hold_s
        end = leave + rep.back_s
        shape += step(t, t0, rep.move_s, profile) - step(t, leave, rep.back_s, profile)
        inside = (t > top) & (t < leave)
        phase = (t[inside] - top) / max(rep.hold_s, 1e-9)
        # about one sway every 2.5 s, tapered to zero at both ends of the hold
        sway[inside] = np.sin(2 * np.pi * (t[inside] - top) / 2.5) * np.sin(np.pi * phase)
        index[t >= t0 - 0.5 * (reps[i - 1].rest_s if i else lead_in_s)] = i
        times.append((t0, top, leave, end))
        t0 = end + rep.rest_s
    return _Timeline(t, shape, sway, index, tuple(times))


def _record(frames_m: FloatArray, t_s: FloatArray, truth_columns: dict[str, FloatArray], camera: PinholeCamera, realism: Realism | None, seed: int,
            source: str, events: tuple[RepTruth, ...]) -> SyntheticRecording:  # fmt: skip
    clean = film(frames_m, camera, t_s=t_s, source=source)
    track, log = add_realism(clean, realism or Realism.none(), np.random.default_rng(seed))
    truth = AngleTable(t_s=t_s, columns=truth_columns, camera_roll_deg=camera.roll_deg, source=f"truth of {source}")
    return SyntheticRecording(track=track, clean_track=clean, truth=truth, events=events, realism_log=log, camera=camera)


def _mid(points: FloatArray, a: str, b: str) -> FloatArray:
    return (points[..., LANDMARK_INDEX[a], :] + points[..., LANDMARK_INDEX[b], :]) / 2


def _body_line_truth(frames: FloatArray, plane: tuple[int, int]) -> tuple[FloatArray, FloatArray]:
    """(hip_line_deviation_deg, body_line_elevation_deg) from 3-D points projected on a vertical plane.

    ``plane`` = (horizontal axis, vertical axis) of the world. Deviation positive with the hips
    above the shoulder-ankle line.
    """
    h, v = plane
    shoulder, hip, ankle = (_mid(frames, f"left_{j}", f"right_{j}")[:, [h, v]] for j in ("shoulder", "hip", "ankle"))
    line = shoulder - ankle
    elevation = np.degrees(np.arctan2(line[:, 1], np.abs(line[:, 0])))
    # the hip's angle off the line, as the bend at the hip (trunk against the legs' continuation)
    legs_up, trunk = hip - ankle, shoulder - hip
    cross = legs_up[:, 0] * trunk[:, 1] - legs_up[:, 1] * trunk[:, 0]
    dot = np.sum(legs_up * trunk, axis=-1)
    bend = np.degrees(np.arctan2(cross, dot))  # positive: the trunk turns anticlockwise from the legs' line
    towards_up = np.sign(line[:, 0])  # the line runs to +h (head at +h): anticlockwise turns up
    # hips above the line: the trunk turns DOWN from the legs' continuation
    return -bend * towards_up, elevation


def _frontal_truth(frames: FloatArray, camera: PinholeCamera) -> dict[str, FloatArray]:
    """The frontal-plane angles as a noise-free camera sees them (FPPA is by definition a 2-D angle).

    Each knee's frontal-plane projection angle (positive with the knee medial to the
    hip -> ankle line) and the trunk's lateral lean (positive towards the person's right),
    from the true 3-D points through ``camera``'s projection, y turned up.
    """
    px = camera.project(frames)
    up = np.stack([px[..., 0], -px[..., 1]], axis=-1)
    out: dict[str, FloatArray] = {}
    hip_mid = _mid(up, "left_hip", "right_hip")
    for side in ("left", "right"):
        hip, knee, ankle = (up[:, LANDMARK_INDEX[f"{side}_{j}"]] for j in ("hip", "knee", "ankle"))
        # the knee's offset from the hip -> ankle line, towards the midline, as an angle between thigh and shank
        thigh, shank = knee - hip, ankle - knee
        cross = thigh[:, 0] * shank[:, 1] - thigh[:, 1] * shank[:, 0]
        bend = np.degrees(np.arctan2(cross, np.sum(thigh * shank, axis=-1)))  # anticlockwise positive
        medial = np.sign(hip_mid[:, 0] - hip[:, 0])  # +1: the midline is to the image right of this hip
        # knee towards image right of a downward line turns the shank clockwise (negative): medial when medial = +1
        visible = np.hypot(thigh[:, 0], thigh[:, 1]) >= 0.5 * np.hypot(shank[:, 0], shank[:, 1])
        out[f"{side}_knee_valgus_deg"] = np.where(visible, -bend * medial, np.nan)
    right = up[:, LANDMARK_INDEX["right_hip"]] - up[:, LANDMARK_INDEX["left_hip"]]
    trunk = _mid(up, "left_shoulder", "right_shoulder") - hip_mid
    out["trunk_lateral_lean_deg"] = np.degrees(np.arctan2(np.sign(right[:, 0]) * trunk[:, 0], trunk[:, 1]))
    return out


# ----------------------------------------------------------------------------- bridge


def bridge(reps: Sequence[Rep] | int = 3, *, camera: PinholeCamera | None = None, realism: Realism | None = None, seed: int = 0, height_m: float = 1.70,
           lead_in_s: float = 2.0, profile: MovementProfile = "minimum_jerk", rest_knee_flexion_deg: float = 100.0) -> SyntheticRecording:  # fmt: skip
    """Glute bridges filmed from the left side at mat height (landscape phone 3 m away).

    The shoulders and feet stay on the mat; the hips rise along the arc the trunk allows about
    the shoulders, so that the hip flexion follows the movement profile to ``depth_deg`` at the
    top (default 0: shoulders, hips, knees in line; ``sway_deg`` sways it there); the legs follow
    by two-link geometry (knees up). ``pelvic_drop_deg`` drops the right
    hip about the body's long axis at the top.
    """
    rep_list = [Rep()] * reps if isinstance(reps, int) else list(reps)
    camera = camera or PinholeCamera(distance_m=3.0, height_m=0.45, yaw_deg=0.0, target_m=(0.0, 0.35, 0.0), image_width_px=1920, image_height_px=1080, horizontal_fov_deg=60.0)
    line = _timeline(rep_list, camera.frame_rate_hz, lead_in_s, profile)
    h = height_m
    trunk, thigh, shank = TRUNK * h, THIGH * h, SHANK * h
    y0 = LYING_JOINT_HEIGHT * h
    shoulder = np.array([-trunk, y0])
    ankle_y = ANKLE_HEIGHT * h
    interior = math.radians(180.0 - rest_knee_flexion_deg)
    reach = math.sqrt(thigh**2 + shank**2 - 2 * thigh * shank * math.cos(interior))
    ankle = np.array([math.sqrt(reach**2 - (ankle_y - y0) ** 2), ankle_y])

    def pose(lift_m: float) -> tuple[float, float, float, FloatArray]:
        """trunk_deg, thigh_deg, shank_deg (body frame, see synth.body) and the hip (world x, y)."""
        a = math.asin(min(max(lift_m / trunk, -1.0), 1.0))
        hip = shoulder + trunk * np.array([math.cos(a), math.sin(a)])
        d = ankle - hip
        dist = min(float(np.hypot(*d)), thigh + shank - 1e-9)
        alpha = math.acos(max(-1.0, min(1.0, (thigh**2 + dist**2 - shank**2) / (2 * thigh * dist))))
        base = math.atan2(d[1], d[0])
        knee = hip + thigh * np.array([math.cos(base + alpha), math.sin(base + alpha)])  # knee up
        # world (x, y) -> body (forward, up) for a supine body (pitch +90): body = (y, -x)
        def body(v: FloatArray) -> tuple[float, float]:
            return float(v[1]), float(-v[0])

        bx, by = body(shoulder - hip)
        tx, ty = body(knee - hip)
        sx, sy = body(ankle - knee)
        return math.degrees(math.atan2(bx, by)), math.degrees(math.atan2(tx, -ty)), math.degrees(math.atan2(sx, -sy)), hip

    # hip flexion falls monotonically as the hips lift: tabulate it once and invert by interpolation
    lift_grid = np.linspace(0.0, 0.95 * trunk, 2000)
    hip_grid = np.array([sum(pose(float(v))[:2]) for v in lift_grid])

    def lift_for(hip_flexion_deg: float) -> float:
        return float(np.interp(-hip_flexion_deg, -hip_grid, lift_grid))

    # the hip flexion follows the profile (rest -> top -> rest, with the sway at the top); the lift
    # that gives it is solved frame by frame
    rest_t, rest_th, _, _ = pose(0.0)
    rest_hip = rest_t + rest_th
    target = np.full_like(line.t_s, rest_hip)
    drop = np.zeros_like(line.t_s)
    for i, rep in enumerate(rep_list):
        mine = line.rep_index == i
        top = 0.0 if rep.depth_deg is None else rep.depth_deg
        target[mine] = rest_hip + (top - rest_hip) * line.shape[mine] + rep.sway_deg * line.sway[mine]
        drop[mine] = rep.pelvic_drop_deg * line.shape[mine]
    frames, postures = [], []
    for hip_deg, drop_deg in zip(target, drop, strict=True):
        t_deg, th_deg, sh_deg, hip = pose(lift_for(float(hip_deg)) if hip_deg < rest_hip - 1e-9 else 0.0)
        # the foot flat on the mat: toes towards +x; dorsiflexion from the shank's perpendicular
        shank_up = np.array([-math.sin(math.radians(sh_deg)), math.cos(math.radians(sh_deg))])
        perpendicular = np.array([shank_up[1], -shank_up[0]])
        foot = np.array([0.0, -1.0])  # world +x in the supine body frame
        dorsi = math.degrees(math.atan2(float(foot @ shank_up), float(foot @ perpendicular)))
        leg = LegPosture(thigh_deg=th_deg, shank_deg=sh_deg, dorsiflexion_deg=dorsi)
        posture = Posture(trunk_deg=t_deg, left=leg, right=leg, pelvis_m=(float(hip[0]), float(hip[1]), 0.0), body_pitch_deg=90.0)
        points = body_points(posture, h)
        centre = points[[LANDMARK_INDEX["left_hip"], LANDMARK_INDEX["right_hip"]]].mean(axis=0)
        r = math.radians(drop_deg)
        for name, sign in (("left_hip", -1.0), ("right_hip", 1.0)):
            half = 0.5 * np.linalg.norm(points[LANDMARK_INDEX["right_hip"]] - points[LANDMARK_INDEX["left_hip"]])
            points[LANDMARK_INDEX[name]] = centre + sign * half * np.array([0.0, -math.sin(r), math.cos(r)])
        frames.append(points)
        postures.append(posture)
    truths = [posture_angles(p) for p in postures]
    columns = {name: np.array([a[name] for a in truths]) for name in truths[0]}
    columns["pelvis_tilt_3d_deg"] = drop
    events = []
    for i, (rep, (start, top, leave, end)) in enumerate(zip(rep_list, line.times, strict=True)):
        held = (line.t_s >= top) & (line.t_s <= leave)
        hip_top = float(np.median(columns["left_hip_flexion_deg"][held]))
        values = {"hip_extension_at_top_deg": -hip_top, "knee_flexion_at_top_deg": float(np.median(columns["left_knee_flexion_deg"][held])),
                  "pelvic_drop_deg": rep.pelvic_drop_deg, "hip_flexion_at_rest_deg": float(columns["left_hip_flexion_deg"][0])}  # fmt: skip
        if rep.pelvic_drop_deg:
            # the dropped pelvis moves the near hip landmark itself: the side view's hip and knee
            # angles then no longer describe the generating posture, so they have no truth here
            values.update(hip_extension_at_top_deg=math.nan, knee_flexion_at_top_deg=math.nan)
        faults = tuple(f for f, on in (("incomplete_bridge", hip_top > 10.0), ("pelvic_drop", abs(rep.pelvic_drop_deg) > 10.0)) if on)
        events.append(RepTruth(i, start, top, leave, end, rep.hold_s, values, faults))
    source = f"synthetic bridge, {len(rep_list)} reps, {profile}"
    return _record(np.stack(frames), line.t_s, columns, camera, realism, seed, source, tuple(events))


# ----------------------------------------------------------------------------- squat and sit-to-stand


def _valgus_knees(points: FloatArray, valgus_deg: float) -> None:
    """Move both knees medially (in z) so each knee's orthographic FPPA is ``valgus_deg``."""
    if valgus_deg == 0.0:
        return
    for side in ("left", "right"):
        hip, knee, ankle = (points[LANDMARK_INDEX[f"{side}_{j}"]] for j in ("hip", "knee", "ankle"))
        midline = np.sign(-hip[2])
        l1, l2 = abs(hip[1] - knee[1]), abs(knee[1] - ankle[1])
        low, high = 0.0, 0.5 * min(l1, l2)
        for _ in range(50):
            dz = (low + high) / 2
            fppa = math.degrees(math.atan2(dz, l1) + math.atan2(dz, l2))
            low, high = (dz, high) if fppa < valgus_deg else (low, dz)
        points[LANDMARK_INDEX[f"{side}_knee"], 2] += midline * (low + high) / 2


def _standing_series(line: _Timeline, reps: Sequence[Rep], knee: FloatArray, trunk: FloatArray, shin: FloatArray, h: float,
                     camera: PinholeCamera) -> tuple[FloatArray, dict[str, FloatArray]]:  # fmt: skip
    lean = np.zeros_like(line.t_s)
    valgus = np.zeros_like(line.t_s)
    for i, rep in enumerate(reps):
        mine = line.rep_index == i
        lean[mine] = rep.lateral_lean_deg * line.shape[mine]
        valgus[mine] = rep.valgus_deg * line.shape[mine]
    frames, postures = [], []
    for k, a, s, le, v in zip(knee, trunk, shin, lean, valgus, strict=True):
        posture = _standing_posture(float(a), float(k), float(s), float(le), h)
        points = body_points(posture, h)
        _valgus_knees(points, float(v))
        frames.append(points)
        postures.append(posture)
    stacked = np.stack(frames)
    truths = [posture_angles(p) for p in postures]
    columns = {name: np.array([t[name] for t in truths]) for name in truths[0]}
    columns.update(_frontal_truth(stacked, camera))
    return stacked, columns


def _front_values(columns: dict[str, FloatArray], t_s: FloatArray, top: float, leave: float) -> dict[str, float]:
    """A repetition's true frontal values held at the turning point: the larger knee FPPA, the lateral lean (rest 0)."""
    held = (t_s >= top) & (t_s <= leave)
    valgus = max(float(np.nanmedian(columns["left_knee_valgus_deg"][held])), float(np.nanmedian(columns["right_knee_valgus_deg"][held])))
    return {"knee_valgus_deg": valgus, "lateral_lean_deg": float(np.median(columns["trunk_lateral_lean_deg"][held]))}


def _front_or_side(camera: PinholeCamera | None, view: str) -> PinholeCamera:
    if camera is not None:
        return camera
    if view == "front":
        return PinholeCamera(distance_m=3.0, yaw_deg=90.0, target_m=(0.0, 0.9, 0.0))
    return PinholeCamera(distance_m=3.0, target_m=(0.1, 0.9, 0.0))


def squat(reps: Sequence[Rep] | int = 3, *, view: str = "side", camera: PinholeCamera | None = None, realism: Realism | None = None, seed: int = 0,
          height_m: float = 1.70, lead_in_s: float = 2.0, profile: MovementProfile = "minimum_jerk") -> SyntheticRecording:  # fmt: skip
    """Light squats, feet flat, filmed from the left side or the front.

    Knee flexion to ``depth_deg`` (default 70), the shins forward by 45 % of it and the trunk
    forward by ``trunk_deg`` (default 40 % of it) at the bottom. Filmed from the left side (``view='side'``) or the front (``'front'``), portrait phone 3 m away.
    """
    rep_list = [Rep()] * reps if isinstance(reps, int) else list(reps)
    camera = _front_or_side(camera, view)
    line = _timeline(rep_list, camera.frame_rate_hz, lead_in_s, profile)
    knee, trunk, shin = (np.zeros_like(line.t_s) for _ in range(3))
    for i, rep in enumerate(rep_list):
        mine = line.rep_index == i
        depth = 70.0 if rep.depth_deg is None else rep.depth_deg
        bottom = line.shape[mine] + rep.sway_deg / depth * line.sway[mine]
        knee[mine] = depth * bottom
        shin[mine] = 0.45 * depth * bottom
        trunk[mine] = (0.4 * depth if rep.trunk_deg is None else rep.trunk_deg) * bottom
    frames, columns = _standing_series(line, rep_list, knee, trunk, shin, height_m, camera)
    hip_height = _mid(frames, "left_hip", "right_hip")[:, 1] - _mid(frames, "left_ankle", "right_ankle")[:, 1]
    lowering = 100.0 * (1.0 - hip_height / np.maximum.accumulate(hip_height))
    events = []
    for i, (rep, (start, top, leave, end)) in enumerate(zip(rep_list, line.times, strict=True)):
        held = (line.t_s >= top) & (line.t_s <= leave)
        rep_values = {"depth_knee_flexion_deg": float(np.median(columns["left_knee_flexion_deg"][held])),
                      "trunk_inclination_deg": float(np.median(columns["trunk_inclination_deg"][held])),
                      "knee_travel_deg": float(np.median(columns["left_shin_inclination_deg"][held])),
                      "descent_s": rep.move_s, "ascent_s": rep.back_s, "hip_lowering_pct": float(np.median(lowering[held]))}  # fmt: skip
        if view == "front":
            rep_values.update(_front_values(columns, line.t_s, top, leave))
        faults: list[str] = []
        if view == "side" and rep_values["trunk_inclination_deg"] - rep_values["knee_travel_deg"] > 15.0:
            faults.append("trunk_lean")
        if view == "front":
            faults += [f for f, on in (("knee_valgus", rep_values["knee_valgus_deg"] > 10.0), ("lateral_lean", abs(rep_values["lateral_lean_deg"]) > 5.0)) if on]
        events.append(RepTruth(i, start, top, leave, end, rep.hold_s, rep_values, tuple(faults)))
    return _record(frames, line.t_s, columns, camera, realism, seed, f"synthetic squat, {len(rep_list)} reps, {view} view, {profile}", tuple(events))


def sit_to_stand(reps: Sequence[Rep] | int = 3, *, view: str = "side", camera: PinholeCamera | None = None, realism: Realism | None = None, seed: int = 0,
                 height_m: float = 1.70, lead_in_s: float = 2.0, profile: MovementProfile = "minimum_jerk",
                 seated_knee_deg: float = 90.0, peak_trunk_deg: float = 35.0, peak_shin_deg: float = 10.0) -> SyntheticRecording:  # fmt: skip
    """Sit-to-stands from a chair, filmed from the left side or the front.

    Knee flexion from ``seated_knee_deg`` to ``depth_deg`` standing (default 0: fully up), the trunk leaning forward by ``peak_trunk_deg`` halfway up and the
    shins by ``peak_shin_deg``. ``move_s`` is standing up, ``hold_s`` standing, ``back_s`` sitting.
    """
    rep_list = [Rep()] * reps if isinstance(reps, int) else list(reps)
    camera = _front_or_side(camera, view)
    line = _timeline(rep_list, camera.frame_rate_hz, lead_in_s, profile)
    knee = np.full_like(line.t_s, seated_knee_deg)
    trunk, shin = np.zeros_like(line.t_s), np.zeros_like(line.t_s)
    for i, rep in enumerate(rep_list):
        mine = line.rep_index == i
        standing = 0.0 if rep.depth_deg is None else rep.depth_deg
        knee[mine] = seated_knee_deg - (seated_knee_deg - standing) * line.shape[mine]
        bump = np.sin(np.pi * line.shape[mine])
        trunk[mine] = peak_trunk_deg * bump
        shin[mine] = peak_shin_deg * bump
    frames, columns = _standing_series(line, rep_list, knee, trunk, shin, height_m, camera)
    events = []
    for i, (rep, (start, top, leave, end)) in enumerate(zip(rep_list, line.times, strict=True)):
        standing = 0.0 if rep.depth_deg is None else rep.depth_deg
        rep_values = {"knee_flexion_standing_deg": standing, "knee_flexion_seated_deg": seated_knee_deg, "trunk_inclination_deg": peak_trunk_deg,
                      "knee_travel_deg": peak_shin_deg, "stand_up_s": rep.move_s, "sit_down_s": rep.back_s}  # fmt: skip
        if view == "front":
            rep_values.update(_front_values(columns, line.t_s, top, leave))
        faults: list[str] = []
        if view == "side" and standing > 15.0:
            faults.append("incomplete_stand")
        if view == "front":
            faults += [f for f, on in (("knee_valgus", rep_values["knee_valgus_deg"] > 10.0), ("lateral_lean", abs(rep_values["lateral_lean_deg"]) > 5.0)) if on]
        events.append(RepTruth(i, start, top, leave, end, rep.hold_s, rep_values, tuple(faults)))
    return _record(frames, line.t_s, columns, camera, realism, seed, f"synthetic sit-to-stand, {len(rep_list)} reps, {view} view, {profile}", tuple(events))


# ----------------------------------------------------------------------------- plank and side plank


def _hold_series(line: _Timeline, reps: Sequence[Rep], flat_deg: float, plank_deg: float) -> tuple[FloatArray, FloatArray, list[float | None]]:
    """Body-line elevation and hip bend per frame; the time each sag starts (None: none)."""
    elevation = flat_deg + (plank_deg - flat_deg) * line.shape
    bend = np.zeros_like(line.t_s)
    sag_starts: list[float | None] = []
    for i, rep in enumerate(reps):
        mine = line.rep_index == i
        bend[mine] = rep.sway_deg * line.sway[mine]
        elevation[mine] += 0.1 * rep.sway_deg * line.sway[mine]
        if rep.sag_at_s is None:
            sag_starts.append(None)
            continue
        top = line.times[i][1]
        sag = rep.sag_deg * step(line.t_s[mine], top + rep.sag_at_s, 0.5, "minimum_jerk") * line.shape[mine]
        bend[mine] += sag
        sag_starts.append(top + rep.sag_at_s)
    return elevation, bend, sag_starts


def _hold_truths(line: _Timeline, reps: Sequence[Rep], deviation: FloatArray, elevation: FloatArray, limit_deg: float = 10.0, grace_s: float = 1.0) -> tuple[RepTruth, ...]:
    events = []
    for i, (start, top, leave, end) in enumerate(line.times[: len(reps)]):
        held_until = leave
        inside = (line.t_s >= top) & (line.t_s <= leave)
        beyond = np.abs(deviation) > limit_deg
        fault: tuple[str, ...] = ()
        t_in, b_in = line.t_s[inside], beyond[inside]
        for k in np.flatnonzero(b_in):
            run = b_in[k:]
            stop = k + (int(np.argmin(run)) if not run.all() else run.size)
            if t_in[min(stop, t_in.size - 1)] - t_in[k] > grace_s:
                # the sag crossed the limit between these two samples: interpolate the crossing
                k0 = max(k - 1, 0)
                d0, d1 = abs(deviation[inside][k0]), abs(deviation[inside][k])
                held_until = float(t_in[k0] + (t_in[k] - t_in[k0]) * (limit_deg - d0) / (d1 - d0)) if d1 != d0 else float(t_in[k])
                fault = ("hip_sag",) if deviation[inside][k] < 0 else ("hip_pike",)
                break
        held = (line.t_s >= top) & (line.t_s <= held_until)
        values = {"hip_line_deviation_deg": float(np.median(deviation[held])), "body_line_elevation_deg": float(np.median(elevation[held]))}
        events.append(RepTruth(i, start, top, held_until, end, held_until - top, values, fault))
    return tuple(events)


def _bend_at_hips(points: FloatArray, bend_deg: float, up: FloatArray) -> FloatArray:
    """Move the hips off the shoulder-ankle line (towards ``up`` for a positive bend), the knees half as far.

    Shoulders and ankles stay put, so the body line's elevation does not change with a sag.
    The displacement d gives a bend of atan(d / a) + atan(d / c) (a, c: the hip's distances from
    the shoulders and ankles along the line); the truth is measured from the points anyway.
    """
    if bend_deg == 0.0:
        return points
    shoulder, hip, ankle = (_mid(points, f"left_{j}", f"right_{j}") for j in ("shoulder", "hip", "ankle"))
    a, c = float(np.linalg.norm(shoulder - hip)), float(np.linalg.norm(ankle - hip))
    d = math.tan(math.radians(bend_deg) / 2) * 2 * a * c / (a + c)
    points = points.copy()
    for name in ("left_hip", "right_hip"):
        points[LANDMARK_INDEX[name]] += d * up
    for name in ("left_knee", "right_knee"):
        points[LANDMARK_INDEX[name]] += 0.5 * d * up
    return points


def _place_on_floor(points: FloatArray, floor_names: tuple[str, ...], floor_y: float) -> FloatArray:
    lowest = min(points[LANDMARK_INDEX[n], 1] for n in floor_names)
    points[:, 1] += floor_y - lowest
    return points


def plank(holds: Sequence[Rep] | int = 1, *, camera: PinholeCamera | None = None, realism: Realism | None = None, seed: int = 0, height_m: float = 1.70,
          lead_in_s: float = 2.0, profile: MovementProfile = "minimum_jerk", plank_deg: float = 13.0, flat_deg: float = 0.0) -> SyntheticRecording:  # fmt: skip
    """Forearm planks from lying face down, filmed from the left side at mat height.

    The body line (ankles -> shoulders) rises from ``flat_deg`` to ``plank_deg``; the hips bend
    off the line by the sway and, from ``sag_at_s`` into the hold, sag by ``sag_deg`` (negative:
    towards the floor). ``hold_s`` is the time in position (the truth's hold ends earlier when a
    sag beyond 10 deg lasts more than 1 s).
    """
    rep_list = [Rep(move_s=1.5, hold_s=10.0, back_s=1.5, rest_s=2.0)] * holds if isinstance(holds, int) else list(holds)
    camera = camera or PinholeCamera(distance_m=3.0, height_m=0.45, yaw_deg=0.0, target_m=(0.0, 0.3, 0.0), image_width_px=1920, image_height_px=1080, horizontal_fov_deg=60.0)
    line = _timeline(rep_list, camera.frame_rate_hz, lead_in_s, profile)
    elevation, bend, _ = _hold_series(line, rep_list, flat_deg, plank_deg)
    frames = []
    straight = LegPosture(dorsiflexion_deg=60.0)
    for e, b in zip(elevation, bend, strict=True):
        # prone: body pitch -90 turns the body's up to world +x (head) and its front down; +e raises the shoulders
        posture = Posture(trunk_deg=0.0, left=straight, right=straight, pelvis_m=(0.0, 1.0, 0.0), body_pitch_deg=-90.0 + float(e))
        points = _place_on_floor(body_points(posture, height_m), ("left_foot_index", "right_foot_index"), 0.0)
        frames.append(_bend_at_hips(points, float(b), np.array([0.0, 1.0, 0.0])))
    stacked = np.stack(frames)
    deviation, measured_elevation = _body_line_truth(stacked, (0, 1))
    columns = {"hip_line_deviation_deg": deviation, "body_line_elevation_deg": measured_elevation}
    events = _hold_truths(line, rep_list, deviation, measured_elevation)
    return _record(stacked, line.t_s, columns, camera, realism, seed, f"synthetic plank, {len(rep_list)} holds, {profile}", events)


def side_plank(holds: Sequence[Rep] | int = 1, *, camera: PinholeCamera | None = None, realism: Realism | None = None, seed: int = 0, height_m: float = 1.70,
               lead_in_s: float = 2.0, profile: MovementProfile = "minimum_jerk", plank_deg: float = 16.0, flat_deg: float = 0.0) -> SyntheticRecording:  # fmt: skip
    """Side planks on the left forearm from lying on the left side, filmed from the front at mat height.

    As ``plank``, in the body's frontal plane: the sag is the pelvis dropping towards the floor.
    """
    rep_list = [Rep(move_s=1.5, hold_s=10.0, back_s=1.5, rest_s=2.0)] * holds if isinstance(holds, int) else list(holds)
    camera = camera or PinholeCamera(distance_m=3.0, height_m=0.45, yaw_deg=90.0, target_m=(0.0, 0.3, 0.0), image_width_px=1920, image_height_px=1080, horizontal_fov_deg=60.0)
    line = _timeline(rep_list, camera.frame_rate_hz, lead_in_s, profile)
    elevation, bend, _ = _hold_series(line, rep_list, flat_deg, plank_deg)
    frames = []
    for e in elevation:
        posture = Posture(trunk_deg=0.0, left=LegPosture(), right=LegPosture(), pelvis_m=(0.0, 1.0, 0.0))
        points = body_points(posture, height_m)
        theta = math.radians(float(e) - 90.0)  # about the forward (x) axis: up -> towards -z, raised by e
        rotation = np.array([[1.0, 0.0, 0.0], [0.0, math.cos(theta), -math.sin(theta)], [0.0, math.sin(theta), math.cos(theta)]])
        centre = np.array([0.0, 1.0, 0.0])
        frames.append(_place_on_floor((points - centre) @ rotation.T + centre, ("left_ankle",), ANKLE_HEIGHT * height_m))
    frames = [_bend_at_hips(points, float(b), np.array([0.0, 1.0, 0.0])) for points, b in zip(frames, bend, strict=True)]
    stacked = np.stack(frames)
    # the frontal plane seen from the front: horizontal = world z, vertical = y
    deviation, measured_elevation = _body_line_truth(stacked, (2, 1))
    columns = {"hip_line_deviation_deg": deviation, "body_line_elevation_deg": measured_elevation}
    events = _hold_truths(line, rep_list, deviation, measured_elevation)
    return _record(stacked, line.t_s, columns, camera, realism, seed, f"synthetic side plank, {len(rep_list)} holds, {profile}", events)


# ----------------------------------------------------------------------------- seated, supine and still


_HEAD = ("nose", "left_eye_inner", "left_eye", "left_eye_outer", "right_eye_inner", "right_eye", "right_eye_outer", "left_ear", "right_ear", "mouth_left", "mouth_right")


def _turn_head(points: FloatArray, neck_deg: float) -> FloatArray:
    """Turn the head's landmarks about the shoulder midpoint in the sagittal (x, y) plane; positive flexes (ear forward)."""
    if neck_deg == 0.0:
        return points
    centre = _mid(points, "left_shoulder", "right_shoulder")
    r = -math.radians(neck_deg)  # forward (+x) from up (+y) is clockwise in (x, y)
    rotation = np.array([[math.cos(r), -math.sin(r), 0.0], [math.sin(r), math.cos(r), 0.0], [0.0, 0.0, 1.0]])
    points = points.copy()
    index = [LANDMARK_INDEX[n] for n in _HEAD]
    points[index] = (points[index] - centre) @ rotation.T + centre
    return points


def _head_inclination(frames: FloatArray) -> FloatArray:
    """Shoulder mid -> face centroid from vertical in the world's sagittal (x, y) plane, positive forward (+x)."""
    line = frames[:, [LANDMARK_INDEX[n] for n in _HEAD]].mean(axis=1) - _mid(frames, "left_shoulder", "right_shoulder")
    return np.degrees(np.arctan2(line[:, 0], line[:, 1]))


def _neck_inclination(frames: FloatArray) -> FloatArray:
    """Shoulder mid -> ear mid from vertical in the world's sagittal (x, y) plane, positive forward (+x)."""
    line = _mid(frames, "left_ear", "right_ear") - _mid(frames, "left_shoulder", "right_shoulder")
    return np.degrees(np.arctan2(line[:, 0], line[:, 1]))


def _seated(trunk_deg: float, knee_deg: float, height_m: float) -> Posture:
    """Sitting on a chair: thighs horizontal, the shanks hanging by the knee flexion (90: feet flat below the knees)."""
    leg = LegPosture(thigh_deg=90.0, shank_deg=90.0 - knee_deg, dorsiflexion_deg=0.0)
    seat = (ANKLE_HEIGHT + SHANK) * height_m
    return Posture(trunk_deg=trunk_deg, left=leg, right=leg, pelvis_m=(-THIGH * height_m, seat, 0.0))


def neural_glide(reps: Sequence[Rep] | int = 3, *, camera: PinholeCamera | None = None, realism: Realism | None = None, seed: int = 0, height_m: float = 1.70,
                 lead_in_s: float = 2.0, profile: MovementProfile = "minimum_jerk", seated_knee_deg: float = 90.0, neck_deg: float = -15.0) -> SyntheticRecording:  # fmt: skip
    """Seated sliders filmed from the left side.

    The knee extends to ``depth_deg`` flexion (default 30) while the neck turns by ``neck_deg`` (negative: the head goes back, a slider; positive: a
    tensioner); ``trunk_deg`` (when given) is the rep's neck angle instead.
    """
    rep_list = [Rep()] * reps if isinstance(reps, int) else list(reps)
    camera = camera or PinholeCamera(distance_m=3.0, target_m=(0.1, 0.8, 0.0))
    line = _timeline(rep_list, camera.frame_rate_hz, lead_in_s, profile)
    knee = np.full_like(line.t_s, seated_knee_deg)
    neck = np.zeros_like(line.t_s)
    for i, rep in enumerate(rep_list):
        mine = line.rep_index == i
        end = 30.0 if rep.depth_deg is None else rep.depth_deg
        knee[mine] = seated_knee_deg - (seated_knee_deg - end) * (line.shape[mine] + rep.sway_deg / (seated_knee_deg - end) * line.sway[mine])
        neck[mine] = (neck_deg if rep.trunk_deg is None else rep.trunk_deg) * line.shape[mine]
    postures = [_seated(0.0, float(k), height_m) for k in knee]
    frames = np.stack([_turn_head(body_points(p, height_m), float(n)) for p, n in zip(postures, neck, strict=True)])
    truths = [posture_angles(p) for p in postures]
    columns = {name: np.array([t[name] for t in truths]) for name in truths[0]}
    columns["neck_inclination_deg"] = _neck_inclination(frames)
    columns["head_inclination_deg"] = _head_inclination(frames)
    events = []
    for i, (rep, (start, top, leave, end)) in enumerate(zip(rep_list, line.times, strict=True)):
        held = (line.t_s >= top) & (line.t_s <= leave)
        knee_end = float(np.median(columns["left_knee_flexion_deg"][held]))
        change = float(np.median(columns["head_inclination_deg"][held]) - columns["head_inclination_deg"][0])
        values = {"knee_extension_range_deg": seated_knee_deg - knee_end, "knee_flexion_at_end_deg": knee_end, "neck_change_deg": change,
                  "extension_s": rep.move_s, "return_s": rep.back_s}  # fmt: skip
        events.append(RepTruth(i, start, top, leave, end, rep.hold_s, values, ("tensioning",) if change > 5.0 else ()))
    return _record(frames, line.t_s, columns, camera, realism, seed, f"synthetic seated slider, {len(rep_list)} reps, {profile}", tuple(events))


def hamstring_stretch(holds: Sequence[Rep] | int = 1, *, camera: PinholeCamera | None = None, realism: Realism | None = None, seed: int = 0, height_m: float = 1.70,
                      lead_in_s: float = 2.0, profile: MovementProfile = "minimum_jerk") -> SyntheticRecording:  # fmt: skip
    """Supine hamstring stretches of the left leg (near the camera), knee straight, to ``depth_deg`` hip flexion (default 60).

    ``sag_at_s`` / ``sag_deg``: the knee bends by ``sag_deg`` from that many seconds into the hold.
    """
    rep_list = [Rep(move_s=2.0, hold_s=8.0, back_s=2.0, rest_s=2.0)] * holds if isinstance(holds, int) else list(holds)
    camera = camera or PinholeCamera(distance_m=4.0, height_m=0.6, yaw_deg=0.0, target_m=(0.3, 0.6, 0.0), image_width_px=1920, image_height_px=1080)
    line = _timeline(rep_list, camera.frame_rate_hz, lead_in_s, profile)
    hip = np.zeros_like(line.t_s)
    bend = np.zeros_like(line.t_s)
    for i, rep in enumerate(rep_list):
        mine = line.rep_index == i
        hip[mine] = (60.0 if rep.depth_deg is None else rep.depth_deg) * line.shape[mine] + rep.sway_deg * line.sway[mine]
        if rep.sag_at_s is not None:
            bend[mine] = abs(rep.sag_deg) * step(line.t_s[mine], line.times[i][1] + rep.sag_at_s, 0.5) * line.shape[mine]
    postures = []
    for h_deg, b_deg in zip(hip, bend, strict=True):
        raised = LegPosture(thigh_deg=float(h_deg), shank_deg=float(h_deg - b_deg), dorsiflexion_deg=0.0)
        postures.append(Posture(trunk_deg=0.0, left=raised, right=LegPosture(), pelvis_m=(0.0, LYING_JOINT_HEIGHT * height_m, 0.0), body_pitch_deg=90.0))
    frames = np.stack([body_points(p, height_m) for p in postures])
    truths = [posture_angles(p) for p in postures]
    columns = {name: np.array([t[name] for t in truths]) for name in truths[0]}
    events = []
    for i, (rep, (start, top, leave, end)) in enumerate(zip(rep_list, line.times, strict=True)):
        held_until: float = leave
        faults: tuple[str, ...] = ()
        if rep.sag_at_s is not None and abs(rep.sag_deg) > 15.0:
            # the knee passes 15 deg on its 0.5 s minimum-jerk bend; it stays past it
            t = line.t_s
            crossing = (t >= top + rep.sag_at_s) & (columns["left_knee_flexion_deg"] > 15.0)
            held_until, faults = float(t[np.argmax(crossing)]), ("knee_bent",)
        held = (line.t_s >= top) & (line.t_s <= held_until)
        values = {name: float(np.median(columns[f"left_{column}"][held])) for name, column in
                  (("hip_flexion_held_deg", "hip_flexion_deg"), ("knee_flexion_held_deg", "knee_flexion_deg"), ("leg_elevation_held_deg", "leg_elevation_deg"))}  # fmt: skip
        events.append(RepTruth(i, start, top, held_until, end, held_until - top, values, faults))
    return _record(frames, line.t_s, columns, camera, realism, seed, f"synthetic hamstring stretch, {len(rep_list)} holds, {profile}", tuple(events))


def lumbar_extension(reps: Sequence[Rep] | int = 3, *, camera: PinholeCamera | None = None, realism: Realism | None = None, seed: int = 0, height_m: float = 1.70,
                     lead_in_s: float = 2.0, profile: MovementProfile = "minimum_jerk") -> SyntheticRecording:  # fmt: skip
    """Standing back bends filmed from the left side.

    The trunk goes back by ``depth_deg`` (default 25), the knees bent by ``trunk_deg`` degrees when given (a fault), feet flat.
    """
    rep_list = [Rep(move_s=2.0, hold_s=1.0, back_s=2.0)] * reps if isinstance(reps, int) else list(reps)
    camera = camera or PinholeCamera(distance_m=3.0, target_m=(0.1, 0.9, 0.0))
    line = _timeline(rep_list, camera.frame_rate_hz, lead_in_s, profile)
    trunk, knee = np.zeros_like(line.t_s), np.zeros_like(line.t_s)
    for i, rep in enumerate(rep_list):
        mine = line.rep_index == i
        trunk[mine] = -(25.0 if rep.depth_deg is None else rep.depth_deg) * line.shape[mine] - rep.sway_deg * line.sway[mine]
        knee[mine] = (rep.trunk_deg or 0.0) * line.shape[mine]
    postures = [_standing_posture(float(a), float(k), 0.0, 0.0, height_m) for a, k in zip(trunk, knee, strict=True)]
    frames = np.stack([body_points(p, height_m) for p in postures])
    truths = [posture_angles(p) for p in postures]
    columns = {name: np.array([t[name] for t in truths]) for name in truths[0]}
    events = []
    for i, (rep, (start, top, leave, end)) in enumerate(zip(rep_list, line.times, strict=True)):
        held = (line.t_s >= top) & (line.t_s <= leave)
        values = {"extension_range_deg": -float(np.median(columns["trunk_inclination_deg"][held])),
                  "hip_flexion_at_end_deg": float(np.median(columns["left_hip_flexion_deg"][held])),
                  "knee_flexion_at_end_deg": float(np.median(columns["left_knee_flexion_deg"][held])), "bend_s": rep.move_s, "return_s": rep.back_s}  # fmt: skip
        events.append(RepTruth(i, start, top, leave, end, rep.hold_s, values, ("knees_bent",) if values["knee_flexion_at_end_deg"] > 20.0 else ()))
    return _record(frames, line.t_s, columns, camera, realism, seed, f"synthetic standing back bend, {len(rep_list)} reps, {profile}", tuple(events))


def _turn_about_vertical(points: FloatArray, names: Sequence[str], deg: float, centre: FloatArray) -> None:
    """Turn landmarks about the vertical through ``centre``; positive brings the LEFT side forward (+x): a turn to the right."""
    r = math.radians(deg)
    # (x, z) -> a rotation that moves the left side (z < 0) towards +x for positive angles
    rotation = np.array([[math.cos(r), 0.0, -math.sin(r)], [0.0, 1.0, 0.0], [math.sin(r), 0.0, math.cos(r)]])
    index = [LANDMARK_INDEX[n] for n in names]
    points[index] = (points[index] - centre) @ rotation.T + centre


_UPPER_BODY = (*_HEAD, "left_shoulder", "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist",
               "left_pinky", "right_pinky", "left_index", "right_index", "left_thumb", "right_thumb")  # fmt: skip


def thoracic_rotation(reps: Sequence[Rep] | int = 4, *, camera: PinholeCamera | None = None, realism: Realism | None = None, seed: int = 0, height_m: float = 1.70,
                      lead_in_s: float = 2.0, profile: MovementProfile = "minimum_jerk") -> SyntheticRecording:  # fmt: skip
    """Seated trunk turns filmed from the front.

    Alternately to the right and left by ``depth_deg`` (default 40); ``trunk_deg`` (when given) turns the pelvis with it by that much (a fault).
    """
    rep_list = [Rep(move_s=2.0, hold_s=1.0, back_s=2.0)] * reps if isinstance(reps, int) else list(reps)
    camera = camera or PinholeCamera(distance_m=3.0, yaw_deg=90.0, target_m=(0.0, 0.8, 0.0))
    line = _timeline(rep_list, camera.frame_rate_hz, lead_in_s, profile)
    shoulders, pelvis = np.zeros_like(line.t_s), np.zeros_like(line.t_s)
    for i, rep in enumerate(rep_list):
        mine = line.rep_index == i
        sign = 1.0 if i % 2 == 0 else -1.0
        shoulders[mine] = sign * ((40.0 if rep.depth_deg is None else rep.depth_deg) * line.shape[mine] + rep.sway_deg * line.sway[mine])
        pelvis[mine] = sign * (rep.trunk_deg or 0.0) * line.shape[mine]
    frames = []
    for s_deg, p_deg in zip(shoulders, pelvis, strict=True):
        points = body_points(_seated(0.0, 90.0, height_m), height_m)
        centre = _mid(points, "left_hip", "right_hip")
        _turn_about_vertical(points, _UPPER_BODY, float(s_deg), centre)
        _turn_about_vertical(points, ("left_hip", "right_hip"), float(p_deg), centre)
        frames.append(points)
    columns = {"shoulder_rotation_deg": shoulders, "pelvis_rotation_deg": pelvis, "thoracic_rotation_deg": shoulders - pelvis}
    events = []
    for i, (rep, (start, top, leave, end)) in enumerate(zip(rep_list, line.times, strict=True)):
        held = (line.t_s >= top) & (line.t_s <= leave)
        rotation = float(np.median(columns["thoracic_rotation_deg"][held]))
        p_deg = float(np.median(pelvis[held]))
        values = {"rotation_deg": rotation, "rotation_range_deg": abs(rotation), "pelvis_rotation_deg": p_deg, "turn_s": rep.move_s, "return_s": rep.back_s}
        events.append(RepTruth(i, start, top, leave, end, rep.hold_s, values, ("pelvis_turning",) if abs(p_deg) > 10.0 else ()))
    return _record(np.stack(frames), line.t_s, columns, camera, realism, seed, f"synthetic seated thoracic rotation, {len(rep_list)} reps, {profile}", tuple(events))


def standing_posture(*, trunk_deg: float = 0.0, neck_deg: float = 0.0, sway_m: float = 0.0, duration_s: float = 6.0, camera: PinholeCamera | None = None,
                     realism: Realism | None = None, seed: int = 0, height_m: float = 1.70) -> SyntheticRecording:  # fmt: skip
    """Standing still, filmed from the left side.

    The trunk inclined by ``trunk_deg`` (forward +), the head forward by ``neck_deg`` and the hips pushed ``sway_m`` forward of the shoulder-ankle line; a
    0.3 deg body sway at 0.3 Hz. The truth (``events[0].values``) is the posture check's values.
    """
    camera = camera or PinholeCamera(distance_m=3.0, target_m=(0.1, 0.9, 0.0))
    t = np.arange(int(round(duration_s * camera.frame_rate_hz))) / camera.frame_rate_hz
    sway = 0.3 * np.sin(2 * np.pi * 0.3 * t)
    frames = []
    for s in sway:
        points = _turn_head(body_points(_standing_posture(trunk_deg + float(s), 0.0, 0.0, 0.0, height_m), height_m), neck_deg)
        for name, share in (("left_hip", 1.0), ("right_hip", 1.0), ("left_knee", 0.5), ("right_knee", 0.5)):
            points[LANDMARK_INDEX[name], 0] += share * sway_m
        frames.append(points)
    stacked = np.stack(frames)
    neck = _neck_inclination(stacked)
    shoulder, hip, ankle = (_mid(stacked, f"left_{j}", f"right_{j}")[:, :2] for j in ("shoulder", "hip", "ankle"))
    trunk = shoulder - hip
    legs_up = hip - ankle
    # hips forward of the line: the trunk turns back from the legs' continuation (clockwise turns are forward here)
    deviation = np.degrees(np.arctan2(legs_up[:, 0] * trunk[:, 1] - legs_up[:, 1] * trunk[:, 0], np.sum(legs_up * trunk, axis=-1)))
    ear = _mid(stacked, "left_ear", "right_ear")[:, :2]
    height = ear[:, 1] - ankle[:, 1]
    columns = {"neck_inclination_deg": neck, "trunk_inclination_deg": np.degrees(np.arctan2(trunk[:, 0], trunk[:, 1])), "hip_line_deviation_deg": deviation}
    values = {"craniovertebral_proxy_deg": 90.0 - float(np.median(neck)), "neck_inclination_deg": float(np.median(neck)),
              "trunk_inclination_deg": float(np.median(columns["trunk_inclination_deg"])), "hip_line_deviation_deg": float(np.median(deviation))}  # fmt: skip
    for part in ("ear", "shoulder", "hip", "knee"):
        values[f"{part}_forward_pct"] = float(np.median(100.0 * (_mid(stacked, f"left_{part}", f"right_{part}")[:, 0] - ankle[:, 0]) / height))
    faults = tuple(f for f, on in (("forward_head", values["craniovertebral_proxy_deg"] < 48.0), ("trunk_lean", abs(values["trunk_inclination_deg"]) > 5.0),
                                   ("sway_back", values["hip_line_deviation_deg"] > 10.0)) if on)  # fmt: skip
    events = (RepTruth(0, 0.0, 0.0, float(t[-1]), float(t[-1]), float(t[-1]), values, faults),)
    return _record(stacked, t, columns, camera, realism, seed, "synthetic standing posture", events)
