"""`motionrehab doctor`: what this machine has (Python, packages, pose model, speech engine, camera, OpenCV).

Reports everything, then exits 1 when the pose model is missing (nothing that measures from
video can run without it) and 0 otherwise; no speech engine or no camera is reported but is
not a failure (spoken cues are optional, a recorded video needs no camera). The camera check
opens index 0 in a worker thread and gives up after a few seconds, so a stuck camera driver
never hangs the command.
"""

from __future__ import annotations

import platform
import sys
import threading
from importlib import metadata

import click

from motionrehab import __version__
from motionrehab.errors import MotionRehabError

PACKAGES = ("numpy", "scipy", "mediapipe", "opencv-contrib-python", "bleak", "click", "platformdirs", "tqdm")
CAMERA_TIMEOUT_S = 3.0


def _package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def _camera_status(index: int = 0, timeout_s: float = CAMERA_TIMEOUT_S) -> str:
    found: list[str] = []

    def probe() -> None:
        import cv2

        # OpenCV logs every backend it tries when no camera exists; the one-line answer is enough.
        logging = getattr(getattr(cv2, "utils", None), "logging", None)
        if logging is not None:
            logging.setLogLevel(logging.LOG_LEVEL_SILENT)
        capture = cv2.VideoCapture(index)
        try:
            if not capture.isOpened():
                found.append(f"camera {index}: not available")
                return
            ok, image = capture.read()
            found.append(
                f"camera {index}: available ({image.shape[1]}x{image.shape[0]})" if ok and image is not None else f"camera {index}: opens but gives no frames"
            )
        finally:
            capture.release()

    worker = threading.Thread(target=probe, daemon=True)
    worker.start()
    worker.join(timeout_s)
    return found[0] if found else f"camera {index}: no answer within {timeout_s:.0f} s"


def _opencv_build_line() -> str:
    import cv2

    info = cv2.getBuildInformation()
    wanted = ("FFMPEG:", "V4L/V4L2:", "GStreamer:", "AVFoundation:", "DirectShow:", "Media Foundation:")
    io = [" ".join(line.split()) for line in info.splitlines() if line.strip().startswith(wanted)]
    return f"OpenCV {cv2.__version__}; video I/O: " + ("; ".join(io) if io else "unknown")


@click.command()
@click.option("--no-camera", is_flag=True, help="Skip the camera check.")
def doctor(no_camera: bool) -> None:
    """Report Python, package versions, the pose model, the speech engine, the camera and OpenCV's build."""
    from motionrehab.capture.model_files import resolve_pose_model
    from motionrehab.live.speech import describe_engine

    click.echo(f"motionrehab {__version__}")
    click.echo(f"Python {platform.python_version()} ({sys.executable}) on {platform.platform()}")
    for name in PACKAGES:
        click.echo(f"  {name}: {_package_version(name)}")
    model_missing = False
    try:
        model = resolve_pose_model(allow_download=False)
        click.echo(f"Pose model: found, {model.path} (from {model.origin})")
    except MotionRehabError as error:
        model_missing = True
        click.echo(f"Pose model: NOT FOUND. {error.what}. How to fix: {error.fix}")
    try:
        click.echo(f"Speech engine (spoken cues, optional): {describe_engine()}")
    except MotionRehabError as error:
        click.echo(f"Speech engine (spoken cues, optional): none. {error.what}. How to fix: {error.fix}")
    click.echo("Camera: skipped" if no_camera else f"Camera: {_camera_status()}")
    click.echo(_opencv_build_line())
    if model_missing:
        click.echo("doctor: the pose model is missing, so nothing can be measured from video (see 'Pose model' above)", err=True)
        raise click.exceptions.Exit(1)
