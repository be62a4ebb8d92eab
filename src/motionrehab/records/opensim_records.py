"""A patient's record for OpenSim: .mot angle files (and .trc marker files from a pose-track CSV).

The session store keeps what was measured (repetitions, their metrics, clinic and session
measurements), not per-frame landmark trajectories or angle curves: video and landmarks
stay on the recording computer. So from the store alone the OpenSim export is

- ``<pseudonym>_measured_angles.mot``: every stored measurement in degrees (names ending
  ``_deg``: ``right_slr_peak_deg`` (side first for a sided measure), ``hinge_trunk_inclination_deg`` ...), one row per time a
  measurement was taken, ``time`` in seconds since the first one (the CLI prints which
  local time that is); an angle not measured at that time is NaN;
- ``<pseudonym>_session<id>_repetitions.mot`` for each session whose repetitions carry
  times and angle metrics (``trunk_inclination_deg`` per repetition): ``time`` is the
  repetition's end in seconds from the start of its recording.

Given the recording's own files (``--pose-csv`` from ``motionrehab pose``, ``--angles-csv``
from ``motionrehab angles``) it also writes per-frame ``.trc`` marker trajectories (metres
with world landmarks or a scale, pixels flagged ``_px.trc`` otherwise) and a per-frame
``.mot`` through records.opensim_files. The files are named by pseudonym and a counter,
never by the recording's file name (which could hold a name or a date of birth).

OpenSim's TimeSeriesTable reads NaN cells as missing; its legacy Storage class does not,
so sparse measured-angle files are for TimeSeriesTable (docs/records.md).
"""

from __future__ import annotations

import datetime as dt
import os
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from motionrehab._files import make_private_dir, warn_if_shared
from motionrehab.capture.pose_csv import read_pose_csv
from motionrehab.capture.pose_track import PoseTrack
from motionrehab.errors import InvalidDataError, MotionRehabError
from motionrehab.kinematics.angle_csv import read_angle_csv
from motionrehab.kinematics.angle_table import AngleTable
from motionrehab.records.export import PatientRecord, read_record
from motionrehab.records.opensim_files import write_mot, write_trc
from motionrehab.records.store import SessionStore


@dataclass(frozen=True)
class OpenSimExport:
    """The files written and plain sentences saying what they hold (and what the store cannot give)."""

    paths: tuple[Path, ...]
    notes: tuple[str, ...]
    t0: dt.datetime | None


def measured_angles(record: PatientRecord) -> tuple[AngleTable, dt.datetime] | None:
    """Every measurement in degrees as a table (t_s since the first, NaN where not measured) and its time origin."""
    rows = [m for m in record.measurements if m.measure.endswith("_deg")]
    if not rows:
        return None
    times = sorted({m.at for m in rows})
    t0 = times[0]
    index = {at: i for i, at in enumerate(times)}
    # A sided measure is one column per side, named like every angle: <side>_<name> (right_slr_peak_deg).
    names = sorted({f"{m.side}_{m.measure}" if m.side else m.measure for m in rows})
    columns = {name: np.full(len(times), np.nan) for name in names}
    for m in rows:
        columns[f"{m.side}_{m.measure}" if m.side else m.measure][index[m.at]] = m.value  # two values of one angle at the same time: the later row wins
    t_s = np.array([(at - t0).total_seconds() for at in times])
    return AngleTable(t_s=t_s, columns=columns, source="session store measurements"), t0


def repetition_angles(record: PatientRecord) -> dict[int, AngleTable]:
    """Per session: the repetitions' angle metrics at each repetition's end time (s); sessions without any are absent."""
    ends = {(r.session_id, r.exercise_id, r.set_index, r.rep_index): r.t_end_s for r in record.repetitions}
    by_session: dict[int, dict[float, dict[str, float]]] = defaultdict(lambda: defaultdict(dict))
    for m in record.repetition_metrics:
        t_end = ends.get((m.session_id, m.exercise_id, m.set_index, m.rep_index))
        if t_end is None or not m.metric.endswith("_deg"):
            continue
        by_session[m.session_id][t_end][f"{m.exercise_id}_{m.metric}"] = m.value
    tables = {}
    for session_id, by_time in by_session.items():
        times = sorted(by_time)
        names = sorted({name for values in by_time.values() for name in values})
        columns = {name: np.array([by_time[t].get(name, np.nan) for t in times]) for name in names}
        tables[session_id] = AngleTable(t_s=np.array(times), columns=columns, source=f"session {session_id} repetitions")
    return tables


def _c3d_beside(path: Path, track: PoseTrack, px_per_m: float | None, paths: list[Path]) -> str:
    """Write the C3D twin of a .trc (markers in mm, Z up; records/c3d_files.py) when possible; returns the note."""
    from motionrehab.records.c3d_files import write_c3d

    try:
        paths.append(write_c3d(path, track, px_per_m=px_per_m))
    except MotionRehabError as error:
        return f"no {path.name}: {error.what} ({error.fix})"
    return f"{path.name}: the same markers as C3D (mm, Z up) for Vicon, Visual3D and OpenSim."


def write_opensim(
    store: SessionStore,
    patient: str,
    folder: str | os.PathLike[str],
    *,
    since: dt.date | None = None,
    pose_csv: Path | None = None,
    angles_csv: Path | None = None,
    px_per_m: float | None = None,
) -> OpenSimExport:
    """Write the OpenSim files of the patient's record (see the module docstring) into ``folder``."""
    record = read_record(store, patient, since=since)
    out = make_private_dir(folder)
    warn_if_shared(out)
    paths: list[Path] = []
    notes: list[str] = []
    t0 = None
    measured = measured_angles(record)
    if measured is not None:
        table, t0 = measured
        paths.append(write_mot(out, f"{patient}_measured_angles", table))
        notes.append(f"{patient}: {len(table.names)} measured angles at {table.n_frames} times in {paths[-1].name} "
                     f"(time 0 s = {t0.isoformat()} local time; NaN where an angle was not measured).")  # fmt: skip
    for session_id, table in sorted(repetition_angles(record).items()):
        paths.append(write_mot(out, f"{patient}_session{session_id}_repetitions", table))
    if len(paths) > (measured is not None):
        notes.append(f"  {len(paths) - (measured is not None)} sessions with angle metrics per repetition (time = repetition end, s from the recording start).")
    if pose_csv is None:
        notes.append("  The store holds no landmark trajectories (video and landmarks stay on the recording computer): "
                     "no .trc written. Give --pose-csv with a recording's pose-track CSV for marker trajectories.")  # fmt: skip
    else:
        for person, track in read_pose_csv(pose_csv).items():
            trc = write_trc(out, f"{patient}_recording_person{person}", track, px_per_m=px_per_m)
            paths.append(trc.path)
            flag = "" if trc.units == "m" else " (PIXELS: no world landmarks and no --px-per-m; not metric)"
            notes.append(f"  {trc.path.name}: {trc.n_frames} frames at {trc.data_rate_hz:g} Hz, units {trc.units}{flag}.")
            notes.append("  " + _c3d_beside(out / f"{patient}_recording_person{person}.c3d", track, px_per_m, paths))
    if angles_csv is not None:
        paths.append(write_mot(out, f"{patient}_recording_angles", read_angle_csv(angles_csv)))
        notes.append(f"  {paths[-1].name}: per-frame angles of the recording.")
    if not paths:
        raise InvalidDataError(f"nothing to export for OpenSim: '{patient}' has no measurement in degrees" + (f" since {since}" if since else ""),
                               where="export --format opensim", fix="give --pose-csv or --angles-csv from a recording, or use --format csv")  # fmt: skip
    return OpenSimExport(tuple(paths), tuple(notes), t0)
