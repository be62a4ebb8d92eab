"""Drawing the skeleton on frames, and writing a video with it (``motionrehab pose --overlay``).

``draw_skeleton`` draws one person's bones (landmarks.SKELETON_EDGES) and joints on a BGR
image in place; the live session reuses it. The overlay video holds images of the person,
so it is written with owner-only permissions like every other health record, and only
when the user asks for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np
from numpy.typing import NDArray

from motionrehab._files import private_output_path
from motionrehab.capture.landmarks import SKELETON_EDGES
from motionrehab.capture.pose_track import PoseTrack
from motionrehab.capture.video import VideoFile
from motionrehab.errors import InputFileError

#: BGR colours by person id (patient first: green), cycling
PERSON_COLOURS_BGR: tuple[tuple[int, int, int], ...] = ((60, 200, 60), (0, 160, 255), (255, 120, 0), (200, 0, 200))


def draw_skeleton(
    image_bgr: NDArray[np.uint8],
    landmarks_px: NDArray[np.float64],
    visibility: NDArray[np.float64] | None = None,
    *,
    colour_bgr: tuple[int, int, int] = PERSON_COLOURS_BGR[0],
    min_visibility: float = 0.5,
    label: str | None = None,
) -> None:
    """Draw bones and joints of one person on ``image_bgr`` in place.

    Args:
        image_bgr: the frame (BGR, uint8), modified in place.
        landmarks_px: (33, 2) pixels; NaN landmarks are skipped.
        visibility: (33,) or None; landmarks below ``min_visibility`` are skipped.
        colour_bgr: line colour.
        min_visibility: the least visibility (0-1) a landmark needs to be drawn.
        label: text drawn above the head (e.g. 'patient').
    """
    shown: NDArray[np.bool_] = np.asarray(np.isfinite(landmarks_px).all(axis=1), dtype=bool)
    if visibility is not None:
        shown &= np.nan_to_num(visibility, nan=0.0) >= min_visibility
    scale = max(image_bgr.shape[:2]) / 1000.0
    thickness = max(1, round(3 * scale))
    points = np.round(np.nan_to_num(landmarks_px)).astype(int)
    for a, b in SKELETON_EDGES:
        if shown[a] and shown[b]:
            cv2.line(image_bgr, tuple(points[a]), tuple(points[b]), colour_bgr, thickness, cv2.LINE_AA)
    for i in np.flatnonzero(shown):
        cv2.circle(image_bgr, tuple(points[i]), thickness + 1, (255, 255, 255), -1, cv2.LINE_AA)
    if label and shown.any():
        top = points[shown][np.argmin(points[shown][:, 1])]
        origin = (int(top[0]), max(int(top[1] - 12 * scale), 12))
        cv2.putText(image_bgr, label, origin, cv2.FONT_HERSHEY_SIMPLEX, 0.8 * scale, colour_bgr, thickness, cv2.LINE_AA)


def write_overlay_video(video_path: str | Path, tracks: Sequence[PoseTrack], out_path: str | Path, *, patient_id: int | None = 0) -> int:
    """Decode ``video_path`` again and write it to ``out_path`` (MP4) with every track drawn.

    Returns the number of frames written. Frames are matched to track rows by index.
    """
    out = Path(out_path)
    source = VideoFile(video_path, max_frames=max((t.n_frames for t in tracks), default=None))
    fps = source.frame_rate_hz or (tracks[0].frame_rate_hz if tracks else 30.0)
    writer: cv2.VideoWriter | None = None
    written = 0
    # OpenCV opens files by name: it writes an owner-only temporary file beside ``out``, renamed
    # over it when complete (a symlink planted at ``out`` is replaced, never written through).
    with private_output_path(out) as temp:
        try:
            for frame in source:
                image = frame.image_bgr.copy()
                if writer is None:
                    writer = cv2.VideoWriter(str(temp), cv2.VideoWriter.fourcc(*"mp4v"), fps, (frame.width_px, frame.height_px))
                    if not writer.isOpened():
                        raise InputFileError("cannot write the overlay video", where=str(out), fix="give a writable path ending in .mp4 or .mkv")
                for track in tracks:
                    if frame.index < track.n_frames:
                        label = "patient" if track.person_id == patient_id else f"person {track.person_id}"
                        colour = PERSON_COLOURS_BGR[track.person_id % len(PERSON_COLOURS_BGR)]
                        draw_skeleton(image, track.landmarks_px[frame.index], track.visibility[frame.index], colour_bgr=colour, label=label)
                writer.write(image)
                written += 1
        finally:
            if writer is not None:
                writer.release()
    return written
