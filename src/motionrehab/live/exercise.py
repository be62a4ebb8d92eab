"""Any exercise of the library measured live: the set-up check, then the offline analysis as the frames come.

Per patient frame (pixels from the pose model):

1. Set-up (the first ``setup_s`` seconds, the patient in their starting position): one plain
   instruction per problem, before anything is stored (``check_setup``): the whole body in
   view for the exercise's posture, the view the exercise needs (side or front) and the side
   it wants nearer the camera, a posture the exercise can be done in (a slider is done seated),
   the camera level (the roll from the still stretch), enough light (the frames' brightness).
2. The exercise: every ``reanalyse_s`` seconds of media time the whole buffered recording is
   analysed by the same function as ``motionrehab analyze`` (measures.exercises.analyze_exercise);
   repetitions and holds that ended at least ``settle_s`` before the newest frame are reported,
   each once. ``finish`` analyses the whole recording once more and reports the rest, so a
   replay gives the offline result: the same repetitions and holds, timed within a frame or two
   (the filter's edge and the roll estimate see a little less of the recording while live).
3. The HUD angle is the driver's raw value in the newest frame (kinematics.angles.angles_for_frame).

The cost: one analysis of the recording so far per ``reanalyse_s`` (tens to hundreds of ms for
a few minutes of frames), done on the loop's thread; with a camera the frames that arrive
meanwhile are dropped, not queued (live.frames).
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
from motionrehab.kinematics.view import check_camera_setup
from motionrehab.measures.exercises.base import (
    Exercise,
    MeasuredHold,
    MeasuredRepetition,
    analyze_exercise,
    observed_posture,
    observed_view,
)
from motionrehab.signals.cleaning import clean_pose_track

FloatArray = NDArray[np.float64]

#: seconds of frames the set-up check looks at
DEFAULT_SETUP_S = 1.0
#: media seconds between analyses of the recording so far
DEFAULT_REANALYSE_S = 1.0
#: a repetition or hold is reported once it ended this long before the newest frame (the fit's view of the rest after it)
DEFAULT_SETTLE_S = 1.0
#: mean brightness (0-255, grey) under which the room is too dark for the pose model
MIN_BRIGHTNESS = 40.0


@dataclass(frozen=True)
class ExerciseSetup:
    """The set-up check's decision.

    Attributes:
        ok: nothing to change.
        usable: repetitions can be measured (the view and posture suit the exercise, the body is in view).
        advice: one plain instruction per problem, in the order to fix them.
        view: 'side', 'front' or 'oblique'.
        side: the side nearer the camera.
        body_frame: camera roll, facing, posture (for the HUD angle).
        note: where the camera roll came from.
    """

    ok: bool
    usable: bool
    advice: tuple[str, ...]
    view: str
    side: str
    body_frame: BodyFrame
    note: str


def check_setup(exercise: Exercise, track: PoseTrack, *, brightness: float | None = None, required_side: str | None = None) -> ExerciseSetup:
    """Is the camera set up for ``exercise``? ``track``: a second or two of the patient in the starting position.

    ``brightness``: the frames' mean grey level (0-255), when known. ``required_side``: the side
    that must face the camera (a one-sided exercise), when it matters.
    """
    with warnings.catch_warnings():  # frames without the patient are NaN rows: expected here
        warnings.simplefilter("ignore", RuntimeWarning)
        cleaned, _ = clean_pose_track(track, cutoff_hz=6.0)
        calibration, note = calibrate_roll(cleaned) if exercise.roll_from_person else (None, "the camera must be level for this check")
        advice: list[str] = []
        if brightness is not None and brightness < MIN_BRIGHTNESS:
            advice.append("The room is too dark: turn on a light or face a window.")
        camera = check_camera_setup(track.landmarks_px, track.visibility, track.image_width_px, track.image_height_px,
                                    camera_roll_deg=None if calibration is None else calibration.camera_roll_deg, need_side_view=False)  # fmt: skip
        advice.extend(a for a in camera.advice if "tilted" not in a or exercise.roll_from_person)
        try:
            view = observed_view(cleaned)
        except UnusableViewError:
            view = "unknown"
        if view not in exercise.views:
            wanted = "your side" if exercise.views[0] == "side" else "your front"
            advice.append(f"Turn so that {wanted} faces the camera ({exercise.title}: {' or '.join(exercise.views)} view).")
        posture = observed_posture(cleaned)
        if posture in exercise.refuse_postures:
            advice.append(exercise.refuse_postures[posture].capitalize() + ". " + exercise.setup)
        wants_lying = exercise.lying
        if posture != "other" and (posture == "lying") != wants_lying:
            advice.append(f"Start {'lying down' if wants_lying else 'upright'} for the {exercise.title}: {exercise.setup}")
        side = facing_side(cleaned)
        if required_side is not None and view == "side" and side != required_side:
            advice.append(f"Turn around so that your {required_side} side faces the camera.")
        frame = body_frame_for(cleaned, calibration, lying=exercise.lying)
    usable = camera.whole_body_in_view and view in exercise.views and posture not in exercise.refuse_postures
    return ExerciseSetup(ok=not advice, usable=usable, advice=tuple(advice), view=view, side=side, body_frame=frame, note=note)


@dataclass(frozen=True)
class ExerciseFrameResult:
    """What one frame produced: the set-up (on the frame that decided it), the HUD angle, new reps and holds."""

    setup: ExerciseSetup | None
    key_angle_deg: float | None
    lowering_s: float | None
    repetitions: tuple[MeasuredRepetition | MeasuredHold, ...]


class LiveExerciseMeasure:
    """Feed the patient's detections frame by frame; get the set-up, then each repetition or hold once.

    Args:
        exercise: the library's definition.
        frame_rate_hz, image_width_px, image_height_px: the source.
        setup_s, reanalyse_s, settle_s: see the module constants.
    """

    def __init__(self, exercise: Exercise, *, frame_rate_hz: float, image_width_px: int, image_height_px: int, setup_s: float = DEFAULT_SETUP_S,
                 reanalyse_s: float = DEFAULT_REANALYSE_S, settle_s: float = DEFAULT_SETTLE_S) -> None:  # fmt: skip
        self.exercise = exercise
        self.frame_rate_hz = frame_rate_hz
        self.width, self.height = image_width_px, image_height_px
        self.setup_s, self.reanalyse_s, self.settle_s = setup_s, reanalyse_s, settle_s
        self.setup_: ExerciseSetup | None = None
        self._t: list[float] = []
        self._xy: list[FloatArray] = []
        self._vis: list[FloatArray] = []
        self._z: list[FloatArray] = []
        self._world: list[FloatArray] = []
        self._brightness: list[float] = []
        self._last_analysis_t: float | None = None
        self._reported: list[float] = []  # start times of what was reported
        self.analyses_ = 0

    def _append(self, t_s: float, detection: PoseDetection | None) -> None:
        self._t.append(t_s)
        if detection is None:
            self._xy.append(np.full((N_LANDMARKS, 2), np.nan))
            self._vis.append(np.zeros(N_LANDMARKS))
            self._z.append(np.full(N_LANDMARKS, np.nan))
            self._world.append(np.full((N_LANDMARKS, 3), np.nan))
        else:
            self._xy.append(np.asarray(detection.landmarks_px, dtype=np.float64))
            self._vis.append(np.asarray(detection.visibility, dtype=np.float64))
            self._z.append(np.asarray(detection.landmarks_z, dtype=np.float64))
            world = detection.world_m
            self._world.append(np.full((N_LANDMARKS, 3), np.nan) if world is None else np.asarray(world, dtype=np.float64))

    def track(self) -> PoseTrack:
        """The recording so far (the patient's track)."""
        world = np.stack(self._world)
        return PoseTrack(t_s=np.asarray(self._t), landmarks_px=np.stack(self._xy), visibility=np.stack(self._vis), image_width_px=self.width,
                         image_height_px=self.height, frame_rate_hz=self.frame_rate_hz, landmarks_z=np.stack(self._z),
                         world_m=None if np.isnan(world).all() else world, source="live")  # fmt: skip

    def update(self, t_s: float, detection: PoseDetection | None, *, brightness: float | None = None) -> ExerciseFrameResult:
        """Add the newest frame's detection (None: the patient not seen) and report what is complete."""
        self._append(t_s, detection)
        if brightness is not None:
            self._brightness.append(brightness)
        new_setup = None
        if self.setup_ is None:
            seen = sum(bool(np.isfinite(x).all()) for x in self._xy)
            if t_s - self._t[0] < self.setup_s or seen < 3:
                return ExerciseFrameResult(None, None, None, ())
            light = float(np.median(self._brightness)) if self._brightness else None
            self.setup_ = new_setup = check_setup(self.exercise, self.track(), brightness=light)
            self._last_analysis_t = t_s
        angle = self._hud_angle(detection)
        reported: tuple[MeasuredRepetition | MeasuredHold, ...] = ()
        if self.setup_.usable and self._last_analysis_t is not None and t_s - self._last_analysis_t >= self.reanalyse_s:
            self._last_analysis_t = t_s
            reported = self._report(until_s=t_s - self.settle_s)
        return ExerciseFrameResult(new_setup, angle, None, reported)

    def finish(self) -> tuple[MeasuredRepetition | MeasuredHold, ...]:
        """End of the stream: the whole recording analysed once more; everything not yet reported."""
        if not self._t:
            return ()
        if self.setup_ is None:
            self.setup_ = check_setup(self.exercise, self.track(), brightness=float(np.median(self._brightness)) if self._brightness else None)
        if not self.setup_.usable:
            return ()
        return self._report(until_s=math.inf)

    def _report(self, *, until_s: float) -> tuple[MeasuredRepetition | MeasuredHold, ...]:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                result = analyze_exercise(self.exercise, self.track(), view=self.setup_.view if self.setup_ else None).result
        except UnusableViewError:
            return ()
        self.analyses_ += 1
        items: list[MeasuredRepetition | MeasuredHold] = list(result.holds if self.exercise.is_hold else result.repetitions)
        new = []
        for item in items:
            ended = item.t_end_s
            # the same repetition seen again is recognised by its start (within half a second)
            if ended <= until_s and not any(abs(item.t_start_s - s) < 0.5 for s in self._reported):
                self._reported.append(item.t_start_s)
                new.append(item)
        return tuple(new)

    def _hud_angle(self, detection: PoseDetection | None) -> float | None:
        if detection is None or self.setup_ is None or not self.exercise.driver:
            return None
        name = self.exercise.driver_for(self.setup_.view, self.setup_.side)
        value = angles_for_frame(np.asarray(detection.landmarks_px, dtype=np.float64), self.setup_.body_frame).get(name)
        return None if value is None or not math.isfinite(value) else value


def replay(exercise: Exercise, track: PoseTrack, **options: float) -> tuple[LiveExerciseMeasure, list[MeasuredRepetition | MeasuredHold]]:
    """Feed a recorded track through the live measure frame by frame (headless checks); returns it and what it reported in order."""
    measure = LiveExerciseMeasure(exercise, frame_rate_hz=track.frame_rate_hz, image_width_px=track.image_width_px, image_height_px=track.image_height_px, **options)
    reported: list[MeasuredRepetition | MeasuredHold] = []
    for i, t in enumerate(track.t_s):
        seen = np.isfinite(track.landmarks_px[i]).all()
        world = None if track.world_m is None else track.world_m[i]
        z = track.landmarks_z[i] if track.landmarks_z is not None else np.zeros(N_LANDMARKS)
        detection = PoseDetection(track.landmarks_px[i], track.visibility[i], z, world) if seen else None
        reported.extend(measure.update(float(t), detection).repetitions)
    reported.extend(measure.finish())
    return measure, reported
