"""The set-up check tells the person what to change: cut-off feet, a frontal view, a tilted camera."""

import numpy as np

from motionrehab.capture.landmarks import LANDMARK_INDEX
from motionrehab.kinematics.view import check_camera_setup

W, H = 720, 1280


def standing(yaw_deg: float, *, top_px: float = 200.0, height_px: float = 900.0, frames: int = 30):
    """A standing person of known proportions (Winter 2009 fractions of height), yaw 0 = side-on."""
    x0 = W / 2
    y = {  # height above the floor as a fraction of stature, Winter Fig. 4.1
        "nose": 0.94, "shoulder": 0.818, "hip": 0.530, "knee": 0.285, "ankle": 0.039, "heel": 0.0, "foot_index": 0.0,
    }
    half_width = {"shoulder": 0.259 / 2, "hip": 0.191 / 2, "knee": 0.191 / 2, "ankle": 0.191 / 2,
                  "heel": 0.191 / 2, "foot_index": 0.191 / 2}
    landmarks = np.full((frames, 33, 2), np.nan)
    visibility = np.zeros((frames, 33))
    s = np.sin(np.radians(yaw_deg))  # projected share of a left-right distance
    for name, frac in y.items():
        py = top_px + height_px * (1 - frac / 0.94 * 0.94)  # nose at top_px + 0.06 H
        if name == "nose":
            landmarks[:, LANDMARK_INDEX["nose"]] = (x0 + 20, py)
            visibility[:, LANDMARK_INDEX["nose"]] = 0.99
            continue
        forward = 0.1 * height_px if name == "foot_index" else 0.0
        for side, sign in (("left", -1), ("right", 1)):
            i = LANDMARK_INDEX[f"{side}_{name}"]
            landmarks[:, i] = (x0 + sign * half_width[name] * height_px * s + forward, py)
            visibility[:, i] = 0.95
    return landmarks, visibility


def test_side_on_full_body_level_camera_is_ok():
    landmarks, visibility = standing(0.0)
    advice = check_camera_setup(landmarks, visibility, W, H, camera_roll_deg=1.0)
    assert advice.ok and advice.view == "side" and advice.side_ratio < 0.05
    assert advice.advice == ()


def test_frontal_and_oblique_views_are_named():
    frontal = check_camera_setup(*standing(90.0), W, H)
    assert frontal.view == "frontal" and frontal.side_ratio > 0.85
    assert any("side faces the camera" in a for a in frontal.advice)
    oblique = check_camera_setup(*standing(30.0), W, H)
    assert oblique.view == "oblique"
    assert check_camera_setup(*standing(15.0), W, H).view == "side"  # within 20 deg counts as side-on
    assert check_camera_setup(*standing(90.0), W, H, need_side_view=False).ok


def test_feet_cut_off_and_tilted_camera_say_what_to_change():
    landmarks, visibility = standing(0.0, top_px=450.0)  # feet below the bottom edge
    advice = check_camera_setup(landmarks, visibility, W, H, camera_roll_deg=-9.0)
    assert not advice.ok and not advice.whole_body_in_view
    assert any("feet are in view" in a for a in advice.advice)
    assert any("tilted 9 deg anticlockwise" in a for a in advice.advice)


def test_person_missing_entirely():
    advice = check_camera_setup(np.full((10, 33, 2), np.nan), np.zeros((10, 33)), W, H)
    assert not advice.ok and advice.view == "unknown"
    assert any("whole body is not in view" in a for a in advice.advice)


def test_world_landmarks_name_the_view_from_the_body_yaw_at_any_camera_height():
    """Synthetic hinge sets filmed from a camera 1.6 m up looking down (where the image ratio misleads)."""
    import pytest

    from motionrehab.synth.camera import PinholeCamera, Realism
    from motionrehab.synth.exercises import hip_hinge_set

    expected = {0.0: "side", 15.0: "side", 40.0: "oblique", 55.0: "oblique", 80.0: "frontal", 100.0: "frontal", 140.0: "oblique", 180.0: "side"}
    for camera_yaw, view in expected.items():
        track = hip_hinge_set(1, camera=PinholeCamera(yaw_deg=camera_yaw, height_m=1.6), realism=Realism(), seed=3).track
        advice = check_camera_setup(track.landmarks_px, track.visibility, track.image_width_px, track.image_height_px, world_m=track.world_m)
        assert advice.view == view, (camera_yaw, advice.body_yaw_deg)
        assert advice.body_yaw_deg == pytest.approx(90.0 - abs(((camera_yaw + 90.0) % 180.0) - 90.0), abs=5.0)
        if view == "oblique":
            assert any("at an angle" in a and "side faces the camera" in a for a in advice.advice)
