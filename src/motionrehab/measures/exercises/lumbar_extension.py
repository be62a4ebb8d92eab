"""Lumbar extension in standing (the standing back bend): range per repetition.

View: side. Posture: standing, hands on the hips or the low back. Repetitions: the trunk
inclination (kinematics.angles; positive forward) going backward from upright and returning.
Per repetition: ``extension_range_deg`` (the trunk's backward inclination at the end of the
bend minus at rest), ``hip_flexion_at_end_deg`` (negative: the hips extended, pushed forward),
``knee_flexion_at_end_deg``, ``bend_s`` and ``return_s``.

Faults:
- ``knees_bent``: knee flexion above 20 deg at the end of the bend: leaning back by bending the
  knees instead of extending the spine; the movement is done with the knees straight (McKenzie
  & May, The Lumbar Spine: Mechanical Diagnosis and Therapy, 2nd ed. 2003). 20 deg is ours.
Not assessed: which spinal levels move (the trunk line spans hips to shoulders: thoracic and
lumbar extension and hip extension are not separated), symptoms (asked, not seen).
"""

from __future__ import annotations

import math

from motionrehab.measures.exercises.base import Exercise, Fault, RepWindow

KNEES_BENT_DEG = 20.0


def measure(window: RepWindow) -> dict[str, float]:
    """Values of one back bend (see the module docstring)."""
    return {
        "extension_range_deg": window.rest.get("trunk_inclination_deg", math.nan) - window.at_turn("trunk_inclination_deg"),
        "hip_flexion_at_end_deg": window.at_turn("{side}_hip_flexion_deg"),
        "knee_flexion_at_end_deg": window.at_turn("{side}_knee_flexion_deg"),
        "bend_s": window.phases.eccentric_s,
        "return_s": window.phases.concentric_s,
    }


LUMBAR_EXTENSION = Exercise(
    name="lumbar-extension",
    kind="lumbar_extension",
    title="standing lumbar extension",
    posture="standing",
    views=("side",),
    setup="Stand with your side to the camera, about 2.5 m away, hands on your hips; the camera must see you from head to feet.",
    driver="trunk_inclination_deg",
    direction=-1,
    expected_amplitude_deg=20.0,
    measure=measure,
    faults=(Fault("knees_bent", f"knee flexion above {KNEES_BENT_DEG:g} deg at the end of the bend (McKenzie & May 2003)",
                  "keep your knees straight and bend back from the low back", 25, lambda v: v["knee_flexion_at_end_deg"] > KNEES_BENT_DEG),),  # fmt: skip
    not_assessed={"side": ("which spinal levels move (trunk line from hips to shoulders)", "symptoms (asked, not seen)")},
)
