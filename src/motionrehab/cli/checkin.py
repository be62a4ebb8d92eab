"""`motionrehab checkin PATIENT`: the pre-session screen (pain, tingling, red flags), stored; then today's plan.

The work is motionrehab.program.safety (screen and outcome), motionrehab.program.progression
(today's plan) and the session store. A red flag stops with exit status 3.
"""

from __future__ import annotations

import datetime as dt

import click

from motionrehab.cli.program import open_store, store_option
from motionrehab.dates import check_date
from motionrehab.errors import InvalidDataError, MotionRehabError
from motionrehab.program.progression import plan_session, require_program_running, state_for_week
from motionrehab.program.safety import (
    RED_FLAG_IDS,
    RED_FLAGS,
    CheckIn,
    evaluate_checkin,
    require_safe_to_start,
)
from motionrehab.pseudonym import check_pseudonym


@click.command()
@click.argument("patient")
@click.option("--pain", type=click.IntRange(0, 10), default=None, help="Pain now, 0 (none) to 10 (worst imaginable); asked if not given.")
@click.option("--tingling/--no-tingling", default=None, help="Tingling (pins and needles) in the leg now; asked if not given.")
@click.option("--numbness/--no-numbness", default=None, help="Numbness in the leg now; asked if not given.")
@click.option("--red-flag", "red_flags", multiple=True, type=click.Choice(RED_FLAG_IDS),
              help="A screening question answered yes (repeatable); every other question counts as no.")
@click.option("--no-red-flags", is_flag=True, help="Every screening question answered no.")
@click.option("--at", "at_text", default=None, help="Date and time of the check-in, YYYY-MM-DDTHH:MM (default: now).")
@store_option
def checkin(patient: str, pain: int | None, tingling: bool | None, numbness: bool | None, red_flags: tuple[str, ...],
            no_red_flags: bool, at_text: str | None, store_url: str | None) -> None:  # fmt: skip
    """Screen PATIENT before a session; any red flag stops the session and flags the record for the clinician."""
    check_pseudonym(patient, where="PATIENT")  # before any question is asked
    at = _parse_at(at_text)
    store = open_store(store_url)
    try:
        # A check-in is the start of a session of the patient's program: an unknown patient has none.
        if not store.has_prescription(patient):
            raise InvalidDataError(f"no prescription is assigned to '{patient}' in {store.display_url}", where="checkin",
                                   fix=f"assign one first: motionrehab program assign FILE --start today (FILE's patient must be {patient})")  # fmt: skip
        prescription = store.prescription(patient)
        require_program_running(prescription, store.session_logs(patient))  # a clinician's stop: before any question
    except MotionRehabError:
        store.close()
        raise
    if pain is None:
        pain = click.prompt("Pain now, 0 (none) to 10 (worst imaginable)", type=click.IntRange(0, 10))
    if tingling is None:
        tingling = click.confirm("Tingling (pins and needles) in the leg now?")
    if numbness is None:
        numbness = click.confirm("Numbness in the leg now?")
    if red_flags or no_red_flags:
        answers = {flag: flag in red_flags for flag in RED_FLAG_IDS}
    else:
        answers = {flag.id: click.confirm(flag.question) for flag in RED_FLAGS}
    screen = CheckIn(patient=patient, at=at, pain_nrs=pain, tingling=tingling, numbness=numbness, red_flags=answers)
    outcome = evaluate_checkin(screen, baseline_pain_nrs=prescription.baseline_pain_nrs, rules=prescription.rules)
    checkin_id = store.record_checkin(screen, outcome)
    if not outcome.start:
        store.close()
    require_safe_to_start(outcome)  # SafetyStop: printed by the CLI, exit status 3
    click.echo(outcome.message)
    week = prescription.week_of(at.date())
    state = state_for_week(prescription, store.session_logs(patient), store.measurements(patient), week)
    plan = plan_session(prescription, state, pain_nrs=pain, tingling=tingling or numbness, dose_pct=outcome.dose_pct)
    click.echo(f"Check-in {checkin_id} stored. Today's session (week {week}, phase '{state.phase(prescription).name}'):")
    for item in plan.exercises:
        click.echo(f"  {item.exercise_id}: {item.dose.describe()}" + (f"  ({item.note})" if item.note else ""))
    click.echo(f"Record each one as you do it (`motionrehab today {patient}` says how).")
    store.close()


def _parse_at(text: str | None) -> dt.datetime:
    if text is None:
        return dt.datetime.now().replace(second=0, microsecond=0)
    try:
        at = dt.datetime.fromisoformat(text)
    except ValueError:
        raise InvalidDataError(f"'{text}' is not a date and time", where="--at", fix="write it as YYYY-MM-DDTHH:MM, e.g. 2026-01-06T08:30") from None
    check_date(at, "--at", event=True)
    return at
