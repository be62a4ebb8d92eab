"""Turning a command's INPUT (pose-track CSV or Parquet, video file or camera index) into the patient's track.

Shared by the commands that measure one person; the work is in capture/ (capture.patient for files).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click
from tqdm import tqdm

from motionrehab.capture.model_files import resolve_pose_model
from motionrehab.capture.patient import PatientInput
from motionrehab.errors import InputFileError

__all__ = ["PatientInput", "is_pose_csv", "patient_track"]


def is_pose_csv(path: Path) -> bool:
    """True when ``path`` is a pose-track CSV (its first non-comment line starts with t_s,person_id)."""
    from motionrehab.capture.pose_csv import is_pose_csv as _is_pose_csv

    return _is_pose_csv(path)


def patient_track(input_arg: str, *, pose_model: Path | None = None, seconds: float = 30.0) -> PatientInput:
    """The patient's PoseTrack from a pose-track CSV, a video file, or a camera index (records ``seconds``)."""
    path = Path(input_arg)
    is_camera = input_arg.isdigit() and not path.exists()
    if not is_camera and not path.exists():
        raise InputFileError("input not found", where=input_arg, fix="give a pose-track CSV, a video file or a camera index (0, 1, ...)")
    if not is_camera:
        from motionrehab.capture.patient import POSE_FILE_SUFFIXES, patient_from_file

        if path.suffix.lower() in POSE_FILE_SUFFIXES:
            return patient_from_file(path)  # a pose file needs no model
        model = resolve_pose_model(pose_model)
        with tqdm(unit="frame", desc="pose", leave=False, dynamic_ncols=True, disable=None) as bar:
            found = patient_from_file(path, model=model, progress=_bar_progress(bar))
        for error in found.warnings:
            click.echo(f"warning: {error} (the frames read before it are analysed)", err=True)
        return found
    from motionrehab.capture.estimate import estimate_poses
    from motionrehab.capture.video import open_video_source

    model = resolve_pose_model(pose_model)
    source = open_video_source(int(input_arg), duration_s=seconds)
    with tqdm(unit="frame", desc="pose", leave=False, dynamic_ncols=True, disable=None) as bar:
        result = estimate_poses(source, model=model, progress=_bar_progress(bar))
    for error in result.errors:
        click.echo(f"warning: {error} (the frames read before it are analysed)", err=True)
    return PatientInput(result.patient(), f"camera {input_arg}: {result.patient_reason}")


def _bar_progress(bar: tqdm) -> Callable[[int, int | None], None]:
    def progress(done: int, total: int | None) -> None:
        if total is not None and bar.total != total:
            bar.total = total
        bar.update(done - bar.n)

    return progress
