"""The exercise library: one short declarative module per exercise over shared machinery (base).

Adding an exercise is one file: an ``Exercise`` (base.Exercise) naming the signal that drives
its repetitions or hold, its view and posture, what to measure in each repetition, its faults
with their cited thresholds and what the camera cannot assess; then one line in EXERCISES and
its tests on synthetic motion with known truth (tests/measures/exercises/).
"""

from __future__ import annotations

from motionrehab.measures.exercises.base import (
    Exercise,
    ExerciseAnalysis,
    ExerciseResult,
    ExerciseTracker,
    analyze_exercise,
)
from motionrehab.measures.exercises.bridge import BRIDGE
from motionrehab.measures.exercises.chair_stand import CHAIR_STAND
from motionrehab.measures.exercises.hamstring_stretch import HAMSTRING_STRETCH
from motionrehab.measures.exercises.lumbar_extension import LUMBAR_EXTENSION
from motionrehab.measures.exercises.neural_glide import NEURAL_GLIDE
from motionrehab.measures.exercises.plank import PLANK, SIDE_PLANK
from motionrehab.measures.exercises.posture import POSTURE
from motionrehab.measures.exercises.squat import SIT_TO_STAND, SQUAT
from motionrehab.measures.exercises.thoracic_rotation import THORACIC_ROTATION

#: every exercise by its command name (``motionrehab analyze NAME``)
EXERCISES: dict[str, Exercise] = {
    e.name: e
    for e in (BRIDGE, SQUAT, SIT_TO_STAND, CHAIR_STAND, PLANK, SIDE_PLANK, NEURAL_GLIDE, HAMSTRING_STRETCH, LUMBAR_EXTENSION, THORACIC_ROTATION, POSTURE)
}

#: the prescription's exercise kinds the library measures, kind -> exercise
BY_KIND: dict[str, Exercise] = {e.kind: e for e in EXERCISES.values()}

__all__ = ["BY_KIND", "EXERCISES", "Exercise", "ExerciseAnalysis", "ExerciseResult", "ExerciseTracker", "analyze_exercise"]
