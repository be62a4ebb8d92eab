"""Gait from side-view video pose tracks (Zeni et al. 2008 events), with a length scale.

Person selection: when several people are tracked, the one who walks is the track with
the most gait events (periodic heel/toe motion relative to the pelvis), ties broken by
the larger horizontal pelvis travel; the choice and its reason go into ``notes``.

Lengths need a scale, never guessed (docs/clinical-terms.md section 1, Video):
- ``px_per_m`` from a calibration profile (a marker of known size in the walking plane);
- ``height_m``: the subject's height; the heel-to-eye height in pixels is 0.936 of
  stature when upright (Winter, Biomechanics and Motor Control of Human Movement, 4th
  ed. 2009, fig. 4.1 segment lengths: eye height 0.936 H), taken as the 90th percentile
  over frames (the upright moments of walking);
- ``treadmill_speed_m_s``: stride length = belt speed x stride time.
Overground, stride length is the heel's horizontal displacement between consecutive
placements of the same foot (its median position in early stance after each IC, on the
cleaned track), divided by px_per_m. Without a scale, lengths are None.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

import numpy as np
from numpy.typing import NDArray

from motionrehab.capture.landmarks import LANDMARK_INDEX
from motionrehab.capture.pose_track import PoseTrack
from motionrehab.errors import InvalidDataError
from motionrehab.events.gait_events import GaitEvents, VideoGaitEvents, ZeniEventDetector
from motionrehab.measures.gait import GaitResult, Stride, strides_from_events, summarize_gait
from motionrehab.signals.cleaning import clean_pose_track

#: heel-to-eye height as a fraction of stature (Winter 2009, anthropometric segment lengths)
EYE_HEIGHT_FRACTION_OF_STATURE = 0.936


def px_per_m_from_height(track: PoseTrack, height_m: float) -> float:
    """Image scale (px per m) from the subject's height, using the heel-to-eye height.

    Raises:
        InvalidDataError: height outside 0.5-2.5 m, or the eyes and heels never seen.
    """
    if not 0.5 <= height_m <= 2.5:
        raise InvalidDataError(f"height {height_m} m is outside 0.5-2.5 m", where="--height-m",
                               fix="give the standing height in metres, e.g. 1.72")  # fmt: skip
    px = track.landmarks_px
    eye_y = np.nanmean(px[:, [LANDMARK_INDEX["left_eye"], LANDMARK_INDEX["right_eye"]], 1], axis=1)
    # the mean of the two heels lies at the body's mid-plane depth, as the eyes do: the near
    # heel alone (lower in the image) would overstate the height in pixels by its nearness
    heel_y = np.nanmean(px[:, [LANDMARK_INDEX["left_heel"], LANDMARK_INDEX["right_heel"]], 1], axis=1)
    extent = heel_y - eye_y
    extent = extent[np.isfinite(extent) & (extent > 0)]
    if extent.size == 0:
        raise InvalidDataError("the eyes and heels are never both visible", where=f"person {track.person_id}",
                               fix="film the whole body, or give a calibration (px_per_m) instead")  # fmt: skip
    return float(np.percentile(extent, 90) / (EYE_HEIGHT_FRACTION_OF_STATURE * height_m))


#: early stance, when the heel is planted: from loading response to mid-stance (Perry &
#: Burnfield, Gait Analysis, 2nd ed. 2010: 0-30 % of the gait cycle; 0.05-0.30 s at 1.1 s strides)
PLANTED_HEEL_WINDOW_S = (0.05, 0.30)


def foot_placements_px(track: PoseTrack, side: str, t_ic_s: NDArray[np.floating]) -> NDArray[np.float64]:
    """Horizontal heel position (px) of each foot placement: the median over early stance after each IC.

    The heel stands still on the floor in early stance, so the median over that window is
    where the foot was put down, whatever the detected IC instant's error (a heel still
    swinging forward moves tens of pixels per frame). NaN when the heel is never seen there.
    """
    heel = track.landmarks_px[:, LANDMARK_INDEX[f"{side}_heel"], 0]
    placements = np.full(len(t_ic_s), np.nan)
    for i, t_ic in enumerate(t_ic_s):
        window = (track.t_s >= t_ic + PLANTED_HEEL_WINDOW_S[0]) & (track.t_s <= t_ic + PLANTED_HEEL_WINDOW_S[1])
        seen = heel[window][np.isfinite(heel[window])]
        if seen.size:
            placements[i] = float(np.median(seen))
    return placements


def select_walking_person(tracks: Sequence[PoseTrack], detector: ZeniEventDetector) -> tuple[int, VideoGaitEvents, str]:
    """Index of the person who walks, their events, and the reason (plain words)."""
    scored = []
    for index, track in enumerate(tracks):
        events = detector.detect(track)
        n_events = events.left.t_ic_s.size + events.right.t_ic_s.size + events.left.t_fc_s.size + events.right.t_fc_s.size
        scored.append((n_events, events.pelvis_travel_px, index, events))
    scored.sort(key=lambda item: (item[0], item[1]), reverse=True)
    n_events, travel, index, events = scored[0]
    if len(tracks) == 1:
        reason = f"one person in view (person {tracks[index].person_id})"
    else:
        others = ", ".join(f"person {tracks[i].person_id}: {n} events, {tr:.0f} px" for n, tr, i, _ in scored[1:])
        reason = (f"person {tracks[index].person_id} selected of {len(tracks)}: most gait events ({n_events}) and "
                  f"pelvis travel {travel:.0f} px (others: {others})")  # fmt: skip
    return index, events, reason


def _walking_only(events: VideoGaitEvents, max_stride_s: float) -> VideoGaitEvents:
    """Keep only ICs that belong to a stride (another IC of the same foot within max_stride_s).

    A single heel-forward extreme (a lunge, a step to the side) is not walking.
    """
    kept = []
    for side in (events.left, events.right):
        t = side.t_ic_s
        gaps = np.diff(t)
        near = np.zeros(t.size, dtype=bool)
        near[:-1] |= gaps <= max_stride_s
        near[1:] |= gaps <= max_stride_s
        walking = t[near]
        fc = side.t_fc_s
        if walking.size:
            fc = fc[(fc > walking[0] - max_stride_s) & (fc < walking[-1])]
        else:
            fc = fc[:0]
        kept.append(GaitEvents(side=side.side, t_ic_s=walking, t_fc_s=fc, method=side.method))
    return replace(events, left=kept[0], right=kept[1])


def analyze_video_gait(
    tracks: Mapping[int, PoseTrack] | Sequence[PoseTrack] | PoseTrack,
    *,
    height_m: float | None = None,
    px_per_m: float | None = None,
    treadmill_speed_m_s: float | None = None,
    pain_onset_s: float | None = None,
    detector: ZeniEventDetector | None = None,
) -> GaitResult:
    """Steps, cadence, strides and (with a scale) lengths from side-view pose tracks."""
    detector = detector or ZeniEventDetector()
    if isinstance(tracks, PoseTrack):
        candidates: list[PoseTrack] = [tracks]
    elif isinstance(tracks, Mapping):
        candidates = [tracks[key] for key in sorted(tracks)]
    else:
        candidates = list(tracks)
    if not candidates:
        raise InvalidDataError("no person in the pose tracks", where="video gait",
                               fix="check that the whole body is in view")  # fmt: skip
    index, events, reason = select_walking_person(candidates, detector)
    track = candidates[index]
    events = _walking_only(events, detector.max_stride_s)
    notes = [reason, f"walking direction: {events.forward_reason}"]
    # foot placements are read on the cleaned track: noise, drop-outs and left/right swaps
    # would otherwise move a heel by a good part of a stride on a single frame
    cleaned, _ = clean_pose_track(track)
    scale = px_per_m
    if scale is None and height_m is not None:
        scale = px_per_m_from_height(track, height_m)
        notes.append(f"scale {scale:.1f} px/m from height {height_m:.2f} m (heel-to-eye = 0.936 x height)")
    elif scale is not None:
        notes.append(f"scale {scale:.1f} px/m from the calibration")
    strides: list[Stride] = []
    for side_events in (events.left, events.right):
        lengths: list[float | None] | None = None
        if treadmill_speed_m_s is not None:
            lengths = [treadmill_speed_m_s * float(b - a) for a, b in zip(side_events.t_ic_s[:-1], side_events.t_ic_s[1:], strict=True)]
        elif scale is not None:
            placements = foot_placements_px(cleaned, side_events.side, side_events.t_ic_s)
            lengths = [None if not np.isfinite(d) else float(abs(d)) / scale for d in np.diff(placements)]
        strides.extend(strides_from_events(side_events, lengths))
    if treadmill_speed_m_s is not None:
        notes.append(f"stride length = treadmill belt speed {treadmill_speed_m_s:.2f} m/s x stride time")
    elif scale is None:
        notes.append("no scale (height, calibration or treadmill speed): lengths not measured")
    if events.left.t_ic_s.size + events.right.t_ic_s.size == 0:
        notes.append("no steps: the selected person does not walk in this video")
    return summarize_gait([events.left, events.right], strides, method=detector.method, notes=notes,
                          pain_onset_s=pain_onset_s)  # fmt: skip
