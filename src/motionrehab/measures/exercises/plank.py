"""Plank (forearms, face down) and side plank: hold time and alignment.

Plank: side view, prone. Side plank: front view (the camera facing the person's front), lying
on one side. Both are holds: lying on the mat, the person lifts the body onto the forearm(s)
and toes (or feet), holds, and lowers. The hold is the excursion of the body line (ankle mid
-> shoulder mid, from true horizontal: ``body_line_elevation_deg``, kinematics.angles) from
lying flat into the plank and back; it runs from reaching the plank to leaving it, or to the
moment the alignment was lost, when that lasted more than 1 s.

Alignment: ``hip_line_deviation_deg`` (kinematics.angles): the bend at the hips away from the
straight shoulder-ankle line, positive with the hips above it (a pike), negative below (a
sag; in a side plank, the hips dropping towards the floor).

Per hold: ``duration_s``, ``hip_line_deviation_deg`` (median over the hold),
``worst_hip_line_deviation_deg`` (the largest departure), ``body_line_elevation_deg``.
Faults (each ends the hold when it lasts more than a moment):
- ``hip_sag`` / ``hip_pike``: |deviation| beyond 10 deg for more than 1 s. The plank's aim
  is a straight shoulder-hip-ankle line (McGill, Low Back Disorders, 3rd ed. 2016, on the
  plank and side bridge); no published camera threshold: 10 deg and 1 s are ours (over three
  times the angle accuracy; a second rides out a breath or a wobble).
Not assessed: the lumbar curve and the shoulders' position over the elbows, breath holding.
"""

from __future__ import annotations

from motionrehab.measures.exercises.base import Exercise, Fault, HoldRule, RepWindow

ALIGNMENT_LIMIT_DEG = 10.0
GRACE_S = 1.0


def measure(window: RepWindow) -> dict[str, float]:
    """Values held in one plank (see the module docstring)."""
    return {
        "hip_line_deviation_deg": window.at_turn("hip_line_deviation_deg"),
        "worst_hip_line_deviation_deg": window.largest_abs("hip_line_deviation_deg"),
        "body_line_elevation_deg": window.at_turn("body_line_elevation_deg"),
    }


_RULE = HoldRule(alignment="hip_line_deviation_deg", limit_deg=ALIGNMENT_LIMIT_DEG, grace_s=GRACE_S, above_fault="hip_pike", below_fault="hip_sag")
_FAULTS = (
    # found by the hold rule (they end the hold); listed here for their cost and cue
    Fault("hip_sag", f"hips below the shoulder-ankle line by more than {ALIGNMENT_LIMIT_DEG:g} deg for over {GRACE_S:g} s",
          "lift your hips: shoulders, hips and ankles in one line", 30, lambda v: False),
    Fault("hip_pike", f"hips above the shoulder-ankle line by more than {ALIGNMENT_LIMIT_DEG:g} deg for over {GRACE_S:g} s",
          "lower your hips: shoulders, hips and ankles in one line", 20, lambda v: False),
)  # fmt: skip

PLANK = Exercise(
    name="plank",
    kind="plank",
    title="plank",
    posture="prone",
    views=("side",),
    setup="Lie face down on a mat; put the camera on the floor or a low shelf about 2.5 m to your side so it sees you from head to feet. Lift into the plank after the start.",
    driver="body_line_elevation_deg",
    direction=1,
    expected_amplitude_deg=10.0,
    measure=measure,
    faults=_FAULTS,
    hold=_RULE,
    not_assessed={"side": ("the lumbar curve", "the shoulders' position over the elbows", "breath holding")},
)

SIDE_PLANK = Exercise(
    name="side-plank",
    kind="side_plank",
    title="side plank",
    posture="side-lying",
    views=("front",),
    setup="Lie on your side on a mat, facing the camera; put it on the floor or a low shelf about 2.5 m in front of you so it sees you from head to feet.",
    driver="body_line_elevation_deg",
    direction=1,
    expected_amplitude_deg=10.0,
    measure=measure,
    faults=_FAULTS,
    hold=_RULE,
    not_assessed={"front": ("rotation of the trunk forwards or backwards", "breath holding")},
)
