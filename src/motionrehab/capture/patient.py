"""The patient's PoseTrack from a recorded file: a pose-track CSV or Parquet file, or a video.

Shared by every command and batch task that measures one person, so that a recording gives
the same track (and the same error) whichever way it is analysed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from motionrehab.capture.model_files import ResolvedModel
from motionrehab.capture.pose_csv import is_pose_csv, read_pose_csv
from motionrehab.capture.pose_parquet import PARQUET_SUFFIXES, read_pose_parquet
from motionrehab.capture.pose_track import PoseTrack
from motionrehab.errors import InputFileError, MotionRehabError

#: video files motionrehab recognises by suffix (OpenCV reads them)
VIDEO_SUFFIXES = (".mp4", ".mov", ".avi", ".mkv", ".webm", ".m4v")
#: pose files (landmarks already estimated)
POSE_FILE_SUFFIXES = (".csv", *PARQUET_SUFFIXES)


@dataclass(frozen=True)
class PatientInput:
    """The patient's track, one sentence on how it was found, and problems met after some frames were read."""

    track: PoseTrack
    description: str
    warnings: tuple[MotionRehabError, ...] = ()


def patient_of_tracks(tracks: list[PoseTrack], name: str) -> PatientInput:
    """The patient among the people of a pose file (one person: that one; several: ``choose_patient``)."""
    if len(tracks) == 1:
        return PatientInput(tracks[0], f"{name}: one person")
    # tracking imports MediaPipe: only when there is a choice to make
    from motionrehab.capture.tracking import choose_patient

    choice = choose_patient(tracks)
    chosen = next(t for t in tracks if t.person_id == choice.person_id)
    return PatientInput(chosen, f"{name}: {choice.reason}")


def patient_from_file(
    path: str | Path,
    *,
    model: str | Path | ResolvedModel | None = None,
    progress: Callable[[int, int | None], None] | None = None,
) -> PatientInput:
    """The patient's track in a pose-track CSV, a pose-track Parquet file or a video file.

    Raises:
        InputFileError: the file is missing, or a CSV that is not a pose-track CSV.
        InvalidDataError, UnusableViewError, ModelNotFoundError: from reading or pose estimation.
    """
    source = Path(path)
    if not source.exists():
        raise InputFileError("input not found", where=str(path), fix="give a pose-track CSV, a video file or a camera index (0, 1, ...)")
    suffix = source.suffix.lower()
    if suffix == ".csv":
        if not is_pose_csv(source):
            raise InputFileError("this CSV is not a pose-track CSV (its header must start with t_s,person_id)", where=str(path),
                                 fix="make one with `motionrehab pose VIDEO --out DIR`, see docs/pose-track-csv.md")  # fmt: skip
        return patient_of_tracks(list(read_pose_csv(source).values()), source.name)
    if suffix in PARQUET_SUFFIXES:
        return patient_of_tracks(list(read_pose_parquet(source).values()), source.name)
    from motionrehab.capture.estimate import estimate_poses

    result = estimate_poses(source, model=model, progress=progress)
    return PatientInput(result.patient(), f"{source.name}: {result.patient_reason}", result.errors)
