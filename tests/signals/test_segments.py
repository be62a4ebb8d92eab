import numpy as np

from motionrehab.sensors import ImuRecording
from motionrehab.signals.segments import find_holes, split_at_holes


def _recording(t, acc=None):
    acc = np.tile([0.0, 0.0, 9.81], (t.size, 1)) if acc is None else acc
    return ImuRecording(t_s=t, acc_m_s2=acc, gyr_deg_s=np.zeros((t.size, 3)), placement="foot")


def test_no_hole_returns_the_same_recording():
    rec = _recording(np.arange(1000) / 100.0)
    assert split_at_holes(rec) == ([rec], [])


def test_missing_rows_and_nan_rows_both_split_and_short_pieces_are_reported():
    t = np.concatenate([np.arange(0, 10, 0.01), np.arange(14, 15, 0.01), np.arange(15.3, 30, 0.01)])
    acc = np.tile([0.0, 0.0, 9.81], (t.size, 1))
    acc[(t > 20) & (t < 23)] = np.nan  # a 3 s run of empty cells
    holes = find_holes(_recording(t, acc))
    assert [round(h.duration_s, 2) for h in holes] == [4.01, 3.01]  # the 0.3 s drop-out is bridged
    segments, notes = split_at_holes(_recording(t, acc))
    assert [(round(s.t_s[0], 2), round(s.t_s[-1], 2)) for s in segments] == [(0.0, 9.99), (14.0, 20.0), (23.01, 29.99)]
    assert "analysed as 3 separate segments" in notes[0]
    segments, notes = split_at_holes(_recording(t, acc), min_segment_s=6.5)
    assert len(segments) == 2 and "14.0-20.0 s is shorter than 6.5 s: left out" in notes[1]
