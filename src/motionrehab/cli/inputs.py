"""Turning a command's INPUT (pose-track CSV, video file or camera index) into the patient's track.

Shared by the commands that measure one person; the work is in capture/.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import click
from tqdm import tqdm

from motionrehab.capture.pose_track import PoseTrack
from motionrehab.errors import InputFileError


@dataclass(frozen=True)
class PatientInput:
    """The patient's track and one sentence on how it was found."""

    track: PoseTrack
    description: str


def is_pose_csv(path: Path) -> bool:
    """True when ``path`` is a pose-track CSV (its first non-comment line starts with t_s,person_id)."""
    if path.suffix.lower() != ".csv" or not path.is_file():
        return False
    with open(path, "rb") as handle:
        head = handle.read(65536)
    # a BOM (Excel's CSV UTF-8) is accepted; a bad byte later is read_pose_csv's to name
    for line in head.decode("utf-8-sig", errors="replace").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        return line.startswith("t_s,person_id")
    return False


def patient_track(input_arg: str, *, pose_model: Path | None = None, seconds: float = 30.0) -> PatientInput:
    """The patient's PoseTrack from a pose-track CSV, a video file, or a camera index (records ``seconds``)."""
    path = Path(input_arg)
    is_camera = input_arg.isdigit() and not path.exists()
    if not is_camera and not path.exists():
        raise InputFileError("input not found", where=input_arg, fix="give a pose-track CSV, a video file or a camera index (0, 1, ...)")
    if not is_camera and path.suffix.lower() == ".csv":
        if not is_pose_csv(path):
            raise InputFileError("this CSV is not a pose-track CSV (its header must start with t_s,person_id)", where=input_arg,
                                 fix="make one with `motionrehab pose VIDEO --out DIR`, see docs/pose-track-csv.md")
        from motionrehab.capture.pose_csv import read_pose_csv
        from motionrehab.capture.tracking import choose_patient

        tracks = list(read_pose_csv(path).values())
        if len(tracks) == 1:
            return PatientInput(tracks[0], f"{path.name}: one person")
        choice = choose_patient(tracks)
        chosen = next(t for t in tracks if t.person_id == choice.person_id)
        return PatientInput(chosen, f"{path.name}: {choice.reason}")
    from motionrehab.capture.estimate import estimate_poses
    from motionrehab.capture.model_files import resolve_pose_model
    from motionrehab.capture.video import open_video_source

    model = resolve_pose_model(pose_model)
    source = open_video_source(int(input_arg) if is_camera else path, duration_s=seconds if is_camera else None)
    with tqdm(unit="frame", desc="pose", leave=False, dynamic_ncols=True, disable=None) as bar:

        def progress(done: int, total: int | None) -> None:
            if total is not None and bar.total != total:
                bar.total = total
            bar.update(done - bar.n)

        result = estimate_poses(source, model=model, progress=progress)
    for error in result.errors:
        click.echo(f"warning: {error} (the frames read before it are analysed)", err=True)
    return PatientInput(result.patient(), f"{'camera ' + input_arg if is_camera else path.name}: {result.patient_reason}")
