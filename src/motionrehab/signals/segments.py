"""Holes in an inertial recording: split it into the stretches that can be analysed.

A Bluetooth sensor that drops out for a few seconds leaves either no rows (a jump in
time) or rows without values (NaN). Interpolating across seconds would invent motion, and
integrating through NaN poisons everything after it, so a hole longer than ``max_hole_s``
(default 0.5 s: shorter drop-outs are bridged by the resampling each detector does)
splits the recording. Each segment is analysed on its own; segments shorter than
``min_segment_s`` (default 2 s: less than two strides) are left out and reported.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from motionrehab.sensors.imu_recording import ImuRecording

DEFAULT_MAX_HOLE_S = 0.5
DEFAULT_MIN_SEGMENT_S = 2.0


@dataclass(frozen=True)
class Hole:
    """A stretch without usable samples.

    Attributes:
        t_start_s: time of the last good sample before the hole.
        t_end_s: time of the first good sample after it.
    """

    t_start_s: float
    t_end_s: float

    @property
    def duration_s(self) -> float:
        """Length of the hole (s)."""
        return self.t_end_s - self.t_start_s


def find_holes(recording: ImuRecording, max_hole_s: float = DEFAULT_MAX_HOLE_S) -> list[Hole]:
    """Holes longer than ``max_hole_s``: missing rows or rows whose acceleration is missing."""
    good = np.isfinite(recording.acc_m_s2).all(axis=1)
    t = recording.t_s[good]
    if t.size < 2:
        return []
    steps = np.diff(t)
    return [Hole(float(t[k]), float(t[k + 1])) for k in np.flatnonzero(steps > max_hole_s)]


def split_at_holes(
    recording: ImuRecording,
    *,
    max_hole_s: float = DEFAULT_MAX_HOLE_S,
    min_segment_s: float = DEFAULT_MIN_SEGMENT_S,
) -> tuple[list[ImuRecording], list[str]]:
    """The recording's segments between holes, and a note per hole and per dropped segment.

    A recording without holes comes back as a one-element list holding the same object
    and no notes.
    """
    holes = find_holes(recording, max_hole_s)
    if not holes:
        return [recording], []
    good = np.isfinite(recording.acc_m_s2).all(axis=1)
    t = recording.t_s
    firsts = [float(t[0])] + [h.t_end_s for h in holes]
    lasts = [h.t_start_s for h in holes] + [float(t[-1])]
    segments: list[ImuRecording] = []
    notes = [
        f"{len(holes)} hole(s) without samples ({', '.join(f'{h.duration_s:.1f} s at {h.t_start_s:.1f} s' for h in holes)}): "
        f"the recording is analysed as {len(holes) + 1} separate segments"
    ]
    for first, last in zip(firsts, lasts, strict=True):
        # a segment runs from the first good sample after one hole to the last before the next
        inside = np.flatnonzero(good & (t >= first) & (t <= last))
        if inside.size == 0:
            continue
        start, stop = int(inside[0]), int(inside[-1]) + 1
        if t[stop - 1] - t[start] < min_segment_s:
            notes.append(f"segment {t[start]:.1f}-{t[stop - 1]:.1f} s is shorter than {min_segment_s:g} s: left out")
            continue
        segments.append(
            replace(
                recording,
                t_s=t[start:stop],
                acc_m_s2=recording.acc_m_s2[start:stop],
                gyr_deg_s=recording.gyr_deg_s[start:stop],
                mag_uT=None if recording.mag_uT is None else recording.mag_uT[start:stop],
            )
        )
    return segments, notes
