"""A 3-D stick-figure body posed by segment angles, with exactly known joint angles.

Body frame (metres): +x the person's forward, +y up, +z the person's right; origin on the
floor below the pelvis centre. Segment lengths are fractions of standing height H from
Winter's anthropometric table (D. A. Winter, Biomechanics and Motor Control of Human
Movement, 4th ed., Wiley 2009, Table 4.1 / Fig. 4.1, after Drillis & Contini):

- greater trochanter (hip) height 0.530 H, knee 0.285 H, ankle 0.039 H, acromion (shoulder)
  0.818 H, so trunk 0.288 H, thigh 0.245 H, shank 0.246 H; chin 0.870 H, eye 0.936 H;
- foot length 0.152 H, heel-to-ankle 0.039 H below and a quarter of the foot behind;
- shoulder width 0.259 H, hip width 0.191 H, upper arm 0.186 H, forearm 0.146 H.

The posture of each frame is a ``Posture``: sagittal segment angles plus a frontal lean and
tilt, the pelvis position and a whole-body pitch (to lie the body down). ``posture_angles``
gives the true angles of a posture with EXACTLY the AngleTable column names and signs that
motionrehab.kinematics.angles defines, by closed-form expressions on the generating angles
(not by measuring the generated points), so the two are independent.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from motionrehab.capture.landmarks import LANDMARK_INDEX, N_LANDMARKS

FloatArray = NDArray[np.float64]

# Winter (2009) Table 4.1, fractions of height
HIP_HEIGHT = 0.530
TRUNK = 0.818 - 0.530
THIGH = 0.530 - 0.285
SHANK = 0.285 - 0.039
ANKLE_HEIGHT = 0.039
FOOT = 0.152
SHOULDER_WIDTH = 0.259
HIP_WIDTH = 0.191
UPPER_ARM = 0.186
FOREARM = 0.146
NECK_TO_EYE = 0.936 - 0.818


@dataclass(frozen=True)
class LegPosture:
    """One leg's sagittal segment angles, degrees.

    thigh_deg: hip -> knee from the body's vertical-down axis (before the whole-body pitch),
        positive with the knee forward.
    shank_deg: knee -> ankle from the body's vertical-down axis, positive with the ankle forward.
    dorsiflexion_deg: foot (heel -> toe) from the shank's forward perpendicular, positive toes
        towards the shin (0 = foot at right angles to the shank).
    """

    thigh_deg: float = 0.0
    shank_deg: float = 0.0
    dorsiflexion_deg: float = 0.0


@dataclass(frozen=True)
class Posture:
    """A whole-body posture.

    trunk_deg: hip mid -> shoulder mid from the body's vertical-up axis, positive leaning forward.
    lateral_lean_deg: trunk lean in the frontal plane, positive towards the person's right.
    pelvis_tilt_deg: left hip -> right hip line from horizontal, positive with the right hip lower.
    pelvis_m: pelvis centre (x forward, y up, z right) in metres, in the world before pitch.
    body_pitch_deg: rotation of the whole body about the lateral (z) axis through the pelvis,
        positive turning forward towards up: +90 lays a standing body supine (face up, head
        towards -x, feet towards +x).
    """

    trunk_deg: float
    left: LegPosture
    right: LegPosture
    pelvis_m: tuple[float, float, float]
    lateral_lean_deg: float = 0.0
    pelvis_tilt_deg: float = 0.0
    body_pitch_deg: float = 0.0


def _sagittal(deg: float, down: bool) -> FloatArray:
    """Unit vector in the x-y plane at ``deg`` from vertical (down or up), positive forward."""
    r = math.radians(deg)
    return np.array([math.sin(r), -math.cos(r) if down else math.cos(r), 0.0])


def _rotate_z(points: FloatArray, deg: float, centre: FloatArray) -> FloatArray:
    """Rotate points about the lateral axis through ``centre`` (positive: forward x towards up y)."""
    r = math.radians(deg)
    rotation = np.array([[math.cos(r), -math.sin(r), 0.0], [math.sin(r), math.cos(r), 0.0], [0.0, 0.0, 1.0]])
    return (points - centre) @ rotation.T + centre


def body_points(posture: Posture, height_m: float = 1.70) -> FloatArray:
    """(33, 3) landmark positions in metres (x forward, y up, z right) for one posture."""
    h = height_m
    pelvis = np.array(posture.pelvis_m, dtype=np.float64)
    tilt = math.radians(posture.pelvis_tilt_deg)
    half_hips = 0.5 * HIP_WIDTH * h * np.array([0.0, -math.sin(tilt), math.cos(tilt)])  # towards the right hip
    lean = math.radians(posture.lateral_lean_deg)
    trunk_up = _sagittal(posture.trunk_deg, down=False)
    trunk_up = math.cos(lean) * trunk_up + math.sin(lean) * np.array([0.0, 0.0, 1.0])
    trunk_up /= np.linalg.norm(trunk_up)
    shoulder_mid = pelvis + TRUNK * h * trunk_up
    lateral = np.cross(np.array([1.0, 0.0, 0.0]), trunk_up)  # perpendicular to trunk, towards the right
    lateral = lateral / np.linalg.norm(lateral) if np.linalg.norm(lateral) > 1e-9 else np.array([0.0, 0.0, 1.0])
    points = np.zeros((N_LANDMARKS, 3))

    def put(name: str, p: FloatArray) -> None:
        points[LANDMARK_INDEX[name]] = p

    for side, sign, leg in (("left", -1.0, posture.left), ("right", 1.0, posture.right)):
        hip = pelvis + sign * half_hips
        knee = hip + THIGH * h * _sagittal(leg.thigh_deg, down=True)
        ankle = knee + SHANK * h * _sagittal(leg.shank_deg, down=True)
        shank_up = -_sagittal(leg.shank_deg, down=True)
        perpendicular = np.array([shank_up[1], -shank_up[0], 0.0])
        d = math.radians(leg.dorsiflexion_deg)
        foot = math.cos(d) * perpendicular + math.sin(d) * shank_up
        sole_normal = np.array([-foot[1], foot[0], 0.0])
        heel = ankle - 0.25 * FOOT * h * foot - ANKLE_HEIGHT * h * sole_normal
        put(f"{side}_hip", hip)
        put(f"{side}_knee", knee)
        put(f"{side}_ankle", ankle)
        put(f"{side}_heel", heel)
        put(f"{side}_foot_index", heel + FOOT * h * foot)
        shoulder = shoulder_mid + sign * 0.5 * SHOULDER_WIDTH * h * lateral
        elbow = shoulder - UPPER_ARM * h * trunk_up
        wrist = elbow - FOREARM * h * trunk_up
        put(f"{side}_shoulder", shoulder)
        put(f"{side}_elbow", elbow)
        put(f"{side}_wrist", wrist)
        for hand, offset in (("pinky", -0.02), ("index", 0.02), ("thumb", 0.03)):
            put(f"{side}_{hand}", wrist - 0.04 * h * trunk_up + offset * h * _sagittal(posture.trunk_deg + 90, down=False))
        eye = shoulder_mid + NECK_TO_EYE * h * trunk_up + 0.05 * h * _sagittal(posture.trunk_deg + 90, down=False)
        for part, offset in (("eye_inner", 0.015), ("eye", 0.03), ("eye_outer", 0.045)):
            put(f"{side}_{part}", eye + sign * offset * h * lateral)
        put(f"{side}_ear", eye - 0.04 * h * _sagittal(posture.trunk_deg + 90, down=False) + sign * 0.07 * h * lateral)
        put(f"mouth_{side}", eye - 0.06 * h * trunk_up + 0.01 * h * _sagittal(posture.trunk_deg + 90, down=False) + sign * 0.025 * h * lateral)
    put("nose", shoulder_mid + (NECK_TO_EYE - 0.03) * h * trunk_up + 0.07 * h * _sagittal(posture.trunk_deg + 90, down=False))
    if posture.body_pitch_deg:
        points = _rotate_z(points, posture.body_pitch_deg, pelvis)
    return points


def posture_angles(posture: Posture) -> dict[str, float]:
    """The true angles of a posture, by the definitions in motionrehab.kinematics.angles.

    Closed form on the generating angles (exact for the sagittal angles; the frontal ones are
    exact when the sagittal trunk angle is 0, as in a frontal-view hinge set).
    """
    pitch = posture.body_pitch_deg
    # angles from the TRUE vertical (trunk and shin inclination) are defined for upright
    # postures only; a pitched (lying) body gets NaN there rather than a convention-bound value
    upright = pitch == 0.0
    angles = {"trunk_inclination_deg": posture.trunk_deg if upright else float("nan")}
    for side, leg in (("left", posture.left), ("right", posture.right)):
        angles[f"{side}_hip_flexion_deg"] = posture.trunk_deg + leg.thigh_deg
        angles[f"{side}_knee_flexion_deg"] = abs(leg.thigh_deg - leg.shank_deg)
        # hip -> ankle direction from the body's vertical-down axis
        thigh = THIGH * _sagittal(leg.thigh_deg, down=True)
        shank = SHANK * _sagittal(leg.shank_deg, down=True)
        leg_vector = thigh + shank
        leg_deg = math.degrees(math.atan2(leg_vector[0], -leg_vector[1]))
        angles[f"{side}_leg_elevation_deg"] = posture.trunk_deg + leg_deg
        angles[f"{side}_shin_inclination_deg"] = -leg.shank_deg if upright else float("nan")
        angles[f"{side}_ankle_dorsiflexion_deg"] = leg.dorsiflexion_deg
    angles["pelvis_tilt_deg"] = posture.pelvis_tilt_deg
    angles["trunk_lateral_lean_deg"] = posture.lateral_lean_deg
    return angles
