"""`motionrehab analyze hip-hinge INPUT`: repetitions, tempo, faults and a score per rep.

The analysis is motionrehab.measures.hip_hinge.analyze_hip_hinge_track; this command reads
INPUT, the criteria (prescription or options) and optional trunk sensors, and prints.
"""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from motionrehab._files import make_output_dir, open_private, write_private_text
from motionrehab._format import number
from motionrehab.cli.for_patient import PatientLink, for_patient
from motionrehab.cli.inputs import patient_track
from motionrehab.cli.numbers import Quantity
from motionrehab.cli.provenance import analysis_command
from motionrehab.errors import InputFileError

if TYPE_CHECKING:  # the library loads when a command runs, not for its --help
    from motionrehab.measures.hip_hinge import (
        HingeCriteria,
        HingeSetResult,
    )


def _eccentric_from_tempo(tempo: str | None) -> float | None:
    """'3-1-2' (eccentric-pause-concentric seconds) or '3' -> 3.0."""
    if tempo is None:
        return None
    try:
        return float(tempo.split("-")[0])
    except ValueError:
        raise InputFileError(f"cannot read the tempo {tempo!r}", where="--tempo", fix="give seconds as ECCENTRIC-PAUSE-CONCENTRIC, e.g. 3-1-2") from None


def criteria_from_prescription(path: Path, phase_name: str | None) -> HingeCriteria:
    """The hinge criteria of a prescription: its hip_hinge exercise's tempo and depth target.

    The phase is ``phase_name``, or the first phase that prescribes a hip hinge. Depth is the
    lower end of the target range of ``hip_flexion_deg`` or ``trunk_inclination_deg``.
    """
    from motionrehab.measures.hip_hinge import HingeCriteria
    from motionrehab.program.prescription import load_prescription

    prescription = load_prescription(path)
    phases = [p for p in prescription.phases if phase_name is None or p.name == phase_name]
    if not phases:
        names = ", ".join(p.name for p in prescription.phases)
        raise InputFileError(f"no phase named {phase_name!r}", where=str(path), fix=f"use one of: {names}")
    hinges = [e for p in phases for e in p.exercises if e.kind == "hip_hinge"]
    if not hinges:
        raise InputFileError("the prescription has no hip_hinge exercise" + (f" in phase {phase_name!r}" if phase_name else ""),
                             where=str(path), fix="add one, or give --target-depth-deg and --tempo instead")  # fmt: skip
    hinge = hinges[0]
    targets = {target.name: target for target in hinge.targets}
    hip = targets.get("hip_flexion_deg")
    trunk = targets.get("trunk_inclination_deg")
    return HingeCriteria(
        target_hip_flexion_deg=None if hip is None else hip.low,
        target_trunk_inclination_deg=None if trunk is None else trunk.low,
        eccentric_s=None if hinge.tempo is None else hinge.tempo.eccentric_s,
    )


def _criteria_for_patient(link: PatientLink, exercise_id: str | None) -> HingeCriteria:
    """The criteria of the patient's hinge in force on the day (after progression): tempo and depth from the stored prescription."""
    from motionrehab.cli.program import open_store
    from motionrehab.measures.hip_hinge import HingeCriteria
    from motionrehab.program.progression import state_for_week

    store = open_store(link.store_url)
    try:
        stored = store.prescription(str(link.patient))
        week = max(1, stored.week_of(link.at.date()))
        phase = state_for_week(stored, store.session_logs(str(link.patient)), store.measurements(str(link.patient)), week).phase(stored)
    finally:
        store.close()
    hinges = [e for e in phase.exercises if e.kind == "hip_hinge" and (exercise_id is None or e.id == exercise_id)]
    if not hinges:
        return HingeCriteria()
    targets = {target.name: target for target in hinges[0].targets}
    hip, trunk, tempo = targets.get("hip_flexion_deg"), targets.get("trunk_inclination_deg"), hinges[0].tempo
    return HingeCriteria(target_hip_flexion_deg=None if hip is None else hip.low, target_trunk_inclination_deg=None if trunk is None else trunk.low,
                         eccentric_s=None if tempo is None else tempo.eccentric_s)  # fmt: skip


def _criteria(prescription: Path | None, phase: str | None, target_depth_deg: float | None, tempo: str | None) -> HingeCriteria:
    from motionrehab.measures.hip_hinge import HingeCriteria

    if prescription is not None:
        return criteria_from_prescription(prescription, phase)
    return HingeCriteria(target_hip_flexion_deg=target_depth_deg, eccentric_s=_eccentric_from_tempo(tempo))


def _lumbar(t12: Path | None, s1: Path | None, t_s):  # type: ignore[no-untyped-def]
    if t12 is None and s1 is None:
        return None
    if t12 is None or s1 is None:
        raise InputFileError("lumbar flexion needs both trunk sensors", where="--t12/--s1", fix="give --t12 FILE and --s1 FILE together")
    from motionrehab.measures.lumbar import lumbar_flexion_deg
    from motionrehab.sensors.imu_csv import read_inertial_input

    upper = read_inertial_input(t12).recordings[0]
    sacrum = read_inertial_input(s1).recordings[0]
    return lumbar_flexion_deg(upper, sacrum, t_s)


def _text(result: HingeSetResult) -> str:
    lines = [f"Hip hinge, {result.view} view" + (f", {result.side} side to the camera" if result.view == "side" else ""),
             f"Repetitions: {result.reps}" + (f" (+{result.partial_repetitions} too shallow to count)" if result.partial_repetitions else ""),
             f"Set score: {'-' if result.score is None else result.score} / 100 ({result.explanation()})"]  # fmt: skip
    for rep in result.repetitions:
        lines.append(
            f"  rep {rep.index + 1}: {rep.t_start_s:6.1f}-{rep.t_end_s:6.1f} s  down {rep.eccentric_s:.1f} s, hold {rep.pause_s:.1f} s, "
            f"up {rep.concentric_s:.1f} s; hip {number(rep.peak_hip_flexion_deg, 'deg', digits=0)}, trunk {number(rep.peak_trunk_inclination_deg, 'deg', digits=0)}, "
            f"knee {number(rep.knee_flexion_at_bottom_deg, 'deg', digits=0)}; score {rep.score}: {rep.cue}"
        )
    lines.extend(f"Not assessed: {item}" for item in result.not_assessed)
    lines.extend(f"Note: {note}" for note in result.notes)
    return "\n".join(lines)


@click.command(name="hip-hinge")
@click.argument("input_arg", metavar="INPUT")
@click.option("--prescription", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="The patient's prescription file (target depth and tempo).")
@click.option("--phase", help="The prescription's phase (default: the first with a hip hinge).")
@click.option("--target-depth-deg", type=Quantity(0, 150, "deg"), help="Prescribed hip flexion at the bottom, degrees.")
@click.option("--tempo", help="Prescribed tempo ECCENTRIC-PAUSE-CONCENTRIC in seconds, e.g. 3-1-2.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), help="Write hinge_summary.json, hinge_repetitions.csv and angles.csv here.")
@click.option("--calibration", "calibration_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Camera calibration profile.")
@click.option("--t12", type=click.Path(exists=True, path_type=Path), help="Inertial CSV of the sensor at T12-L1 (with --s1: lumbar flexion).")
@click.option("--s1", type=click.Path(exists=True, path_type=Path), help="Inertial CSV of the sensor at S1.")
@click.option("--pose-model", type=click.Path(path_type=Path), help="MediaPipe pose model (.task) for video or camera input.")
@click.option("--seconds", type=Quantity(1, 86_400, "s"), default=60.0, show_default=True, help="Recording time when INPUT is a camera index.")
@click.option("--exercise", "exercise_id", default=None, help="With --patient: the prescribed exercise id this set counts for (default: today's hip hinge).")
@analysis_command
@for_patient
def hip_hinge(input_arg: str, prescription: Path | None, phase: str | None, target_depth_deg: float | None, tempo: str | None, as_json: bool, out_dir: Path | None,
              calibration_path: Path | None, t12: Path | None, s1: Path | None, pose_model: Path | None, seconds: float, exercise_id: str | None,
              patient_link: PatientLink) -> object:  # fmt: skip
    """Count hinge repetitions and judge each one (INPUT: pose CSV, video or camera index)."""
    from motionrehab.kinematics.angle_csv import write_angle_csv
    from motionrehab.kinematics.calibration import CameraCalibration
    from motionrehab.measures.hip_hinge import analyze_hip_hinge_track
    from motionrehab.records.journal import Value, hinge_work

    if prescription is None and target_depth_deg is None and tempo is None and patient_link:
        criteria = _criteria_for_patient(patient_link, exercise_id)
    else:
        criteria = _criteria(prescription, phase, target_depth_deg, tempo)
    patient = patient_track(input_arg, pose_model=pose_model, seconds=seconds)
    lumbar = _lumbar(t12, s1, patient.track.t_s)
    calibration = CameraCalibration.load(calibration_path) if calibration_path else None
    analysis = analyze_hip_hinge_track(patient.track, criteria=criteria, calibration=calibration, lumbar_flexion_deg=lumbar)
    result = analysis.result
    if out_dir is not None:
        folder = make_output_dir(out_dir)
        write_private_text(folder / "hinge_summary.json", json.dumps(result.to_json_dict(), indent=2) + "\n")
        with open_private(folder / "hinge_repetitions.csv", "w", newline="") as handle:
            rows = [rep.to_json_dict() for rep in result.repetitions]
            writer = csv.writer(handle)
            names = list(rows[0]) if rows else ["index"]
            writer.writerow(names)
            for row in rows:
                writer.writerow([";".join(v) if isinstance(v, list) else ("" if v is None else v) for v in row.values()])
        write_angle_csv(folder / "angles.csv", analysis.measurement.angles)
        click.echo(f"wrote {folder}/hinge_summary.json, hinge_repetitions.csv, angles.csv", err=as_json)
    if as_json:
        click.echo(json.dumps(result.to_json_dict(), indent=2))
    else:
        click.echo(f"Patient: {patient.description}")
        click.echo(_text(result))
    work = hinge_work(result, exercise_id)
    if lumbar is not None and analysis.result.repetitions:
        changes = [r.lumbar_flexion_change_deg for r in result.repetitions if r.lumbar_flexion_change_deg is not None]
        if changes:
            work = replace(work, values=(*work.values, Value("hinge_lumbar_flexion_change_deg", round(max(changes), 2))))
    patient_link.save(work, inputs=[input_arg] + [p for p in (t12, s1) if p is not None], err=as_json)
    return analysis
