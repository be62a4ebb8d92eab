"""`motionrehab forget PATIENT [--exports DIR ...] [--yes]`: delete every row and file of one patient.

The work is SessionStore.forget_patient (rows) and records.export.exported_files (the
export files named after the pseudonym in the folders given). docs/security.md says
what this does and does not reach (copies elsewhere, backups).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from motionrehab.cli.program import open_store, store_option
from motionrehab.errors import InvalidDataError
from motionrehab.pseudonym import check_pseudonym

if TYPE_CHECKING:  # the library loads when a command runs, not for its --help
    pass


@click.command()
@click.argument("patient")
@click.option("--exports", "export_dirs", multiple=True, type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="Also delete this folder's export files of PATIENT (<pseudonym>_*); repeatable.")  # fmt: skip
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@store_option
def forget(patient: str, export_dirs: tuple[Path, ...], yes: bool, store_url: str | None) -> None:
    """Delete everything the store (and the --exports folders) hold about PATIENT. This cannot be undone."""
    from motionrehab.records.export import exported_files

    check_pseudonym(patient, where="PATIENT")
    store = open_store(store_url)
    try:
        if patient not in store.patients():
            raise InvalidDataError(f"no patient '{patient}' in the store", where=store.display_url, fix="check the pseudonym (motionrehab adherence lists none for an unknown one)")
        files = [path for folder in export_dirs for path in exported_files(folder, patient)]
        sessions = len(store.stored_sessions(patient))
        click.echo(f"{patient}: {sessions} sessions and every check-in, measurement, questionnaire, prescription and decision in {store.display_url}"
                   + (f", and {len(files)} export files" if export_dirs else ""))  # fmt: skip
        if not yes:
            click.confirm(f"Delete all of {patient}'s data? This cannot be undone", abort=True)
        deleted = store.forget_patient(patient)
    finally:
        store.close()
    for path in files:
        path.unlink(missing_ok=True)
    click.echo(f"Forgot {patient}: {sum(deleted.values())} rows deleted ({', '.join(f'{k} {n}' for k, n in sorted(deleted.items()) if n)})"
               + (f"; {len(files)} files deleted" if export_dirs else ""))  # fmt: skip
    click.echo("Copies made elsewhere (sent exports, backups) are not reached: delete them too (docs/security.md).")
