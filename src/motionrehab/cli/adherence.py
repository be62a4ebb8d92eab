"""`motionrehab adherence PATIENT [--week N] [--json]`: adherence scores with their parts and explanations.

The work is motionrehab.program.adherence (formula in its docstring) over the stored sessions.
"""

from __future__ import annotations

import json

import click

from motionrehab.cli.program import open_store, parse_day, store_option
from motionrehab.errors import InvalidDataError
from motionrehab.program.adherence import score_phase, score_session, weekly_scores
from motionrehab.program.progression import initial_state, replay


@click.command()
@click.argument("patient")
@click.option("--week", type=click.IntRange(min=1), default=None, help="Score this program week in detail (default: every week so far).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@click.option("--today", "today_text", default=None, help="Count weeks up to this date, YYYY-MM-DD (default: today).")
@store_option
def adherence(patient: str, week: int | None, as_json: bool, today_text: str | None, store_url: str | None) -> None:
    """Adherence of PATIENT: dose, frequency, quality and pacing, and a composite 0-100."""
    store = open_store(store_url)
    prescription = store.prescription(patient)
    sessions, measurements = store.session_logs(patient), store.measurements(patient)
    store.close()
    current = max(1, prescription.week_of(parse_day(today_text)))
    if week is not None and week > current:
        raise InvalidDataError(f"week {week} has not started (this is week {current})", where="--week", fix=f"use a week from 1 to {current}")
    through = week or current
    scores = weekly_scores(prescription, sessions, measurements, through_week=through)
    reviews = replay(prescription, sessions, measurements, through_week=through - 1)
    states = [initial_state(prescription)] + [r.next_state for r in reviews]
    if week is not None:
        chosen = scores[week - 1]
        in_week = [s for s in sessions if prescription.week_of(s.started_at.date()) == week and not s.stopped_by_red_flag]
        session_scores = [score_session(prescription, s) for s in in_week]
        if as_json:
            click.echo(json.dumps({"patient": patient, "week": week, "score": chosen.as_dict(), "sessions": [s.as_dict() for s in session_scores]}, indent=2))
            return
        click.echo(f"{patient}, {chosen.label} (phase '{states[week - 1].phase(prescription).name}'): adherence {chosen.composite:g}/100")
        for line in chosen.explanation:
            click.echo(f"  {line}")
        for s in session_scores:
            click.echo(f"  {s.label}: {s.composite:g}/100")
        return
    # The week in progress is shown but left out of the phase scores (its missing days are not missed yet).
    weeks = list(zip(states, scores, strict=True))[: max(1, current - 1)]
    phases = sorted({state.phase_index for state, _ in weeks})
    phase_scores = [score_phase(prescription, index, weeks) for index in phases]
    if as_json:
        click.echo(json.dumps({"patient": patient, "weeks": [s.as_dict() for s in scores], "phases": [p.as_dict() for p in phase_scores]}, indent=2))
        return
    click.echo(f"{patient}: adherence by week (0-100; week {current} is in progress)")
    for score in scores:
        parts = [f"{name} {'-' if value is None else f'{100 * value:.0f} %'}" for name, value in
                 (("dose", score.dose), ("frequency", score.frequency), ("quality", score.quality), ("pacing", score.pacing))]  # fmt: skip
        so_far = " (in progress)" if score.label == f"week {current}" else ""
        click.echo(f"  {score.label:>8}: {score.composite:5.1f}   {', '.join(parts)}{so_far}")
    for p in phase_scores:
        click.echo(f"  {p.label}: {p.composite:g} ({p.explanation[0]})")
