"""`motionrehab measure slr INPUT --side left|right`: straight-leg-raise trials, validity, mean and SD.

The measure is motionrehab.measures.slr; this command reads INPUT (pose-track CSV, video,
camera index, or a shin sensor's inertial CSV), optionally a second, sensor input for both
methods at once, symptom-onset times, and the previous visit from the session store.
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from motionrehab._files import make_output_dir, open_private, write_private_text
from motionrehab._format import number
from motionrehab.cli.for_patient import PatientLink, for_patient
from motionrehab.cli.numbers import Quantity
from motionrehab.cli.provenance import analysis_command
from motionrehab.errors import InputFileError, MotionRehabError

if TYPE_CHECKING:  # the library loads when a command runs, not for its --help
    from motionrehab.measures.slr import (
        SlrChange,
        SlrMeasurement,
        TrialDifference,
    )
    from motionrehab.records.journal import Work

#: registered names (program.measurements), stored per side
PEAK_NAME = "slr_peak_deg"
SD_NAME = "slr_peak_sd_deg"
ONSET_NAME = "slr_onset_deg"


def parse_onset_times(text: str | None) -> tuple[float, ...]:
    """'12.5, 30.1' -> (12.5, 30.1) seconds."""
    if not text:
        return ()
    try:
        return tuple(float(part) for part in text.replace(";", ",").split(",") if part.strip())
    except ValueError:
        raise InputFileError(f"cannot read the onset times {text!r}", where="--onset-times",
                             fix="give seconds from the start of the recording, separated by commas: 12.5,30.1") from None  # fmt: skip


def _is_inertial(input_arg: str) -> bool:
    from motionrehab.sensors.imu_csv import is_imu_csv

    path = Path(input_arg)
    return path.is_file() and path.suffix.lower() == ".csv" and is_imu_csv(path)


def _sensor(path: str, side: str, onsets: tuple[float, ...], trials: int) -> SlrMeasurement:
    from motionrehab.measures.slr import measure_slr_sensor
    from motionrehab.sensors.imu_csv import read_inertial_input

    recordings = read_inertial_input(path, placement="shank").recordings
    return measure_slr_sensor(recordings[0], side, onset_times_s=onsets, expected_trials=trials)


def _camera(input_arg: str, side: str, leg_axis: str, onsets: tuple[float, ...], trials: int, calibration_path: Path | None,
            pose_model: Path | None, seconds: float) -> tuple[SlrMeasurement, Any, str]:  # fmt: skip
    from motionrehab.cli.inputs import patient_track
    from motionrehab.kinematics.calibration import CameraCalibration
    from motionrehab.measures.slr import measure_slr_track

    patient = patient_track(input_arg, pose_model=pose_model, seconds=seconds)
    calibration = CameraCalibration.load(calibration_path) if calibration_path else None
    analysis = measure_slr_track(patient.track, side, calibration=calibration, leg_axis=leg_axis, onset_times_s=onsets, expected_trials=trials)
    return analysis.result, analysis, f"{patient.description}; {analysis.measurement.calibration_note}"


def slr_work(side: str, result: SlrMeasurement) -> Work:
    """What an SLR measurement stores: the mean of the valid trials, their SD (same time stamp) and the mean onset angle, per side."""
    from motionrehab.records.journal import Value, Work

    values = []
    if math.isfinite(result.mean_deg):
        values.append(Value(PEAK_NAME, round(result.mean_deg, 2), side))
        if math.isfinite(result.sd_deg):
            values.append(Value(SD_NAME, round(result.sd_deg, 2), side))
        onsets = [t.onset_deg for t in result.trials if t.valid and t.onset_deg is not None]
        if onsets:
            values.append(Value(ONSET_NAME, round(sum(onsets) / len(onsets), 2), side))
    return Work(f"slr {side}", values=tuple(values))


def _previous(link: PatientLink, side: str, result: SlrMeasurement, mdc_deg: float | None) -> tuple[SlrChange | None, float | None, str]:
    """Compare with the patient's last stored SLR of this side (and the same day's of the other side).

    Returns the change, the left-minus-right difference of the means (when the other side was stored that day) and a note.
    """
    from motionrehab.cli.program import open_store
    from motionrehab.measures.slr import compare_with_previous

    store = open_store(link.store_url)
    try:
        stored = store.measurements(str(link.patient), PEAK_NAME)
        # compared before this run is saved: everything stored up to now is a previous visit (same second included)
        previous = [m for m in stored if m.side == side and m.at <= link.at]
        sds = [m for m in store.measurements(str(link.patient), SD_NAME) if m.side == side]
    except MotionRehabError:
        stored, previous, sds = (), [], []
    finally:
        store.close()
    other = [m for m in stored if m.side not in ("", side) and m.at.date() == link.at.date()]
    left_right = None
    if other and math.isfinite(result.mean_deg):
        left_right = (result.mean_deg - other[-1].value) * (1.0 if side == "left" else -1.0)
    change = None
    message = "no previous SLR of this side in the store"
    if previous and math.isfinite(result.mean_deg):
        last = previous[-1]
        sd = next((m.value for m in reversed(sds) if m.at == last.at), None)
        try:
            change = compare_with_previous(result, last.value, sd, configured_mdc_deg=mdc_deg)
            message = f"previous visit {last.at:%Y-%m-%d}"
        except MotionRehabError as error:
            message = f"not compared with the previous visit: {error}"
    if not math.isfinite(result.mean_deg):
        message += "; nothing saved (no valid trial)"
    return change, left_right, message


def _summary(result: SlrMeasurement, sensor: SlrMeasurement | None, pairs: tuple[TrialDifference, ...], change: SlrChange | None, notes: list[str]) -> dict[str, Any]:
    summary = result.to_json_dict()
    if sensor is not None:
        summary["sensor"] = sensor.to_json_dict()
        summary["camera_vs_sensor"] = [p.to_json_dict() for p in pairs]
    summary["previous_visit"] = None if change is None else change.to_json_dict()
    summary["notes"] = summary["notes"] + notes
    return summary


def _text(result: SlrMeasurement, sensor: SlrMeasurement | None, pairs: tuple[TrialDifference, ...], change: SlrChange | None) -> str:
    def one(m: SlrMeasurement) -> list[str]:
        lines = [f"SLR {m.side} leg, {m.method.replace('_', ' ')} ({m.leg_axis.replace('_', ' -> ')}), detection {100 * m.detection_rate:.0f} %"]
        for t in m.trials:
            peak = number(t.peak_deg, "deg")
            extra = [] if t.onset_deg is None else [f"onset {number(t.onset_deg, 'deg')}"]
            if t.knee_flexion_at_peak_deg is not None:
                extra.append(f"knee {number(t.knee_flexion_at_peak_deg, 'deg', digits=0)}")
            if t.pelvic_compensation_deg is not None:
                extra.append(f"pelvic compensation {number(t.pelvic_compensation_deg, 'deg', digits=0)}")
            verdict = "valid" if t.valid else "INVALID: " + "; ".join(t.invalid_reasons)
            lines.append(f"  trial {t.index + 1} at {t.t_peak_s:.1f} s: peak {peak}" + (f" ({', '.join(extra)})" if extra else "") + f" - {verdict}")
        if m.n_valid:
            sd = "" if math.isnan(m.sd_deg) else f", SD {m.sd_deg:.1f}"
            lines.append(f"Mean of {m.n_valid} valid trial(s): {m.mean_deg:.1f} deg{sd}")
        else:
            lines.append("No valid trial.")
        lines.extend(f"Note: {n}" for n in m.notes)
        return lines

    lines = one(result)
    if sensor is not None:
        lines += one(sensor)
        lines += [f"  trial {p.camera_index + 1}: camera - sensor = {'-' if p.difference_deg is None else f'{p.difference_deg:+.1f} deg'}" for p in pairs]
    if change is not None:
        verdict = "more than" if change.exceeds_mdc else "within"
        lines.append(f"Since the previous visit: {change.change_deg:+.1f} deg ({change.previous_mean_deg:.1f} -> {change.latest_mean_deg:.1f}), "
                     f"{verdict} the MDC95 of {change.mdc95_deg:.1f} deg ({change.mdc_source})")  # fmt: skip
    return "\n".join(lines)


@click.command(name="slr")
@click.argument("input_arg", metavar="INPUT")
@click.option("--side", type=click.Choice(["left", "right"]), required=True, help="The leg raised.")
@click.option("--trials", type=click.IntRange(1, 20), default=3, show_default=True, help="Trials asked for (a note says when the count differs).")
@click.option("--leg-axis", type=click.Choice(["hip_ankle", "hip_knee"]), default="hip_ankle", show_default=True,
              help="Camera: the leg's axis, hip -> ankle (docs/clinical-terms.md) or hip -> knee (the thigh).")  # fmt: skip
@click.option("--onset-times", help="Symptom onset times in seconds from the start of INPUT, comma-separated.")
@click.option("--sensor", "sensor_path", type=click.Path(exists=True, dir_okay=False), help="A shin sensor's inertial CSV recorded with the video: both methods and their difference per trial.")
@click.option("--sensor-offset-s", type=Quantity(-3600, 3600, "s"), default=0.0, show_default=True, help="Sensor time + this = video time, s.")
@click.option("--mdc-deg", type=Quantity(0, 90, "deg", open_low=True), help="The clinic's minimal detectable change, deg (default: from the trials' SD).")
@click.option("--no-save", is_flag=True, help="With --patient: compare only, do not save this measurement.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), help="Write slr_summary.json and slr_trials.csv here (private files).")
@click.option("--calibration", "calibration_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Camera calibration profile.")
@click.option("--pose-model", type=click.Path(path_type=Path), help="MediaPipe pose model (.task) for video or camera input.")
@click.option("--seconds", type=Quantity(1, 86_400, "s"), default=60.0, show_default=True, help="Recording time when INPUT is a camera index.")
@analysis_command
@for_patient
def slr(input_arg: str, side: str, trials: int, leg_axis: str, onset_times: str | None, sensor_path: str | None, sensor_offset_s: float,
        patient_link: PatientLink, mdc_deg: float | None, no_save: bool, as_json: bool, out_dir: Path | None,
        calibration_path: Path | None, pose_model: Path | None, seconds: float) -> object:  # fmt: skip
    """Measure straight-leg-raise trials of one leg (INPUT: pose CSV, video, camera index or shin sensor CSV)."""
    from motionrehab.measures.slr import compare_methods

    onsets = parse_onset_times(onset_times)
    notes: list[str] = []
    sensor = None
    analysis = None
    pairs: tuple[TrialDifference, ...] = ()
    if _is_inertial(input_arg):
        if sensor_path:
            raise InputFileError("INPUT is already a sensor recording", where="--sensor", fix="give the video or pose CSV as INPUT and the sensor with --sensor")
        result = _sensor(input_arg, side, onsets, trials)
        notes.append(f"{Path(input_arg).name}: shin sensor")
    else:
        result, analysis, description = _camera(input_arg, side, leg_axis, onsets, trials, calibration_path, pose_model, seconds)
        notes.append(description)
        if sensor_path:
            shifted = tuple(t - sensor_offset_s for t in onsets)
            sensor = _sensor(sensor_path, side, shifted, trials)
            pairs = compare_methods(result, sensor, sensor_offset_s=sensor_offset_s)
    change = None
    left_right = None
    if patient_link:
        change, left_right, message = _previous(patient_link, side, result, mdc_deg)
        notes.append(message)
    summary = _summary(result, sensor, pairs, change, notes)
    summary["left_right_difference_deg"] = None if left_right is None else round(left_right, 2)
    if out_dir is not None:
        folder = make_output_dir(out_dir)
        write_private_text(folder / "slr_summary.json", json.dumps(summary, indent=2) + "\n")
        with open_private(folder / "slr_trials.csv", "w", newline="") as handle:
            writer = csv.writer(handle)
            rows = [t.to_json_dict() for t in result.trials] + ([t.to_json_dict() for t in sensor.trials] if sensor else [])
            names = list(rows[0]) if rows else ["index"]
            writer.writerow(names)
            for row in rows:
                writer.writerow([";".join(v) if isinstance(v, list) else ("" if v is None else v) for v in row.values()])
        click.echo(f"wrote {folder}/slr_summary.json, slr_trials.csv", err=as_json)
    if as_json:
        click.echo(json.dumps(summary, indent=2))
    else:
        click.echo(_text(result, sensor, pairs, change))
        if left_right is not None:
            click.echo(f"Left minus right (today's means): {left_right:+.1f} deg")
        for note in notes:
            click.echo(f"Note: {note}")
    if not no_save:
        patient_link.save(slr_work(side, result), inputs=[input_arg] + ([sensor_path] if sensor_path else []), err=as_json)
    return analysis  # the camera analysis (its angles) for --plot; None for a sensor recording
