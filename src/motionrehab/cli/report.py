"""`motionrehab report PATIENT [--compare VISIT] --out report.html [--pdf]`: the recheck report from the store.

The work is motionrehab.records.recheck (what the report holds, verdicts against MDC95/MCID)
and motionrehab.records.report (HTML with inline SVG plots; PDF by headless Chromium).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import click

from motionrehab._files import refuse_overwrite
from motionrehab.cli.program import open_store, parse_day, store_option

if TYPE_CHECKING:  # the library loads when a command runs, not for its --help
    pass


@click.command()
@click.argument("patient")
@click.option("--compare", "compare_text", default=None,
              help="Compare the latest values with those on or before this visit date, YYYY-MM-DD (default: one recheck interval earlier).")  # fmt: skip
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The HTML file to write (owner-only).")
@click.option("--pdf", is_flag=True, help="Also print a PDF beside the HTML (needs Chromium).")
@click.option("--force", is_flag=True, help="Replace the report (and its PDF) if it already exists.")
@click.option("--today", "today_text", default=None, help="The visit day, YYYY-MM-DD (default: today): stalled progress is judged over the weeks completed by then.")
@store_option
def report(patient: str, compare_text: str | None, out_path: Path, pdf: bool, force: bool, today_text: str | None, store_url: str | None) -> None:
    """The recheck report of PATIENT: what was done, how well, what changed, and whether the change is real."""
    from motionrehab.records.recheck import recheck_data
    from motionrehab.records.report import write_recheck_report

    compare = None
    if compare_text is not None:
        compare = parse_day(compare_text, "--compare")
    refuse_overwrite(out_path, force=force)
    if pdf:
        refuse_overwrite(out_path.with_suffix(".pdf"), force=force, option="--pdf")
    store = open_store(store_url)
    try:
        data = recheck_data(store, patient, compare=compare, generated=dt.datetime.now(dt.timezone.utc).replace(microsecond=0), today=parse_day(today_text))
    finally:
        store.close()
    written = write_recheck_report(data, out_path, pdf=pdf)
    real = [v for v in data.verdicts if v.verdict != "no real change"]
    click.echo(f"{patient}: report {data.period_start} to {data.period_end}, latest {data.latest_visit or '-'} compared with {data.compare_visit or '-'}; "
               f"{len(data.verdicts)} changes judged ({len(real)} real), {len(data.events)} flagged events, {len(data.decisions)} decisions")  # fmt: skip
    if data.first_visit:
        click.echo("  first visit: baseline only (changes are judged from the next visit)")
    for v in data.verdicts:
        click.echo(f"  {v.measure}: {v.previous:.1f} -> {v.latest:.1f} ({v.change:+.1f}, {v.threshold_kind} {v.threshold:.1f}): {v.verdict}")
    for stall in data.stalls:
        click.echo(f"  {stall}")
    for path in written:
        click.echo(f"  wrote {path}")
