"""`motionrehab analyze gait INPUT`: steps, cadence, strides and walking distance.

INPUT is a side-view video (run through the pose model here), a pose-track CSV or Parquet
file (a video already run through `motionrehab pose`), an inertial CSV (named columns with
units, see docs/gait.md), a folder of inertial CSVs
(one per sensor), gaitmap's foot-IMU CSV, a mobgap trial folder or an Android
accelerometer CSV. The analysis itself is in motionrehab.measures.gait_*.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from motionrehab._files import make_output_dir, open_private
from motionrehab.cli.for_patient import PatientLink, for_patient
from motionrehab.cli.numbers import Quantity
from motionrehab.cli.provenance import analysis_command
from motionrehab.errors import InputFileError

if TYPE_CHECKING:  # the library loads when a command runs, not for its --help
    from motionrehab.measures.gait import GaitResult

VIDEO_SUFFIXES = {".mp4", ".mov", ".avi", ".mkv", ".webm", ".m4v"}


def _is_pose_csv(path: Path) -> bool:
    if path.suffix.lower() != ".csv" or not path.is_file():
        return False
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#") or not line.strip():
                continue
            return line.startswith("t_s,person_id")
    return False


def _text(result: GaitResult) -> str:
    def show(value: float | None, unit: str, digits: int = 1) -> str:
        return "not measured" if value is None else f"{value:.{digits}f} {unit}"

    lines = [
        f"Steps: {result.steps}",
        f"Cadence: {show(result.cadence_steps_per_min, 'steps/min')}",
        f"Strides: {len(result.strides)}",
        f"Stride time variability (CV): {show(result.stride_time_cv_pct, '%')}",
        f"Symmetry index ({result.symmetry_parameter.replace('_', ' ')}): {show(result.symmetry_index_pct, '%')}",
        f"Distance: {show(result.distance_m, 'm', 2)}",
        f"Speed: {show(result.speed_m_per_s, 'm/s', 2)}",
    ]
    if result.walking_tolerance is not None:
        tol = result.walking_tolerance
        lines.append(f"Walking tolerance: {tol.time_s:.0f} s, {show(tol.distance_m, 'm', 1)} before pain onset")
    for number, bout in enumerate(result.bouts, start=1):
        lines.append(f"Bout {number}: {bout.t_start_s:.1f}-{bout.t_end_s:.1f} s, {bout.steps} steps "
                     f"({bout.left_steps} left, {bout.right_steps} right), {show(bout.cadence_steps_per_min, 'steps/min')}, "
                     f"{show(bout.distance_m, 'm', 2)}, {show(bout.speed_m_per_s, 'm/s', 2)}")  # fmt: skip
    if result.turns:
        lines.append(f"Turns: {len(result.turns)} (" + ", ".join(f"{t.angle_deg:+.0f} deg at {t.t_start_s:.1f} s"
                                                             for t in result.turns) + ")")  # fmt: skip
    lines.append(f"Method: {result.method}")
    lines.extend(f"Note: {note}" for note in result.notes)
    return "\n".join(lines)


def _write_outputs(result: GaitResult, out_dir: Path) -> list[Path]:
    folder = make_output_dir(out_dir)
    summary = folder / "gait_summary.json"
    with open_private(summary, "w") as handle:
        json.dump(result.to_json_dict(), handle, indent=2)
    strides = folder / "gait_strides.csv"
    columns = ["side", "t_ic_s", "t_fc_s", "t_next_ic_s", "stride_time_s", "stance_s", "swing_s", "stride_length_m",
               "is_turn"]  # fmt: skip
    with open_private(strides, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for stride in result.strides:
            row = [getattr(stride, name) for name in columns]
            writer.writerow(["" if value is None else value for value in row])
    return [summary, strides]


def read_walk(input_path: Path, *, sensor_placement: str | None = None, side: str | None = None, height_m: float | None = None,
              px_per_m: float | None = None, leg_length_m: float | None = None, pain_onset_s: float | None = None,
              treadmill_speed_m_s: float | None = None, pose_model: Path | None = None) -> GaitResult:  # fmt: skip
    """Analyse the walk in INPUT (video, pose-track file or inertial recording; module docstring)."""
    if input_path.suffix.lower() in VIDEO_SUFFIXES:
        from motionrehab.cli.inputs import patient_track
        from motionrehab.measures.gait_video import analyze_video_gait

        patient = patient_track(str(input_path), pose_model=pose_model)
        click.echo(f"person: {patient.description}", err=True)
        return analyze_video_gait(patient.track, height_m=height_m, px_per_m=px_per_m,
                                  treadmill_speed_m_s=treadmill_speed_m_s, pain_onset_s=pain_onset_s)  # fmt: skip
    if _is_pose_csv(input_path) or input_path.suffix.lower() in (".parquet", ".pq"):
        from motionrehab.capture.pose_parquet import read_pose_file
        from motionrehab.measures.gait_video import analyze_video_gait

        result = analyze_video_gait(read_pose_file(input_path), height_m=height_m, px_per_m=px_per_m,
                                    treadmill_speed_m_s=treadmill_speed_m_s, pain_onset_s=pain_onset_s)  # fmt: skip
    else:
        from motionrehab.measures.gait_imu import analyze_inertial_gait
        from motionrehab.sensors.imu_csv import read_inertial_input

        loaded = read_inertial_input(input_path, placement=sensor_placement, side=None if side == "both" else side)
        result = analyze_inertial_gait(loaded.recordings, leg_length_m=leg_length_m or loaded.sensor_height_m,
                                       pain_onset_s=pain_onset_s)  # fmt: skip
    return result


@click.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), help="Write gait_strides.csv and gait_summary.json here.")
@click.option("--sensor-placement", type=click.Choice(["foot", "shank", "lower_back", "phone"]),
              help="Where the inertial sensor was worn (overrides the file).")
@click.option("--side", type=click.Choice(["left", "right", "both"]), default=None, help="Which foot to analyse.")
@click.option("--height-m", type=Quantity(0.5, 2.5, "m"), help="Subject height (video: sets the length scale).")
@click.option("--px-per-m", type=Quantity(0, 1e5, "pixels per m", open_low=True), help="Video scale from a calibration (pixels per metre in the walking plane).")
@click.option("--leg-length-m", type=Quantity(0.3, 1.5, "m"), help="Leg length / lower-back sensor height (inverted pendulum).")
@click.option("--pain-onset-s", type=Quantity(0, 86_400, "s"), help="Time of pain onset (s): reports walking tolerance.")
@click.option("--treadmill-speed-m-s", type=Quantity(0, 10, "m/s", open_low=True), help="Treadmill belt speed (video on a treadmill).")
@click.option("--pose-model", type=click.Path(path_type=Path), help="MediaPipe pose model (.task) for video input.")
@click.option("--pain-free", is_flag=True, help="With --patient: no pain during the walk (its walking tolerance is the whole walk).")
@click.option("--exercise", "exercise_id", default=None, help="With --patient: the prescribed walk this counts for (default: today's walking exercise).")
@analysis_command
@for_patient
def gait(
    input_path: Path,
    as_json: bool,
    out_dir: Path | None,
    sensor_placement: str | None,
    side: str | None,
    height_m: float | None,
    px_per_m: float | None,
    leg_length_m: float | None,
    pain_onset_s: float | None,
    treadmill_speed_m_s: float | None,
    pose_model: Path | None,
    pain_free: bool,
    exercise_id: str | None,
    patient_link: PatientLink,
) -> object:
    """Steps, cadence, strides, symmetry, distance and walking tolerance from a walk."""
    from motionrehab.records.journal import gait_work

    result = read_walk(input_path, sensor_placement=sensor_placement, side=side, height_m=height_m, px_per_m=px_per_m,
                       leg_length_m=leg_length_m, pain_onset_s=pain_onset_s, treadmill_speed_m_s=treadmill_speed_m_s,
                       pose_model=pose_model)  # fmt: skip
    if pain_free and pain_onset_s is not None:
        raise InputFileError("give either --pain-onset-s or --pain-free", where="analyze gait")
    if out_dir is not None:
        for path in _write_outputs(result, out_dir):
            click.echo(f"wrote {path}", err=as_json)
    if as_json:
        click.echo(json.dumps(result.to_json_dict(), indent=2))
    else:
        click.echo(_text(result))
    # A treadmill walk is measured, but it is not the prescribed walk outdoors.
    patient_link.save(gait_work(result, exercise_id=exercise_id, pain_free=pain_free, counts_as_walk=treadmill_speed_m_s is None),
                      inputs=[input_path], err=as_json)
    if _is_pose_csv(input_path) or input_path.suffix.lower() in (".parquet", ".pq"):  # for --plot: the pictures read the tracks
        from motionrehab.records.plots import VideoGaitFile

        return VideoGaitFile(input_path, result)
    return result
