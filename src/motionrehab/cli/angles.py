"""`motionrehab angles INPUT --out angles.csv`: every angle per frame for the patient.

The work is motionrehab.kinematics.measure.measure_angles (clean, calibrate roll, measure).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

import click

from motionrehab._files import refuse_overwrite
from motionrehab.cli.inputs import patient_track
from motionrehab.cli.numbers import Quantity
from motionrehab.cli.provenance import analysis_command
from motionrehab.errors import InvalidDataError

if TYPE_CHECKING:  # the library loads when a command runs, not for its --help
    pass


@click.command()
@click.argument("input_arg", metavar="INPUT")
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The angle CSV to write.")
@click.option("--calibration", "calibration_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A camera calibration profile (calibration/*.json); default: estimate the roll from the recording.")
@click.option("--save-calibration", type=click.Path(dir_okay=False, path_type=Path),
              help="Save the estimated camera roll as a profile (e.g. calibration/living-room.json).")
@click.option("--cutoff-hz", default="auto", show_default=True, help="Low-pass cutoff in Hz, or 'auto' (Winter's residual analysis).")
@click.option("--pose-model", type=click.Path(path_type=Path), help="MediaPipe pose model (.task) for video or camera input.")
@click.option("--seconds", type=Quantity(1, 86_400, "s"), default=30.0, show_default=True, help="Recording time when INPUT is a camera index.")
@click.option("--force", is_flag=True, help="Replace the angle CSV and calibration profile if it already exists.")
@analysis_command
def angles(input_arg: str, out_path: Path, calibration_path: Path | None, save_calibration: Path | None, cutoff_hz: str,
           pose_model: Path | None, seconds: float, force: bool) -> None:  # fmt: skip
    """Write every joint and segment angle per frame of the patient in INPUT (pose CSV, video or camera index)."""
    from motionrehab.kinematics.angle_csv import write_angle_csv
    from motionrehab.kinematics.calibration import CameraCalibration
    from motionrehab.kinematics.measure import measure_angles

    if cutoff_hz.strip().lower() != "auto":
        _number(cutoff_hz, "--cutoff-hz")  # before the (long) pose estimation; below Nyquist is checked on the data
    refuse_overwrite(out_path, force=force)
    if save_calibration is not None:
        refuse_overwrite(save_calibration, force=force, option="--save-calibration")
    patient = patient_track(input_arg, pose_model=pose_model, seconds=seconds)
    calibration = CameraCalibration.load(calibration_path) if calibration_path else None
    cutoff: float | str = "auto" if cutoff_hz.strip().lower() == "auto" else _number(cutoff_hz, "--cutoff-hz")
    measured = measure_angles(patient.track, calibration, cutoff_hz=cutoff)
    write_angle_csv(out_path, measured.angles)
    click.echo(f"Patient: {patient.description}")
    click.echo(f"Camera: {measured.calibration_note}")
    view = "lying" if measured.body_frame.lying else "standing"
    click.echo(f"Posture: {view}; frames: {measured.angles.n_frames}; low-pass cutoff {measured.cleaning.cutoff_hz:g} Hz")
    report = measured.cleaning
    click.echo(f"Cleaning: {len(report.swapped_frames)} left/right swaps repaired, {report.outliers_removed} outliers removed, "
               f"{len(report.gaps_left)} gaps too long to fill (left empty)")  # fmt: skip
    if save_calibration is not None:
        click.echo(f"Saved the camera profile to {measured.calibration.save(save_calibration)}")
    click.echo(f"Wrote {out_path} ({len(measured.angles.names)} angles)")


def _number(text: str, option: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise InvalidDataError(f"'{text}' is not a number", where=option, fix="give a cutoff in Hz, e.g. 6, or 'auto'") from None
    if not math.isfinite(value) or value <= 0:
        raise InvalidDataError(f"{text} Hz is not a cutoff frequency", where=option, fix="give a positive number of Hz below half the frame rate, e.g. 6, or 'auto'")
    return value
