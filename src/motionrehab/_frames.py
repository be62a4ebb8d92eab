"""pandas tables of the measures' results: one row per repetition, stride or trial, one column per field.

Column names are the result fields' names, which carry their units (``eccentric_s``,
``peak_hip_flexion_deg``, ``stride_length_m``). Values are the exact numbers (not the rounded
ones of the JSON summary); None becomes NaN, a tuple of names (faults, reasons) one string
joined with ``;`` as in the CSV files. The result's own scalars (cadence, side, method...) go
into ``frame.attrs``. pandas is imported on first use, so importing a measure stays fast.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any


def _cell(value: Any) -> Any:
    if value is None:
        return float("nan")
    if isinstance(value, (tuple, list)):
        return ";".join(str(item) for item in value)
    return value


def rows_dataframe(rows: Sequence[Any], row_type: type, attrs: Mapping[str, Any] | None = None) -> Any:
    """A DataFrame of ``rows`` (frozen dataclasses of ``row_type``): a column per field, in field order."""
    import pandas as pd

    names = [item.name for item in dataclasses.fields(row_type) if not item.name.startswith("_")]
    frame = pd.DataFrame({name: [_cell(getattr(row, name)) for row in rows] for name in names}, columns=names)
    if attrs:
        frame.attrs.update({key: (list(value) if isinstance(value, tuple) else value) for key, value in attrs.items()})
    return frame
