"""The tasks a batch can run, one registry entry each.

A task analyses one recording with the very library calls its single command makes
(``motionrehab pose``, ``angles``, ``analyze hip-hinge``, ``analyze gait``, ``measure slr``),
writes that command's output files into a scratch folder, and returns its key figures.
The figures are therefore identical to the single command's.

Adding an exercise is one line, e.g. for an analysis ``analyze_bridge_track(track)`` whose
result has ``to_json_dict()``::

    register_task(pose_exercise_task("bridge", analyze_bridge_track))

Figures are plain JSON values with the unit in the name (``cadence_steps_per_min``,
``mean_peak_deg``); counts and scores have none (``reps``, ``set_score_0_100``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from motionrehab.capture.patient import POSE_FILE_SUFFIXES, VIDEO_SUFFIXES, PatientInput
from motionrehab.errors import InputFileError

Figure = float | int | str | bool | None

#: files a folder scan gives each kind of task
POSE_INPUTS = (*POSE_FILE_SUFFIXES, *VIDEO_SUFFIXES)
SENSOR_OR_POSE_INPUTS = POSE_FILE_SUFFIXES


@dataclass(frozen=True)
class Recording:
    """One input as a worker receives it.

    Attributes:
        path: the input file (workers on other machines must see it at this path).
        task: the registry name of the task.
        side: 'left' or 'right' when the manifest (or --side) says, else None.
        options: the task's options from the manifest's other columns or --option (text).
        pose_model: the pose model file for video input (None: the worker's own resolution,
            i.e. $MOTIONREHAB_POSE_MODEL, the cache or a download).
    """

    path: str
    task: str
    side: str | None = None
    options: Mapping[str, str] = field(default_factory=dict)
    pose_model: str | None = None


@dataclass(frozen=True)
class Measurement:
    """A figure for the session store: its store name (records.report knows it), value and side."""

    name: str
    value: float
    side: str = ""


@dataclass(frozen=True)
class TaskOutput:
    """What a task returns: its key figures and what to keep in the session store.

    The files it wrote into its scratch folder are collected by the worker.
    """

    figures: dict[str, Figure]
    measurements: tuple[Measurement, ...] = ()


#: ``run(recording, scratch_folder, patient_loader) -> TaskOutput``
TaskFunction = Callable[[Recording, Path, Callable[[Recording], PatientInput]], TaskOutput]


@dataclass(frozen=True)
class BatchTask:
    """A registered task: its name, function, the file suffixes a folder scan picks and its options."""

    name: str
    run: TaskFunction
    suffixes: tuple[str, ...] = POSE_INPUTS
    options: tuple[str, ...] = ()
    description: str = ""


TASKS: dict[str, BatchTask] = {}


def register_task(task: BatchTask) -> BatchTask:
    """Add ``task`` to the registry (a later entry of the same name replaces the earlier)."""
    TASKS[task.name] = task
    return task


# ----------------------------------------------------------------------------- option parsing


def option_float(recording: Recording, name: str) -> float | None:
    """A numeric option, or None when not given; a clear error when it is not a number."""
    text = recording.options.get(name, "")
    if text is None or str(text).strip() == "":
        return None
    try:
        return float(text)
    except ValueError:
        raise InputFileError(f"option {name} is {text!r}, not a number", where=recording.path,
                             fix=f"give {name} as a plain decimal number in the manifest or --option {name}=VALUE") from None  # fmt: skip


def _mean(values: list[float]) -> float | None:
    finite = [v for v in values if v is not None and math.isfinite(v)]
    return round(sum(finite) / len(finite), 2) if finite else None


def _write_json(path: Path, data: Any) -> None:
    from motionrehab._files import write_private_text

    write_private_text(path, json.dumps(data, indent=2) + "\n")


def _write_rows(path: Path, rows: list[dict[str, Any]]) -> None:
    """The per-rep / per-trial CSV exactly as the single commands write it."""
    import csv

    from motionrehab._files import open_private

    with open_private(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        names = list(rows[0]) if rows else ["index"]
        writer.writerow(names)
        for row in rows:
            writer.writerow([";".join(v) if isinstance(v, list) else ("" if v is None else v) for v in row.values()])


def _calibration(recording: Recording):  # type: ignore[no-untyped-def]
    path = recording.options.get("calibration")
    if not path:
        return None
    from motionrehab.kinematics.calibration import CameraCalibration

    return CameraCalibration.load(Path(path))


# ----------------------------------------------------------------------------- the tasks


def _pose(recording: Recording, scratch: Path, _patient: Callable[[Recording], PatientInput]) -> TaskOutput:
    """`motionrehab pose VIDEO --out DIR`: the pose-track CSV (or Parquet with option format=parquet)."""
    from motionrehab.batch.worker import pose_model_for
    from motionrehab.capture.estimate import estimate_poses

    source = Path(recording.path)
    if source.suffix.lower() not in VIDEO_SUFFIXES:
        raise InputFileError("the pose task needs a video file", where=recording.path,
                             fix=f"give videos ({', '.join(VIDEO_SUFFIXES)}); pose-track files are analysed by the other tasks")  # fmt: skip
    max_people = int(option_float(recording, "max_people") or 2)
    result = estimate_poses(source, model=pose_model_for(recording), max_people=max_people)
    kind = recording.options.get("format", "csv") or "csv"
    if kind == "parquet":
        from motionrehab.capture.pose_parquet import write_pose_parquet

        write_pose_parquet(scratch / f"{source.stem}_pose.parquet", result.tracks)
    elif kind == "csv":
        from motionrehab.capture.pose_csv import write_pose_csv

        write_pose_csv(scratch / f"{source.stem}_pose.csv", result.tracks)
    else:
        raise InputFileError(f"option format is {kind!r}", where=recording.path, fix="use format=csv or format=parquet")
    if result.errors:  # the command writes the CSV, then reports the error: so does the batch
        raise result.errors[0]
    patient = result.patient()
    return TaskOutput({
        "frames_read": result.frames_read,
        "frames_with_person": result.frames_with_person,
        "people": len(result.tracks),
        "patient_detection_pct": round(100.0 * patient.detection_rate(), 2),
    })  # fmt: skip


def _angles(recording: Recording, scratch: Path, patient: Callable[[Recording], PatientInput]) -> TaskOutput:
    """`motionrehab angles INPUT --out angles.csv`."""
    from motionrehab.kinematics.angle_csv import write_angle_csv
    from motionrehab.kinematics.measure import measure_angles

    found = patient(recording)
    text = recording.options.get("cutoff_hz", "auto") or "auto"
    try:
        cutoff: float | str = float(text)
    except ValueError:
        cutoff = text
    measured = measure_angles(found.track, _calibration(recording), cutoff_hz=cutoff)
    write_angle_csv(scratch / "angles.csv", measured.angles)
    report = measured.cleaning
    return TaskOutput({
        "frames": measured.angles.n_frames,
        "angles": len(measured.angles.names),
        "posture": "lying" if measured.body_frame.lying else "standing",
        "cutoff_hz": round(float(report.cutoff_hz), 3),
        "swaps_repaired": len(report.swapped_frames),
        "outliers_removed": int(report.outliers_removed),
        "gaps_left": len(report.gaps_left),
    })  # fmt: skip


def _hip_hinge(recording: Recording, scratch: Path, patient: Callable[[Recording], PatientInput]) -> TaskOutput:
    """`motionrehab analyze hip-hinge INPUT --out DIR` (criteria from options target_depth_deg, tempo)."""
    from motionrehab.kinematics.angle_csv import write_angle_csv
    from motionrehab.measures.hip_hinge import HingeCriteria, analyze_hip_hinge_track
    from motionrehab.records.journal import hinge_work

    tempo = recording.options.get("tempo") or None
    eccentric = None
    if tempo is not None:
        try:
            eccentric = float(tempo.split("-")[0])
        except ValueError:
            raise InputFileError(f"cannot read the tempo {tempo!r}", where=recording.path,
                                 fix="give seconds as ECCENTRIC-PAUSE-CONCENTRIC, e.g. 3-1-2") from None  # fmt: skip
    criteria = HingeCriteria(target_hip_flexion_deg=option_float(recording, "target_depth_deg"), eccentric_s=eccentric)
    found = patient(recording)
    analysis = analyze_hip_hinge_track(found.track, criteria=criteria, calibration=_calibration(recording))
    result = analysis.result
    _write_json(scratch / "hinge_summary.json", result.to_json_dict())
    _write_rows(scratch / "hinge_repetitions.csv", [rep.to_json_dict() for rep in result.repetitions])
    write_angle_csv(scratch / "angles.csv", analysis.measurement.angles)
    trunk = _mean([rep.peak_trunk_inclination_deg for rep in result.repetitions])
    figures: dict[str, Figure] = {
        "view": result.view,
        "side": result.side,
        "reps": result.reps,
        "partial_reps": result.partial_repetitions,
        "set_score_0_100": result.score,
        "mean_peak_hip_flexion_deg": _mean([rep.peak_hip_flexion_deg for rep in result.repetitions]),
        "mean_peak_trunk_inclination_deg": trunk,
        "mean_eccentric_s": _mean([rep.eccentric_s for rep in result.repetitions]),
    }
    # the same values a single `analyze hip-hinge --patient` stores (the deepest good rep, the set score)
    stored = tuple(Measurement(v.name, v.value, v.side) for v in hinge_work(result).values)
    return TaskOutput(figures, stored)


def _gait(recording: Recording, scratch: Path, _patient: Callable[[Recording], PatientInput]) -> TaskOutput:
    """`motionrehab analyze gait INPUT --out DIR` (pose-track file or inertial CSV)."""
    from motionrehab.capture.pose_csv import is_pose_csv

    source = Path(recording.path)
    if source.suffix.lower() in VIDEO_SUFFIXES:
        raise InputFileError("video input needs pose estimation first", where=str(source),
                             fix=f"run `motionrehab pose {source} --out poses.csv`, then `motionrehab analyze gait poses.csv`")  # fmt: skip
    pain_onset_s = option_float(recording, "pain_onset_s")
    if is_pose_csv(source) or source.suffix.lower() in POSE_FILE_SUFFIXES[1:]:
        from motionrehab.capture.pose_parquet import read_pose_file
        from motionrehab.measures.gait_video import analyze_video_gait

        result = analyze_video_gait(read_pose_file(source), height_m=option_float(recording, "height_m"), px_per_m=option_float(recording, "px_per_m"),
                                    treadmill_speed_m_s=option_float(recording, "treadmill_speed_m_s"), pain_onset_s=pain_onset_s)  # fmt: skip
    else:
        from motionrehab.measures.gait_imu import analyze_inertial_gait
        from motionrehab.sensors.imu_csv import read_inertial_input

        side = None if recording.side in (None, "both") else recording.side
        loaded = read_inertial_input(source, placement=recording.options.get("sensor_placement") or None, side=side)
        result = analyze_inertial_gait(loaded.recordings, leg_length_m=option_float(recording, "leg_length_m") or loaded.sensor_height_m,
                                       pain_onset_s=pain_onset_s)  # fmt: skip
    summary = result.to_json_dict()
    _write_json(scratch / "gait_summary.json", summary)
    columns = ["side", "t_ic_s", "t_fc_s", "t_next_ic_s", "stride_time_s", "stance_s", "swing_s", "stride_length_m", "is_turn"]
    _write_rows(scratch / "gait_strides.csv", [{name: getattr(stride, name) for name in columns} for stride in result.strides])
    lengths = _mean([s.stride_length_m for s in result.strides if s.stride_length_m is not None])
    figures: dict[str, Figure] = {key: summary[key] for key in ("steps", "cadence_steps_per_min", "stride_time_cv_pct", "symmetry_index_pct",
                                                                "distance_m", "speed_m_per_s", "duration_s")}  # fmt: skip
    figures["strides"] = len(result.strides)
    figures["mean_stride_length_m"] = lengths
    stored = [Measurement(name, float(value)) for name, value in (("cadence_steps_per_min", result.cadence_steps_per_min),
              ("gait_speed_m_per_s", result.speed_m_per_s), ("walking_distance_m", result.distance_m), ("stride_length_m", lengths))
              if value is not None and math.isfinite(value)]  # fmt: skip
    return TaskOutput(figures, tuple(stored))


def _slr(recording: Recording, scratch: Path, patient: Callable[[Recording], PatientInput]) -> TaskOutput:
    """`motionrehab measure slr INPUT --side SIDE --out DIR` (camera or shin sensor)."""
    from motionrehab.measures.slr import measure_slr_sensor, measure_slr_track
    from motionrehab.sensors.imu_csv import is_imu_csv, read_inertial_input

    side = recording.side
    if side not in ("left", "right"):
        raise InputFileError("the straight-leg raise needs the side of the raised leg", where=recording.path,
                             fix="give --side left|right, or a manifest with a side column")  # fmt: skip
    text = recording.options.get("onset_times") or ""
    try:
        onsets = tuple(float(part) for part in text.replace(";", ",").split(",") if part.strip())
    except ValueError:
        raise InputFileError(f"cannot read the onset times {text!r}", where=recording.path,
                             fix="give seconds from the start of the recording, separated by commas: 12.5,30.1") from None  # fmt: skip
    trials = int(option_float(recording, "trials") or 3)
    source = Path(recording.path)
    notes: list[str] = []
    if source.suffix.lower() == ".csv" and is_imu_csv(source):
        sensor = read_inertial_input(source, placement="shank").recordings[0]
        result = measure_slr_sensor(sensor, side, onset_times_s=onsets, expected_trials=trials)
        notes.append(f"{source.name}: shin sensor")
    else:
        found = patient(recording)
        analysis = measure_slr_track(found.track, side, calibration=_calibration(recording), leg_axis=recording.options.get("leg_axis") or "hip_ankle",
                                     onset_times_s=onsets, expected_trials=trials)  # fmt: skip
        result = analysis.result
        notes.append(f"{found.description}; {analysis.measurement.calibration_note}")
    summary = result.to_json_dict()
    summary["notes"] = summary["notes"] + notes
    _write_json(scratch / "slr_summary.json", summary)
    _write_rows(scratch / "slr_trials.csv", [t.to_json_dict() for t in result.trials])
    figures: dict[str, Figure] = {
        "side": result.side,
        "method": result.method,
        "n_trials": len(result.trials),
        "n_valid": result.n_valid,
        "mean_peak_deg": summary["mean_deg"],
        "sd_peak_deg": summary["sd_deg"],
        "detection_rate_pct": round(100.0 * result.detection_rate, 1),
    }
    stored: list[Measurement] = []
    if math.isfinite(result.mean_deg):
        stored.append(Measurement("slr_peak_deg", float(result.mean_deg), side))
        if math.isfinite(result.sd_deg):
            stored.append(Measurement("slr_peak_sd_deg", float(result.sd_deg), side))
        onset = [t.onset_deg for t in result.trials if t.valid and t.onset_deg is not None]
        if onset:
            stored.append(Measurement("slr_onset_deg", sum(onset) / len(onset), side))
    return TaskOutput(figures, tuple(stored))


def pose_exercise_task(name: str, analyze: Callable[..., Any], *, options: tuple[str, ...] = ()) -> BatchTask:
    """A task for an exercise analysed from the patient's pose track by ``analyze(track)``.

    ``analyze`` returns a result with ``to_json_dict()`` (or an analysis whose ``.result``
    has it). The task writes ``<name>_summary.json`` and takes the summary's top-level
    numbers and words as figures (name them with units, as the summaries do).
    """

    def run(recording: Recording, scratch: Path, patient: Callable[[Recording], PatientInput]) -> TaskOutput:
        found = patient(recording)
        outcome = analyze(found.track)
        result = getattr(outcome, "result", outcome)
        summary = result.to_json_dict()
        _write_json(scratch / f"{name.replace('-', '_')}_summary.json", summary)
        figures = {key: value for key, value in summary.items() if isinstance(value, (int, float, str, bool)) or value is None}
        return TaskOutput(figures)

    return BatchTask(name, run, POSE_INPUTS, options, f"analyze {name}")


register_task(BatchTask("pose", _pose, VIDEO_SUFFIXES, ("max_people", "format"), "pose landmarks of a video (motionrehab pose)"))
register_task(BatchTask("angles", _angles, POSE_INPUTS, ("cutoff_hz", "calibration"), "every angle per frame (motionrehab angles)"))
register_task(BatchTask("hip-hinge", _hip_hinge, POSE_INPUTS, ("target_depth_deg", "tempo", "calibration"),
                        "hinge reps, tempo and faults (motionrehab analyze hip-hinge)"))  # fmt: skip
register_task(BatchTask("gait", _gait, SENSOR_OR_POSE_INPUTS,
                        ("height_m", "px_per_m", "leg_length_m", "pain_onset_s", "treadmill_speed_m_s", "sensor_placement"),
                        "steps, cadence, strides, distance (motionrehab analyze gait)"))  # fmt: skip
register_task(BatchTask("slr", _slr, POSE_INPUTS, ("trials", "leg_axis", "onset_times", "calibration"),
                        "straight-leg-raise trials (motionrehab measure slr)"))  # fmt: skip
