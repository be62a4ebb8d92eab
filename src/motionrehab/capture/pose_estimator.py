"""MediaPipe Pose Landmarker (Tasks API) on BGR frames: people's landmarks in pixels.

The Tasks runtime expects RGB (``mp.ImageFormat.SRGB``) and does its own resizing and
normalisation from the model bundle's metadata; OpenCV decodes to BGR. Feeding BGR
degrades the landmarks silently, so ``PoseEstimator.detect`` always converts (guarded by
the golden tests in tests/capture/golden/).

Coordinates: MediaPipe's normalised x, y (0-1 of the image width/height) are converted to
pixels, x right, y down, origin top-left of the image as given. ``z`` is MediaPipe's
relative depth (unitless, origin at the hips' midpoint). World landmarks are metres,
origin between the hips, as MediaPipe gives them.
"""

from __future__ import annotations

import os
import sys
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

import cv2
import numpy as np
from numpy.typing import NDArray

from motionrehab.capture.landmarks import N_LANDMARKS
from motionrehab.capture.model_files import check_model_file
from motionrehab.errors import InvalidDataError, ModelNotFoundError

if TYPE_CHECKING:  # mediapipe (and the matplotlib it imports) loads only when a model is opened: `--help` stays fast
    from mediapipe.tasks.python import vision

FloatArray = NDArray[np.float64]

#: set this environment variable to see MediaPipe's own log lines (hidden otherwise)
SHOW_LOGS_VARIABLE = "MOTIONREHAB_MEDIAPIPE_LOGS"


@contextmanager
def _native_stderr_hidden() -> Iterator[None]:
    """Hide what MediaPipe's C++ runtime prints on the process's stderr.

    About 50 INFO/WARNING lines when a model loads and on the first frame; its errors still
    arrive as Python exceptions.
    """
    if os.environ.get(SHOW_LOGS_VARIABLE):
        yield
        return
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


@dataclass(frozen=True, eq=False)
class PoseDetection:
    """One person's landmarks in one frame, as the model gave them.

    Attributes:
        landmarks_px: (33, 2) x, y in pixels (x right, y down, origin top-left).
        visibility: (33,) MediaPipe visibility, 0-1.
        landmarks_z: (33,) MediaPipe relative depth, unitless.
        world_m: (33, 3) world landmarks in metres (origin between the hips) or None.
    """

    landmarks_px: FloatArray
    visibility: FloatArray
    landmarks_z: FloatArray
    world_m: FloatArray | None

    def bounding_box_px(self) -> tuple[float, float, float, float]:
        """(x_min, y_min, x_max, y_max) of the landmarks, pixels."""
        return self._box

    @cached_property
    def _box(self) -> tuple[float, float, float, float]:
        # cached: the tracker asks for it several times per frame
        low, high = self.landmarks_px.min(axis=0), self.landmarks_px.max(axis=0)
        return (float(low[0]), float(low[1]), float(high[0]), float(high[1]))

    def hip_midpoint_px(self) -> FloatArray:
        """(2,) midpoint of the two hips, pixels."""
        return np.asarray((self.landmarks_px[23] + self.landmarks_px[24]) / 2.0, dtype=np.float64)


class PoseEstimator:
    """MediaPipe's PoseLandmarker in VIDEO mode (files and cameras), used as a context manager.

    Args:
        model_path: the ``.task`` bundle (see ``model_files.resolve_pose_model``).
        num_poses: the most people to detect per frame.
        min_detection_confidence: MediaPipe's threshold for a pose detection (its default, 0.5).
        min_presence_confidence: MediaPipe's threshold for a pose's presence (its default, 0.5).
        min_tracking_confidence: MediaPipe's threshold for tracking between frames (its default, 0.5).

    Call ``detect(image_bgr, t_s)`` with strictly increasing times. Close it (``with`` or
    ``close()``): MediaPipe's own finaliser otherwise prints an error at interpreter exit.

    Raises:
        ModelNotFoundError: the model file is missing, unreadable or not a pose model.
    """

    def __init__(
        self,
        model_path: str | Path,
        *,
        num_poses: int = 2,
        min_detection_confidence: float = 0.5,
        min_presence_confidence: float = 0.5,
        min_tracking_confidence: float = 0.5,
    ) -> None:
        path = Path(model_path)
        check_model_file(path, str(path))
        if num_poses < 1:
            raise InvalidDataError(f"num_poses must be at least 1, got {num_poses}", fix="ask for 1 or more people")
        self.model_path = path
        self.num_poses = int(num_poses)
        import mediapipe as mp
        from mediapipe.tasks.python import vision
        from mediapipe.tasks.python.core.base_options import BaseOptions

        self._mp_image = mp.Image
        self._srgb = mp.ImageFormat.SRGB
        options = vision.PoseLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=str(path)),
            running_mode=vision.RunningMode.VIDEO,
            num_poses=self.num_poses,
            min_pose_detection_confidence=min_detection_confidence,
            min_pose_presence_confidence=min_presence_confidence,
            min_tracking_confidence=min_tracking_confidence,
            output_segmentation_masks=False,
        )
        try:
            with _native_stderr_hidden():
                self._landmarker: vision.PoseLandmarker | None = vision.PoseLandmarker.create_from_options(options)
        except (RuntimeError, ValueError, OSError, zipfile.BadZipFile) as error:
            raise ModelNotFoundError(
                f"MediaPipe could not load this pose model ({str(error).splitlines()[0][:200]})",
                where=str(path),
                fix="use the official pose_landmarker_{lite,full,heavy}.task file (download it again if it may be damaged)",
            ) from error
        self._last_ms = -1
        self._frames_seen = 0

    def detect_rgb(self, image_rgb: NDArray[np.uint8], t_s: float) -> list[PoseDetection]:
        """Detect people in an RGB image taken at ``t_s`` seconds (times strictly increasing)."""
        if self._landmarker is None:
            raise RuntimeError("PoseEstimator used after close()")
        height, width = image_rgb.shape[:2]
        # VIDEO mode needs strictly increasing integer milliseconds; keep order if two frames round alike.
        t_ms = max(int(round(t_s * 1000.0)), self._last_ms + 1)
        self._last_ms = t_ms
        image = self._mp_image(image_format=self._srgb, data=np.ascontiguousarray(image_rgb))
        if self._frames_seen:
            result = self._landmarker.detect_for_video(image, t_ms)
        else:  # the first frame logs the runtime's set-up
            with _native_stderr_hidden():
                result = self._landmarker.detect_for_video(image, t_ms)
        self._frames_seen += 1
        detections = []
        worlds = result.pose_world_landmarks or []
        for k, pose in enumerate(result.pose_landmarks):
            values = np.array([(lm.x, lm.y, lm.z, lm.visibility) for lm in pose], dtype=np.float64)
            values = np.nan_to_num(values, nan=np.nan, posinf=np.nan, neginf=np.nan)
            px = np.column_stack([values[:, 0] * width, values[:, 1] * height])
            world = None
            if k < len(worlds) and len(worlds[k]) == N_LANDMARKS:
                world = np.array([(lm.x, lm.y, lm.z) for lm in worlds[k]], dtype=np.float64)
            detections.append(
                PoseDetection(landmarks_px=px, visibility=np.clip(values[:, 3], 0.0, 1.0), landmarks_z=values[:, 2], world_m=world)
            )
        return detections

    def detect(self, image_bgr: NDArray[np.uint8], t_s: float) -> list[PoseDetection]:
        """Detect people in an OpenCV (BGR) image taken at ``t_s`` seconds; converts to RGB first."""
        return self.detect_rgb(np.asarray(cv2.cvtColor(image_bgr, cv2.COLOR_BGR2RGB), dtype=np.uint8), t_s)

    def close(self) -> None:
        """Release the model (idempotent)."""
        if self._landmarker is not None:
            with _native_stderr_hidden():
                self._landmarker.close()
            self._landmarker = None

    def __enter__(self) -> PoseEstimator:
        """Use as a context manager."""
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        """Close the model."""
        self.close()
