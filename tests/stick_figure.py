"""An exact stick figure for tests: landmarks built from known segment angles (truth by construction).

Shared by the kinematics and measures tests (imported as ``stick_figure``; tests/conftest.py
puts this folder on the import path).
"""

import math

import numpy as np

from motionrehab.capture.landmarks import LANDMARK_INDEX
from motionrehab.capture.pose_track import PoseTrack

# segment lengths as fractions of height (Winter 2009, Fig. 4.1)
TRUNK, THIGH, SHANK, FOOT = 0.288, 0.245, 0.246, 0.152


def body_points(trunk_deg, thigh_deg, shank_deg, foot_deg=0.0, *, lying=False, height=1.0, swap_lr=False):
    """(33, 3) world points (x forward, y up, z lateral-right) from absolute segment angles.

    Standing: trunk angle from vertical (forward +), thigh and shank from vertical-down (forward +),
    foot from horizontal-forward (toes up +). Lying: the whole body is turned -90 deg (head towards -x).
    """
    def direction(deg, down=True):
        r = math.radians(deg)
        return np.array([math.sin(r), -math.cos(r) if down else math.cos(r)])

    points = np.zeros((33, 3))
    hip = np.array([0.0, 0.0])
    shoulder = hip + TRUNK * height * direction(trunk_deg, down=False)
    for side, z in (("left", -0.1), ("right", 0.1)):
        knee = hip + THIGH * height * direction(thigh_deg)
        ankle = knee + SHANK * height * direction(shank_deg)
        heel = ankle + np.array([-0.05, -0.04]) * height
        toe = heel + FOOT * height * np.array([math.cos(math.radians(foot_deg)), math.sin(math.radians(foot_deg))])
        for name, p in (("hip", hip), ("knee", knee), ("ankle", ankle), ("heel", heel), ("foot_index", toe), ("shoulder", shoulder)):
            points[LANDMARK_INDEX[f"{side}_{name}"]] = [p[0], p[1], z * height]
    points[LANDMARK_INDEX["nose"]] = [*(shoulder + 0.15 * height * direction(trunk_deg, down=False) + [0.05, 0]), 0.0]
    for i in range(33):
        if not points[i].any() and i != LANDMARK_INDEX["left_hip"]:
            points[i] = points[LANDMARK_INDEX["nose"]]
    if lying:  # rotate the body so the trunk lies along -x (head at -x), face up
        r = math.radians(-90)
        rot = np.array([[math.cos(r), -math.sin(r)], [math.sin(r), math.cos(r)]])
        points[:, :2] = points[:, :2] @ rot.T
    return points


def camera_coordinates(points_world, roll_deg=0.0, facing_right=True):
    """Body points as a rolled camera sees them: (x right, y up, z) in metres, camera-aligned."""
    x = points_world[..., 0] * (1 if facing_right else -1)
    y = points_world[..., 1]
    z = points_world[..., 2] * (1 if facing_right else -1)
    r = math.radians(roll_deg)
    # the true up (0, 1) appears rotated clockwise by roll: (sin r, cos r) in x-right/y-up coordinates
    xr = math.cos(r) * x + math.sin(r) * y
    yr = -math.sin(r) * x + math.cos(r) * y
    return np.stack([xr, yr, z], axis=-1)


def track_of(frames_world, roll_deg=0.0, facing_right=True, fps=30.0, scale=600.0, centre=(540, 900)):
    camera = np.stack([camera_coordinates(f, roll_deg, facing_right) for f in frames_world])
    px = np.stack([centre[0] + scale * camera[..., 0], centre[1] - scale * camera[..., 1]], axis=-1)
    world = camera * [1, -1, 1]  # MediaPipe world axes: x right, y down, camera-aligned
    n = len(frames_world)
    return PoseTrack(t_s=np.arange(n) / fps, landmarks_px=px, visibility=np.full((n, 33), 0.99), world_m=world,
                     image_width_px=1080, image_height_px=1920, frame_rate_hz=fps)


