"""Kinematics: joint and segment angles from pose landmarks and inertial sensors, camera calibration.

Every angle is defined once, in angles.py, with its landmarks, plane and sign.
"""

from motionrehab.kinematics.angle_table import AngleTable

__all__ = ["AngleTable"]
