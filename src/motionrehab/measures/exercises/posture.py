"""Posture check: standing still, side view: ear-shoulder-hip-knee-ankle alignment, forward head, trunk lean.

View: side. Posture: standing still for a few seconds. A still check (no movement): the
longest still stretch is measured, each value the median over it.
Values: ``craniovertebral_proxy_deg`` (90 - neck inclination, kinematics.angles: the
craniovertebral angle with the shoulder standing in for C7), ``neck_inclination_deg``,
``trunk_inclination_deg`` (positive leaning forward), ``hip_line_deviation_deg`` (hips forward
of the shoulder-ankle line: positive, a sway-back stance), ``knee_flexion_deg``, and each
landmark's offset forward of the ankle's plumb line as % of the ankle-to-ear height
(``ear_forward_pct``, ``shoulder_forward_pct``, ``hip_forward_pct``, ``knee_forward_pct``).
With --patient the command shows what changed since the last stored check. The camera roll
is NOT estimated from the person (their alignment is what is measured): a level camera or a
saved calibration profile is needed, and the result says which.

Faults:
- ``forward_head``: the craniovertebral proxy under 48 deg: Yip, Chiu & Poon 2008 (Man Ther
  13:148) found a smaller CVA with more forward head posture and neck pain; values under
  about 48-50 deg are commonly read as forward head posture. The shoulder proxy reads a few
  degrees smaller than a true CVA, so this flags somewhat more readily.
- ``trunk_lean``: standing with the trunk inclined more than 5 deg forward or back (the
  plumb-line ideal puts the shoulders over the hips; Kendall et al., Muscles: Testing and
  Function, 5th ed. 2005). 5 deg is ours (twice the measure's accuracy).
- ``sway_back``: hips more than 10 deg forward of the shoulder-ankle line (Kendall's sway-back
  posture); 10 deg is ours.
Not assessed: spinal curves (kyphosis, lordosis), the frontal plane (scoliosis, a high hip),
the feet.
"""

from __future__ import annotations

import numpy as np

from motionrehab.measures.exercises.base import Exercise, Fault, HoldRule, RepWindow

FORWARD_HEAD_CVA_DEG = 48.0
TRUNK_LEAN_DEG = 5.0
SWAY_BACK_DEG = 10.0


def measure(window: RepWindow) -> dict[str, float]:
    """Medians over the still stretch (see the module docstring)."""

    def median(name: str) -> float:
        values = window.signals[name.format(side=window.side)]
        return float(np.nanmedian(values)) if np.isfinite(values).any() else float("nan")

    neck = median("neck_inclination_deg")
    out = {
        "craniovertebral_proxy_deg": 90.0 - neck,
        "neck_inclination_deg": neck,
        "trunk_inclination_deg": median("trunk_inclination_deg"),
        "hip_line_deviation_deg": median("hip_line_deviation_deg"),
        "knee_flexion_deg": median("{side}_knee_flexion_deg"),
    }
    for part in ("ear", "shoulder", "hip", "knee"):
        out[f"{part}_forward_pct"] = median(f"{part}_forward_pct")
    return out


POSTURE = Exercise(
    name="posture",
    kind="posture",
    title="posture check",
    posture="standing",
    views=("side",),
    setup="Stand relaxed with your side to the camera, about 2.5 m away, and keep still for five seconds; the camera must see you from head to feet.",
    driver="",
    direction=1,
    expected_amplitude_deg=1.0,
    measure=measure,
    faults=(
        Fault("forward_head", f"craniovertebral proxy under {FORWARD_HEAD_CVA_DEG:g} deg (Yip et al. 2008)",
              "draw your chin back so your ear sits over your shoulder", 30, lambda v: v["craniovertebral_proxy_deg"] < FORWARD_HEAD_CVA_DEG),
        Fault("trunk_lean", f"trunk inclined more than {TRUNK_LEAN_DEG:g} deg forward or back (Kendall et al. 2005)",
              "stand tall with your shoulders over your hips", 20, lambda v: abs(v["trunk_inclination_deg"]) > TRUNK_LEAN_DEG),
        Fault("sway_back", f"hips more than {SWAY_BACK_DEG:g} deg forward of the shoulder-ankle line (Kendall et al. 2005)",
              "bring your hips back over your ankles", 20, lambda v: v["hip_line_deviation_deg"] > SWAY_BACK_DEG),
    ),  # fmt: skip
    hold=HoldRule(),
    static=True,
    roll_from_person=False,
    not_assessed={"side": ("spinal curves (kyphosis, lordosis)", "the frontal plane (scoliosis, a high hip)", "the feet")},
)
