"""Numbers written for a person: ``38.5 deg``, ``not measured`` for a missing value, never ``np.float64(...)`` or ``nan deg``.

Every message that shows a measured number goes through :func:`number` (errors, CLI
summaries, the live view), so a NaN from an occluded landmark reads as words and a numpy
scalar reads as a plain number.
"""

from __future__ import annotations

import math
from typing import Any


def number(value: Any, unit: str = "", *, digits: int = 1, missing: str = "not measured") -> str:
    """``value`` rounded to ``digits`` decimals with its unit (``'38.5 deg'``); ``missing`` for None, NaN or a non-number."""
    try:
        as_float = float(value)
    except (TypeError, ValueError):
        return missing
    if value is None or math.isnan(as_float):
        return missing
    if math.isinf(as_float):
        text = "infinite" if as_float > 0 else "minus infinite"
    else:
        text = f"{as_float:.{digits}f}"
        if text in ("-0", "-0." + "0" * digits):
            text = text[1:]
    return f"{text} {unit}" if unit else text


def seconds(value: Any) -> str:
    """A time in seconds with the precision a timestamp needs (up to 6 decimals, trailing zeros dropped): ``0.366667 s``."""
    try:
        as_float = float(value)
    except (TypeError, ValueError):
        return "not a time"
    if not math.isfinite(as_float):
        return "not a finite time"
    return f"{as_float:.6f}".rstrip("0").rstrip(".") + " s"
