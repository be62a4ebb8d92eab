"""From a patient's pose track to angles: clean, calibrate the camera roll, measure.

The one path every analysis takes (the ``angles`` command, each exercise measure, the demo),
so a recording gives the same angles whichever command reads it.
"""

from __future__ import annotations

from dataclasses import dataclass

from motionrehab.capture.pose_track import PoseTrack
from motionrehab.errors import UnusableViewError
from motionrehab.kinematics.angle_table import AngleTable
from motionrehab.kinematics.angles import BodyFrame, body_frame_for, compute_angles
from motionrehab.kinematics.calibration import (
    NO_CALIBRATION,
    CameraCalibration,
    estimate_roll,
    still_frames,
    still_posture,
)
from motionrehab.signals.cleaning import CleaningReport, clean_pose_track


@dataclass(frozen=True)
class AngleMeasurement:
    """Angles of one person and how they were obtained.

    Attributes:
        angles: every angle per frame (see kinematics.angles for definitions).
        cleaned: the cleaned track the angles were measured on.
        cleaning: what cleaning did (swaps, outliers, gaps left, cutoff).
        calibration: the camera roll used.
        calibration_note: one sentence: where the roll came from.
        body_frame: facing and posture found.
    """

    angles: AngleTable
    cleaned: PoseTrack
    cleaning: CleaningReport
    calibration: CameraCalibration
    calibration_note: str
    body_frame: BodyFrame


def calibrate_roll(track: PoseTrack) -> tuple[CameraCalibration, str]:
    """Estimate the camera roll from a still standing or lying stretch; roll 0 (said so) when there is none.

    The posture is the still stretch's own (kinematics.calibration.still_posture), not the
    shanks' (a bridge has vertical shanks while lying).
    """
    try:
        calibration = estimate_roll(track)
    except UnusableViewError:
        postures = set(still_posture(track)[still_frames(track)].tolist())
        seen = "no still stretch of 1 s" if not postures else "no still standing or lying stretch of 1 s (sitting or kneeling)"
        return NO_CALIBRATION, f"{seen} found: the camera was assumed level (roll 0 deg)"
    return calibration, f"camera roll {calibration.camera_roll_deg:+.1f} deg, estimated from a still {calibration.method} stretch"


def measure_angles(
    track: PoseTrack, calibration: CameraCalibration | None = None, *, cutoff_hz: float | str = "auto", lying: bool | None = None
) -> AngleMeasurement:
    """Clean ``track``, find the camera roll (unless ``calibration`` is given) and measure every angle.

    Args:
        track: one person's landmarks as the pose pipeline (or the synthetic generator) gives them.
        calibration: a saved camera profile; None estimates the roll from the recording.
        cutoff_hz: low-pass cutoff for cleaning, Hz, or "auto" (Winter's residual analysis).
        lying: the posture when the exercise knows it (a bridge is lying with vertical shanks);
            None decides from the recording (kinematics.angles.body_frame_for).
    """
    cleaned, report = clean_pose_track(track, cutoff_hz=cutoff_hz)
    if calibration is None:
        calibration, note = calibrate_roll(cleaned)
    else:
        note = f"camera roll {calibration.camera_roll_deg:+.1f} deg from the calibration profile ({calibration.method})"
    frame = body_frame_for(cleaned, calibration, lying=lying)
    angles = compute_angles(cleaned, calibration, frame=frame)
    return AngleMeasurement(angles=angles, cleaned=cleaned, cleaning=report, calibration=calibration, calibration_note=note, body_frame=frame)
