"""`motionrehab measure TEST INPUT`: clinic measurements, one subcommand module per test."""

from __future__ import annotations

import click

from motionrehab.cli.lazy import LazyGroup


@click.group(
    cls=LazyGroup,
    lazy_commands={
        "slr": "motionrehab.cli.measure_slr:slr",
        "slump": "motionrehab.cli.measure_slump:slump",
    },
)
def measure() -> None:
    """Measure range of motion (straight-leg raise, slump test) from video or a sensor."""
