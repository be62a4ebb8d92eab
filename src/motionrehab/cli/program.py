"""`motionrehab program check FILE` (validate a prescription) and `program assign FILE` (store it).

The work is motionrehab.program.prescription (parsing, validation) and the session store.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import click

from motionrehab.dates import check_date
from motionrehab.errors import InvalidDataError
from motionrehab.program.prescription import load_prescription
from motionrehab.program.proms import (
    INSTRUMENTS,
    LEFS,
    NRS,
    ODI,
    PSFS,
    compare_proms,
    score_lefs,
    score_nrs,
    score_odi,
    score_psfs,
)

if TYPE_CHECKING:
    from motionrehab.records.store import SessionStore


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
            need = " and ".join(p for p in (f">= {milestone.at_least:g}" if milestone.at_least is not None else "",
                                            f"<= {milestone.at_most:g}" if milestone.at_most is not None else "") if p)  # fmt: skip
            side = f" ({milestone.side})" if milestone.side else ""
            click.echo(f"  milestone: {milestone.text} [{milestone.measurement}{side} {need}]")
        for exercise in phase.exercises:
            freq = exercise.frequency
            extra = " (only instead of a gated exercise)" if exercise.alternative_only else ""
            gate = f"; only when pain <= {exercise.gate.max_pain_nrs}" + (" and no tingling" if exercise.gate.no_tingling else "") + (
                f", else {exercise.gate.otherwise}" if exercise.gate.otherwise else "") if exercise.gate else ""  # fmt: skip
            click.echo(f"  {exercise.id} ({exercise.kind}): {exercise.dose.describe()}, {freq.per_day}x/day on {freq.days_per_week} days/week{gate}{extra}")


def store_option(function):  # type: ignore[no-untyped-def]
    """The shared --store option (a database URL or SQLite file; default $MOTIONREHAB_STORE or the user data folder)."""
    return click.option("--store", "store_url", metavar="URL", default=None,
                        help="Session store: a SQLite file or database URL (default: $MOTIONREHAB_STORE, else the user data folder).")(function)  # fmt: skip


def open_store(store_url: str | None) -> SessionStore:
    """Open the session store named by --store (or the default)."""
    if store_url and "://" not in store_url:
        store_url = f"sqlite:///{Path(store_url).expanduser().resolve()}"
    # Imported here: a command's --help need not load SQLAlchemy.
    from motionrehab.records.store import SessionStore

    return SessionStore(store_url)


@program.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--start", "start_text", default=None, help="First day of week 1: 'today' or YYYY-MM-DD (default: the file's start_date).")
@store_option
def assign(path: Path, start_text: str | None, store_url: str | None) -> None:
    """Validate the prescription in PATH and store it as its patient's current program."""
    prescription = load_prescription(path)
    if start_text is not None:
        start = dt.date.today() if start_text == "today" else parse_day(start_text, where="--start")
        prescription = dataclasses.replace(prescription, start_date=start)
    store = open_store(store_url)
    store.assign_prescription(prescription, path.read_text(encoding="utf-8"))
    click.echo(f"Assigned {path} to {prescription.patient} (starts {prescription.start_date.isoformat()}) in {store.display_url}")
    store.close()


def parse_day(text: str | None, where: str = "--today") -> dt.date:
    """A date option written YYYY-MM-DD (default today), inside the accepted window (motionrehab.dates)."""
    if text is None:
        return dt.date.today()
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidDataError(f"'{text}' is not a date", where=where, fix="write it as YYYY-MM-DD (or 'today' for --start)") from None
    check_date(day, where)
    return day


@program.command()
@click.argument("patient")
@click.argument("instrument", type=click.Choice(INSTRUMENTS, case_sensitive=False))
@click.argument("answers", nargs=-1, required=True)
@click.option("--at", "at_text", default=None, help="Date of the questionnaire, YYYY-MM-DD (default: today).")
@store_option
def prom(patient: str, instrument: str, answers: tuple[str, ...], at_text: str | None, store_url: str | None) -> None:
    """Record a PROM at a recheck (NRS 1 answer, ODI 10 sections 0-5 with '-' for one unanswered, LEFS 20 items 0-4, PSFS 3-5 ratings 0-10).

    Prints the score and, against the first and the previous score of the same instrument, whether the change reaches the MCID.
    """
    instrument = instrument.upper()
    items: list[int | None] = []
    for index, answer in enumerate(answers, start=1):
        if answer == "-":
            items.append(None)
            continue
        try:
            items.append(int(answer))
        except ValueError:
            raise InvalidDataError(f"answer {index} '{answer}' is not a whole number", where=f"{instrument} item {index}", fix="write numbers separated by spaces; '-' for an unanswered ODI section") from None
    at = dt.datetime.combine(parse_day(at_text, "--at"), dt.time(12))
    scorers = {NRS: lambda: score_nrs(_single(items), at), ODI: lambda: score_odi(items, at),
               LEFS: lambda: score_lefs(items, at), PSFS: lambda: score_psfs(items, at)}  # fmt: skip
    score = scorers[instrument]()
    store = open_store(store_url)
    earlier = store.proms(patient, instrument) if patient in store.patients() else ()
    store.record_prom(patient, score)
    store.close()
    click.echo(f"{patient}: {instrument} {score.score:g} on {at.date().isoformat()} (recorded)")
    if earlier:
        click.echo(f"  since the first ({earlier[0].at.date().isoformat()}): {compare_proms(earlier[0], score).text}")
        if len(earlier) > 1:
            click.echo(f"  since the previous ({earlier[-1].at.date().isoformat()}): {compare_proms(earlier[-1], score).text}")


def _single(items: list[int | None]) -> int:
    if len(items) != 1 or items[0] is None:
        raise InvalidDataError(f"NRS needs 1 answer, got {len(items)}", where="NRS", fix="give the pain 0-10 as one number")
    return items[0]


@program.command()
@click.argument("patient")
@click.option("--pain", type=click.IntRange(0, 10), required=True, help="Pain this morning, 0-10.")
@click.option("--new-tingling", is_flag=True, help="New tingling or numbness since the session.")
@store_option
def morning(patient: str, pain: int, new_tingling: bool, store_url: str | None) -> None:
    """Record the next-morning pain after PATIENT's latest session (the progression rules need it)."""
    store = open_store(store_url)
    stored = store.stored_sessions(patient)
    if not stored:
        raise InvalidDataError(f"no session recorded for {patient}", where="morning", fix="record a session first")
    latest = stored[-1]
    store.record_next_morning(latest.id, pain_nrs=pain, new_tingling=new_tingling)
    store.close()
    rise = pain - latest.log.pain_before
    settled = "settled" if rise <= 0 else f"{rise} point{'s' if rise > 1 else ''} above the pain before it"
    click.echo(f"Recorded: pain {pain}/10 the morning after the session of {latest.log.started_at:%Y-%m-%d %H:%M} ({settled})"
               + ("; new tingling or numbness" if new_tingling else ""))  # fmt: skip
