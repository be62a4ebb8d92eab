"""Sensors: Bluetooth LE inertial sensors, their recordings and the ImuRecording type.

First stage of the data flow beside capture/. Produces ImuRecording.
"""

from motionrehab.sensors.imu_recording import AXIS_CONVENTIONS, PLACEMENTS, ImuRecording

__all__ = ["AXIS_CONVENTIONS", "PLACEMENTS", "ImuRecording"]
