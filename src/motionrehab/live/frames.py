"""Frames for the live session: a capture thread that never waits for analysis.

A camera (or a file played as if it were one) produces frames at its own rate. Analysis
(pose inference + measures + overlay) may be slower. The capture thread therefore writes
each new frame into a one-place ``LatestFrameSlot``; the analysis loop takes the newest
frame when it is ready, and any frame it did not get to in time is dropped and counted.
Latency stays bounded (never more than one frame waiting) and memory stays constant,
whatever the speeds.

``lockstep=True`` is the exception used for tests and offline checks: the capture side
waits until the analysis has taken each frame, so every frame is analysed (nothing
dropped) with the same code path as live use.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray


@dataclass(frozen=True)
class LiveFrame:
    """One captured frame.

    Attributes:
        index: frame number in the source (0, 1, ...), counting dropped frames too.
        t_s: media time of the frame in seconds from the start of the source.
        captured_monotonic_s: ``time.monotonic()`` when the frame was captured (for latency).
        image_bgr: the image, OpenCV's BGR channel order, uint8 (height, width, 3).
    """

    index: int
    t_s: float
    captured_monotonic_s: float
    image_bgr: NDArray[np.uint8]


class LatestFrameSlot:
    """A one-place mailbox: ``put`` replaces an untaken frame (counting it dropped); ``take`` waits for one.

    With ``lockstep=True``, ``put`` instead waits until the previous frame was taken.
    """

    def __init__(self, *, lockstep: bool = False) -> None:
        self._lockstep = lockstep
        self._frame: LiveFrame | None = None
        self._closed = False
        self._condition = threading.Condition()
        self.frames_put = 0
        self.frames_dropped = 0

    def put(self, frame: LiveFrame) -> None:
        """Offer a new frame (called by the capture thread)."""
        with self._condition:
            if self._lockstep:
                while self._frame is not None and not self._closed:
                    self._condition.wait()
            elif self._frame is not None:
                self.frames_dropped += 1
            self._frame = frame
            self.frames_put += 1
            self._condition.notify_all()

    def close(self) -> None:
        """Mark the end of the stream: ``take`` returns None once the last frame is taken."""
        with self._condition:
            self._closed = True
            self._condition.notify_all()

    def take(self, timeout_s: float | None = None) -> LiveFrame | None:
        """The newest frame, waiting for one; None at the end of the stream (or on timeout)."""
        with self._condition:
            if not self._condition.wait_for(lambda: self._frame is not None or self._closed, timeout=timeout_s):
                return None
            frame, self._frame = self._frame, None
            self._condition.notify_all()
            return frame


def paced(frames: Iterable[tuple[float, NDArray[np.uint8]]], *, clock: Callable[[], float] = time.monotonic,
          sleep: Callable[[float], None] = time.sleep) -> Iterator[tuple[float, float, NDArray[np.uint8]]]:
    """Release ``(t_s, image)`` frames of a file at their own media times, as a camera would.

    Yields ``(t_s, captured_monotonic_s, image)``. Decoding that falls behind is not
    made up for by bursts: a late frame is released at once, the next one on schedule.
    """
    start: float | None = None
    first_t: float | None = None
    for t_s, image in frames:
        if start is None or first_t is None:
            start, first_t = clock(), t_s
        due = start + (t_s - first_t)
        wait = due - clock()
        if wait > 0:
            sleep(wait)
        yield t_s, clock(), image


class CaptureThread(threading.Thread):
    """Reads frames from a source into a LatestFrameSlot on its own thread.

    The source is an iterable of ``(t_s, captured_monotonic_s, image_bgr)``. Errors in the
    source (a corrupt file, a camera unplugged) are kept in ``error`` and end the stream
    cleanly, so the session can keep what it recorded and report them.
    """

    def __init__(self, source: Iterable[tuple[float, float, NDArray[np.uint8]]], slot: LatestFrameSlot) -> None:
        super().__init__(name="motionrehab-capture", daemon=True)
        self._source = source
        self._slot = slot
        self._stop_requested = threading.Event()
        self.error: BaseException | None = None
        self.frames_read = 0

    def stop(self) -> None:
        """Ask the thread to stop after the current frame."""
        self._stop_requested.set()
        self._slot.close()

    def run(self) -> None:
        """Read until the source ends, fails or a stop is requested."""
        try:
            for index, (t_s, captured, image) in enumerate(self._source):
                if self._stop_requested.is_set():
                    break
                self._slot.put(LiveFrame(index=index, t_s=t_s, captured_monotonic_s=captured, image_bgr=image))
                self.frames_read += 1
        except Exception as error:  # kept for the session to report; the stream ends cleanly
            self.error = error
        finally:
            self._slot.close()
