"""The pose-track CSV: motionrehab's interchange format for landmarks (docs/pose-track-csv.md).

One row per frame and person. Columns, in this order:
``t_s, person_id, image_width_px, image_height_px``, then for each of MediaPipe's 33
landmarks by name (``nose`` ... ``right_foot_index``): ``<name>_x_px, <name>_y_px,
<name>_z, <name>_visibility``, then, only when world landmarks exist, for each landmark
``<name>_wx_m, <name>_wy_m, <name>_wz_m``. Missing values are empty cells. Image x is to
the right, y down, origin top-left. Numbers are written with Python's shortest exact
representation, so a write -> read round trip gives identical floats.
"""

from __future__ import annotations

import csv
import math
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from motionrehab._files import open_private
from motionrehab._format import seconds
from motionrehab.capture.landmarks import LANDMARK_NAMES, N_LANDMARKS
from motionrehab.capture.pose_track import PoseTrack
from motionrehab.errors import InputFileError, InvalidDataError
from motionrehab.timebase import check_time_base

FRAME_COLUMNS = ("t_s", "person_id", "image_width_px", "image_height_px")
IMAGE_COLUMNS = tuple(
    f"{name}_{suffix}" for name in LANDMARK_NAMES for suffix in ("x_px", "y_px", "z", "visibility")
)
WORLD_COLUMNS = tuple(f"{name}_{suffix}" for name in LANDMARK_NAMES for suffix in ("wx_m", "wy_m", "wz_m"))


def pose_csv_header(with_world: bool) -> list[str]:
    """The column names of a pose-track CSV, with or without world landmarks."""
    return [*FRAME_COLUMNS, *IMAGE_COLUMNS, *(WORLD_COLUMNS if with_world else ())]


def _cell(value: float) -> str:
    return "" if math.isnan(value) else repr(float(value))


def pose_csv_rows(track: PoseTrack, with_world: bool) -> Iterable[list[str]]:
    """The CSV rows (as strings) of one track, one per frame; used by the writer and live recorders."""
    z = track.landmarks_z if track.landmarks_z is not None else np.full((track.n_frames, N_LANDMARKS), np.nan)
    image = np.stack([track.landmarks_px[..., 0], track.landmarks_px[..., 1], z, track.visibility], axis=-1)
    image = image.reshape(track.n_frames, -1)
    world = None
    if with_world:
        world_m = track.world_m if track.world_m is not None else np.full((track.n_frames, N_LANDMARKS, 3), np.nan)
        world = world_m.reshape(track.n_frames, -1)
    fixed = [str(track.person_id), str(track.image_width_px), str(track.image_height_px)]
    for i in range(track.n_frames):
        row = [repr(float(track.t_s[i])), *fixed, *map(_cell, image[i].tolist())]
        if world is not None:
            row.extend(map(_cell, world[i].tolist()))
        yield row


def write_pose_csv(path: str | os.PathLike[str], tracks: PoseTrack | Sequence[PoseTrack]) -> Path:
    """Write one or several people's tracks to a pose-track CSV (owner-only permissions).

    Rows are ordered by time, then person id. World columns are written when any track has
    world landmarks.
    """
    track_list = [tracks] if isinstance(tracks, PoseTrack) else list(tracks)
    if not track_list:
        raise InvalidDataError("no pose track to write", where=str(path), fix="track at least one person")
    with_world = any(track.world_m is not None for track in track_list)
    rows: list[tuple[float, int, list[str]]] = []
    for track in track_list:
        for t, row in zip(track.t_s.tolist(), pose_csv_rows(track, with_world), strict=True):
            rows.append((t, track.person_id, row))
    rows.sort(key=lambda item: (item[0], item[1]))
    with open_private(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(pose_csv_header(with_world))
        writer.writerows(row for _, _, row in rows)
    return Path(path)


MAX_CAMERA_RATE_HZ = 1000.0
"""Fastest frame rate believed in a pose track (high-speed phone video films at 240 fps)."""


def _parse_float(text: str, where: str, column: str) -> float:
    if text == "":
        return math.nan
    try:
        return float(text)
    except ValueError:
        raise InvalidDataError(
            f"column {column!r} holds {text!r}, which is not a number",
            where=where,
            fix="numbers use '.' as decimal separator; leave the cell empty for a missing value",
        ) from None


_BOM = b"\xef\xbb\xbf"
#: rows parsed per block by the fast reader: bounds the reader's own memory whatever the file size
BLOCK_BYTES = 8 << 20


def _decode_line(raw: bytes, source: Path, line_number: int) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputFileError(
            f"the file is not UTF-8 text (byte 0x{raw[error.start]:02x} at column {error.start + 1})",
            where=f"{source}, line {line_number}",
            fix="save the file as UTF-8 (motionrehab writes UTF-8), or export the pose track again",
        ) from None


@dataclass(frozen=True)
class _Header:
    names: list[str]
    line: int  # 1-based line number of the header row
    offset: int  # byte offset where the header row starts (after a UTF-8 BOM and '#' lines)


def _read_header(source: Path) -> _Header | None:
    """The header row, skipping a UTF-8 byte-order mark, blank lines and ``# ...`` lines; None if none."""
    try:
        handle = source.open("rb")
    except OSError as exc:
        raise InputFileError(f"cannot open pose-track CSV: {exc.strerror}", where=str(source)) from exc
    with handle:
        offset = 0
        line_number = 0
        while raw := handle.readline():
            line_number += 1
            start, offset = offset, offset + len(raw)
            if line_number == 1 and raw.startswith(_BOM):
                raw, start = raw[len(_BOM) :], start + len(_BOM)
            if raw.startswith(b"#") or not raw.strip():
                continue
            return _Header(next(csv.reader([_decode_line(raw, source, line_number)])), line_number, start)
    return None


def is_pose_csv(path: str | os.PathLike[str]) -> bool:
    """True when ``path`` is a ``.csv`` file whose header row (after ``#`` lines) starts with t_s,person_id."""
    source = Path(path)
    if source.suffix.lower() != ".csv" or not source.is_file():
        return False
    try:
        header = _read_header(source)
    except InputFileError:
        return False
    return header is not None and header.names[:2] == ["t_s", "person_id"]


def _frame_column_types(has_world: bool) -> dict[str, Any]:
    import pyarrow as pa

    types: dict[str, Any] = {name: pa.float64() for name in (*IMAGE_COLUMNS, *(WORLD_COLUMNS if has_world else ()))}
    types.update({"t_s": pa.float64(), "person_id": pa.int64(), "image_width_px": pa.int64(), "image_height_px": pa.int64()})
    return types


class _NeedsDiagnosis(Exception):
    """The fast reader met something wrong; the row-by-row reader finds and names it."""


_XY_COLUMNS = tuple(c for c in IMAGE_COLUMNS if c.endswith(("_x_px", "_y_px")))
_Z_COLUMNS = tuple(c for c in IMAGE_COLUMNS if c.endswith("_z"))
_VISIBILITY_COLUMNS = tuple(c for c in IMAGE_COLUMNS if c.endswith("_visibility"))


def _fill(target: np.ndarray, batches: Sequence[Any], names: Sequence[str]) -> None:
    """Copy the batches' columns ``names`` into the (rows, len(names)) ``target``; empty cells (nulls) become NaN."""
    row = 0
    for batch in batches:
        rows = batch.num_rows
        for j, name in enumerate(names):
            target[row : row + rows, j] = batch.column(name).to_numpy(zero_copy_only=False)
        row += rows


def tracks_from_batches(batches: Iterable[Any], *, has_world: bool, source: str) -> dict[int, PoseTrack]:
    """PoseTracks from Arrow record batches holding the pose-track columns (CSV or Parquet).

    Each batch goes at once into numpy blocks in the track's own layout (so Arrow's memory
    is freed batch by batch, and the track needs no further copy). Raises _NeedsDiagnosis on
    anything the typed columns cannot hold or the tracks may not hold (a missing whole
    number, an image size that changes, time that does not increase): the caller then names
    the line.
    """
    import pyarrow as pa

    layout = [("t", ("t_s",)), ("xy", _XY_COLUMNS), ("z", _Z_COLUMNS), ("visibility", _VISIBILITY_COLUMNS)]
    if has_world:
        layout.append(("world", WORLD_COLUMNS))
    parts: dict[int, dict[str, list[np.ndarray]]] = {}
    sizes: dict[int, tuple[int, int]] = {}
    for batch in batches:
        if batch.num_rows == 0:
            continue
        ints = [batch.column(name) for name in ("person_id", "image_width_px", "image_height_px")]
        if any(column.null_count for column in ints):
            raise _NeedsDiagnosis
        person, width, height = (column.to_numpy(zero_copy_only=False) for column in ints)
        for p in np.unique(person).tolist():
            mine = person == p
            whole = bool(mine.all())
            rows = slice(None) if whole else np.flatnonzero(mine)
            w, h = width[rows], height[rows]
            first = sizes.setdefault(int(p), (int(w[0]), int(h[0])))
            if (w != first[0]).any() or (h != first[1]).any():
                raise _NeedsDiagnosis
            own = batch if whole else batch.take(pa.array(rows))
            store = parts.setdefault(int(p), {name: [] for name, _ in layout})
            for name, columns in layout:
                block = np.empty((own.num_rows, len(columns)))
                _fill(block, [own], columns)
                store[name].append(block)
    tracks: dict[int, PoseTrack] = {}
    for person in sorted(parts):
        store = parts.pop(person)
        t = np.concatenate(store.pop("t"))[:, 0]
        steps = np.diff(t)
        if not (steps > 0).all():  # also catches NaN times
            raise _NeedsDiagnosis
        n = t.size
        check_time_base(t, f"{source}, person {person}", max_rate_hz=MAX_CAMERA_RATE_HZ)  # before any array is built
        world = np.concatenate(store.pop("world")).reshape(n, N_LANDMARKS, 3) if has_world else None
        width, height = sizes[person]
        tracks[person] = PoseTrack(
            t_s=t,
            landmarks_px=np.concatenate(store.pop("xy")).reshape(n, N_LANDMARKS, 2),
            landmarks_z=np.concatenate(store.pop("z")),
            visibility=np.concatenate(store.pop("visibility")),
            world_m=world,
            image_width_px=width,
            image_height_px=height,
            frame_rate_hz=float(1.0 / np.median(steps)) if n > 1 else 30.0,
            person_id=person,
            source=source,
        )
    return tracks


def read_pose_csv(path: str | os.PathLike[str]) -> dict[int, PoseTrack]:
    """Read a pose-track CSV. Returns the tracks by person id (ascending).

    The file is parsed in blocks by Arrow's CSV reader (exact float parsing, so a write ->
    read round trip gives identical numbers): memory holds the tracks, not the text. When a
    block breaks a rule, the file is read again row by row up to the first offending line,
    which the error names. A UTF-8 byte-order mark and ``# ...`` lines before the header are
    skipped.

    Raises:
        InputFileError: the file is missing, unreadable or not UTF-8 text.
        InvalidDataError: a column is missing, a cell is not a number, or time runs backwards
            (the message names the line and column).
    """
    source = Path(path)
    if not source.is_file():
        raise InputFileError(
            "pose-track CSV not found", where=str(source), fix="check the path; `motionrehab pose VIDEO --out DIR` makes one"
        )
    header = _read_header(source)
    if header is None:
        raise InputFileError("the file is empty", where=str(source), fix="export the pose track again")
    missing = [c for c in (*FRAME_COLUMNS, *IMAGE_COLUMNS) if c not in header.names]
    if missing:
        raise InvalidDataError(
            f"not a pose-track CSV: {len(missing)} required column(s) missing, first {missing[:3]}",
            where=f"{source}, line {header.line}",
            fix="see docs/pose-track-csv.md for the columns",
        )
    has_world = all(c in header.names for c in WORLD_COLUMNS)
    import pyarrow as pa
    import pyarrow.csv as pacsv

    types = _frame_column_types(has_world)
    try:
        with source.open("rb") as handle:
            handle.seek(header.offset)
            reader = pacsv.open_csv(
                handle,
                read_options=pacsv.ReadOptions(block_size=BLOCK_BYTES),
                # only an empty cell is missing: 'nan' parses as NaN (as float() does), 'NA' is an error (as before)
                convert_options=pacsv.ConvertOptions(column_types=types, include_columns=list(types), null_values=[""]),
            )
            tracks = tracks_from_batches(reader, has_world=has_world, source=str(source))
    except (pa.ArrowInvalid, _NeedsDiagnosis) as problem:
        _diagnose(source, header)
        # the row-by-row reader found nothing wrong: say what Arrow said
        raise InvalidDataError(f"cannot read the pose-track CSV ({str(problem).splitlines()[0][:200]})", where=str(source),
                               fix="export the pose track again") from None  # fmt: skip
    except OSError as exc:
        raise InputFileError(f"cannot read pose-track CSV: {exc.strerror or exc}", where=str(source)) from exc
    if not tracks:
        raise InvalidDataError("the pose-track CSV has a header but no frames", where=str(source))
    return tracks


def _diagnose(source: Path, header_info: _Header) -> None:
    """Read the file row by row and raise the error for its first offending line (the slow, exact path)."""
    header = header_info.names
    index = {name: i for i, name in enumerate(header)}
    has_world = all(c in header for c in WORLD_COLUMNS)
    image_idx = [index[c] for c in IMAGE_COLUMNS]
    world_idx = [index[c] for c in WORLD_COLUMNS] if has_world else []
    last: dict[int, tuple[float, tuple[int, int]]] = {}
    with source.open("rb") as handle:
        handle.seek(header_info.offset)
        handle.readline()
        for line_number, raw in enumerate(handle, start=header_info.line + 1):
            text = _decode_line(raw, source, line_number)
            if not text.strip():
                continue
            row = next(csv.reader([text]))
            where = f"{source}, line {line_number}"
            if len(row) != len(header):
                raise InvalidDataError(
                    f"row has {len(row)} cells, the header has {len(header)}",
                    where=where,
                    fix="the file may be truncated; re-export it",
                )
            try:
                person = int(row[index["person_id"]])
                width = int(row[index["image_width_px"]])
                height = int(row[index["image_height_px"]])
            except ValueError:
                raise InvalidDataError(
                    "person_id, image_width_px and image_height_px must be whole numbers", where=where
                ) from None
            t = _parse_float(row[index["t_s"]], where, "t_s")
            for i in (*image_idx, *world_idx):
                _parse_float(row[i], where, header[i])
            previous = last.get(person)
            if previous is not None and previous[1] != (width, height):
                raise InvalidDataError(
                    f"image size changes from {previous[1]} to {(width, height)} for person {person}",
                    where=where,
                    fix="one pose-track CSV holds one recording at one image size",
                )
            if previous is not None and not t > previous[0]:
                raise InvalidDataError(
                    f"time does not increase for person {person}: {seconds(previous[0])} then {seconds(t)}",
                    where=where,
                    fix="each person may have only one row per frame, in time order",
                )
            if previous is None and math.isnan(t):
                raise InvalidDataError("t_s is empty", where=where, fix="every row needs its time in seconds")
            last[person] = (t, (width, height))
