"""`motionrehab progress PATIENT`: what next week's prescription becomes, and why.

The work is motionrehab.program.progression (rules in its docstring) over the stored sessions;
the decisions are stored for the clinician.
"""

from __future__ import annotations

import click

from motionrehab.cli.program import open_store, parse_day, store_option
from motionrehab.program.progression import initial_state, replay
from motionrehab.program.stalls import detect_stalls


@click.command()
@click.argument("patient")
@click.option("--today", "today_text", default=None, help="Review the weeks completed by this date, YYYY-MM-DD (default: today).")
@click.option("--record/--no-record", default=True, show_default=True, help="Store the decisions for the clinician.")
@store_option
def progress(patient: str, today_text: str | None, record: bool, store_url: str | None) -> None:
    """Review PATIENT's completed weeks and print next week's prescription with the reason for each change."""
    store = open_store(store_url)
    prescription = store.prescription(patient)
    today = parse_day(today_text)
    current = prescription.week_of(today)
    completed = max(0, current - 1)
    sessions, measurements = store.session_logs(patient), store.measurements(patient)
    reviews = replay(prescription, sessions, measurements, through_week=completed)
    stalls = detect_stalls(prescription, sessions, measurements, today=today, reviews=reviews)
    if record and reviews:
        store.record_decisions(patient, reviews)
    store.close()
    if not reviews:
        state = initial_state(prescription)
        click.echo(f"{patient}: week 1 is not over yet; the prescription stays as assigned (phase '{state.phase(prescription).name}'):")
        for exercise_id, dose in state.doses.items():
            click.echo(f"  {exercise_id}: {dose.describe()}")
        return
    last = reviews[-1]
    state = last.next_state
    click.echo(f"{patient}: week {state.week} (phase '{state.phase(prescription).name}', its week {state.week_in_phase}), after reviewing week {last.week}:")
    for decision in last.decisions:
        click.echo(f"  {decision.describe()}")
    for note in last.notes:
        click.echo(f"  Note: {note}")
    for stall in stalls:
        click.echo(f"  {stall.describe()}")
