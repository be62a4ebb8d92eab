"""Plain inertial CSV files -> ImuRecording (and back).

The motionrehab inertial CSV has one header row of named columns with units in the
names, one row per sample::

    t_s,acc_x_m_s2,acc_y_m_s2,acc_z_m_s2,gyr_x_deg_s,gyr_y_deg_s,gyr_z_deg_s[,mag_x_uT,mag_y_uT,mag_z_uT]

Optional ``# key: value`` lines before the header carry the metadata an ImuRecording
needs: ``placement`` (foot, shin, lower_back, phone, ...), ``side`` (left/right/none),
``axis_convention`` (a key of AXIS_CONVENTIONS) and ``device``. Arguments passed to
:func:`read_imu_csv` override them. Column order does not matter; extra columns are
ignored. Empty cells are missing samples (NaN).

Also here: readers for three public data-set layouts used to validate the gait measures
(gaitmap foot IMU CSV with two header rows, mobgap lower-back ``imu.csv`` + ``meta.json``,
Oxford step-counter Android accelerometer CSV). Each returns an ImuRecording in SI
units with the data set's own axis convention.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from motionrehab._csv_sidecar import read_sidecar, write_sidecar
from motionrehab._files import open_private
from motionrehab._text import open_text, read_text
from motionrehab.errors import InputFileError
from motionrehab.sensors.apdm_h5 import is_apdm_h5, read_apdm_h5
from motionrehab.sensors.imu_recording import ImuRecording
from motionrehab.sensors.sanity import check_axes, conform_units
from motionrehab.timebase import check_time_base

ACC_COLUMNS = ("acc_x_m_s2", "acc_y_m_s2", "acc_z_m_s2")
GYR_COLUMNS = ("gyr_x_deg_s", "gyr_y_deg_s", "gyr_z_deg_s")
MAG_COLUMNS = ("mag_x_uT", "mag_y_uT", "mag_z_uT")
REQUIRED_COLUMNS = ("t_s", *ACC_COLUMNS, *GYR_COLUMNS)

#: gaitmap's example data is sampled at 204.8 Hz (data README, section 1)
GAITMAP_SAMPLING_RATE_HZ = 204.8
STANDARD_GRAVITY_M_S2 = 9.80665


def _float(cell: str, path: Path, line: int, column: str) -> float:
    cell = cell.strip()
    if cell == "" or cell.lower() == "nan":
        return math.nan
    try:
        return float(cell)
    except ValueError:
        raise InputFileError(
            f"{column!r} is {cell!r}, not a number", where=f"{path}, line {line}", fix="use plain decimal numbers"
        ) from None


def _numeric_table(path: Path, *, skiprows: int = 0) -> np.ndarray:
    """A comma-separated table of numbers (2-D), or InputFileError naming the file (never a numpy ValueError)."""
    text = read_text(path, kind="inertial CSV")
    try:
        table = np.loadtxt(io.StringIO(text), delimiter=",", skiprows=skiprows, ndmin=2)
    except ValueError as error:
        raise InputFileError(f"this is not a table of numbers ({' '.join(str(error).split())[:120]})", where=str(path),
                             fix="use the dataset's file as downloaded, or convert it to a motionrehab inertial CSV") from None  # fmt: skip
    if table.shape[0] < 2:
        raise InputFileError(f"only {table.shape[0]} sample row(s)", where=str(path), fix="record at least a few seconds")
    return table


def is_imu_csv(path: str | os.PathLike[str]) -> bool:
    """True when the file's header row has the motionrehab inertial CSV columns."""
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            for line in handle:
                if line.startswith("#") or not line.strip():
                    continue
                names = {name.strip() for name in line.strip().split(",")}
                return set(REQUIRED_COLUMNS) <= names
    except (OSError, UnicodeDecodeError):
        return False
    return False


_BOM = b"\xef\xbb\xbf"


def _decode(raw: bytes, path: Path, line: int) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputFileError(
            f"the file is not UTF-8 text (byte 0x{raw[error.start]:02x} at column {error.start + 1})",
            where=f"{path}, line {line}",
            fix="save the file as UTF-8 (motionrehab writes UTF-8)",
        ) from None


def _read_samples_fast(path: Path, header_offset: int, header: list[str], wanted: list[str]) -> np.ndarray | None:
    """(samples, len(wanted)) float64 from Arrow's CSV reader in blocks; None when a row needs the careful reader.

    Rows whose wanted cells are all empty are dropped (as the row-by-row reader drops blank rows).
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    if len(set(header)) != len(header):
        return None
    blocks = []
    try:
        with open(path, "rb") as handle:
            handle.seek(header_offset)
            reader = pacsv.open_csv(
                handle,
                read_options=pacsv.ReadOptions(column_names=header, skip_rows=1, block_size=8 << 20),
                convert_options=pacsv.ConvertOptions(column_types={name: pa.float64() for name in wanted}, include_columns=wanted,
                                                     null_values=[""]),  # 'nan' parses as NaN itself
            )
            for batch in reader:
                block = np.empty((batch.num_rows, len(wanted)))
                for j, name in enumerate(wanted):
                    block[:, j] = batch.column(name).to_numpy(zero_copy_only=False)
                blocks.append(block[~np.isnan(block).all(axis=1)])
    except pa.ArrowInvalid:
        return None
    return np.vstack(blocks) if blocks else np.empty((0, len(wanted)))


def _read_samples_by_row(path: Path, header_offset: int, header_line: int, header: list[str], wanted: list[str]) -> np.ndarray:
    """The careful reader: cell by cell, naming the line and column of the first bad cell."""
    with open(path, "rb") as handle:
        handle.seek(header_offset)
        handle.readline()
        rows = [(number, next(csv.reader([_decode(raw, path, number)]), [])) for number, raw in enumerate(handle, start=header_line + 1)]
    index = [header.index(name) for name in wanted]
    data = np.empty((len(rows), len(wanted)))
    kept = 0
    for line_number, row in rows:
        if not row or all(not cell.strip() for cell in row):
            continue
        if len(row) < len(header):
            raise InputFileError(
                f"row has {len(row)} cells, the header has {len(header)}",
                where=f"{path}, line {line_number}",
                fix="the file may be truncated; remove the incomplete last row",
            )
        data[kept] = [_float(row[i], path, line_number, name) for i, name in zip(index, wanted, strict=True)]
        kept += 1
    return data[:kept]


def read_imu_csv(
    path: str | os.PathLike[str],
    *,
    placement: str | None = None,
    side: str | None = None,
    axis_convention: str | None = None,
    device: str | None = None,
) -> ImuRecording:
    """Read a motionrehab inertial CSV (see module docstring) into an ImuRecording.

    Time in ms/us/ns, acceleration in g or milli-g and angular rate in rad/s are
    recognised and converted, each stated in the recording's ``notes``
    (sensors/sanity.py).

    Raises:
        InputFileError: missing file, missing columns, non-numeric cells or no placement.
        InvalidDataError: time order, implausible units, or axes that contradict the
            declared convention (gravity not on the up axis, swapped foot axes).
    """
    file = Path(path)
    if not file.is_file():
        raise InputFileError("file not found", where=str(file), fix="check the path")
    meta: dict[str, str] = {}
    header: list[str] | None = None
    header_line = 0
    offset = 0
    with open(file, "rb") as handle:
        while raw := handle.readline():
            header_line += 1
            start, offset = offset, offset + len(raw)
            if header_line == 1 and raw.startswith(_BOM):
                raw = raw[len(_BOM) :]
            line = _decode(raw, file, header_line)
            if line.startswith("#"):
                key, _, value = line[1:].partition(":")
                meta[key.strip().lower()] = value.strip()
                continue
            if not line.strip():
                continue
            header = [name.strip() for name in next(csv.reader([line]))]
            offset = start  # the header row's first byte: both sample readers skip that row
            break
    if header is None:
        raise InputFileError("no header row", where=str(file), fix=f"first row: {','.join(REQUIRED_COLUMNS)}")
    meta = {**read_sidecar(file), **meta}  # the sidecar (written since 0.2), or comment lines in older files
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise InputFileError(
            f"missing column(s) {', '.join(missing)}; found {', '.join(header)}",
            where=f"{file}, line {header_line}",
            fix=f"name the columns {','.join(REQUIRED_COLUMNS)} (units in the names: m/s^2 incl. gravity, deg/s)",
        )
    has_mag = all(name in header for name in MAG_COLUMNS)
    wanted = list(REQUIRED_COLUMNS) + (list(MAG_COLUMNS) if has_mag else [])
    fast = _read_samples_fast(file, offset, header, wanted)
    data = fast if fast is not None else _read_samples_by_row(file, offset, header_line, header, wanted)
    kept = len(data)
    if kept < 2:
        raise InputFileError(f"only {kept} sample row(s)", where=str(file), fix="record at least a few seconds")
    chosen_placement = placement or meta.get("placement")
    if not chosen_placement:
        raise InputFileError(
            "the file does not say where the sensor was worn",
            where=str(file),
            fix="add a line '# placement: foot' (or shin, lower_back, phone) before the header, or pass the placement",
        )
    # units and axes checked against physics (sensors/sanity.py): unambiguous unit mistakes
    # are converted and stated in the recording's notes, the rest are clear errors
    conformed = conform_units(data[:, 0], data[:, 1:4], data[:, 4:7], where=str(file))
    recording = ImuRecording(
        t_s=conformed.t_s,
        acc_m_s2=conformed.acc_m_s2,
        gyr_deg_s=conformed.gyr_deg_s,
        mag_uT=data[:, 7:10] if has_mag else None,
        placement=chosen_placement,
        side=side or meta.get("side", "none"),
        axis_convention=axis_convention or meta.get("axis_convention", "device"),
        device=device if device is not None else meta.get("device", ""),
        source=str(file),
        notes=conformed.notes,
    )
    check_time_base(recording.t_s, str(file))
    check_axes(recording)
    return recording


def write_imu_csv(path: str | os.PathLike[str], recording: ImuRecording) -> Path:
    """Write ``recording`` as a motionrehab inertial CSV (owner-only permissions), losslessly.

    Every number is written with ``repr``, the shortest text that reads back to the same
    float: analysing the file gives exactly what analysing the recording in memory gives
    (a fixed number of significant digits would leave t_s a 10 ms step after 1000 s).
    """
    columns = list(REQUIRED_COLUMNS) + (list(MAG_COLUMNS) if recording.mag_uT is not None else [])
    parts = [recording.t_s[:, None], recording.acc_m_s2, recording.gyr_deg_s]
    if recording.mag_uT is not None:
        parts.append(recording.mag_uT)
    table = np.hstack(parts)
    with open_private(path, "w", newline="") as handle:
        handle.write(",".join(columns) + "\n")
        for row in table:
            handle.write(",".join("" if math.isnan(v) else repr(v) for v in row.tolist()) + "\n")
    meta = {"placement": recording.placement, "side": recording.side, "axis_convention": recording.axis_convention}
    write_sidecar(path, {**meta, "device": recording.device} if recording.device else meta)
    return Path(path)


def read_gaitmap_imu_csv(path: str | os.PathLike[str], side: str) -> ImuRecording:
    """Read gaitmap's example ``imu_sample.csv`` (two header rows) for one foot.

    gaitmap foot sensor frame: x forward, y left, z up; m/s^2 and deg/s; 204.8 Hz;
    time = sample index / 204.8 s (Küderle et al. 2024; data README section 1).
    """
    file = Path(path)
    if side not in ("left", "right"):
        raise InputFileError(f"side must be 'left' or 'right', got {side!r}", where=str(file))
    try:
        with open(file, encoding="utf-8") as handle:
            sensors = handle.readline().strip().split(",")
            axes = handle.readline().strip().split(",")
    except OSError as error:
        raise InputFileError(f"cannot read: {error}", where=str(file)) from None
    wanted = [f"{side}_sensor/{axis}" for axis in ("acc_x", "acc_y", "acc_z", "gyr_x", "gyr_y", "gyr_z")]
    names = [f"{s}/{a}" for s, a in zip(sensors, axes, strict=False)]
    missing = [name for name in wanted if name not in names]
    if missing:
        raise InputFileError(f"not a gaitmap IMU CSV: missing {', '.join(missing)}", where=str(file))
    table = _numeric_table(file, skiprows=2)
    columns = [names.index(name) for name in wanted]
    return ImuRecording(
        t_s=table[:, 0] / GAITMAP_SAMPLING_RATE_HZ,
        acc_m_s2=table[:, columns[:3]],
        gyr_deg_s=table[:, columns[3:]],
        placement="foot",
        side=side,
        axis_convention="gaitmap_foot",
        device="gaitmap example data (lateral foot sensor)",
        source=f"{file} [{side}_sensor]",
    )


def read_mobgap_imu_csv(path: str | os.PathLike[str]) -> tuple[ImuRecording, dict[str, object]]:
    """Read a mobgap trial folder (``imu.csv`` + ``meta.json``) from the lower back.

    Returns the recording (mobgap frame: x up, y right, z forward; 100 Hz) and the
    participant metadata dict from ``meta.json`` (height_m, sensor_height_m, ...).
    """
    folder = Path(path)
    if folder.is_file():
        folder = folder.parent
    imu = folder / "imu.csv"
    if not imu.is_file():
        raise InputFileError("no imu.csv in the mobgap trial folder", where=str(folder))
    table = _numeric_table(imu, skiprows=1)
    meta_file = folder / "meta.json"
    participant: dict[str, object] = {}
    if meta_file.is_file():
        try:
            participant = dict(json.loads(read_text(meta_file, kind="mobgap meta.json", max_bytes=10_000_000)).get("participant_metadata", {}))
        except (ValueError, TypeError, AttributeError, RecursionError):
            raise InputFileError("meta.json is not a mobgap metadata file", where=str(meta_file), fix="use the dataset's own meta.json") from None
    return (
        ImuRecording(
            t_s=table[:, 1],
            acc_m_s2=table[:, 2:5],
            gyr_deg_s=table[:, 5:8],
            placement="lower_back",
            side="none",
            axis_convention="mobgap_lower_back",
            device="McRoberts MoveMonitor+",
            source=str(imu),
        ),
        participant,
    )


def read_android_accelerometer_csv(path: str | os.PathLike[str], *, placement: str = "phone") -> ImuRecording:
    """Read an Oxford step-counter accelerometer file (no header, Android SensorEvent).

    Two layouts: ``timestamp_ns, accuracy, x, y, z`` (optimisation/accelerometer.csv) and
    ``timestamp_ns, x, y, z, steps...`` (validation/*.csv). Timestamps are ns since phone
    boot; t_s starts at 0. All-zero rows (a logging artefact) and repeated timestamps are
    dropped. There is no gyroscope: gyr_deg_s is NaN. Android axes: x right, y up the
    screen, z out of the screen; m/s^2 including gravity.
    """
    file = Path(path)
    if not file.is_file():
        raise InputFileError("file not found", where=str(file))
    table = _numeric_table(file)
    if table.shape[1] == 5:
        acc = table[:, 2:5]
    elif table.shape[1] >= 7:
        acc = table[:, 1:4]
    else:
        raise InputFileError(f"expected 5 or 7 columns, found {table.shape[1]}", where=str(file))
    stamps = table[:, 0]
    keep = np.linalg.norm(acc, axis=1) > 0
    stamps, acc = stamps[keep], acc[keep]
    order = np.argsort(stamps, kind="stable")
    stamps, acc = stamps[order], acc[order]
    unique = np.concatenate([[True], np.diff(stamps) > 0])
    stamps, acc = stamps[unique], acc[unique]
    return ImuRecording(
        t_s=(stamps - stamps[0]) * 1e-9,
        acc_m_s2=acc,
        gyr_deg_s=np.full_like(acc, np.nan),
        placement=placement,
        side="none",
        axis_convention="android_phone",
        device="Android phone",
        source=str(file),
    )


@dataclass(frozen=True)
class InertialInput:
    """Recordings read from one input path, with what the files said about the wearer.

    Attributes:
        recordings: one ImuRecording per sensor (same clock).
        sensor_height_m: sensor height above the ground from the file's metadata (mobgap
            ``meta.json``), usable as leg length for the inverted-pendulum model; else None.
        description: the format that was recognised, in plain words.
    """

    recordings: tuple[ImuRecording, ...]
    sensor_height_m: float | None
    description: str


_PLACEMENT_ALIASES = {"shank": "shin", "lower_back": "lower_back", "foot": "foot", "phone": "phone"}


def _looks_like_gaitmap(path: Path) -> bool:
    with open_text(path, kind="inertial CSV") as handle:
        first = handle.readline()
    return first.startswith("sensor,") and "_sensor" in first


def _looks_headerless_numeric(path: Path) -> bool:
    with open_text(path, kind="inertial CSV") as handle:
        first = handle.readline().strip().split(",")
    try:
        [float(cell) for cell in first]
    except ValueError:
        return False
    return len(first) in (5, 7)


def read_inertial_input(
    path: str | os.PathLike[str], *, placement: str | None = None, side: str | None = None
) -> InertialInput:
    """Read any inertial input motionrehab knows, recognising the format.

    - a motionrehab inertial CSV (named columns with units);
    - a folder of such CSVs (one per sensor, e.g. left and right foot);
    - gaitmap's two-header-row foot CSV (both feet, or ``side``);
    - a mobgap trial folder (``imu.csv`` + ``meta.json``: lower back, with sensor height);
    - an Android accelerometer CSV without header (Oxford step-counter layout: phone);
    - an APDM Opal HDF5 file (all its sensors, or those at ``placement``).

    ``placement`` (foot, shank, lower_back, phone) overrides what the file says.
    """
    source = Path(path)
    wanted = _PLACEMENT_ALIASES.get(placement, placement) if placement else None
    if not source.exists():
        raise InputFileError("not found", where=str(source), fix="check the path")
    if source.is_dir():
        if (source / "imu.csv").is_file() and (source / "meta.json").is_file():
            recording, meta = read_mobgap_imu_csv(source)
            height = meta.get("sensor_height_m")
            return InertialInput((recording,), float(height) if isinstance(height, (int, float)) else None,
                                 "mobgap lower-back trial folder")  # fmt: skip
        files = sorted(p for p in source.glob("*.csv") if is_imu_csv(p))
        if not files:
            raise InputFileError(
                "no inertial CSV in the folder",
                where=str(source),
                fix=f"put one CSV per sensor with the columns {','.join(REQUIRED_COLUMNS)}",
            )
        recordings = tuple(read_imu_csv(p, placement=wanted) for p in files)
        return InertialInput(recordings, None, f"folder of {len(files)} inertial CSV file(s)")
    if is_imu_csv(source):
        return InertialInput((read_imu_csv(source, placement=wanted, side=side),), None, "inertial CSV")
    if is_apdm_h5(source):
        recordings = read_apdm_h5(source, placement=wanted)
        if side in ("left", "right"):
            recordings = tuple(r for r in recordings if r.side in (side, "none"))
        return InertialInput(recordings, None, "APDM Opal HDF5 recording")
    if _looks_like_gaitmap(source):
        sides = [side] if side in ("left", "right") else ["left", "right"]
        return InertialInput(tuple(read_gaitmap_imu_csv(source, s) for s in sides), None, "gaitmap foot IMU CSV")
    if _looks_headerless_numeric(source):
        return InertialInput((read_android_accelerometer_csv(source, placement=wanted or "phone"),), None,
                             "Android accelerometer CSV (phone)")  # fmt: skip
    raise InputFileError(
        "not an inertial recording motionrehab can read",
        where=str(source),
        fix=f"use a CSV with the columns {','.join(REQUIRED_COLUMNS)} (see docs/gait.md)",
    )
