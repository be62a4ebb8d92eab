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
from pathlib import Path
from typing import Any

import numpy as np

from motionrehab._files import open_private
from motionrehab._format import seconds
from motionrehab._text import open_text
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


def read_pose_csv(path: str | os.PathLike[str]) -> dict[int, PoseTrack]:
    """Read a pose-track CSV. Returns the tracks by person id (ascending).

    Raises:
        InputFileError: the file is missing or unreadable.
        InvalidDataError: a column is missing, a cell is not a number, or time runs backwards
            (the message names the line and column).
    """
    source = Path(path)
    if not source.is_file():
        raise InputFileError(
            "pose-track CSV not found", where=str(source), fix="check the path; `motionrehab pose VIDEO --out DIR` makes one"
        )
    handle = open_text(source, kind="pose-track CSV")
    try:
        return _read_pose_rows(csv.reader(handle), source)
    except csv.Error as exc:
        raise InputFileError(f"this is not a readable CSV ({exc})", where=str(source), fix="export the pose track again") from None


def _read_pose_rows(reader: Any, source: Path) -> dict[int, PoseTrack]:
    header = next(reader, None)
    if header is None:
        raise InputFileError("the file is empty", where=str(source), fix="export the pose track again")
    missing = [c for c in (*FRAME_COLUMNS, *IMAGE_COLUMNS) if c not in header]
    if missing:
        raise InvalidDataError(
            f"not a pose-track CSV: {len(missing)} required column(s) missing, first {missing[:3]}",
            where=f"{source}, line 1",
            fix="see docs/pose-track-csv.md for the columns",
        )
    has_world = all(c in header for c in WORLD_COLUMNS)
    index = {name: i for i, name in enumerate(header)}
    image_idx = [index[c] for c in IMAGE_COLUMNS]
    world_idx = [index[c] for c in WORLD_COLUMNS] if has_world else []
    per_person: dict[int, dict[str, Any]] = {}
    for line_number, row in enumerate(reader, start=2):
        if not row:
            continue
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
        store = per_person.setdefault(person, {"t": [], "image": [], "world": [], "size": (width, height), "line": []})
        if store["size"] != (width, height):
            raise InvalidDataError(
                f"image size changes from {store['size']} to {(width, height)} for person {person}",
                where=where,
                fix="one pose-track CSV holds one recording at one image size",
            )
        store["t"].append(_parse_float(row[index["t_s"]], where, "t_s"))
        store["image"].append([_parse_float(row[i], where, header[i]) for i in image_idx])
        if has_world:
            store["world"].append([_parse_float(row[i], where, header[i]) for i in world_idx])
        store["line"].append(line_number)
    tracks: dict[int, PoseTrack] = {}
    for person in sorted(per_person):
        store = per_person[person]
        t = np.asarray(store["t"], dtype=np.float64)
        steps = np.diff(t)
        if (steps <= 0).any():
            bad = int(np.flatnonzero(steps <= 0)[0])
            raise InvalidDataError(
                f"time does not increase for person {person}: {seconds(t[bad])} then {seconds(t[bad + 1])}",
                where=f"{source}, line {store['line'][bad + 1]}",
                fix="each person may have only one row per frame, in time order",
            )
        check_time_base(t, f"{source}, person {person}", max_rate_hz=MAX_CAMERA_RATE_HZ)
        image = np.asarray(store["image"], dtype=np.float64).reshape(t.size, N_LANDMARKS, 4)
        world = np.asarray(store["world"], dtype=np.float64).reshape(t.size, N_LANDMARKS, 3) if has_world else None
        rate = float(1.0 / np.median(steps)) if t.size > 1 else 30.0
        width, height = store["size"]
        tracks[person] = PoseTrack(
            t_s=t,
            landmarks_px=image[..., :2],
            landmarks_z=image[..., 2],
            visibility=image[..., 3],
            world_m=world,
            image_width_px=width,
            image_height_px=height,
            frame_rate_hz=rate,
            person_id=person,
            source=str(source),
        )
    if not tracks:
        raise InvalidDataError("the pose-track CSV has a header but no frames", where=str(source))
    return tracks
