"""`motionrehab demo`: the whole pipeline on an embedded synthetic session, no camera needed.

The session is made by the synthetic motion generator (motionrehab.synth), whose truth is
known exactly: a side-view hip-hinge set of six repetitions (one squatted, one rushed),
three supine straight-leg raises per side (one with a bent knee) and a short walk, filmed by a simulated phone with realistic landmark noise, drop-outs and
left/right swaps. Each is written as a pose-track CSV, the interchange format every
`analyze` command reads, and analysed by the same library code as a real recording. The
demo prints what was measured next to what was true, so the instrument's error is on
screen, and leaves the files in --out for the other commands to try.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click
import numpy as np

from motionrehab._files import make_output_dir, write_private_text

if TYPE_CHECKING:  # the library loads when a command runs, not for its --help
    from motionrehab.measures.hip_hinge import HingeCriteria
    from motionrehab.synth.exercises import HingeRep, SlrTrial

def _demo_criteria() -> HingeCriteria:
    """The demo patient's prescription: hinge to 70 deg of hip flexion, 3 s lowering (tempo 3-1-2)."""
    from motionrehab.measures.hip_hinge import HingeCriteria

    return HingeCriteria(target_hip_flexion_deg=70.0, eccentric_s=3.0)


def _demo_reps() -> tuple[HingeRep, ...]:
    """Six hinges; two faulty (a squat, a rushed lowering)."""
    from motionrehab.synth.exercises import HingeRep

    return (
        HingeRep(trunk_deg=65.0, knee_flexion_deg=20.0),
        HingeRep(trunk_deg=68.0, knee_flexion_deg=22.0),
        HingeRep(trunk_deg=42.0, knee_flexion_deg=62.0, shin_deg=15.0),  # squats instead of hinging
        HingeRep(trunk_deg=66.0, knee_flexion_deg=20.0, eccentric_s=1.4),  # rushes the lowering
        HingeRep(trunk_deg=64.0, knee_flexion_deg=24.0),
        HingeRep(trunk_deg=67.0, knee_flexion_deg=21.0),
    )


def _hinge(folder: Path, seed: int) -> list[str]:
    from motionrehab.capture.pose_csv import read_pose_csv, write_pose_csv
    from motionrehab.measures.hip_hinge import analyze_hip_hinge_track
    from motionrehab.synth.camera import PinholeCamera, Realism
    from motionrehab.synth.exercises import hip_hinge_set

    recording = hip_hinge_set(list(_demo_reps()), camera=PinholeCamera(roll_deg=6.0), realism=Realism(), seed=seed)
    csv_path = write_pose_csv(folder / "hip_hinge_pose.csv", [recording.track])
    track = read_pose_csv(csv_path)[0]  # analyse what a user would: the file
    result = analyze_hip_hinge_track(track, criteria=_demo_criteria()).result
    write_private_text(folder / "hip_hinge_summary.json", json.dumps(result.to_json_dict(), indent=2) + "\n")
    lines = [
        f"Hip hinge ({csv_path.name}): {result.reps} repetitions counted (true: {len(recording.events)}); "
        f"set score {result.score}/100: {result.explanation()}",
        "  rep  lowering s (true)  hip flexion deg (true)  knee deg (true)  faults -> cue",
    ]
    for rep, truth in zip(result.repetitions, recording.events, strict=False):
        lines.append(
            f"  {rep.index + 1:>3}  {rep.eccentric_s:5.2f} ({truth.eccentric_s:4.2f})     "
            f"{rep.peak_hip_flexion_deg:5.1f} ({truth.peak_hip_flexion_deg:5.1f})          "
            f"{rep.knee_flexion_at_bottom_deg:4.1f} ({truth.knee_flexion_at_bottom_deg:4.1f})    "
            f"{', '.join(rep.faults) or 'none'} -> {rep.cue}"
        )
    return lines


def _demo_slr() -> dict[str, tuple[SlrTrial, ...]]:
    """Three SLR trials per side; the right leg's second trial is done with the knee bent 20 deg."""
    from motionrehab.synth.exercises import SlrTrial

    return {
        "left": (SlrTrial(peak_deg=62.0), SlrTrial(peak_deg=65.0), SlrTrial(peak_deg=63.0)),
        "right": (SlrTrial(peak_deg=48.0), SlrTrial(peak_deg=55.0, knee_bend_deg=20.0), SlrTrial(peak_deg=50.0)),
    }


def _slr(folder: Path, seed: int) -> list[str]:
    from motionrehab.capture.pose_csv import read_pose_csv, write_pose_csv
    from motionrehab.kinematics.measure import measure_angles
    from motionrehab.measures.slr import measure_slr_camera
    from motionrehab.synth.camera import Realism
    from motionrehab.synth.exercises import supine_slr

    lines = ["Straight-leg raise, lying, camera at the raised leg's side (hip -> ankle vs the trunk line):"]
    summaries = {}
    for side, trials in _demo_slr().items():
        recording = supine_slr(list(trials), side=side, realism=Realism(), seed=seed)
        csv_path = write_pose_csv(folder / f"slr_{side}_pose.csv", [recording.track])
        measured = measure_angles(read_pose_csv(csv_path)[0])
        result = measure_slr_camera(measured.angles, side, expected_trials=len(trials), cleaned=measured.cleaned)
        summaries[side] = result.to_json_dict()
        found = ", ".join(
            f"{trial.peak_deg:.1f}" + ("" if trial.valid else f" INVALID ({'; '.join(trial.invalid_reasons)})")
            for trial in result.trials if trial.peak_deg is not None
        )  # fmt: skip
        truth = ", ".join(f"{trial.peak_deg:.1f}" for trial in trials)
        lines.append(f"  {side:<5} trials {found} deg (true {truth}); mean of valid {result.mean_deg:.1f} deg, SD {result.sd_deg:.1f}")
    write_private_text(folder / "slr_summary.json", json.dumps(summaries, indent=2) + "\n")
    return lines


def _walk(folder: Path, seed: int) -> list[str]:
    from motionrehab.capture.pose_csv import read_pose_csv, write_pose_csv
    from motionrehab.measures.gait_video import analyze_video_gait
    from motionrehab.synth.camera import Realism
    from motionrehab.synth.exercises import walk

    recording = walk(strides=8, stride_length_m=1.3, stride_time_s=1.1, realism=Realism(), seed=seed)
    csv_path = write_pose_csv(folder / "walk_pose.csv", [recording.track])
    track = read_pose_csv(csv_path)[0]
    result = analyze_video_gait(track, height_m=1.70)
    write_private_text(folder / "walk_summary.json", json.dumps(result.to_json_dict(), indent=2) + "\n")
    truth = recording.events[0]  # WalkTruth first, then the gait events
    # each foot walks in its own plane (the near one reads long, the far one short): their mean
    medians = [np.median([s.stride_length_m for s in result.strides if s.side == side and s.stride_length_m is not None] or [np.nan]) for side in ("left", "right")]
    stride = f"{float(np.mean(medians)):.2f} m" if np.isfinite(medians).all() else "not measured"
    cadence = "not measured" if result.cadence_steps_per_min is None else f"{result.cadence_steps_per_min:.1f} steps/min"
    return [
        f"Walk ({csv_path.name}, scale from a 1.70 m height): {result.steps} steps, cadence {cadence} "
        f"(true {truth.cadence_steps_min:.1f}), stride length {stride} (mean of both feet; true {truth.stride_length_m:.2f} m)",
    ]


@click.command()
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("motionrehab-demo"),
              show_default=True, help="Folder for the demo's pose tracks and results (owner-only).")  # fmt: skip
@click.option("--seed", type=int, default=1, show_default=True, help="Seed of the simulated noise.")
def demo(out_dir: Path, seed: int) -> None:
    """Analyse an embedded synthetic session end to end (no camera, sensor, network or account)."""
    folder = make_output_dir(out_dir)
    click.echo("motionrehab demo: a simulated patient filmed by a simulated phone (truth known exactly)")
    click.echo("")
    for line in _hinge(folder, seed) + [""] + _slr(folder, seed) + [""] + _walk(folder, seed):
        click.echo(line)
    click.echo("")
    click.echo(f"Files in {folder}/. Next: motionrehab analyze hip-hinge {folder}/hip_hinge_pose.csv --tempo 3-1-2 --target-depth-deg 70")
