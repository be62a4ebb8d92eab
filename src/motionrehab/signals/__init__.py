"""Signals: filtering, gap filling, outlier rejection, left/right swap repair, resampling, orientation.

Consumes PoseTrack and ImuRecording; returns the same types cleaned, or plain arrays.
"""
