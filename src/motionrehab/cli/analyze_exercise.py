"""`motionrehab analyze EXERCISE INPUT`: one command for every exercise of the library.

The analysis is motionrehab.measures.exercises.analyze_exercise over the exercise's
definition; this module only reads INPUT (pose CSV, video or camera index), prints, writes
--out files and, with --patient, stores the set's summary and says what changed since the
patient's previous stored set of the same exercise.
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path
from typing import Any

import click

from motionrehab._files import make_private_dir, open_private, write_private_text
from motionrehab.cli.for_patient import PatientLink, for_patient

#: a summary value's unit from its name's ending (names end with their unit)
_UNITS = (("_deg", "deg"), ("_s", "s"), ("_pct", "%"), ("_count", "count"))


def summary_measurements(result: Any) -> dict[str, float]:
    """The set's summary values stored under --patient, named ``<exercise kind>_<value>`` (each ending with its unit).

    Repetitions (or holds) counted, the score, the mean hold, and the mean of every value
    each repetition reports, plus a clinic test's numbers (the chair stand's count).
    """
    kind = result.exercise.kind
    items = result.holds if result.exercise.is_hold else result.repetitions
    out: dict[str, float] = {f"{kind}_{'holds' if result.exercise.is_hold else 'reps'}_count": float(len(items))}
    if result.score is not None:
        out[f"{kind}_score_pct"] = float(result.score)
    holds = [item.duration_s if result.exercise.is_hold else item.hold_s for item in items]
    holds = [h for h in holds if math.isfinite(h)]
    if holds:
        out[f"{kind}_hold_s"] = sum(holds) / len(holds)
    names = {name for item in items for name in item.values}
    for name in sorted(names):
        values = [item.values[name] for item in items if name in item.values and math.isfinite(item.values[name])]
        if values and name.endswith(tuple(suffix for suffix, _ in _UNITS)):
            out[f"{kind}_{name}"] = sum(values) / len(values)
    if "chair_stands_30s" in result.extra:
        out[f"{kind}_stands_in_30_s_count"] = float(result.extra["chair_stands_30s"])
    return out


def register_summary(result: Any) -> None:
    """Register the summary's quantities in the measurement vocabulary (program.measurements), so the store accepts them.

    Descriptive values: no direction of improvement and no change threshold is claimed for them.
    """
    from motionrehab.program.measurements import NEITHER, NO_CHANGE_JUDGED, register

    for name in summary_measurements(result):
        unit = next(u for suffix, u in _UNITS if name.endswith(suffix))
        words = name.removeprefix(result.exercise.kind + "_").rsplit("_", 1)[0].replace("_", " ")
        register(name, unit, f"{result.exercise.title.capitalize()}, {words}", better=NEITHER, change_threshold=NO_CHANGE_JUDGED)


def _store_and_compare(link: Any, input_arg: str, result: Any, *, err: bool) -> list[str]:
    """Store the set through the shared --patient helper (cli.for_patient); one line per value stored before: previous -> now."""
    from motionrehab.cli.program import open_store
    from motionrehab.program.prescription import KINDS
    from motionrehab.records.journal import Value, Work

    register_summary(result)
    summary = summary_measurements(result)
    lines = []
    store = open_store(link.store_url)
    try:
        for name, value in summary.items():
            try:
                previous = store.measurements(link.patient, name)
            except Exception:  # noqa: BLE001 (a patient not yet in the store has no previous values)
                previous = ()
            if previous:
                last = previous[-1]
                lines.append(f"{name}: {last.value:.1f} on {last.at.date()} -> {value:.1f} now ({value - last.value:+.1f})")
    finally:
        store.close()
    items = result.holds if result.exercise.is_hold else result.repetitions
    kind = result.exercise.kind if result.exercise.kind in KINDS else None
    work = Work(result.exercise.name, exercise_kind=kind, repetitions=tuple(items), values=tuple(Value(n, v) for n, v in summary.items()))
    link.save(work, inputs=[input_arg], err=err)
    return lines


def _text(result: Any) -> str:
    exercise = result.exercise
    lines = [f"{exercise.title.capitalize()}, {result.view} view" + (f", {result.side} side to the camera" if result.view == "side" else "")]
    if exercise.is_hold:
        lines.append(f"Holds: {len(result.holds)}")
        for hold in result.holds:
            values = ", ".join(f"{name} {value:.1f}" for name, value in hold.values.items() if math.isfinite(value))
            lines.append(f"  hold {hold.index + 1}: {hold.t_start_s:6.1f} s for {hold.duration_s:.1f} s; {values}; score {hold.score}: {hold.cue}")
    else:
        lines.append(f"Repetitions: {result.reps}" + (f" (+{result.partial_repetitions} too small to count)" if result.partial_repetitions else ""))
        for rep in result.repetitions:
            values = ", ".join(f"{name} {value:.1f}" for name, value in rep.values.items() if math.isfinite(value))
            hold = f"hold {rep.hold_s:.1f} s; " if math.isfinite(rep.hold_s) else ""
            lines.append(f"  rep {rep.index + 1}: {rep.t_start_s:6.1f}-{rep.t_end_s:6.1f} s  {hold}{values}; score {rep.score}: {rep.cue}")
    lines.append(f"Score: {'-' if result.score is None else result.score} / 100")
    lines.extend(f"{name}: {value}" for name, value in result.extra.items())
    lines.extend(f"Not assessed: {item}" for item in result.not_assessed)
    lines.extend(f"Note: {note}" for note in result.notes)
    return "\n".join(lines)


def _write_outputs(folder_arg: Path, result: Any, measurement: Any) -> Path:
    from motionrehab.kinematics.angle_csv import write_angle_csv

    folder = make_private_dir(folder_arg)
    stem = result.exercise.name.replace("-", "_")
    write_private_text(folder / f"{stem}_summary.json", json.dumps(result.to_json_dict(), indent=2) + "\n")
    rows = [item.to_json_dict() for item in (result.holds if result.exercise.is_hold else result.repetitions)]
    with open_private(folder / f"{stem}_{'holds' if result.exercise.is_hold else 'repetitions'}.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        names = list(rows[0]) if rows else ["index"]
        writer.writerow(names)
        for row in rows:
            writer.writerow([";".join(v) if isinstance(v, list) else ("" if v is None else v) for v in row.values()])
    write_angle_csv(folder / "angles.csv", measurement.angles)
    return folder


def make_command(name: str) -> click.Command:
    """The ``analyze NAME`` command for one exercise of the library."""

    @click.command(name=name)
    @click.argument("input_arg", metavar="INPUT")
    @click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
    @click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), help="Write the summary JSON, a CSV per repetition or hold, and angles.csv here.")
    @for_patient
    @click.option("--view", type=click.Choice(["side", "front"]), help="The camera's view (default: found from the recording).")
    @click.option("--age", "age_years", type=click.IntRange(0, 120), help="The patient's age in years (clinic tests compare with age norms).")
    @click.option("--sex", type=click.Choice(["female", "male"]), help="The patient's sex for the age norms of clinic tests.")
    @click.option("--calibration", "calibration_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Camera calibration profile.")
    @click.option("--pose-model", type=click.Path(path_type=Path), help="MediaPipe pose model (.task) for video or camera input.")
    @click.option("--seconds", type=click.FloatRange(min=1.0), default=60.0, show_default=True, help="Recording time when INPUT is a camera index.")
    def command(input_arg: str, as_json: bool, out_dir: Path | None, patient_link: PatientLink, view: str | None, age_years: int | None,
                sex: str | None, calibration_path: Path | None, pose_model: Path | None, seconds: float) -> None:  # fmt: skip
        from motionrehab.cli.inputs import patient_track
        from motionrehab.kinematics.calibration import CameraCalibration
        from motionrehab.measures.exercises import EXERCISES, analyze_exercise

        exercise = EXERCISES[name]
        track = patient_track(input_arg, pose_model=pose_model, seconds=seconds)
        calibration = CameraCalibration.load(calibration_path) if calibration_path else None
        analysis = analyze_exercise(exercise, track.track, calibration, view=view, patient={"age_years": age_years, "sex": sex})
        result = analysis.result
        if out_dir is not None:
            folder = _write_outputs(out_dir, result, analysis.measurement)
            click.echo(f"wrote {folder}", err=as_json)
        changes = _store_and_compare(patient_link, input_arg, result, err=as_json) if patient_link else []
        if as_json:
            data = result.to_json_dict()
            if patient_link:
                data["changes_since_last"] = changes
            click.echo(json.dumps(data, indent=2))
        else:
            click.echo(f"Patient: {track.description}")
            click.echo(_text(result))
            for line in changes:
                click.echo(f"Since last time: {line}")

    command.help = f"Measure the {name.replace('-', ' ')} (INPUT: pose CSV, video or camera index)."
    return command
