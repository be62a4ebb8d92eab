"""`motionrehab import DIR PATIENT`: bring a patient's JSON export into another store (e.g. home -> clinic).

The work is motionrehab.records.export.read_tables and import_record; records are never
merged: a patient the target store already holds is refused.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from motionrehab.cli.program import open_store, store_option

if TYPE_CHECKING:  # the library loads when a command runs, not for its --help
    pass


@click.command(name="import")
@click.argument("folder", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.argument("patient")
@store_option
def import_(folder: Path, patient: str, store_url: str | None) -> None:
    """Import PATIENT's record from FOLDER (written by `motionrehab export PATIENT --format json`)."""
    from motionrehab.records.export import import_record, read_tables

    record = read_tables(folder, patient, "json")
    store = open_store(store_url)
    try:
        import_record(record, store)
        click.echo(f"imported {patient}: {len(record.sessions)} sessions into {store.display_url}")
    finally:
        store.close()
