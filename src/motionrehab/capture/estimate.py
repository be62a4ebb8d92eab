"""estimate_poses: a video file, a camera or frames in memory -> one PoseTrack per person.

The pipeline: frames (capture.video) -> MediaPipe PoseLandmarker on RGB
(capture.pose_estimator) -> person tracking with stable ids (capture.tracking) -> the
patient chosen with a stated reason. The patient gets person id 0; the others follow by
the patient rule's score. At most ``max_people`` people are kept.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from motionrehab.capture.model_files import ResolvedModel, resolve_pose_model
from motionrehab.capture.pose_estimator import PoseEstimator
from motionrehab.capture.pose_track import PoseTrack
from motionrehab.capture.tracking import (
    FragmentJoiner,
    PersonTracker,
    choose_patient,
    join_fragments,
    track_to_pose_track,
)
from motionrehab.capture.video import FrameSource, open_video_source
from motionrehab.errors import InputFileError, InvalidDataError, MotionRehabError, UnusableViewError

#: a track seen in fewer frames than this (or than all frames, for very short clips) is a false detection
MIN_TRACK_FRAMES = 5

ProgressCallback = Callable[[int, "int | None"], None]


@dataclass(frozen=True)
class PoseEstimationResult:
    """Everything estimate_poses found.

    Attributes:
        tracks: one PoseTrack per person (NaN rows where that person was not detected), by person id;
            the patient is person 0.
        patient_id: id of the person chosen as the patient (None if nobody was found).
        patient_reason: one sentence saying why.
        frames_read: frames decoded from the source.
        frames_with_person: frames in which at least one person was detected.
        errors: problems met after some frames were read (e.g. a truncated file); the tracks
            hold everything read before them.
        source: description of the source.
        model_path: the pose model used.
    """

    tracks: tuple[PoseTrack, ...]
    patient_id: int | None
    patient_reason: str
    frames_read: int
    frames_with_person: int
    errors: tuple[MotionRehabError, ...]
    source: str
    model_path: Path

    def patient(self) -> PoseTrack:
        """The patient's track."""
        for track in self.tracks:
            if track.person_id == self.patient_id:
                return track
        raise UnusableViewError("no person was detected", where=self.source, fix="make sure the whole body is in view")


def estimate_poses(
    source: str | Path | int | FrameSource,
    *,
    model: str | Path | ResolvedModel | None = None,
    max_people: int = 2,
    progress: ProgressCallback | None = None,
    max_frames: int | None = None,
    duration_s: float | None = None,
    tracker: PersonTracker | None = None,
    joiner: FragmentJoiner | None = None,
) -> PoseEstimationResult:
    """Estimate every person's pose in a video, track them, and choose the patient.

    Args:
        source: a video file path, a camera index (int), or any FrameSource (e.g. FrameList).
        model: the pose model file (None: resolved by ``model_files.resolve_pose_model``).
        max_people: the most people to detect per frame and to keep (MediaPipe ``num_poses``).
        progress: called as ``progress(frames_done, total_or_None)`` after each frame.
        max_frames: stop after this many frames (files and cameras).
        duration_s: stop a camera after this many seconds.
        tracker: a configured PersonTracker (default settings otherwise).
        joiner: a configured FragmentJoiner that joins the track pieces of one person
            after the video is read (default settings otherwise).

    Raises:
        InputFileError: missing or unreadable video, or no frame could be read.
        ModelNotFoundError: no usable model.
        UnusableViewError: frames were read but no person was detected in any of them.

    A file that breaks off part way does not raise: its frames are kept and the error is in
    ``errors`` (callers decide; the CLI writes the CSV and then reports it).
    """
    if max_people < 1:
        raise InvalidDataError(f"max_people must be at least 1, got {max_people}", fix="ask for 1 or more people")
    resolved = model if isinstance(model, ResolvedModel) else resolve_pose_model(model)
    frames_source: FrameSource
    if isinstance(source, (str, Path, int)):
        frames_source = open_video_source(source, max_frames=max_frames, duration_s=duration_s)
    else:
        frames_source = source
    tracker = tracker or PersonTracker()
    times: list[float] = []
    width = height = 0
    frames_with_person = 0
    errors: list[MotionRehabError] = []
    total = frames_source.frame_count if max_frames is None else min(max_frames, frames_source.frame_count or max_frames)
    with PoseEstimator(resolved.path, num_poses=max_people) as estimator:
        try:
            for frame in frames_source:
                if not times:
                    height, width = frame.image_bgr.shape[:2]
                if frame.image_bgr.shape[:2] != (height, width):
                    raise InputFileError(
                        f"the image size changed from {width}x{height} to {frame.width_px}x{frame.height_px}",
                        where=f"{frames_source.description}, frame {frame.index}",
                        fix="record with a fixed resolution",
                    )
                detections = estimator.detect(frame.image_bgr, frame.t_s)
                frames_with_person += bool(detections)
                tracker.update(len(times), frame.t_s, detections)
                times.append(frame.t_s)
                if progress is not None:
                    progress(len(times), total)
        except InputFileError as error:
            if not times:
                raise
            errors.append(error)
        finally:
            close = getattr(frames_source, "close", None)
            if callable(close):
                close()
    description = frames_source.description
    if not times:
        raise InputFileError("no frame could be read from the video", where=description, fix="check that the file plays in a video player")
    if frames_with_person == 0:
        raise UnusableViewError(
            f"no person was detected in any of the {len(times)} frames",
            where=description,
            fix="film the person with the whole body in view, in good light, facing or side-on to the camera",
        )
    t_s = np.asarray(times, dtype=np.float64)
    rate = frames_source.frame_rate_hz
    if not (rate > 0 and math.isfinite(rate)):
        rate = float(1.0 / np.median(np.diff(t_s))) if t_s.size > 1 else 30.0
    min_frames = min(MIN_TRACK_FRAMES, len(times))
    # pieces of one person (hidden, or out of the picture for a while) become one track, so
    # that max_people counts people, not fragments
    people = join_fragments(tracker.tracks_, t_s, joiner)
    raw = [
        track_to_pose_track(frames, t_s, person_id=track_id, image_width_px=width, image_height_px=height, frame_rate_hz=rate, source=description)
        for track_id, frames in people.items()
        if len(frames) >= min_frames
    ]
    if not raw:  # only fleeting detections: keep the longest
        track_id, frames = max(people.items(), key=lambda item: len(item[1]))
        raw = [track_to_pose_track(frames, t_s, person_id=track_id, image_width_px=width, image_height_px=height, frame_rate_hz=rate, source=description)]
    ranked = choose_patient(raw).people[:max_people]
    by_id = {track.person_id: track for track in raw}
    tracks = tuple(by_id[summary.person_id].replace(person_id=new_id) for new_id, summary in enumerate(ranked))
    choice = choose_patient(tracks)
    return PoseEstimationResult(
        tracks=tracks,
        patient_id=choice.person_id,
        patient_reason=choice.reason,
        frames_read=len(times),
        frames_with_person=frames_with_person,
        errors=tuple(errors),
        source=description,
        model_path=resolved.path,
    )
