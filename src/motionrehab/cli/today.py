"""`motionrehab today PATIENT`: today's plan in the patient's words, and what is still to do.

The work is motionrehab.records.journal.today_text (program.today words over the store).
"""

from __future__ import annotations

import click

from motionrehab.cli.for_patient import parse_at
from motionrehab.cli.program import open_store, store_option


@click.command()
@click.argument("patient")
@click.option("--at", "at_text", default=None, help="The day, YYYY-MM-DD (default: today).")
@store_option
def today(patient: str, at_text: str | None, store_url: str | None) -> None:
    """Today's exercises for PATIENT: dose, the clinician's notes, how to record each one, and what is still to do."""
    from motionrehab.records.journal import today_text

    store = open_store(store_url)
    try:
        lines = today_text(store, patient, parse_at(at_text))
    finally:
        store.close()
    for line in lines:
        click.echo(line)
