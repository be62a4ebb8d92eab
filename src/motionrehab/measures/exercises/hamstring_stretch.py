"""Hamstring stretch, lying on the back: the leg raised with the knee straight (an SLR-like measure), held.

View: side, the stretched leg nearer the camera. Posture: supine. A hold: the near side's hip
flexion (thigh against the trunk line, kinematics.angles) rises into the stretch, is held and
returns; the hold runs from reaching the stretch to leaving it, or to the knee bending past
15 deg for more than 1 s (the stretch then no longer loads the hamstrings at that hip angle).
Per hold: ``duration_s``, ``hip_flexion_held_deg`` and ``knee_flexion_held_deg`` (medians over
the hold), ``leg_elevation_held_deg`` (hip -> ankle against the trunk line, the SLR's measure).

Faults:
- ``knee_bent``: the knee flexed beyond 15 deg for more than 1 s (ends the hold). The SLR
  counts a trial invalid past 10 deg (measures.slr); a stretch tolerates a little more, 15 deg
  is ours.
Gentle stretches are prescribed only when pain is minimal and there is no tingling; the
camera cannot tell, the patient is asked.
Not assessed: the other leg lifting and pelvic rotation (the SLR measure reports them), symptoms.
"""

from __future__ import annotations

from motionrehab.measures.exercises.base import Exercise, Fault, HoldRule, RepWindow

KNEE_BENT_DEG = 15.0


def measure(window: RepWindow) -> dict[str, float]:
    """Values held in one stretch (see the module docstring)."""
    return {
        "hip_flexion_held_deg": window.at_turn("{side}_hip_flexion_deg"),
        "knee_flexion_held_deg": window.at_turn("{side}_knee_flexion_deg"),
        "leg_elevation_held_deg": window.at_turn("{side}_leg_elevation_deg"),
    }


HAMSTRING_STRETCH = Exercise(
    name="hamstring-stretch",
    kind="hamstring_stretch",
    title="hamstring stretch",
    posture="supine",
    views=("side",),
    setup="Lie on your back with the leg you stretch nearer the camera; put the camera at hip height about 3 m to your side.",
    driver="{side}_hip_flexion_deg",
    direction=1,
    expected_amplitude_deg=40.0,
    measure=measure,
    faults=(Fault("knee_bent", f"the knee flexed beyond {KNEE_BENT_DEG:g} deg for more than 1 s", "keep your knee straight", 30, lambda v: False),),
    hold=HoldRule(alignment="{side}_knee_flexion_deg", limit_deg=KNEE_BENT_DEG, grace_s=1.0, above_fault="knee_bent", below_fault="knee_bent"),
    not_assessed={"side": ("the other leg lifting", "pelvic rotation", "symptoms (asked, not seen)")},
)
