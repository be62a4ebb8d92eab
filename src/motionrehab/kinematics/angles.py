"""Joint and segment angles: each defined once, here.

All sagittal angles are computed by ``sagittal_angles`` on 2-D points in a body frame
where +x is the person's FORWARD direction and +y is TRUE UP. Two routes lead there:
- from the image (``compute_angles``): pixels (x right, y down) -> y flipped to up ->
  rotated back by the calibrated camera roll -> mirrored so that the person faces +x
  (forward is where the toes point, heel -> foot index, median over the recording);
- from MediaPipe's world landmarks (``use_world=True``): each frame's 3-D points projected
  onto the sagittal plane (the plane normal to the left hip -> right hip axis), with the
  same up and forward.
So each definition below exists once and serves the 2-D and the 3-D case alike.

Segments (for one side; "mid" = midpoint of left and right):
- trunk line d: shoulder mid -> hip mid (pointing down the trunk, continued past the hip);
- thigh: hip -> knee; shank: knee -> ankle; leg: hip -> ankle; foot: heel -> foot index.
The ANTERIOR direction: in standing postures (shanks near vertical) the normal to d on the
forward side; lying (shanks near horizontal, e.g. supine SLR) the normal to d on the up side.
Forward is where the toes point when standing; lying supine, the image is mirrored so the
feet point +x (the standing person turned face up), keeping left/right handedness.

Angles, degrees (0 position; sign):
- trunk_inclination_deg: trunk (hip mid -> shoulder mid) from true vertical; 0 upright;
  positive leaning forward.
- upper_body_inclination_deg: the line from the hip mid to the centroid of the head and
  shoulders (UPPER_BODY_LANDMARKS) from true vertical; positive leaning forward. Longer
  than the trunk line and averaged over 13 landmarks: per-frame noise 1.0 deg against the
  trunk line's 1.75 deg (synthetic phone, 0.5 % landmark noise, standing);
  the timing signal of movements where head and trunk move together (the hinge's tempo).
  It is not a joint angle: a nod moves it.
- <side>_hip_flexion_deg: thigh relative to the trunk line d; 0 when the thigh continues
  the trunk line (standing straight, lying flat); positive in flexion (thigh towards
  anterior), negative in extension. Standing, this equals trunk inclination + thigh angle
  from vertical. It is also the SLR's hip -> knee ("thigh elevation") measure.
- <side>_leg_elevation_deg: the SLR measure: leg (hip -> ankle, docs/clinical-terms.md: greater
  trochanter -> lateral malleolus) relative to the trunk line d; 0 lying flat; positive raised.
- <side>_knee_flexion_deg: 180 - the hip-knee-ankle angle; 0 straight; positive flexed
  (never negative: hyperextension reads 0 plus its magnitude, as a goniometer would).
- <side>_shin_inclination_deg: shank from true vertical; positive when the knee is forward
  of the ankle (knees travelling forward).
- <side>_ankle_dorsiflexion_deg: foot (heel -> foot index) from the shank's perpendicular;
  0 neutral (foot at 90 deg to the shank); positive dorsiflexion (toes towards the shin).
- hip_line_deviation_deg: the bend of the body at the hips away from the straight
  shoulder-ankle line: the angle at the hip midpoint between hip -> shoulder mid and the
  continuation of ankle mid -> hip mid; 0 when shoulders, hips and ankles are in one line;
  positive when the hips lie on the ANTERIOR reference side of the shoulder-ankle line (true
  up when lying: a pike in a plank; forward when standing: hips swayed forward), negative on
  the other (a sagging plank). Plank and side-plank alignment.
- body_line_elevation_deg: the ankle mid -> shoulder mid line from true horizontal; positive
  with the shoulders higher (0 lying flat, about 10-15 in a forearm plank, 90 standing).
- neck_inclination_deg: shoulder mid -> ear mid from true vertical; 0 with the ear above the
  shoulder, positive with the ear forward (a forward head, or the neck flexing). Its
  complement 90 - neck_inclination_deg stands in for the craniovertebral angle (horizontal to
  the C7 -> tragus line; Yip, Chiu & Poon 2008, Man Ther 13:148), with the shoulder in
  place of C7, which the pose model does not give: smaller by a few degrees than the CVA.
- head_inclination_deg: shoulder mid -> the centroid of the 11 face landmarks (nose, eyes,
  ears, mouth) from true vertical, positive forward. Moves with the neck's flexion like
  neck_inclination_deg but averages 11 landmarks instead of 2 (a change of it is the neck's
  movement; its level is not the CVA's).
Frontal-view angles (image route only, person facing the camera):
- pelvis_tilt_deg: left hip -> right hip line from true horizontal; positive when the
  right hip is lower.
- <side>_knee_valgus_deg: the frontal-plane projection angle (FPPA; Willson & Davis 2008,
  J Orthop Sports Phys Ther 38:606; Munro, Herrington & Carolan 2012, J Sport Rehabil
  21:7): 180 - the hip-knee-ankle angle in the image, positive when the knee lies medial to
  the hip -> ankle line (towards the other leg: valgus), negative lateral (varus). NaN when
  the thigh's image length is under half the shank's (the thigh points at the camera, as
  when sitting: the projection angle is then undefined).
- trunk_lateral_lean_deg: trunk (hip mid -> shoulder mid) from true vertical in the
  frontal plane; positive leaning towards the person's right (lateral shift of the trunk).
NaN wherever a landmark needed is missing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from motionrehab.capture.landmarks import LANDMARK_INDEX
from motionrehab.capture.pose_track import PoseTrack
from motionrehab.kinematics.angle_table import AngleTable
from motionrehab.kinematics.calibration import NO_CALIBRATION, CameraCalibration, image_to_up

FloatArray = NDArray[np.float64]

SIDES = ("left", "right")
#: the head and shoulders, whose centroid ends the upper-body line (13 landmarks averaged)
UPPER_BODY_LANDMARKS = (
    "nose", "left_eye_inner", "left_eye", "left_eye_outer", "right_eye_inner", "right_eye", "right_eye_outer",
    "left_ear", "right_ear", "mouth_left", "mouth_right", "left_shoulder", "right_shoulder",
)  # fmt: skip
SAGITTAL_NAMES = ("hip_flexion_deg", "leg_elevation_deg", "knee_flexion_deg", "shin_inclination_deg", "ankle_dorsiflexion_deg")


def _idx(name: str) -> int:
    return LANDMARK_INDEX[name]


def _signed(reference: FloatArray, vector: FloatArray, normal: FloatArray) -> FloatArray:
    """Angle (deg) from ``reference`` to ``vector``, positive towards ``normal`` ((..., 2) arrays)."""
    # written out per component: these run once per frame live, where numpy's per-call
    # overhead (norm, sum over a 2-axis) costs more than the arithmetic
    length = np.hypot(reference[..., 0], reference[..., 1])
    along = (vector[..., 0] * reference[..., 0] + vector[..., 1] * reference[..., 1]) / length
    across = vector[..., 0] * normal[..., 0] + vector[..., 1] * normal[..., 1]
    return np.degrees(np.arctan2(across, along))


def _from_vertical(vector: FloatArray, sign_x: float = 1.0) -> FloatArray:
    """Angle (deg) of ``vector`` from true up (+y), positive towards +x * sign_x."""
    return np.degrees(np.arctan2(sign_x * vector[..., 0], vector[..., 1]))


@dataclass(frozen=True)
class BodyFrame:
    """How a recording's image maps to the body frame (forward = +x, up = +y).

    Attributes:
        camera_roll_deg: calibrated camera roll (see kinematics.calibration).
        forward_sign: +1 when the person faces image right, -1 when they face image left.
        lying: True for lying postures (anterior = up), False standing (anterior = forward).
    """

    camera_roll_deg: float = 0.0
    forward_sign: float = 1.0
    lying: bool = False


def body_frame_for(track: PoseTrack, calibration: CameraCalibration | None = None, *, lying: bool | None = None) -> BodyFrame:
    """The body frame of a recording: roll from the calibration, facing from the feet, posture from the body.

    Lying (unless ``lying`` is given) when the shanks are nearer horizontal than vertical
    (median over frames), or when the trunk is (within 30 deg of horizontal) with the hips
    no higher than the knees: lying on the back with the knees bent (a bridge).
    """
    roll = (calibration or NO_CALIBRATION).camera_roll_deg
    up_points = image_to_up(track.landmarks_px, roll)
    if lying is None:
        lying = _looks_lying(up_points)
    if lying:
        # supine, the toes point up: orient by the body instead, feet towards +x (head at -x),
        # the same handedness as a standing person facing +x turned face up
        along = np.concatenate([up_points[:, _idx(f"{s}_ankle")] - up_points[:, _idx(f"{s}_shoulder")] for s in SIDES])
    else:
        along = np.concatenate([up_points[:, _idx(f"{s}_foot_index")] - up_points[:, _idx(f"{s}_heel")] for s in SIDES])
    facing = np.nanmedian(along[:, 0]) if np.isfinite(along).any() else 1.0
    return BodyFrame(camera_roll_deg=roll, forward_sign=1.0 if not np.isfinite(facing) or facing >= 0 else -1.0, lying=lying)


def _looks_lying(up_points: FloatArray) -> bool:
    with np.errstate(invalid="ignore"):
        shanks = np.concatenate([up_points[:, _idx(f"{s}_ankle")] - up_points[:, _idx(f"{s}_knee")] for s in SIDES])
        if not np.isfinite(shanks).any():
            return False
        if np.nanmedian(np.abs(np.degrees(np.arctan2(shanks[:, 0], -shanks[:, 1])))) > 45.0:
            return True
        trunk = (up_points[:, _idx("left_shoulder")] + up_points[:, _idx("right_shoulder")] - up_points[:, _idx("left_hip")] - up_points[:, _idx("right_hip")]) / 2
        trunk_from_vertical = np.degrees(np.arctan2(np.abs(trunk[:, 0]), trunk[:, 1]))
        hips_over_knees = (up_points[:, _idx("left_hip"), 1] + up_points[:, _idx("right_hip"), 1] - up_points[:, _idx("left_knee"), 1] - up_points[:, _idx("right_knee"), 1]) / 2
        return bool(np.nanmedian(np.abs(trunk_from_vertical - 90.0)) < 30.0 and np.nanmedian(hips_over_knees) <= 0.0)


def to_body_frame(landmarks_px: FloatArray, frame: BodyFrame) -> FloatArray:
    """Image pixels (..., 33, 2) -> body-frame points (forward = +x, up = +y)."""
    points = image_to_up(np.asarray(landmarks_px, dtype=np.float64), frame.camera_roll_deg)
    points[..., 0] *= frame.forward_sign
    return points


def sagittal_angles(points: FloatArray, lying: bool) -> dict[str, FloatArray]:
    """Every sagittal angle from (n, 33, 2) body-frame points (forward = +x, up = +y). See the module docstring."""
    shoulder_mid = (points[:, _idx("left_shoulder")] + points[:, _idx("right_shoulder")]) / 2
    hip_mid = (points[:, _idx("left_hip")] + points[:, _idx("right_hip")]) / 2
    trunk_down = hip_mid - shoulder_mid
    unit = trunk_down / np.hypot(trunk_down[..., 0], trunk_down[..., 1])[..., None]
    normal = np.stack([-unit[:, 1], unit[:, 0]], axis=-1)
    towards = np.array([0.0, 1.0]) if lying else np.array([1.0, 0.0])
    normal = np.where((normal @ towards < 0)[:, None], -normal, normal)  # the anterior side
    head_and_shoulders = points[:, [_idx(name) for name in UPPER_BODY_LANDMARKS]].mean(axis=1)
    columns = {"trunk_inclination_deg": _from_vertical(-trunk_down), "upper_body_inclination_deg": _from_vertical(head_and_shoulders - hip_mid)}
    ankle_mid = (points[:, _idx("left_ankle")] + points[:, _idx("right_ankle")]) / 2
    legs_up = hip_mid - ankle_mid  # continued past the hip, the straight body line
    reference = normal if not lying else np.broadcast_to(np.array([0.0, 1.0]), normal.shape)
    # the reference side for the sign: anterior standing, true up lying (perpendicular to the legs' line)
    legs_normal = np.stack([-legs_up[:, 1], legs_up[:, 0]], axis=-1)
    legs_normal = np.where((np.sum(legs_normal * reference, axis=-1) < 0)[:, None], -legs_normal, legs_normal)
    legs_normal = legs_normal / np.hypot(legs_normal[:, 0], legs_normal[:, 1])[:, None]
    # the trunk turns away from the side the hips are displaced to
    columns["hip_line_deviation_deg"] = -_signed(legs_up, -trunk_down, legs_normal)
    body_line = shoulder_mid - ankle_mid
    columns["body_line_elevation_deg"] = np.degrees(np.arctan2(body_line[:, 1], np.abs(body_line[:, 0])))
    ear_mid = (points[:, _idx("left_ear")] + points[:, _idx("right_ear")]) / 2
    columns["neck_inclination_deg"] = _from_vertical(ear_mid - shoulder_mid)
    face = points[:, [_idx(name) for name in UPPER_BODY_LANDMARKS if not name.endswith("shoulder")]].mean(axis=1)
    columns["head_inclination_deg"] = _from_vertical(face - shoulder_mid)
    for side in SIDES:
        hip, knee, ankle = (points[:, _idx(f"{side}_{j}")] for j in ("hip", "knee", "ankle"))
        heel, toe = points[:, _idx(f"{side}_heel")], points[:, _idx(f"{side}_foot_index")]
        thigh, shank, foot = knee - hip, ankle - knee, toe - heel
        columns[f"{side}_hip_flexion_deg"] = _signed(trunk_down, thigh, normal)
        columns[f"{side}_leg_elevation_deg"] = _signed(trunk_down, ankle - hip, normal)
        cosine = (thigh[..., 0] * shank[..., 0] + thigh[..., 1] * shank[..., 1]) / (np.hypot(thigh[..., 0], thigh[..., 1]) * np.hypot(shank[..., 0], shank[..., 1]))
        columns[f"{side}_knee_flexion_deg"] = np.degrees(np.arccos(np.clip(cosine, -1.0, 1.0)))
        columns[f"{side}_shin_inclination_deg"] = _from_vertical(-shank)  # knee forward of the ankle: positive
        shank_up = -shank
        # foot from the shank's forward perpendicular; toes up towards the shin is positive
        perpendicular = np.stack([shank_up[:, 1], -shank_up[:, 0]], axis=-1)
        columns[f"{side}_ankle_dorsiflexion_deg"] = _signed(perpendicular, foot, shank_up / np.hypot(shank_up[..., 0], shank_up[..., 1])[..., None])
    return columns


def frontal_angles(points_up: FloatArray) -> dict[str, FloatArray]:
    """Frontal-view angles from (n, 33, 2) points in (x right, y up) with the roll removed (no mirroring)."""
    left_hip, right_hip = points_up[:, _idx("left_hip")], points_up[:, _idx("right_hip")]
    hip_line = right_hip - left_hip  # towards the person's right
    tilt = np.degrees(np.arctan2(-hip_line[:, 1], np.abs(hip_line[:, 0])))
    shoulder_mid = (points_up[:, _idx("left_shoulder")] + points_up[:, _idx("right_shoulder")]) / 2
    trunk = shoulder_mid - (left_hip + right_hip) / 2
    # true horizontal towards the person's right (the side the right hip is on), not the tilted hip line
    rightward = np.sign(hip_line[:, 0])
    lean = np.degrees(np.arctan2(rightward * trunk[:, 0], trunk[:, 1]))
    columns = {"pelvis_tilt_deg": tilt, "trunk_lateral_lean_deg": lean}
    hip_mid_x = (left_hip[:, 0] + right_hip[:, 0]) / 2
    for side in SIDES:
        hip, knee, ankle = (points_up[:, _idx(f"{side}_{j}")] for j in ("hip", "knee", "ankle"))
        thigh = knee - hip
        # the medial side: perpendicular to the thigh, towards the pelvis midline
        normal = np.stack([-thigh[:, 1], thigh[:, 0]], axis=-1)
        medial = np.sign(hip_mid_x - hip[:, 0])
        normal = np.where((normal[:, 0] * medial < 0)[:, None], -normal, normal)
        normal = normal / np.hypot(normal[:, 0], normal[:, 1])[:, None]
        # the knee's deviation from the hip -> ankle line, as the angle between thigh and shank
        bend = _signed(thigh, ankle - knee, normal)  # positive: the shank turns medially, the knee lies lateral
        # a thigh pointing at the camera (sitting) has no frontal-plane angle: NaN when its
        # image length is under half the shank's
        shank_px = np.hypot(*(ankle - knee).T)
        columns[f"{side}_knee_valgus_deg"] = np.where(np.hypot(thigh[:, 0], thigh[:, 1]) >= 0.5 * shank_px, -bend, np.nan)
    return columns


def world_to_body_frame(world_m: FloatArray, frame: BodyFrame) -> FloatArray:
    """MediaPipe world landmarks (n, 33, 3) -> sagittal-plane points (n, 33, 2), forward = +x, up = +y.

    Up is MediaPipe's -y turned by the camera roll about the camera axis; the lateral axis is
    the left hip -> right hip line; forward = lateral x up, flipped to the toes' side.
    """
    r = math.radians(frame.camera_roll_deg)
    up = np.array([math.sin(r), -math.cos(r), 0.0])  # world axes: x right, y down, z away
    lateral = world_m[:, _idx("right_hip")] - world_m[:, _idx("left_hip")]
    lateral = lateral - np.outer(lateral @ up, up)
    lateral /= np.linalg.norm(lateral, axis=-1, keepdims=True)
    forward = np.cross(lateral, up)
    feet = np.stack([world_m[:, _idx(f"{s}_foot_index")] - world_m[:, _idx(f"{s}_heel")] for s in SIDES]).mean(axis=0)
    flip = np.sign(np.nanmedian(np.sum(feet * forward, axis=-1))) if not frame.lying else 1.0
    forward *= flip if np.isfinite(flip) and flip != 0 else 1.0
    x = np.einsum("nkc,nc->nk", world_m, forward)
    y = world_m @ up
    return np.stack([x, y], axis=-1)


def pelvis_tilt_3d_deg(world_m: FloatArray, camera_roll_deg: float = 0.0) -> FloatArray:
    """pelvis_tilt_3d_deg: the left hip -> right hip line from the true horizontal PLANE, in 3-D.

    From MediaPipe's world landmarks (n, 33, 3) (camera axes: x right, y down, z away; true
    up is -y turned by the camera roll, as in ``world_to_body_frame``); positive when the
    right hip is lower. The frontal ``pelvis_tilt_deg`` needs a front view; this one also
    reads a pelvis dropping or rotating about the body's long axis in a side view (a bridge),
    where the hip line points along the camera's axis. Its accuracy is that of the model's
    depth estimate (MediaPipe world z), far coarser than image positions.
    """
    r = math.radians(camera_roll_deg)
    up = np.array([math.sin(r), -math.cos(r), 0.0])
    hip_line = world_m[:, _idx("right_hip")] - world_m[:, _idx("left_hip")]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(np.degrees(np.arcsin(np.clip(-(hip_line @ up) / np.linalg.norm(hip_line, axis=-1), -1.0, 1.0))))


def axial_rotation_deg(world_m: FloatArray, left: str, right: str, camera_roll_deg: float = 0.0) -> FloatArray:
    """shoulder_rotation_deg / pelvis_rotation_deg: a left-right landmark pair turned about the vertical, front view.

    From MediaPipe's world landmarks (n, 33, 3) (camera axes: x right, y down, z away): the
    pair's line in the horizontal plane against the image's horizontal (true up is -y turned
    by the camera roll); 0 facing the camera squarely, positive when the LEFT landmark is
    nearer the camera (the trunk turned towards the person's right). The apparent width alone
    cannot give it: arccos(width / widest) is so steep near square-on that 1 % of width noise
    reads as 8 deg. Its accuracy is that of the model's depth estimate. Wrapped into
    [-90, 90) (a left/right swap of the pair reads the same). NaN where missing.
    """
    r = math.radians(camera_roll_deg)
    across = np.array([math.cos(r), math.sin(r), 0.0])  # the true horizontal in the image plane, towards image right
    line = world_m[:, _idx(right)] - world_m[:, _idx(left)]  # facing the camera this points to image left
    with np.errstate(invalid="ignore"):
        turned = np.degrees(np.arctan2(line[:, 2], -(line @ across)))
    # a person facing the camera cannot turn past 90 deg; a left/right swap of the pair reads 180 off
    return np.asarray((turned + 90.0) % 180.0 - 90.0)


def compute_angles(track: PoseTrack, calibration: CameraCalibration | None = None, *, use_world: bool = False, frame: BodyFrame | None = None) -> AngleTable:
    """Every angle per frame for one person (columns as in the module docstring).

    Args:
        track: the person's landmarks (clean them first with signals.cleaning for noisy video).
        calibration: camera roll profile (None: roll 0; see kinematics.calibration to estimate one).
        use_world: measure sagittal angles from MediaPipe's 3-D world landmarks instead of the image.
        frame: a known body frame (live use); by default derived from the track (body_frame_for).
    """
    body = frame or body_frame_for(track, calibration)
    if use_world:
        if track.world_m is None:
            raise ValueError("this track has no world landmarks; measure from the image (use_world=False)")
        points = world_to_body_frame(track.world_m, body)
    else:
        points = to_body_frame(track.landmarks_px, body)
    with np.errstate(invalid="ignore", divide="ignore"):
        columns = sagittal_angles(points, body.lying)
        columns.update(frontal_angles(image_to_up(track.landmarks_px, body.camera_roll_deg)))
    return AngleTable(t_s=track.t_s, columns=columns, person_id=track.person_id, camera_roll_deg=body.camera_roll_deg, source=track.source)


def angles_for_frame(landmarks_px: FloatArray, frame: BodyFrame) -> dict[str, float]:
    """Every sagittal and frontal angle for one frame ((33, 2) pixels), for live use."""
    up = image_to_up(np.asarray(landmarks_px, dtype=np.float64)[None], frame.camera_roll_deg)
    points = up.copy()
    points[..., 0] *= frame.forward_sign  # as to_body_frame, without converting twice
    with np.errstate(invalid="ignore", divide="ignore"):
        columns = sagittal_angles(points, frame.lying)
        columns.update(frontal_angles(up))
    return {name: float(values[0]) for name, values in columns.items()}


def facing_side(track: PoseTrack) -> str:
    """Which side of the body faces the camera in a side view: 'left' or 'right'.

    MediaPipe's z is smaller for landmarks nearer the camera; the side whose hip, knee and
    ankle are nearer (median over frames) faces the camera. Visibility breaks ties.
    """
    left = [_idx(f"left_{j}") for j in ("hip", "knee", "ankle")]
    right = [_idx(f"right_{j}") for j in ("hip", "knee", "ankle")]
    if track.landmarks_z is not None and np.isfinite(track.landmarks_z[:, left + right]).any():
        difference = np.nanmedian(track.landmarks_z[:, left] - track.landmarks_z[:, right])
        if np.isfinite(difference) and abs(difference) > 1e-6:
            return "left" if difference < 0 else "right"
    visibility = np.nan_to_num(track.visibility)
    return "left" if visibility[:, left].mean() >= visibility[:, right].mean() else "right"
