"""The journey's recordings with known truth, made by motionrehab.synth (the only library use of the journey tests).

Each function writes one input file a user would hand to the CLI and returns its truth.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from motionrehab.capture.pose_csv import write_pose_csv
from motionrehab.sensors.imu_csv import write_imu_csv
from motionrehab.synth.camera import Realism
from motionrehab.synth.exercises import HingeRep, SlrTrial, hip_hinge_set, supine_slr
from motionrehab.synth.foot_imu import FootWalkParameters, synthesize_foot_walk


def hinge_set_csv(path: Path, *, reps: int, trunk_deg: float, rushed: int = 0, seed: int = 0) -> dict[str, float]:
    """A side-view hinge set: ``reps`` repetitions to ``trunk_deg`` trunk inclination, the last ``rushed`` of them lowered in 1.2 s."""
    good = [HingeRep(trunk_deg=trunk_deg, knee_flexion_deg=20.0)] * (reps - rushed)
    fast = [HingeRep(trunk_deg=trunk_deg, knee_flexion_deg=20.0, eccentric_s=1.2)] * rushed
    recording = hip_hinge_set(good + fast, realism=Realism.none(), seed=seed)
    write_pose_csv(path, [recording.track])
    return {"reps": reps, "good": reps - rushed, "trunk_deg": trunk_deg}


def slr_csv(path: Path, *, side: str, peaks_deg: tuple[float, ...], seed: int = 0) -> float:
    """Supine SLR trials of one leg to ``peaks_deg``; returns their true mean."""
    recording = supine_slr([SlrTrial(peak_deg=p) for p in peaks_deg], side=side, realism=Realism.none(), seed=seed)
    write_pose_csv(path, [recording.track])
    return sum(peaks_deg) / len(peaks_deg)


@dataclass(frozen=True)
class WalkTruth:
    """A synthetic foot-IMU walk: its strides, their length, and the distance before the pain onset."""

    strides: int
    stride_length_m: float
    pain_onset_s: float
    tolerance_m: float
    distance_m: float


def foot_walk_csv(path: Path, *, strides: int, stride_length_m: float, pain_after_strides: float, seed: int = 0) -> WalkTruth:
    """A straight walk with a foot IMU; pain begins ``pain_after_strides`` strides after the first initial contact."""
    params = FootWalkParameters(stride_length_m=stride_length_m)
    walk = synthesize_foot_walk(strides, params=params, side="left", seed=seed)
    write_imu_csv(path, walk.recording)
    onset = float(walk.t_ic_s[0]) + pain_after_strides * params.stride_time_s
    return WalkTruth(strides, stride_length_m, onset, pain_after_strides * stride_length_m, strides * stride_length_m)
