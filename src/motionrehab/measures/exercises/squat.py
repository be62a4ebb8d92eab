"""Light squat and sit-to-stand: repetitions, depth, tempo, knee travel; front view adds knee valgus and trunk lean.

Views: side (depth and knee travel) or front (knee valgus, lateral trunk lean). Posture:
standing (squat) or seated to standing (sit-to-stand).

Squat repetitions: the near side's knee flexion rising from standing (side view), or the hips'
lowering as % of their standing height above the ankles (front view, where the knee angle is
foreshortened). Sit-to-stand repetitions: the knee flexion falling from seated (about 90 deg)
to standing and back (side view); the hips' rise over their seated height (front view).

Per repetition (side): ``depth_knee_flexion_deg`` (squat: held at the bottom) or
``knee_flexion_standing_deg`` (sit-to-stand: at the top), ``trunk_inclination_deg`` (forward
lean at the turning point; for sit-to-stand the largest on the way), ``knee_travel_deg`` (shin
inclination, knee forward of the ankle), ``descent_s`` and ``ascent_s`` (the tempo: the
segmenter's phases). Front: ``hip_lowering_pct`` or ``hip_rise_pct``, ``knee_valgus_deg`` (the
larger frontal-plane projection angle of the two knees, kinematics.angles, held at the
turning point: the bottom of a squat, standing in a sit-to-stand; a per-frame peak would be
the landmark noise's, 4-5 deg per frame on a thigh 170 px long), ``lateral_lean_deg`` (the
trunk's sideways lean held at the turning point minus its lean at rest).

Faults and thresholds:
- ``trunk_lean`` (side, squat): trunk inclination at the bottom more than 15 deg beyond the
  shin's (the trunk roughly parallel to the shin is the usual squat pattern: Schoenfeld 2010,
  J Strength Cond Res 24:3497; 15 deg margin is ours, five times the angle accuracy).
- ``incomplete_stand`` (side, sit-to-stand): knee flexion at the top above 15 deg (a stand
  counts when the person is fully upright: Rikli & Jones 1999, J Aging Phys Act 7:162; the
  15 deg allowance for soft knees is ours).
- ``knee_valgus`` (front): a knee's frontal-plane projection angle above 10 deg. FPPA is the
  2-D video measure of dynamic valgus (Willson & Davis 2008; Munro, Herrington & Carolan
  2012, J Sport Rehabil 21:7, reliable within a few degrees); 10 deg is a screening flag of the
  order of the values those studies report in healthy adults, not a validated cut-off.
- ``lateral_lean`` (front): the trunk leaning sideways more than 5 deg from its resting lean
  (as the hip hinge's lateral shift: twice the frontal measure's per-frame noise).
Not assessed: the spine's curve, heel lift, weight distribution between the feet.
"""

from __future__ import annotations

import math

from motionrehab.measures.exercises.base import Exercise, Fault, RepWindow

TRUNK_BEYOND_SHIN_DEG = 15.0
INCOMPLETE_STAND_KNEE_DEG = 15.0
KNEE_VALGUS_DEG = 10.0
LATERAL_LEAN_DEG = 5.0

_FRONT_FAULTS = (
    Fault("knee_valgus", f"a knee's frontal-plane projection angle above {KNEE_VALGUS_DEG:g} deg (Munro et al. 2012)",
          "push your knees out over your toes", 25, lambda v: v["knee_valgus_deg"] > KNEE_VALGUS_DEG, views=("front",)),
    Fault("lateral_lean", f"the trunk leaning sideways more than {LATERAL_LEAN_DEG:g} deg from rest",
          "keep your weight even on both feet", 15, lambda v: abs(v["lateral_lean_deg"]) > LATERAL_LEAN_DEG, views=("front",)),
)  # fmt: skip


def _front(window: RepWindow) -> dict[str, float]:
    valgus = max(window.at_turn("left_knee_valgus_deg"), window.at_turn("right_knee_valgus_deg"))
    lean = window.at_turn("trunk_lateral_lean_deg") - window.rest.get("trunk_lateral_lean_deg", math.nan)
    return {"knee_valgus_deg": valgus, "lateral_lean_deg": lean}


def _tempo(window: RepWindow) -> dict[str, float]:
    return {"descent_s": window.phases.eccentric_s, "ascent_s": window.phases.concentric_s}


def measure_squat(window: RepWindow) -> dict[str, float]:
    """Values of one squat (see the module docstring)."""
    if window.view == "front":
        return {"hip_lowering_pct": window.at_turn("hip_lowering_pct"), **_front(window)}
    return {
        "depth_knee_flexion_deg": window.at_turn("{side}_knee_flexion_deg"),
        "trunk_inclination_deg": window.at_turn("trunk_inclination_deg"),
        "knee_travel_deg": window.at_turn("{side}_shin_inclination_deg"),
        **_tempo(window),
    }


def measure_sit_to_stand(window: RepWindow) -> dict[str, float]:
    """Values of one sit-to-stand (see the module docstring); descent is standing up, ascent sitting down."""
    tempo = {"stand_up_s": window.phases.eccentric_s, "sit_down_s": window.phases.concentric_s}
    if window.view == "front":
        return {"hip_rise_pct": window.at_turn("hip_rise_pct"), **_front(window)}
    return {
        "knee_flexion_standing_deg": window.at_turn("{side}_knee_flexion_deg"),
        "knee_flexion_seated_deg": window.rest.get(f"{window.side}_knee_flexion_deg", math.nan),
        "trunk_inclination_deg": window.sustained_peak("trunk_inclination_deg"),
        "knee_travel_deg": window.sustained_peak("{side}_shin_inclination_deg"),
        **tempo,
    }


SQUAT = Exercise(
    name="squat",
    kind="squat",
    title="light squat",
    posture="standing",
    views=("side", "front"),
    setup="Stand 2.5-3 m from the camera with your whole body in view: your side to it for depth, or facing it to check your knees.",
    driver="{side}_knee_flexion_deg",
    direction=1,
    expected_amplitude_deg=60.0,
    front_driver="hip_lowering_pct",
    front_expected_amplitude=20.0,
    measure=measure_squat,
    faults=(
        Fault("trunk_lean", f"trunk inclination at the bottom more than {TRUNK_BEYOND_SHIN_DEG:g} deg beyond the shin's (Schoenfeld 2010)",
              "keep your chest up: sit back between your heels", 15,
              lambda v: v["trunk_inclination_deg"] - v["knee_travel_deg"] > TRUNK_BEYOND_SHIN_DEG, views=("side",)),
        *_FRONT_FAULTS,
    ),  # fmt: skip
    not_assessed={"side": ("the spine's curve", "heel lift"),
                  "front": ("depth as an angle (foreshortened: the hips' lowering is given instead)", "tempo (the hips' height is not a movement-profile signal: needs a side view)", "the spine's curve")},
)

SIT_TO_STAND = Exercise(
    name="sit-to-stand",
    kind="sit_to_stand",
    title="sit-to-stand",
    posture="seated",
    views=("side", "front"),
    setup="Sit on a firm chair without arms, feet flat, arms crossed; put the camera 2.5-3 m away at your side (or in front to check your knees).",
    driver="{side}_knee_flexion_deg",
    direction=-1,
    expected_amplitude_deg=70.0,
    front_driver="hip_rise_pct",
    front_expected_amplitude=50.0,
    front_direction=1,
    measure=measure_sit_to_stand,
    faults=(
        Fault("incomplete_stand", f"knee flexion at the top above {INCOMPLETE_STAND_KNEE_DEG:g} deg (stand fully upright: Rikli & Jones 1999)",
              "stand all the way up before sitting down again", 25,
              lambda v: v["knee_flexion_standing_deg"] > INCOMPLETE_STAND_KNEE_DEG, views=("side",)),
        *_FRONT_FAULTS,
    ),  # fmt: skip
    not_assessed={"side": ("use of the hands", "how hard the landing on the chair is"),
                  "front": ("use of the hands", "whether the stand was complete", "tempo (needs a side view)")},
)
