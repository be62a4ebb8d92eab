"""Cleaning a pose track before angles are measured: one offline pipeline, one live counterpart.

Offline (``clean_pose_track``), in this order, each step for a reason:
1. left/right swap repair (swaps.py): a swapped frame would look like a huge jump to
   every later step;
2. visibility gating (gaps.py): landmarks the model barely sees become missing;
3. Hampel outlier rejection per coordinate (filters.py): single-frame jumps;
4. short-gap filling (gaps.py): gaps up to 0.25 s interpolated, longer ones reported;
5. zero-phase Butterworth low-pass (filters.py) on a uniform time base (irregular
   tracks are resampled first, resample.py): 6 Hz by default (Winter, for walking), or
   ``cutoff_hz="auto"``: Winter's residual analysis picks it from the data, no lower than
   1 Hz; the exercise measures (hinge, SLR) use "auto".
Live (``LivePoseSmoother``): swap repair and gating per frame, then a causal one-euro
filter; no look-ahead, so it can run as each frame arrives.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from motionrehab.capture.landmarks import LANDMARK_NAMES
from motionrehab.capture.pose_track import PoseTrack
from motionrehab.errors import InvalidDataError
from motionrehab.signals.filters import (
    DEFAULT_CUTOFF_HZ,
    OneEuroFilter,
    hampel,
    lowpass_zero_phase,
    residual_cutoff_hz,
)
from motionrehab.signals.gaps import (
    DEFAULT_MAX_GAP_S,
    DEFAULT_MIN_VISIBILITY,
    Gap,
    fill_short_gaps,
    gate_by_visibility,
)
from motionrehab.signals.resample import resample_pose_track
from motionrehab.signals.swaps import SwapRepairer, repair_swaps

FloatArray = NDArray[np.float64]


#: the lowest cutoff residual analysis may choose ("auto"): slow exercise tempo is 1-3 s per
#: phase, so 1 Hz keeps its movement (a minimum-jerk 2-s phase loses < 0.1 deg) while the
#: noise line of landmark jitter would otherwise pull the choice lower still
AUTO_CUTOFF_FLOOR_HZ = 1.0

@dataclass(frozen=True)
class CleaningReport:
    """What cleaning changed.

    Attributes:
        swapped_frames: indices of frames whose left/right labels were exchanged back.
        outliers_removed: number of coordinates replaced by the Hampel filter.
        gaps_left: gaps longer than the fill limit (still missing), per landmark.
        resampled_to_hz: the uniform rate the track was resampled to, or None if it was uniform.
        cutoff_hz: low-pass cutoff used.
    """

    swapped_frames: tuple[int, ...]
    outliers_removed: int
    gaps_left: tuple[Gap, ...]
    resampled_to_hz: float | None
    cutoff_hz: float


def _is_uniform(t_s: FloatArray, tolerance: float = 0.05) -> bool:
    if t_s.size < 3:
        return True
    steps = np.diff(t_s)
    return bool(np.max(np.abs(steps - np.median(steps))) <= tolerance * np.median(steps))


def check_cutoff_hz(cutoff_hz: object, sample_rate_hz: float, where: str = "cutoff_hz") -> float:
    """A low-pass cutoff that makes physical sense: a finite number of Hz above 0 and below Nyquist (half the rate)."""
    nyquist = sample_rate_hz / 2.0
    fix = f"give a cutoff between 0 and {nyquist:g} Hz (half the {sample_rate_hz:g} Hz frame rate), e.g. 6, or 'auto'"
    if isinstance(cutoff_hz, bool) or not isinstance(cutoff_hz, (int, float)):
        raise InvalidDataError(f"'{cutoff_hz}' is not a number of Hz", where=where, fix=fix)
    if not math.isfinite(cutoff_hz) or not 0 < cutoff_hz < nyquist:
        raise InvalidDataError(f"a cutoff of {cutoff_hz:g} Hz is not between 0 and the Nyquist frequency ({nyquist:g} Hz)", where=where, fix=fix)
    return float(cutoff_hz)


def clean_pose_track(
    track: PoseTrack,
    *,
    min_visibility: float = DEFAULT_MIN_VISIBILITY,
    max_gap_s: float = DEFAULT_MAX_GAP_S,
    cutoff_hz: float | str = DEFAULT_CUTOFF_HZ,
    hampel_window: int = 7,
    hampel_sigmas: float = 3.0,
) -> tuple[PoseTrack, CleaningReport]:
    """The offline cleaning pipeline (see the module docstring). Returns the cleaned track and a report."""
    if cutoff_hz != "auto":
        check_cutoff_hz(cutoff_hz, track.frame_rate_hz)
    resampled_to = None
    if not _is_uniform(track.t_s):
        resampled_to = float(track.frame_rate_hz)
        track = resample_pose_track(track, resampled_to, max_gap_s=max_gap_s)
    landmarks, visibility, swapped = repair_swaps(track.landmarks_px, track.visibility)
    landmarks = gate_by_visibility(landmarks, visibility, min_visibility)
    flat = landmarks.reshape(track.n_frames, -1)
    flat, outliers = hampel(flat, window=hampel_window, n_sigmas=hampel_sigmas)
    names = [f"{name}_{axis}" for name in LANDMARK_NAMES for axis in ("x", "y")]
    flat, gaps = fill_short_gaps(track.t_s, flat, max_gap_s, names)
    rate = track.frame_rate_hz if resampled_to is None else resampled_to
    if cutoff_hz == "auto":
        # Winter's residual analysis on the trunk and leg landmarks (shoulders to feet)
        body = [i for i, name in enumerate(names) if name.split("_")[1] in ("shoulder", "hip", "knee", "ankle", "heel", "foot")]
        cutoff_hz = residual_cutoff_hz(flat[:, body], rate, lowest_hz=AUTO_CUTOFF_FLOOR_HZ)
    else:
        cutoff_hz = check_cutoff_hz(cutoff_hz, rate)
    flat = lowpass_zero_phase(flat, rate, cutoff_hz)
    cleaned = track.replace(landmarks_px=flat.reshape(track.n_frames, -1, 2), visibility=visibility)
    # one gap per landmark is enough for the report (x and y go missing together)
    per_landmark = {(g.series.rsplit("_", 1)[0], g.t_start_s): g for g in gaps}
    report_gaps = tuple(
        Gap(name, g.t_start_s, g.t_end_s, g.n_frames) for (name, _), g in sorted(per_landmark.items(), key=lambda kv: (kv[1].t_start_s, kv[0][0]))
    )
    report = CleaningReport(
        swapped_frames=tuple(int(i) for i in swapped),
        outliers_removed=int(outliers.sum()),
        gaps_left=report_gaps,
        resampled_to_hz=resampled_to,
        cutoff_hz=cutoff_hz,
    )
    return cleaned, report


class LivePoseSmoother:
    """Per-frame cleaning for live use: swap repair, visibility gating, one-euro smoothing."""

    def __init__(self, *, min_visibility: float = DEFAULT_MIN_VISIBILITY, min_cutoff_hz: float = 1.0, beta: float = 0.05) -> None:
        self.min_visibility = min_visibility
        self._swaps = SwapRepairer()
        self._filter = OneEuroFilter(min_cutoff_hz=min_cutoff_hz, beta=beta)
        self.swapped_frames = 0

    def update(self, t_s: float, landmarks_px: FloatArray, visibility: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Clean one frame; returns (landmarks (33, 2) with NaN where hidden, visibility)."""
        frame, vis, swapped = self._swaps.update(landmarks_px, visibility)
        self.swapped_frames += swapped
        gated = gate_by_visibility(frame[None], vis[None], self.min_visibility)[0]
        return self._filter.update(t_s, gated), vis
