"""What a CSV written by motionrehab says about itself, in a JSON file beside it (``<name>.csv.json``).

The CSV stays a plain table, a header row then one row per sample, so ``pandas.read_csv(path)``
and a spreadsheet open it with no options. What files once carried as ``# key: value`` lines
above the header (person id, camera roll, sensor placement and device, source) is written to
the sidecar instead; the readers still accept those lines in older files, and a comment line
wins over the sidecar when a file has both.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path

from motionrehab._files import write_private_text
from motionrehab.errors import InputFileError


def sidecar_path(csv_path: str | os.PathLike[str]) -> Path:
    """The sidecar of ``csv_path``: the same name with ``.json`` added (``angles.csv`` -> ``angles.csv.json``)."""
    path = Path(csv_path)
    return path.with_name(path.name + ".json")


def write_sidecar(csv_path: str | os.PathLike[str], meta: Mapping[str, str | int | float]) -> Path:
    """Write ``meta`` (plain values) beside ``csv_path`` with owner-only permissions; returns the sidecar's path."""
    body = {"describes": Path(csv_path).name, **meta}
    return write_private_text(sidecar_path(csv_path), json.dumps(body, indent=2, ensure_ascii=False) + "\n")


def read_sidecar(csv_path: str | os.PathLike[str]) -> dict[str, str]:
    """The sidecar's values as text (as the old comment lines gave them); empty when there is no sidecar."""
    path = sidecar_path(csv_path)
    if not path.is_file():
        return {}
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputFileError(f"cannot read the CSV's sidecar ({error})", where=str(path),
                             fix="repair it, or delete it and pass the values as options") from error  # fmt: skip
    if not isinstance(body, dict):
        raise InputFileError("the CSV's sidecar is not a JSON object", where=str(path), fix="repair it, or delete it")
    return {str(key): str(value) for key, value in body.items() if key != "describes" and isinstance(value, (str, int, float))}
