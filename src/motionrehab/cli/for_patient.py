"""`--patient ID --store URL --at TIME` for every analyze/measure command, in one decorator.

A command that measures something stores it for the patient with two lines::

    @click.command()
    @click.argument("input_arg", metavar="INPUT")
    @for_patient                                   # adds --patient, --store, --at
    def bridge(input_arg: str, patient_link: PatientLink) -> None:
        result = ...                               # measure
        patient_link.save(Work("bridge", exercise_kind="bridge", repetitions=result.repetitions), inputs=[input_arg])

``save`` does nothing without ``--patient``. With it, the work goes into a session of
today's program (motionrehab.records.journal.store_work: opened from today's check-in,
measured dose kept apart from logged dose, measurements under their registered names) and
the same recording file is stored once.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from motionrehab.errors import InvalidDataError
from motionrehab.records.journal import Work


def parse_at(text: str | None, where: str = "--at") -> dt.datetime:
    """YYYY-MM-DD[THH:MM] (a date alone is noon), or now."""
    if text is None:
        return dt.datetime.now().replace(microsecond=0)
    try:
        at = dt.datetime.fromisoformat(text)
    except ValueError:
        raise InvalidDataError(f"'{text}' is not a date and time", where=where, fix="write it as YYYY-MM-DDTHH:MM, e.g. 2026-01-06T08:30") from None
    return at if "T" in text or " " in text else at.replace(hour=12)


class PatientLink:
    """Where a command's measurement goes: the patient, the store and the time (nothing without a patient)."""

    def __init__(self, patient: str | None, store_url: str | None, at: dt.datetime) -> None:
        self.patient = patient
        self.store_url = store_url
        self.at = at

    def __bool__(self) -> bool:
        return self.patient is not None

    def save(self, work: Work, *, inputs: Sequence[str | Path] = (), err: bool = False) -> bool:
        """Store ``work`` for the patient (stored once per recording file in ``inputs``); prints what was done. False if nothing stored."""
        if self.patient is None:
            return False
        from motionrehab.cli.program import open_store
        from motionrehab.records.journal import checksum, store_work

        files = [Path(p) for p in inputs if Path(p).exists()]  # a camera index has no file: every take is new
        sha = checksum(files) if files else None
        store = open_store(self.store_url)
        try:
            result = store_work(store, self.patient, work, at=self.at, recording_sha256=sha)
        finally:
            store.close()
        for line in result.lines:
            click.echo(f"Stored: {line}" if result.stored else f"Note: {line}", err=err)
        return result.stored


def for_patient(function: Callable[..., Any]) -> Callable[..., Any]:
    """Add --patient, --store and --at to a click command; it receives ``patient_link`` (a PatientLink)."""

    @functools.wraps(function)
    def wrapper(*args: Any, patient: str | None, store_url: str | None, at_text: str | None, **kwargs: Any) -> Any:
        link = PatientLink(patient, store_url, parse_at(at_text))
        return function(*args, patient_link=link, **kwargs)

    options = (
        click.option("--patient", default=None, help="Pseudonymous patient id: store what was measured in today's session of the patient's program."),
        click.option("--store", "store_url", metavar="URL", default=None,
                     help="Session store: a SQLite file or database URL (default: $MOTIONREHAB_STORE, else the user data folder)."),  # fmt: skip
        click.option("--at", "at_text", default=None, help="When it was measured, YYYY-MM-DDTHH:MM (default: now)."),
    )
    for option in reversed(options):
        wrapper = option(wrapper)
    return wrapper
