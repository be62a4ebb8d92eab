"""Numeric options that make physical sense: finite numbers within a stated range, in a stated unit.

click's ``float`` accepts ``nan`` and ``inf``, and its FloatRange lets ``nan`` through (every
comparison with NaN is false). ``Quantity`` refuses both and prints the one-line error of
the toolkit (what, which option, how to fix; exit status 2).
"""

from __future__ import annotations

import math
from typing import Any

import click

from motionrehab.errors import InvalidDataError


class Quantity(click.ParamType):
    """A finite number in [low, high] (``low`` excluded when ``open_low``), in ``unit``."""

    name = "number"

    def __init__(self, low: float, high: float, unit: str, *, open_low: bool = False) -> None:
        self.low, self.high, self.unit, self.open_low = low, high, unit, open_low

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> float:
        """The number, or InvalidDataError naming the option and the accepted range."""
        if isinstance(value, float):
            number = value
        else:
            try:
                number = float(value)
            except (TypeError, ValueError):
                number = math.nan
                if not isinstance(value, str) or value.strip().lower() not in ("nan", "+nan", "-nan"):
                    raise self._error(f"'{value}' is not a number", param) from None
        too_low = number <= self.low if self.open_low else number < self.low
        if not math.isfinite(number) or too_low or number > self.high:
            raise self._error(f"{value} is not a plausible value", param)
        return number

    def _error(self, what: str, param: click.Parameter | None) -> InvalidDataError:
        option = param.opts[0] if param is not None and param.opts else "option"
        bound = "more than" if self.open_low else "at least"
        return InvalidDataError(what, where=option, fix=f"give a number of {self.unit} {bound} {self.low:g} and at most {self.high:g}")

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        """The unit, e.g. M or S."""
        return self.unit.upper().replace(" ", "_")
