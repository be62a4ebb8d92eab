"""`motionrehab program check FILE` (validate a prescription) and `program assign FILE` (store it).

The work is motionrehab.program.prescription (parsing, validation) and the session store.
"""

from __future__ import annotations

from pathlib import Path

import click

from motionrehab.program.prescription import load_prescription


@click.group()
def program() -> None:
    """Check or assign a prescription file (format: docs/program.md)."""


@program.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def check(path: Path) -> None:
    """Validate the prescription in PATH and summarise it, phase by phase."""
    prescription = load_prescription(path)
    click.echo(f"{path}: valid prescription for {prescription.patient}, starting {prescription.start_date.isoformat()}, "
               f"recheck every {prescription.recheck_every_weeks} weeks, baseline pain {prescription.baseline_pain_nrs}/10")  # fmt: skip
    for number, phase in enumerate(prescription.phases, start=1):
        click.echo(f"Phase {number}: {phase.name} (at least {phase.min_weeks} weeks)")
        for milestone in phase.milestones:
            click.echo(f"  milestone: {milestone.text}")
        for exercise in phase.exercises:
            freq = exercise.frequency
            extra = " (only instead of a gated exercise)" if exercise.alternative_only else ""
            gate = f"; only when pain <= {exercise.gate.max_pain_nrs}" + (" and no tingling" if exercise.gate.no_tingling else "") + (
                f", else {exercise.gate.otherwise}" if exercise.gate.otherwise else "") if exercise.gate else ""  # fmt: skip
            click.echo(f"  {exercise.id} ({exercise.kind}): {exercise.dose.describe()}, {freq.per_day}x/day on {freq.days_per_week} days/week{gate}{extra}")
