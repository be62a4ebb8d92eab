"""`motionrehab export PATIENT --format csv|json|fhir|opensim [--since DATE] --out DIR`: a patient's record as files.

The work is motionrehab.records.export (tables), records.fhir_records (FHIR Bundle) and
records.opensim_records (.mot/.trc); docs/records.md describes every file.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import click

from motionrehab.cli.numbers import Quantity
from motionrehab.cli.program import open_store, store_option
from motionrehab.errors import InvalidDataError

if TYPE_CHECKING:  # the library loads when a command runs, not for its --help
    pass


def _since(text: str | None) -> dt.date | None:
    if text is None:
        return None
    from motionrehab.cli.program import parse_day

    return parse_day(text, "--since")


@click.command()
@click.argument("patient")
@click.option("--format", "fmt", type=click.Choice(["csv", "json", "fhir", "opensim"]), default="csv", show_default=True,
              help="csv/json: one table per kind; fhir: an R4 Bundle of Observations; opensim: .mot angles (and .trc markers from --pose-csv).")  # fmt: skip
@click.option("--since", "since_text", default=None, help="Only what happened on or after this date, YYYY-MM-DD.")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path), help="Folder to write into (created owner-only).")
@click.option("--pose-csv", "pose_csv", default=None, type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="opensim only: also convert this pose-track CSV (motionrehab pose) to .trc marker trajectories.")  # fmt: skip
@click.option("--angles-csv", "angles_csv", default=None, type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="opensim only: also convert this angle CSV (motionrehab angles) to a per-frame .mot.")  # fmt: skip
@click.option("--px-per-m", type=Quantity(0, 1e5, "pixels per m", open_low=True), default=None, help="opensim only: image scale for --pose-csv without world landmarks (pixels per metre).")
@store_option
def export(patient: str, fmt: str, since_text: str | None, out_dir: Path, pose_csv: Path | None, angles_csv: Path | None,
           px_per_m: float | None, store_url: str | None) -> None:  # fmt: skip
    """Export PATIENT's record (pseudonym only: no name, no video, no free text) into the folder --out."""
    from motionrehab.records.export import read_record, write_tables

    since = _since(since_text)
    if fmt != "opensim" and (pose_csv or angles_csv or px_per_m is not None):
        raise InvalidDataError("--pose-csv, --angles-csv and --px-per-m go with --format opensim", where="export", fix="add --format opensim")
    store = open_store(store_url)
    try:
        now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
        if fmt in ("csv", "json"):
            record = read_record(store, patient, since=since)
            written = write_tables(record, out_dir, fmt, exported_at=now)
            click.echo(f"{patient}: {len(record.sessions)} sessions, {len(record.repetitions)} repetitions, {len(record.measurements)} measurements, "
                       f"{len(record.checkins)} check-ins, {len(record.proms)} questionnaires, {len(record.decisions)} decisions, "
                       f"{len(record.adherence)} weeks of adherence")  # fmt: skip
        elif fmt == "fhir":
            from motionrehab.records.fhir_records import write_fhir_bundle

            result = write_fhir_bundle(store, patient, out_dir, since=since, generated=now)
            written = [result.path]
            click.echo(f"{patient}: FHIR R4 Bundle with {result.n_observations} Observations ({', '.join(f'{k} {n}' for k, n in result.counts)})")
            if result.not_exported:
                click.echo(f"  not exported (no code defined): {', '.join(result.not_exported)}")
        else:
            from motionrehab.records.opensim_records import write_opensim

            osim = write_opensim(store, patient, out_dir, since=since, pose_csv=pose_csv, angles_csv=angles_csv, px_per_m=px_per_m)
            written = list(osim.paths)
            for note in osim.notes:
                click.echo(note)
    finally:
        store.close()
    for path in written:
        click.echo(f"  wrote {path}")
