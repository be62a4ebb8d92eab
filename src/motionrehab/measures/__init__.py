"""Measures: one module per exercise or test (hip hinge, SLR, slump, gait, walking distance).

A measure takes a PoseTrack, ImuRecording or AngleTable and parameters and returns a typed
result. It does not open files, print, or touch the database.
"""
