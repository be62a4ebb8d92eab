"""Video files and cameras as one small frame source: an iterator of timestamped BGR frames.

Every source yields ``VideoFrame`` objects (frame index, time in seconds, the image in
OpenCV's BGR order). Files take each frame's time from the container
(``CAP_PROP_POS_MSEC``, the presentation time stamp), so variable-frame-rate recordings
keep their real timing; cameras take it from a monotonic clock started at the first frame.
Rotation metadata (phones record portrait video as landscape plus a rotation tag) is
applied by OpenCV's FFmpeg backend (``CAP_PROP_ORIENTATION_AUTO``), so images arrive
upright and image sizes are those of the upright picture.

Bad files fail with specific errors: a missing file, a file that is not a video, and a
truncated or corrupt video. For the last, every frame that could be decoded is yielded
first, and the error (with the number of frames read) is raised after them, so nothing
already read is lost.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Protocol

import cv2
import numpy as np
from numpy.typing import NDArray

from motionrehab.errors import InputFileError

#: a file whose decoding stops this many frames (or more) before the container's frame count is
#: reported as truncated; containers without an exact count may be off by a frame or two.
TRUNCATION_SLACK_FRAMES = 2

# First bytes of common video containers: lets us tell "not a video" from "a damaged video".
_VIDEO_SIGNATURES: tuple[tuple[int, bytes], ...] = (
    (4, b"ftyp"),  # MP4 / MOV / 3GP
    (4, b"moov"),
    (4, b"mdat"),
    (4, b"free"),
    (4, b"wide"),
    (0, b"RIFF"),  # AVI
    (0, b"\x1a\x45\xdf\xa3"),  # Matroska / WebM
    (0, b"OggS"),
    (0, b"FLV"),
    (0, b"\x00\x00\x01\xba"),  # MPEG-PS
    (0, b"G"),  # MPEG-TS sync byte (weak; checked last)
)


@dataclass(frozen=True, eq=False)
class VideoFrame:
    """One decoded frame.

    Attributes:
        index: frame number in the source, 0-based.
        t_s: presentation time in seconds from the start of the source.
        image_bgr: (height, width, 3) uint8 image in OpenCV's BGR channel order, upright.
    """

    index: int
    t_s: float
    image_bgr: NDArray[np.uint8]

    @property
    def width_px(self) -> int:
        """Image width in pixels."""
        return int(self.image_bgr.shape[1])

    @property
    def height_px(self) -> int:
        """Image height in pixels."""
        return int(self.image_bgr.shape[0])


class FrameSource(Protocol):
    """Anything that yields ``VideoFrame`` in time order: a file, a camera, frames in memory.

    ``frame_rate_hz`` is the nominal rate (0 when unknown), ``frame_count`` the expected
    number of frames (None for cameras and unknown), ``description`` names the source.
    """

    description: str
    frame_rate_hz: float
    frame_count: int | None

    def __iter__(self) -> Iterator[VideoFrame]:
        """Yield frames in time order."""
        ...


def _looks_like_video(path: Path) -> bool:
    with path.open("rb") as handle:
        head = handle.read(16)
    return any(head[offset : offset + len(sig)] == sig for offset, sig in _VIDEO_SIGNATURES)


class VideoFile:
    """Frames of a video file, decoded with OpenCV (FFmpeg backend).

    Args:
        path: the video file.
        max_frames: stop after this many frames (None: all).

    Raises (on construction):
        InputFileError: the file is missing, is a folder, is not a video, or cannot be opened
        (e.g. an MP4 cut short before its index was written).

    Iterating yields every decodable frame, then raises InputFileError if decoding stopped
    well before the container's frame count (a truncated or corrupt file); ``frames_read``
    holds how many frames were yielded.
    """

    def __init__(self, path: str | Path, *, max_frames: int | None = None) -> None:
        self.path = Path(path)
        self.description = str(self.path)
        self.max_frames = max_frames
        self.frames_read = 0
        where = str(self.path)
        if not self.path.exists():
            raise InputFileError("video file not found", where=where, fix="check the path and file name")
        if self.path.is_dir():
            raise InputFileError("this is a folder, not a video file", where=where, fix="give the path of a video file")
        try:
            is_video = _looks_like_video(self.path)
        except OSError as error:
            raise InputFileError(f"cannot read the file ({error.strerror})", where=where, fix="check its permissions") from error
        capture = cv2.VideoCapture(str(self.path), cv2.CAP_FFMPEG)
        if not capture.isOpened():
            capture.release()
            if not is_video or self.path.stat().st_size == 0:
                raise InputFileError(
                    "not a video file (no known video container header)",
                    where=where,
                    fix="give a video file (MP4, MOV, AVI, MKV, WebM) recorded by a camera or phone",
                )
            raise InputFileError(
                "the video cannot be opened: it looks truncated or corrupt (e.g. a recording cut off "
                "before the file was finished, so its index is missing)",
                where=where,
                fix="copy the file again from the camera or phone, or re-export it; "
                "an MP4 whose recording was interrupted usually cannot be repaired here",
            )
        capture.release()
        probe = cv2.VideoCapture(str(self.path), cv2.CAP_FFMPEG)
        fps = float(probe.get(cv2.CAP_PROP_FPS))
        count = int(probe.get(cv2.CAP_PROP_FRAME_COUNT))
        self.rotation_deg = int(probe.get(cv2.CAP_PROP_ORIENTATION_META))
        probe.release()
        self.frame_rate_hz = fps if np.isfinite(fps) and fps > 0 else 0.0
        self.frame_count: int | None = count if count > 0 else None

    def __iter__(self) -> Iterator[VideoFrame]:
        """Decode frames in order; raise InputFileError after the last one if the file ended early."""
        capture = cv2.VideoCapture(str(self.path), cv2.CAP_FFMPEG)
        # Apply the rotation tag so portrait phone videos arrive upright (OpenCV >= 4.5 FFmpeg backend).
        capture.set(cv2.CAP_PROP_ORIENTATION_AUTO, 1)
        self.frames_read = 0
        last_t_s = -np.inf
        try:
            while self.max_frames is None or self.frames_read < self.max_frames:
                ok, image = capture.read()
                if not ok or image is None:
                    break
                t_s = float(capture.get(cv2.CAP_PROP_POS_MSEC)) / 1000.0
                if not np.isfinite(t_s) or t_s <= last_t_s:
                    # No usable time stamp (or a repeated one): fall back on the nominal rate.
                    nominal = self.frames_read / self.frame_rate_hz if self.frame_rate_hz else last_t_s + 1e-3
                    t_s = max(nominal, last_t_s + 1e-6)
                last_t_s = t_s
                yield VideoFrame(index=self.frames_read, t_s=t_s, image_bgr=np.asarray(image, dtype=np.uint8))
                self.frames_read += 1
        finally:
            capture.release()
        expected = self.frame_count
        stopped_early = self.max_frames is None or self.frames_read < self.max_frames
        if stopped_early and expected is not None and self.frames_read < expected - TRUNCATION_SLACK_FRAMES:
            raise InputFileError(
                f"the video ended after {self.frames_read} of {expected} frames: the file is truncated "
                "or corrupt (the frames read so far were kept)",
                where=f"{self.path}, frame {self.frames_read}",
                fix="copy the file again from the camera or phone; the frames before the damage can be used as they are",
            )


class Camera:
    """Frames from a camera by OpenCV index (0 = the default webcam).

    Args:
        index: OpenCV camera index.
        max_frames: stop after this many frames; ``duration_s``: stop after this much time
            (at least one of them is needed for a finite run; None for both runs until closed).

    Times are seconds on a monotonic clock since the first frame. Raises InputFileError
    when the camera cannot be opened or stops delivering frames.
    """

    def __init__(self, index: int, *, max_frames: int | None = None, duration_s: float | None = None) -> None:
        self.index = int(index)
        self.description = f"camera {self.index}"
        self.max_frames = max_frames
        self.duration_s = duration_s
        self.frame_count: int | None = max_frames
        self.frames_read = 0
        self._capture = cv2.VideoCapture(self.index)
        if not self._capture.isOpened():
            self._capture.release()
            raise InputFileError(
                "the camera cannot be opened",
                where=self.description,
                fix="check that a camera is connected and not used by another program (try `motionrehab doctor`)",
            )
        fps = float(self._capture.get(cv2.CAP_PROP_FPS))
        self.frame_rate_hz = fps if np.isfinite(fps) and fps > 0 else 0.0

    def __iter__(self) -> Iterator[VideoFrame]:
        """Yield frames until max_frames or duration_s is reached or close() is called."""
        start: float | None = None
        self.frames_read = 0
        while self._capture.isOpened() and (self.max_frames is None or self.frames_read < self.max_frames):
            ok, image = self._capture.read()
            now = time.monotonic()
            if not ok or image is None:
                raise InputFileError(
                    f"the camera stopped delivering frames after {self.frames_read} frames",
                    where=self.description,
                    fix="check the camera's connection",
                )
            start = now if start is None else start
            if self.duration_s is not None and now - start > self.duration_s:
                break
            yield VideoFrame(index=self.frames_read, t_s=now - start, image_bgr=np.asarray(image, dtype=np.uint8))
            self.frames_read += 1

    def close(self) -> None:
        """Release the camera."""
        self._capture.release()

    def __enter__(self) -> Camera:
        """Use as a context manager to release the camera."""
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        """Release the camera."""
        self.close()


class FrameList:
    """Frames already in memory (benchmarks, tests, replays) as a frame source.

    Args:
        images_bgr: the images in BGR order, all the same size.
        t_s: their times in seconds (default: index / frame_rate_hz).
        frame_rate_hz: nominal frame rate.
        description: what the frames are.
    """

    def __init__(
        self,
        images_bgr: Sequence[NDArray[np.uint8]],
        *,
        frame_rate_hz: float,
        t_s: Sequence[float] | None = None,
        description: str = "frames in memory",
    ) -> None:
        self.images_bgr = list(images_bgr)
        self.frame_rate_hz = float(frame_rate_hz)
        self.t_s = [i / self.frame_rate_hz for i in range(len(self.images_bgr))] if t_s is None else list(t_s)
        self.description = description
        self.frame_count: int | None = len(self.images_bgr)

    def __iter__(self) -> Iterator[VideoFrame]:
        """Yield the frames in order."""
        for i, (image, t) in enumerate(zip(self.images_bgr, self.t_s, strict=True)):
            yield VideoFrame(index=i, t_s=float(t), image_bgr=image)


def open_video_source(source: str | Path | int, *, max_frames: int | None = None, duration_s: float | None = None) -> VideoFile | Camera:
    """A frame source for a file path or a camera index (an int, or a string of digits)."""
    if isinstance(source, int) or (isinstance(source, str) and source.isdigit() and not Path(source).exists()):
        return Camera(int(source), max_frames=max_frames, duration_s=duration_s)
    return VideoFile(source, max_frames=max_frames)


def read_frames(path: str | Path, indices: Sequence[int]) -> list[VideoFrame]:
    """Decode the frames with the given indices from a file (in order; decodes sequentially)."""
    wanted = set(indices)
    last = max(wanted)
    frames = [frame for frame in VideoFile(path, max_frames=last + 1) if frame.index in wanted]
    if len(frames) != len(wanted):
        raise InputFileError(f"only {len(frames)} of the {len(wanted)} requested frames exist", where=str(path))
    return frames
