"""The hip hinge measured live: the offline measure's steps, one camera frame at a time.

Per patient frame (pixels from the pose model):

1. Set-up (the first ``setup_s`` seconds): the frames are kept, then the same checks the
   offline measure makes on a whole recording are made on them: the camera set-up
   (kinematics.view.check_camera_setup: whole body in view, side-on, level), the camera
   roll from the still standing stretch, the facing direction and the side facing the
   camera, and the low-pass cutoff (Winter's residual analysis, as offline "auto").
   The buffered frames are then fed on, so nothing done during set-up is lost.
2. Cleaning: the offline cleaning (signals.cleaning.clean_pose_track: swap repair,
   visibility gating, Hampel, short-gap filling, zero-phase low-pass) over a trailing
   window of ``window_s`` seconds, and the frame ``lag_s`` behind the newest one is taken
   from it. A zero-phase filter needs frames after the one it smooths; with ``lag_s`` =
   0.5 s (1.5 periods of a 3 Hz cutoff) the window's end no longer moves that frame, so
   it comes out as the whole-recording cleaning gives it, within a fraction of a degree.
   A causal filter (signals.cleaning.LivePoseSmoother) would answer sooner but delays
   every phase by its own lag, which shifts the tempo the measure judges.
3. Angles (kinematics.angles.angles_for_frame) into measures.hip_hinge.HipHingeAnalyzer,
   the incremental analyser the offline measure is built on: the same reps, phases,
   faults and scores.

The cost of the look-ahead: each rep's cue comes ``lag_s`` later (the analyser itself
waits 0.5 s after a rep to see its return to rest), so about 1.0 s after the person is
back upright. The HUD's angle gauge uses the newest frame's raw angle, without the lag.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from motionrehab.capture.landmarks import N_LANDMARKS
from motionrehab.capture.pose_estimator import PoseDetection
from motionrehab.capture.pose_track import PoseTrack
from motionrehab.errors import UnusableViewError
from motionrehab.kinematics.angles import BodyFrame, angles_for_frame, body_frame_for, facing_side
from motionrehab.kinematics.measure import calibrate_roll
from motionrehab.kinematics.view import SetupAdvice, check_camera_setup
from motionrehab.measures.hip_hinge import HingeCriteria, HingeRepetition, HipHingeAnalyzer
from motionrehab.signals.cleaning import clean_pose_track

FloatArray = NDArray[np.float64]

#: seconds of frames the set-up check looks at (the offline roll estimate needs a still second)
DEFAULT_SETUP_S = 1.0
#: look-ahead of the zero-phase cleaning, seconds (see the module docstring)
DEFAULT_LAG_S = 0.5
#: frames kept before the smoothed frame, seconds: Hampel's and the filter's start-up stay clear of it
DEFAULT_HISTORY_S = 1.0
#: media seconds between cleanings: each cleaning of the window serves every frame due since the last
#: (the cleaning costs tens of ms, too much for every frame at 30 fps; its cost is spread over a batch)
DEFAULT_BATCH_S = 0.25
#: a frame whose hip flexion is this far above standing counts as lowering (tempo guide on the HUD)
LOWERING_ONSET_DEG = 10.0


@dataclass(frozen=True)
class HingeSetup:
    """What the set-up stretch decided.

    Attributes:
        advice: the camera set-up check (ok, view, problems in plain words).
        usable: True when reps can be measured (whole body in view, side-on).
        side: the leg facing the camera ('left'/'right').
        body_frame: camera roll (deg), facing direction, posture.
        cutoff_hz: the low-pass cutoff chosen by residual analysis, Hz.
        standing_hip_flexion_deg: median hip flexion over the set-up frames, degrees (HUD baseline).
        note: the calibration sentence (where the roll came from).
    """

    advice: SetupAdvice
    usable: bool
    side: str
    body_frame: BodyFrame
    cutoff_hz: float
    standing_hip_flexion_deg: float
    note: str


@dataclass(frozen=True)
class HingeFrameResult:
    """What one new camera frame produced.

    Attributes:
        setup: the set-up decision, on the frame that completed it (else None).
        key_angle_deg: hip flexion of the facing side in the newest frame, raw, degrees (None: not seen).
        lowering_s: seconds since the current lowering began (None when not lowering).
        repetitions: reps judged on this frame (usually none, at most a few).
    """

    setup: HingeSetup | None
    key_angle_deg: float | None
    lowering_s: float | None
    repetitions: tuple[HingeRepetition, ...]


class LiveHingeMeasure:
    """Feed patient detections frame by frame; get the set-up decision, then each rep as it is judged.

    Args:
        criteria: the prescription's depth target and tempo.
        frame_rate_hz: the source's nominal frame rate.
        image_width_px, image_height_px: the frame size.
        setup_s, lag_s, history_s, batch_s: see the module constants.
    """

    def __init__(self, criteria: HingeCriteria, *, frame_rate_hz: float, image_width_px: int, image_height_px: int,
                 setup_s: float = DEFAULT_SETUP_S, lag_s: float = DEFAULT_LAG_S, history_s: float = DEFAULT_HISTORY_S,
                 batch_s: float = DEFAULT_BATCH_S) -> None:  # fmt: skip
        self.criteria = criteria
        self.frame_rate_hz = frame_rate_hz
        self.width = image_width_px
        self.height = image_height_px
        self.setup_s = setup_s
        self.lag_s = lag_s
        self.history_s = history_s
        self.batch_s = batch_s
        self.setup_: HingeSetup | None = None
        self.analyzer_: HipHingeAnalyzer | None = None
        self._t: list[float] = []
        self._xy: list[FloatArray] = []
        self._vis: list[FloatArray] = []
        self._z: list[FloatArray] = []
        self._world: list[FloatArray] = []  # the view check reads the body's yaw from the world landmarks
        self._next_t: float | None = None  # media time of the next frame to smooth and analyse
        self._lowering_since: float | None = None
        self.frames_analysed = 0

    @property
    def buffered_frames(self) -> int:
        """Frames held for the cleaning window (bounded: set-up, then history + look-ahead)."""
        return len(self._t)

    # -- buffer ------------------------------------------------------------------------
    def _append(self, t_s: float, detection: PoseDetection | None) -> None:
        self._t.append(t_s)
        if detection is None:
            self._xy.append(np.full((N_LANDMARKS, 2), np.nan))
            self._vis.append(np.full(N_LANDMARKS, np.nan))
            self._z.append(np.full(N_LANDMARKS, np.nan))
            self._world.append(np.full((N_LANDMARKS, 3), np.nan))
        else:
            self._xy.append(np.asarray(detection.landmarks_px, dtype=np.float64))
            self._vis.append(np.asarray(detection.visibility, dtype=np.float64))
            self._z.append(np.asarray(detection.landmarks_z, dtype=np.float64))
            world = getattr(detection, "world_m", None)
            self._world.append(np.full((N_LANDMARKS, 3), np.nan) if world is None else np.asarray(world, dtype=np.float64))

    def _track(self, start: int = 0) -> PoseTrack:
        return PoseTrack(t_s=np.asarray(self._t[start:]), landmarks_px=np.stack(self._xy[start:]), visibility=np.stack(self._vis[start:]),
                         image_width_px=self.width, image_height_px=self.height, frame_rate_hz=self.frame_rate_hz,
                         landmarks_z=np.stack(self._z[start:]), world_m=np.stack(self._world[start:]), source="live")  # fmt: skip

    # -- set-up ------------------------------------------------------------------------
    def _decide_setup(self) -> HingeSetup:
        track = self._track()
        cleaned, report = clean_pose_track(track, cutoff_hz="auto")
        with warnings.catch_warnings():  # frames without the patient are NaN rows: expected, not worth a warning
            warnings.simplefilter("ignore", RuntimeWarning)
            calibration, note = calibrate_roll(cleaned)
        advice = check_camera_setup(track.landmarks_px, track.visibility, self.width, self.height,
                                    camera_roll_deg=calibration.camera_roll_deg, need_side_view=True, world_m=track.world_m)  # fmt: skip
        frame = body_frame_for(cleaned, calibration)
        side = facing_side(cleaned)
        standing = np.asarray([angles_for_frame(xy, frame)[f"{side}_hip_flexion_deg"] for xy in cleaned.landmarks_px])
        standing_deg = float(np.nanmedian(standing)) if np.isfinite(standing).any() else 0.0
        usable = advice.whole_body_in_view and advice.view == "side"
        return HingeSetup(advice=advice, usable=usable, side=side, body_frame=frame, cutoff_hz=float(report.cutoff_hz),
                          standing_hip_flexion_deg=standing_deg, note=note)  # fmt: skip

    # -- per frame -----------------------------------------------------------------------
    def update(self, t_s: float, detection: PoseDetection | None) -> HingeFrameResult:
        """Add the patient's detection in the newest frame (None: not seen) and analyse what is due."""
        self._append(t_s, detection)
        new_setup = None
        if self.setup_ is None:
            seen = sum(bool(np.isfinite(v).any()) for v in self._vis)
            if t_s - self._t[0] < self.setup_s or seen < 3:
                return HingeFrameResult(None, None, None, ())
            self.setup_ = new_setup = self._decide_setup()
            if self.setup_.usable:
                self.analyzer_ = HipHingeAnalyzer(self.criteria, side=self.setup_.side, view="side")
                self._next_t = self._t[0]
        setup = self.setup_
        raw = None
        if detection is not None:
            value = angles_for_frame(np.asarray(detection.landmarks_px, dtype=np.float64), setup.body_frame)[f"{setup.side}_hip_flexion_deg"]
            raw = value if math.isfinite(value) else None
        if self.analyzer_ is not None:
            reps = self._analyse_due(final=False)
        else:  # nothing to measure from this view: keep no more than the history
            reps = ()
            self._trim(t_s)
        return HingeFrameResult(new_setup, raw, self._lowering(t_s, raw), reps)

    def finish(self) -> tuple[HingeRepetition, ...]:
        """End of the stream: analyse the frames still in the look-ahead and report every rep still waiting."""
        if self.setup_ is None and self._t:
            self.setup_ = self._decide_setup()
            if self.setup_.usable:
                self.analyzer_ = HipHingeAnalyzer(self.criteria, side=self.setup_.side, view="side")
                self._next_t = self._t[0]
        if self.analyzer_ is None:
            return ()
        reps = list(self._analyse_due(final=True))
        last = self.analyzer_.finish()
        if last is not None:
            reps.append(last)
        return tuple(reps)

    def _analyse_due(self, *, final: bool) -> tuple[HingeRepetition, ...]:
        assert self.analyzer_ is not None and self.setup_ is not None and self._next_t is not None
        newest = self._t[-1]
        due_until = newest if final else newest - self.lag_s
        times = np.asarray(self._t)
        due = np.flatnonzero((times >= self._next_t) & (times <= due_until + 1e-9))
        if due.size == 0 or (not final and times[due[-1]] - self._next_t < self.batch_s - 1e-9):
            return ()
        # one cleaning of the window serves every frame due now (several at once only after set-up or at the end)
        start = int(np.searchsorted(times, times[due[0]] - self.history_s))
        cleaned, _ = clean_pose_track(self._track(start), cutoff_hz=self.setup_.cutoff_hz)
        reps = []
        for index in due:
            row = int(np.argmin(np.abs(cleaned.t_s - times[index])))
            angles = angles_for_frame(cleaned.landmarks_px[row], self.setup_.body_frame)
            rep = self.analyzer_.update(float(times[index]), angles)
            self.frames_analysed += 1
            if rep is not None:
                reps.append(rep)
        self._next_t = float(times[due[-1]]) + 1e-9
        self._trim(float(times[due[-1]]))
        return tuple(reps)

    def _trim(self, analysed_t: float) -> None:
        # keep the history the next cleaning needs; memory stays constant over a long session
        keep_from = int(np.searchsorted(np.asarray(self._t), analysed_t - self.history_s - 1.0 / self.frame_rate_hz))
        if keep_from > 0:
            del self._t[:keep_from], self._xy[:keep_from], self._vis[:keep_from], self._z[:keep_from], self._world[:keep_from]

    def _lowering(self, t_s: float, angle: float | None) -> float | None:
        """Seconds since hip flexion rose LOWERING_ONSET_DEG above standing (the HUD's tempo guide)."""
        if self.setup_ is None or angle is None:
            return None
        if angle > self.setup_.standing_hip_flexion_deg + LOWERING_ONSET_DEG:
            if self._lowering_since is None:
                self._lowering_since = t_s
            return t_s - self._lowering_since
        self._lowering_since = None
        return None


def require_usable(setup: HingeSetup) -> None:
    """Raise UnusableViewError with the set-up advice when reps cannot be measured."""
    if not setup.usable:
        raise UnusableViewError("the hip hinge cannot be measured from this view: " + " ".join(setup.advice.advice),
                                where="camera set-up", fix="turn side-on to the camera with the whole body in view")  # fmt: skip
