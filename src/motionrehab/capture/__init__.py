"""Capture: video and camera frames, MediaPipe pose landmarks, and the PoseTrack type.

First stage of the data flow. Produces PoseTrack; knows nothing of later stages.
"""

from motionrehab.capture.landmarks import LANDMARK_INDEX, LANDMARK_NAMES, N_LANDMARKS
from motionrehab.capture.pose_csv import read_pose_csv, write_pose_csv
from motionrehab.capture.pose_track import PoseTrack

__all__ = ["LANDMARK_INDEX", "LANDMARK_NAMES", "N_LANDMARKS", "PoseTrack", "read_pose_csv", "write_pose_csv"]
