"""`motionrehab measure slump INPUT --side left|right`: knee extension deficit at symptom onset.

The measure is motionrehab.measures.slump; this command reads INPUT (pose-track CSV, video
or camera index) and the onset times with the neck flexed and released, and prints.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from motionrehab._files import make_output_dir, write_private_text
from motionrehab.cli.for_patient import PatientLink, for_patient
from motionrehab.cli.measure_slr import parse_onset_times
from motionrehab.cli.numbers import Quantity
from motionrehab.cli.provenance import analysis_command

if TYPE_CHECKING:  # the library loads when a command runs, not for its --help
    from motionrehab.measures.slump import SlumpResult
    from motionrehab.records.journal import Work


def _text(result: SlumpResult) -> str:
    lines = [f"Slump test, {result.side} knee"]
    for onset in result.onsets:
        value = onset.reason if onset.knee_extension_deficit_deg is None else f"knee extension deficit {onset.knee_extension_deficit_deg:.1f} deg"
        lines.append(f"  {onset.condition.replace('_', ' ')} at {onset.t_s:.1f} s: {value}")
    flexed, released = result.mean_deficit_deg("neck_flexed"), result.mean_deficit_deg("neck_released")
    if flexed is not None:
        lines.append(f"Neck flexed: {flexed:.1f} deg short of full extension")
    if released is not None:
        lines.append(f"Neck released: {released:.1f} deg short of full extension")
    if result.differentiation_deg is not None:
        lines.append(f"Releasing the neck changed the deficit by {-result.differentiation_deg:+.1f} deg "
                     "(a smaller deficit with the neck released supports a neural source, docs/clinical-terms.md)")  # fmt: skip
    return "\n".join(lines)


@click.command(name="slump")
@click.argument("input_arg", metavar="INPUT")
@click.option("--side", type=click.Choice(["left", "right"]), required=True, help="The knee extended.")
@click.option("--neck-flexed-onset-s", help="Symptom onset times with the neck flexed, s from the start of INPUT, comma-separated.")
@click.option("--neck-released-onset-s", help="Symptom onset times with the neck released, s, comma-separated.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), help="Write slump_summary.json here (private file).")
@click.option("--calibration", "calibration_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Camera calibration profile.")
@click.option("--pose-model", type=click.Path(path_type=Path), help="MediaPipe pose model (.task) for video or camera input.")
@click.option("--seconds", type=Quantity(1, 86_400, "s"), default=60.0, show_default=True, help="Recording time when INPUT is a camera index.")
@analysis_command
@for_patient
def slump(input_arg: str, side: str, neck_flexed_onset_s: str | None, neck_released_onset_s: str | None, as_json: bool, out_dir: Path | None,
          calibration_path: Path | None, pose_model: Path | None, seconds: float, patient_link: PatientLink) -> None:  # fmt: skip
    """Knee extension deficit at symptom onset, neck flexed and released (INPUT: pose CSV, video or camera index)."""
    from motionrehab.cli.inputs import patient_track
    from motionrehab.kinematics.calibration import CameraCalibration
    from motionrehab.kinematics.measure import measure_angles
    from motionrehab.measures.slump import measure_slump_camera

    flexed = parse_onset_times(neck_flexed_onset_s)
    released = parse_onset_times(neck_released_onset_s)
    patient = patient_track(input_arg, pose_model=pose_model, seconds=seconds)
    calibration = CameraCalibration.load(calibration_path) if calibration_path else None
    measured = measure_angles(patient.track, calibration, cutoff_hz="auto")
    result = measure_slump_camera(measured.angles, side, neck_flexed_onset_s=flexed, neck_released_onset_s=released)
    summary = result.to_json_dict() | {"notes": [patient.description, measured.calibration_note]}
    if out_dir is not None:
        folder = make_output_dir(out_dir)
        write_private_text(folder / "slump_summary.json", json.dumps(summary, indent=2) + "\n")
        click.echo(f"wrote {folder}/slump_summary.json", err=as_json)
    if as_json:
        click.echo(json.dumps(summary, indent=2))
    else:
        click.echo(_text(result))
        click.echo(f"Note: {patient.description}; {measured.calibration_note}")
    patient_link.save(slump_work(result), inputs=[input_arg], err=as_json)


def slump_work(result: SlumpResult) -> Work:
    """What a slump test stores, per side: the deficits with the neck flexed and released, and their difference."""
    from motionrehab.records.journal import Value, Work

    named = (("slump_knee_extension_deficit_deg", result.mean_deficit_deg("neck_flexed")),
             ("slump_released_knee_extension_deficit_deg", result.mean_deficit_deg("neck_released")),
             ("slump_differentiation_deg", result.differentiation_deg))  # fmt: skip
    return Work(f"slump {result.side}", values=tuple(Value(name, round(v, 2), result.side) for name, v in named if v is not None))
