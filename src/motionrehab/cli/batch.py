"""`motionrehab batch INPUT... --task TASK --out DIR`: one task over many recordings (docs/batch.md).

The work is motionrehab.batch (collect_inputs, run_batch, the engines); this command parses,
shows a progress bar and prints the summary. Exit status: 0 when every recording is ok
(analysed now or before), 3 when some failed (see DIR/failures.csv), 2 for bad arguments.
"""

from __future__ import annotations

import json
from pathlib import Path

import click


def _options(pairs: tuple[str, ...]) -> dict[str, str]:
    from motionrehab.errors import InputFileError

    options = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise InputFileError(f"cannot read the option {pair!r}", where="--option", fix="write KEY=VALUE, e.g. --option height_m=1.75")
        options[key.strip()] = value.strip()
    return options


@click.command()
@click.argument("inputs", metavar="INPUT...", nargs=-1, required=True)
@click.option("--task", required=True, help="What to run on each recording: pose, angles, hip-hinge, gait, slr (and each registered exercise).")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path), help="Folder for summary.csv, failures.csv, results.parquet and one folder per recording.")
@click.option("--workers", type=click.IntRange(min=1), help="Worker processes on this machine (default: one per core; local engine only).")
@click.option("--scheduler", metavar="ADDRESS", help="A running Dask scheduler, e.g. tcp://host:8786 (needs motionrehab[dask]).")
@click.option("--patient-map", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="CSV with columns path,patient: store each recording's measurements under that pseudonymous id.")
@click.option("--store", "store_url", metavar="URL", help="Session store for patients' measurements (default: $MOTIONREHAB_STORE, else the user data folder).")
@click.option("--side", type=click.Choice(["left", "right"]), help="Side for every input without one in the manifest (slr: the raised leg).")
@click.option("--option", "option_pairs", multiple=True, metavar="KEY=VALUE", help="A task option for every input (e.g. height_m=1.75, target_depth_deg=70); manifest columns override.")
@click.option("--pose-model", type=click.Path(path_type=Path), help="MediaPipe pose model (.task) for video inputs (default: $MOTIONREHAB_POSE_MODEL on each worker).")
@click.option("--force", is_flag=True, help="Analyse again recordings already finished with an unchanged input.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON (no progress bar).")
def batch(inputs: tuple[str, ...], task: str, out_dir: Path, workers: int | None, scheduler: str | None, patient_map: Path | None,
          store_url: str | None, side: str | None, option_pairs: tuple[str, ...], pose_model: Path | None, force: bool, as_json: bool) -> None:  # fmt: skip
    """Run one task over many recordings (files, folders, manifest CSVs); keeps every result as it finishes.

    Exit status 0 when all recordings are ok, 3 when some failed (listed in DIR/failures.csv).
    """
    from tqdm import tqdm

    from motionrehab.batch import (
        DaskEngine,
        LocalEngine,
        collect_inputs,
        read_patient_map,
        run_batch,
    )
    from motionrehab.batch.run import ItemResult

    mapping = read_patient_map(patient_map) if patient_map else None
    model = str(pose_model.resolve()) if pose_model else None
    items = collect_inputs(inputs, task=task, out_dir=out_dir, side=side, options=_options(option_pairs), patient_map=mapping,
                           pose_model=model, skip=[patient_map] if patient_map else [])  # fmt: skip
    if not items:
        from motionrehab.errors import InputFileError

        raise InputFileError(f"no recording for the task {task!r} in the inputs", where=", ".join(inputs),
                             fix="give recording files, folders holding them, or a manifest CSV with a path column")  # fmt: skip
    if scheduler and workers:
        from motionrehab.errors import InputFileError

        raise InputFileError("--workers is for the local engine", where="--workers/--scheduler",
                             fix="size a Dask cluster with `dask worker --nworkers N`, or drop --scheduler")  # fmt: skip
    engine = DaskEngine(scheduler) if scheduler else LocalEngine(workers)
    bar = tqdm(total=0, unit="rec", desc=task, disable=True if as_json else None, dynamic_ncols=True)
    failed = 0

    def on_start(to_run: int, skipped: int) -> None:
        bar.total = to_run
        bar.refresh()
        if not as_json:
            click.echo(f"{len(items)} recording(s): {skipped} already done, {to_run} to analyse on {engine.description}", err=True)

    def progress(result: ItemResult) -> None:
        nonlocal failed
        failed += result.status == "failed"
        bar.set_postfix(failed=failed, refresh=False)
        bar.update(1)

    try:
        summary = run_batch(items, out_dir, engine, force=force, store_url=store_url, progress=progress, on_start=on_start)
    finally:
        bar.close()
    if as_json:
        click.echo(json.dumps(summary.to_json_dict(), indent=2))
    else:
        click.echo(f"{summary.count('ok')} ok, {summary.count('failed')} failed, {summary.count('skipped')} skipped "
                   f"in {summary.wall_s:.1f} s ({summary.engine})")  # fmt: skip
        if summary.stored:
            click.echo(f"Stored {summary.stored} measurement(s) in the session store")
        click.echo(f"Wrote {out_dir / 'summary.csv'}, {out_dir / 'failures.csv'}, {out_dir / 'results.parquet'}")
        for result in summary.results:
            if result.status == "failed":
                click.echo(f"failed: {result.error}", err=True)
    if summary.exit_status:
        raise click.exceptions.Exit(summary.exit_status)
