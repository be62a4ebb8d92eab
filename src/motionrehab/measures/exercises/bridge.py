"""Glute bridge: lying on the back, knees bent, feet flat; lift the hips, hold, lower.

View: side (the camera at hip height beside the mat). Posture: supine.
Repetitions: the near side's hip flexion (trunk-thigh angle, kinematics.angles; lying, 0 with
the thigh continuing the trunk line) falls from about 45-60 deg resting to about 0 at the top.
Per repetition: ``hold_s`` at the top, ``hip_extension_at_top_deg`` (minus the hip flexion
held at the top: 0 with shoulders, hips and knees in one line, positive beyond it),
``knee_flexion_at_top_deg``, ``pelvic_drop_deg`` (the 3-D pelvic tilt held at the top minus
its value at rest, MediaPipe world landmarks; positive with the right hip lower).

Faults:
- ``incomplete_bridge``: hip extension at the top more than 10 deg short of neutral. The
  bridge's end position is the straight shoulder-hip-knee line (e.g. Kisner & Colby,
  Therapeutic Exercise, 7th ed. 2018, bridging); the 10 deg margin is ours: three times the
  angle accuracy (3 deg) plus room for a patient's range, not a published cut-off.
- ``pelvic_drop``: the pelvis tilted or rotated about the body's long axis by more than
  10 deg at the top (one hip dropping, the usual compensation of weak hip
  extensors and abductors). No published camera threshold; 10 deg is ours, four times the
  per-frame noise of the world-landmark hip line on synthetic data (2.5 deg).
Not assessed: lumbar extension instead of hip extension (the arched back looks like a high
bridge in landmarks), which muscles work.
"""

from __future__ import annotations

from motionrehab.measures.exercises.base import Exercise, Fault, RepWindow

INCOMPLETE_BRIDGE_DEG = 10.0
PELVIC_DROP_DEG = 10.0


def measure(window: RepWindow) -> dict[str, float]:
    """Values of one bridge repetition (see the module docstring)."""
    return {
        "hip_extension_at_top_deg": -window.at_turn("{side}_hip_flexion_deg"),
        "hip_flexion_at_rest_deg": window.rest.get(f"{window.side}_hip_flexion_deg", float("nan")),
        "knee_flexion_at_top_deg": window.at_turn("{side}_knee_flexion_deg"),
        "pelvic_drop_deg": window.at_turn("pelvis_tilt_3d_deg") - window.rest.get("pelvis_tilt_3d_deg", float("nan")) if "pelvis_tilt_3d_deg" in window.signals else float("nan"),
    }


BRIDGE = Exercise(
    name="bridge",
    kind="bridge",
    title="glute bridge",
    posture="supine",
    views=("side",),
    setup="Lie on your back on a mat, knees bent, feet flat. Put the camera at hip height about 2.5 m to your side, so it sees you from head to feet.",
    driver="{side}_hip_flexion_deg",
    direction=-1,
    expected_amplitude_deg=35.0,
    measure=measure,
    faults=(
        Fault("incomplete_bridge", f"hip extension at the top more than {INCOMPLETE_BRIDGE_DEG:g} deg short of the shoulder-hip-knee line",
              "lift your hips higher, until your shoulders, hips and knees are in line", 25,
              lambda v: v["hip_extension_at_top_deg"] < -INCOMPLETE_BRIDGE_DEG),
        Fault("pelvic_drop", f"the pelvis tilting more than {PELVIC_DROP_DEG:g} deg about the body's long axis (3-D landmarks)",
              "keep your hips level: push evenly through both feet", 20, lambda v: abs(v["pelvic_drop_deg"]) > PELVIC_DROP_DEG),
    ),  # fmt: skip
    not_assessed={"side": ("lumbar extension (an arched back) instead of hip extension",)},
    notes=("pelvic drop comes from the pose model's depth estimate (world landmarks), much coarser than the image angles",),
)
