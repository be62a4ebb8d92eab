"""Thoracic rotation, seated, front view: the shoulder line's rotation relative to the pelvis, per repetition.

View: front (the person faces the camera squarely at the start). Posture: seated, arms
crossed on the chest. Repetitions: the magnitude of the thoracic rotation (shoulder rotation
minus pelvis rotation; each the landmark pair's line in the horizontal plane from the pose
model's 3-D world landmarks, kinematics.angles.axial_rotation_deg), so a turn to either side
is a repetition.
Per repetition: ``rotation_deg`` (signed, positive towards the person's right, held at the
end of the turn), ``rotation_range_deg`` (its magnitude), ``pelvis_rotation_deg`` (the pelvis
turning with it), ``turn_s`` and ``return_s``.

Faults:
- ``pelvis_turning``: the pelvis turning more than 10 deg with the trunk: the rotation should
  come from the thoracic spine with the pelvis still on the chair. 10 deg is ours, four times
  the per-frame noise of the hip line with 1 cm of world-landmark noise (2.5 deg).
Why depth and not the apparent width: arccos(width / widest) is so steep near square-on that
1 % of width noise reads as 8 deg (measured on synthetic data: 0.1 % landmark noise gave
pelvis "rotations" of 9-20 deg with the pelvis still). The depth is the pose model's weakest
output; on real video this measure is unverified.
Not assessed: side bending, the neck's rotation.
"""

from __future__ import annotations

from motionrehab.measures.exercises.base import Exercise, Fault, RepWindow

PELVIS_TURNING_DEG = 10.0


def measure(window: RepWindow) -> dict[str, float]:
    """Values of one turn (see the module docstring)."""
    rotation = window.at_turn("thoracic_rotation_deg")
    return {
        "rotation_deg": rotation,
        "rotation_range_deg": abs(rotation),
        "pelvis_rotation_deg": window.at_turn("pelvis_rotation_deg"),
        "turn_s": window.phases.eccentric_s,
        "return_s": window.phases.concentric_s,
    }


THORACIC_ROTATION = Exercise(
    name="thoracic-rotation",
    kind="thoracic_rotation",
    title="seated thoracic rotation",
    posture="seated",
    views=("front",),
    setup="Sit on a chair facing the camera squarely, about 2.5 m away, arms crossed on your chest; start facing straight ahead.",
    driver="thoracic_rotation_abs_deg",
    direction=1,
    expected_amplitude_deg=30.0,
    measure=measure,
    faults=(Fault("pelvis_turning", f"the pelvis turning more than {PELVIS_TURNING_DEG:g} deg with the trunk",
                  "keep your hips still on the chair and turn from your upper back", 20,
                  lambda v: abs(v["pelvis_rotation_deg"]) > PELVIS_TURNING_DEG, views=("front",)),),  # fmt: skip
    not_assessed={"front": ("side bending", "the neck's rotation")},
    refuse_postures={"standing": "this recording shows a person standing; the thoracic rotation is measured seated (the pelvis held by the chair)"},
)
