"""Neural glide, seated slider: the knee extends while the neck extends, then both return.

View: side. Posture: seated (a standing recording is refused: the slider is done sitting,
and a standing knee cannot extend from 90 deg).
Repetitions: the near side's knee flexion falling from about 90 deg (seated) towards straight.
Per repetition: ``knee_extension_range_deg`` (knee flexion at rest minus at the end of the
glide), ``knee_flexion_at_end_deg``, ``neck_change_deg`` (the head inclination at the end of the
glide minus at rest, kinematics.angles, shoulders -> face centroid: negative when the head
goes back, as a slider asks), ``extension_s`` and ``return_s`` (the tempo, the fitted ramps).

Faults:
- ``tensioning``: the neck flexing (ear forward) by more than 5 deg while the knee extends:
  both ends of the nerve loaded at once makes a tensioner, not a slider (Coppieters & Butler
  2008, Man Ther 13:213, "Do 'sliders' slide and 'tensioners' tension?"). 5 deg is ours:
  above the neck line's noise (its lever is short), below any deliberate nod.
Not assessed: ankle dorsiflexion and the trunk's slump (a slump position's other components),
symptoms (asked, not seen).
"""

from __future__ import annotations

import math

from motionrehab.measures.exercises.base import Exercise, Fault, RepWindow

TENSIONING_NECK_DEG = 5.0


def measure(window: RepWindow) -> dict[str, float]:
    """Values of one glide (see the module docstring)."""
    rest_knee = window.rest.get(f"{window.side}_knee_flexion_deg", math.nan)
    end_knee = window.at_turn("{side}_knee_flexion_deg")
    return {
        "knee_extension_range_deg": rest_knee - end_knee,
        "knee_flexion_at_end_deg": end_knee,
        "neck_change_deg": window.at_turn("head_inclination_deg") - window.rest.get("head_inclination_deg", math.nan),
        "extension_s": window.phases.eccentric_s,
        "return_s": window.phases.concentric_s,
    }


NEURAL_GLIDE = Exercise(
    name="neural-glide",
    kind="neural_glide",
    title="neural glide (seated slider)",
    posture="seated",
    views=("side",),
    setup="Sit upright on a chair with your side to the camera, about 2.5 m away, so it sees you from head to feet.",
    driver="{side}_knee_flexion_deg",
    direction=-1,
    expected_amplitude_deg=50.0,
    measure=measure,
    faults=(
        Fault("tensioning", f"the neck flexing more than {TENSIONING_NECK_DEG:g} deg while the knee extends (Coppieters & Butler 2008)",
              "look up as you straighten your knee, and down as you bend it", 30, lambda v: v["neck_change_deg"] > TENSIONING_NECK_DEG),
    ),  # fmt: skip
    not_assessed={"side": ("ankle dorsiflexion", "the trunk's slump", "symptoms (asked, not seen)")},
    refuse_postures={"standing": "this recording shows a person standing; the neural glide (slider) is done seated"},
)
