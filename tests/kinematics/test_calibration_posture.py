"""Camera roll is estimated only from a still stretch in the posture its rule assumes.

A level camera filming a person lying on their back with the knees bent (a bridge: shanks
vertical like a standing person's) used to be reported as rolled by about -90 deg.
"""

from __future__ import annotations

import pytest

from motionrehab.errors import UnusableViewError
from motionrehab.kinematics.angles import body_frame_for
from motionrehab.kinematics.calibration import estimate_roll_from_standing, still_posture
from motionrehab.kinematics.measure import calibrate_roll
from motionrehab.synth import home_exercises as hx
from motionrehab.synth.camera import PinholeCamera


def _bridge_camera(roll_deg: float) -> PinholeCamera:
    return PinholeCamera(distance_m=3.0, height_m=0.45, roll_deg=roll_deg, target_m=(0.0, 0.35, 0.0), image_width_px=1920, image_height_px=1080, horizontal_fov_deg=60.0)


@pytest.mark.parametrize("roll_deg", [0.0, 8.0])
def test_roll_of_a_supine_person_with_bent_knees(roll_deg):
    recording = hx.bridge(1, camera=_bridge_camera(roll_deg))
    calibration, note = calibrate_roll(recording.track)
    assert calibration.method == "lying" and "lying" in note
    assert calibration.camera_roll_deg == pytest.approx(roll_deg, abs=1.0)
    assert body_frame_for(recording.track, calibration).lying


def test_the_standing_rule_refuses_a_lying_person():
    recording = hx.bridge(1, camera=_bridge_camera(0.0))
    assert (still_posture(recording.track)[:30] == "lying").all()
    with pytest.raises(UnusableViewError, match="standing"):
        estimate_roll_from_standing(recording.track)


def test_a_held_plank_does_not_set_the_roll():
    # the plank (body line 13 deg up) is the longest still stretch; lying flat comes first
    calibration, _ = calibrate_roll(hx.plank(1).track)
    assert calibration.camera_roll_deg == pytest.approx(0.0, abs=1.0)


def test_a_seated_person_gives_no_roll_estimate():
    recording = hx.sit_to_stand([hx.Rep(move_s=1.0, hold_s=0.5, back_s=1.0)], lead_in_s=3.0, camera=PinholeCamera(distance_m=3.0, roll_deg=6.0, target_m=(0.1, 0.9, 0.0)))
    seated = recording.track.slice_frames(0, 85)  # the seated lead-in only
    calibration, note = calibrate_roll(seated)
    assert calibration.camera_roll_deg == pytest.approx(0.0) and "assumed level" in note
