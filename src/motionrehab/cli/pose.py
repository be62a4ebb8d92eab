"""`motionrehab pose INPUT --out DIR`: pose landmarks of every person in a video, as a pose-track CSV (or Parquet).

INPUT is a video file, or a camera index (0, 1, ...) with --seconds. The work is done by
motionrehab.capture.estimate.estimate_poses; this command prints its summary.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click
from tqdm import tqdm

from motionrehab._files import child_path, make_output_dir, refuse_overwrite
from motionrehab.capture.model_files import VARIANTS, resolve_pose_model
from motionrehab.cli.numbers import Quantity

if TYPE_CHECKING:  # the library loads when a command runs, not for its --help
    pass


@click.command()
@click.argument("input_path", metavar="INPUT")
@click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path), help="Folder for <name>_pose.csv.")
@click.option("--max-people", type=click.IntRange(min=1), default=2, show_default=True, help="Most people to track.")
@click.option("--overlay", "overlay_path", type=click.Path(path_type=Path), help="Also write this video (.mp4) with the skeletons drawn.")
@click.option("--pose-model", type=click.Path(path_type=Path), help="MediaPipe pose model (.task); default: $MOTIONREHAB_POSE_MODEL, cache, download.")
@click.option("--model-variant", type=click.Choice(VARIANTS), default="full", show_default=True, help="Which official model to use when no path is given.")
@click.option("--seconds", type=Quantity(0.1, 86_400, "s"), default=10.0, show_default=True, help="Recording time when INPUT is a camera index.")
@click.option("--force", is_flag=True, help="Replace the overlay video if it already exists.")
@click.option("--format", "file_format", type=click.Choice(["csv", "parquet"]), default="csv", show_default=True,
              help="Pose-track file format: CSV, or Parquet (typed, compressed; for pandas/Spark).")
def pose(
    input_path: str,
    out_dir: Path,
    max_people: int,
    overlay_path: Path | None,
    pose_model: Path | None,
    model_variant: str,
    seconds: float,
    force: bool,
    file_format: str,
) -> None:
    """Estimate the pose of every person in INPUT (a video file or a camera index) and write a pose-track CSV."""
    from motionrehab.capture.estimate import estimate_poses
    from motionrehab.capture.overlay import write_overlay_video
    from motionrehab.capture.pose_csv import write_pose_csv
    from motionrehab.capture.video import open_video_source

    if overlay_path is not None:
        refuse_overwrite(overlay_path, force=force, option="--overlay")
    model = resolve_pose_model(pose_model, variant=model_variant)
    is_camera = input_path.isdigit() and not Path(input_path).exists()
    # Open the source before the progress bar starts, so a bad file gives just its error.
    source = open_video_source(int(input_path) if is_camera else Path(input_path), duration_s=seconds if is_camera else None)
    with tqdm(unit="frame", desc="pose", leave=False, dynamic_ncols=True) as bar:

        def progress(done: int, total: int | None) -> None:
            if total is not None and bar.total != total:
                bar.total = total
            bar.update(done - bar.n)

        result = estimate_poses(source, model=model, max_people=max_people, progress=progress)
    stem = f"camera{input_path}" if is_camera else Path(input_path).stem
    folder = make_output_dir(out_dir)
    if file_format == "parquet":
        from motionrehab.capture.pose_parquet import write_pose_parquet

        csv_path = write_pose_parquet(child_path(folder, f"{stem}_pose.parquet"), result.tracks)
    else:
        csv_path = write_pose_csv(child_path(folder, f"{stem}_pose.csv"), result.tracks)
    click.echo(f"Pose model: {model.path} ({model.origin})")
    click.echo(f"Frames: {result.frames_read} read, {result.frames_with_person} with a person")
    for track in result.tracks:
        role = " (patient)" if track.person_id == result.patient_id else ""
        click.echo(f"Person {track.person_id}{role}: detected in {100 * track.detection_rate():.1f} % of frames")
    click.echo(f"Patient: {result.patient_reason}")
    click.echo(f"Wrote {csv_path}")
    if overlay_path is not None and is_camera:
        click.echo("No overlay written: camera frames are not kept (record a file first to get an overlay).")
    elif overlay_path is not None:
        frames = write_overlay_video(input_path, result.tracks, overlay_path, patient_id=result.patient_id)
        click.echo(f"Wrote {overlay_path} ({frames} frames with skeletons)")
    if result.errors:
        # The CSV above keeps every frame read; now report what went wrong (exit status 2).
        raise result.errors[0]
