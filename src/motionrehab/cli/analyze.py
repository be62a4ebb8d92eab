"""`motionrehab analyze EXERCISE INPUT`: one subcommand module per exercise."""

from __future__ import annotations

import click

from motionrehab.cli.lazy import LazyGroup


@click.group(
    cls=LazyGroup,
    lazy_commands={
        "hip-hinge": "motionrehab.cli.analyze_hip_hinge:hip_hinge",
        "gait": "motionrehab.cli.analyze_gait:gait",
    },
)
def analyze() -> None:
    """Analyse an exercise from a video, a camera, a pose-track CSV or a sensor recording."""
