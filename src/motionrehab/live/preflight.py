"""Checks a camera-guided session makes before anything is written, and how a session that measured nothing is kept.

Before the check-in is asked or stored: the pose model is found, the video file or camera
gives a first frame, a window can be opened (or ``--headless`` is needed), and the overlay
video's name is usable. A problem found here stops the session with one clear error and
nothing in the store.

After the exercise: a session in which no repetition was measured is stored as ``failed``
with the reason, and never counts toward adherence (the store leaves failed sessions out
of what the program layer reads).

The overlay video is written as Matroska (``.mkv``) when so named: a Matroska file stays
playable up to its last written frame after a crash or kill -9. An MP4 keeps its index at
the end and is unreadable if the session is killed, which is said before it starts.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

from motionrehab._files import refuse_overwrite
from motionrehab.errors import InputFileError, InvalidDataError

OVERLAY_SUFFIXES = (".mkv", ".mp4")


def check_display(headless: bool, *, environ: Mapping[str, str] | None = None, platform: str | None = None) -> None:
    """Raise InvalidDataError when a window is wanted but there is no display to show it on (Linux/BSD without X11 or Wayland).

    Without this check OpenCV's Qt window aborts the process (exit 134), leaving the session open.
    """
    if headless:
        return
    env = os.environ if environ is None else environ
    system = sys.platform if platform is None else platform
    if system.startswith(("linux", "freebsd", "openbsd")) and not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")):
        raise InvalidDataError("no display to open the session window on (DISPLAY and WAYLAND_DISPLAY are not set)", where="session",
                               fix="add --headless (events as JSON lines, the overlay to --overlay FILE.mkv), or run it in a desktop session")  # fmt: skip


def check_overlay_path(path: Path | None, *, force: bool) -> str | None:
    """Check the overlay video's name before the session; returns a warning to show, or None.

    Refuses an existing file without ``force`` and a name that is not .mkv or .mp4. An .mp4
    name gets a warning: its frames are lost if the session is killed.
    """
    if path is None:
        return None
    if path.suffix.lower() not in OVERLAY_SUFFIXES:
        raise InvalidDataError(f"the overlay video must end in .mkv or .mp4, not '{path.suffix}'", where=f"--overlay {path}",
                               fix="name it e.g. session.mkv (kept playable even if the session is cut off)")  # fmt: skip
    refuse_overwrite(path, force=force, option="--overlay")
    if path.suffix.lower() == ".mp4":
        return (f"{path}: an MP4 is unreadable if the session is killed or the power fails (its index is written at the end); "
                "name it .mkv to keep what was recorded")  # fmt: skip
    return None


def check_video_source(source_path: Path) -> None:
    """Raise InputFileError unless ``source_path`` is a video with at least one readable frame (zero-byte and truncated files fail here)."""
    from motionrehab.capture.video import VideoFile

    video = VideoFile(source_path, max_frames=1)
    try:
        first = next(iter(video), None)
    except InputFileError:
        first = None
    if first is None:
        raise InputFileError("the video has no readable frame (empty, truncated or corrupt)", where=str(source_path),
                             fix="copy the file again from the camera or phone, or use --camera INDEX")  # fmt: skip


def check_camera(index: int) -> None:
    """Raise InputFileError unless camera ``index`` opens and gives a frame."""
    from motionrehab.capture.video import Camera

    with Camera(index, max_frames=1) as camera:
        if next(iter(camera), None) is None:
            raise InputFileError(f"camera {index} gives no picture", where=f"camera {index}", fix="check that no other program uses it, or try --camera 1")


def preflight_session(*, camera: int | None, source_path: Path | None, pose_model: Path | None, headless: bool, overlay_path: Path | None,
                      force: bool = False) -> str | None:  # fmt: skip
    """Every check above, in order of cost; returns the overlay warning (or None). Nothing is written."""
    check_display(headless)
    warning = check_overlay_path(overlay_path, force=force)
    from motionrehab.capture.model_files import resolve_pose_model

    resolve_pose_model(pose_model)
    if source_path is not None:
        check_video_source(source_path)
    else:
        check_camera(0 if camera is None else camera)
    return warning


def failure_reason(repetitions: int, frames_analysed: int, capture_error: str | None, error: BaseException | None = None) -> str | None:
    """Why a session measured nothing (None when it measured at least one repetition)."""
    if repetitions > 0:
        return None
    if error is not None:
        return f"stopped by an error before any repetition: {' '.join(str(error).split())}"
    if frames_analysed == 0:
        return "no frame could be analysed" + (f" ({capture_error})" if capture_error else "")
    return f"no repetition was detected in {frames_analysed} analysed frames" + (f"; the video stopped early ({capture_error})" if capture_error else "")
