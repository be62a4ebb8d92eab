"""The angle CSV: one row per frame, ``t_s`` then every angle column (``<name>_deg``).

A plain table that ``pandas.read_csv(path)`` and a spreadsheet open with no options; the
person id, the camera roll used and the source go to a JSON sidecar beside it
(``angles.csv.json``), so a table read back is the table written. Files from before the
sidecar carried them as ``# key: value`` lines above the header: still read. Missing values
are empty cells (NaN). Written with owner-only permissions: angles are health data.
"""

from __future__ import annotations

import csv
import math
import os
from pathlib import Path

import numpy as np

from motionrehab._csv_sidecar import read_sidecar, write_sidecar
from motionrehab._files import open_private
from motionrehab._text import read_text
from motionrehab.errors import InputFileError
from motionrehab.kinematics.angle_table import AngleTable


def write_angle_csv(path: str | os.PathLike[str], table: AngleTable) -> Path:
    """Write ``table`` to ``path`` (see the module docstring); returns the path."""
    path = Path(path)
    names = list(table.names)
    with open_private(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["t_s", *names])
        columns = [table[name] for name in names]
        for i, t in enumerate(table.t_s):
            writer.writerow([repr(float(t)), *("" if not math.isfinite(c[i]) else repr(float(c[i])) for c in columns)])
    write_sidecar(path, {"person_id": table.person_id, "camera_roll_deg": table.camera_roll_deg, "source": table.source})
    return path


def read_angle_csv(path: str | os.PathLike[str]) -> AngleTable:
    """Read an angle CSV written by ``write_angle_csv`` (or any CSV with ``t_s`` and ``*_deg`` columns)."""
    path = Path(path)
    meta: dict[str, str] = read_sidecar(path)
    lines = read_text(path, kind="angle CSV").splitlines()
    body = []
    for line in lines:
        if line.startswith("#"):
            key, _, value = line[1:].partition(":")
            meta[key.strip()] = value.strip()
        elif line.strip():
            body.append(line)
    rows = list(csv.reader(body))
    if not rows or rows[0][0] != "t_s":
        raise InputFileError("not an angle CSV: the first column must be t_s", where=str(path), fix="write it with `motionrehab angles`")
    header, data = rows[0], rows[1:]
    for number, row in enumerate(data, start=2):
        if len(row) != len(header):
            raise InputFileError(f"row has {len(row)} cells, the header has {len(header)}", where=f"{path}, data row {number - 1}", fix="repair or re-export the file")
    values = np.array([[float(cell) if cell else np.nan for cell in row] for row in data], dtype=np.float64).reshape(len(data), len(header))
    columns = {name: values[:, j] for j, name in enumerate(header) if j > 0}
    return AngleTable(
        t_s=values[:, 0],
        columns=columns,
        person_id=int(meta.get("person_id", 0)),
        camera_roll_deg=float(meta.get("camera_roll_deg", 0.0)),
        source=meta.get("source", str(path)),
    )
