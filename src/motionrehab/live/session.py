"""The camera-guided exercise loop: capture thread -> patient follower -> live measure -> HUD -> events.

One camera-guided exercise (today: the hip hinge) at its prescribed dose. The capture
thread (live.frames) reads the camera, or a file played at its own frame rate, into a
one-place slot, so the loop always gets the newest frame and stale ones are dropped and
counted; ``lockstep=True`` analyses every frame instead (tests, offline checks).

Each analysed frame: the pose model and the patient's track (live.follower), the hinge
measure (live.hinge: set-up advice first, then reps), the HUD (live.hud) with the
skeleton, the key angle and its band, the rep counter, the eccentric tempo guide, the
last cue and the rest timer between sets. Everything the patient should know is also an
``ExerciseEvent`` given to ``on_event`` as it happens (the CLI prints each as a JSON line
and records each rep in the session store at once).

Latency, per analysed frame: capture (the frame's ``captured_monotonic_s``) to the HUD
drawn, and the part of it that is not the pose model's inference ("added" latency).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from motionrehab.capture.overlay import PERSON_COLOURS_BGR, draw_skeleton
from motionrehab.capture.pose_estimator import PoseEstimator
from motionrehab.capture.video import VideoFrame
from motionrehab.live.exercise import LiveExerciseMeasure
from motionrehab.live.follower import PatientFollower
from motionrehab.live.frames import CaptureThread, LatestFrameSlot, paced
from motionrehab.live.hinge import LiveHingeMeasure
from motionrehab.live.hud import HudState, draw_hud
from motionrehab.measures.exercises.base import Exercise, MeasuredHold, MeasuredRepetition
from motionrehab.measures.hip_hinge import HingeCriteria, HingeRepetition

#: what a camera-guided exercise reports: a judged hinge rep, a library repetition or a hold
JudgedItem = HingeRepetition | MeasuredRepetition | MeasuredHold

#: rest between sets when the prescription gives none, seconds (a common strength-endurance rest)
DEFAULT_REST_S = 60.0


@dataclass(frozen=True)
class ExerciseEvent:
    """Something the patient is told, as it happens.

    Attributes:
        kind: 'setup' (camera advice), 'rep' (a judged repetition with its cue), 'set_done',
            'unusable_view', 'symptom' (marked by the patient), 'end'.
        t_s: media time of the source, seconds.
        exercise_id: the prescription's exercise id.
        set_index: 1-based set the event belongs to.
        message: the plain-words text shown (the cue, the advice).
        rep: the judged repetition (kind 'rep').
        rep_in_set: 1-based rep number within its set (kind 'rep').
    """

    kind: str
    t_s: float
    exercise_id: str
    set_index: int
    message: str
    rep: JudgedItem | None = None
    rep_in_set: int | None = None

    def to_json(self) -> str:
        """One JSON line (the CLI's stdout)."""
        data: dict[str, Any] = {"event": self.kind, "t_s": round(self.t_s, 3), "exercise": self.exercise_id, "set": self.set_index, "message": self.message}
        if self.rep is not None:
            data["rep_in_set"] = self.rep_in_set
            data["repetition"] = self.rep.to_json_dict()
        return json.dumps(data)


@dataclass(frozen=True)
class LiveStats:
    """How the loop kept up.

    Attributes:
        frames_captured: frames the source delivered.
        frames_dropped: frames replaced in the slot before analysis took them (stale).
        frames_analysed: frames the loop ran the model on.
        latency_ms: capture -> HUD drawn, per analysed frame, milliseconds.
        inference_ms: the pose model's share of it, per analysed frame, milliseconds.
        capture_error: a source error that ended the stream early (None: it ended normally).
    """

    frames_captured: int
    frames_dropped: int
    frames_analysed: int
    latency_ms: NDArray[np.float64]
    inference_ms: NDArray[np.float64]
    capture_error: str | None = None

    @property
    def added_latency_ms(self) -> NDArray[np.float64]:
        """Latency over the pose inference, per analysed frame, milliseconds."""
        return self.latency_ms - self.inference_ms


@dataclass(frozen=True)
class ExerciseResult:
    """One camera-guided exercise: its reps (by set), events and loop statistics."""

    exercise_id: str
    repetitions: tuple[tuple[int, JudgedItem], ...]
    events: tuple[ExerciseEvent, ...]
    stats: LiveStats
    quit_early: bool = False


@dataclass
class Controls:
    """Keyboard state (set by the display's key handler, read by the loop)."""

    paused: bool = False
    skip: bool = False
    quit: bool = False
    symptom_marks: list[float] = field(default_factory=list)


def handle_key(key: int, controls: Controls, t_s: float) -> None:
    """Apply one key press: p / space pause-resume, s skip the exercise, m mark symptom onset, q / Esc quit."""
    if key < 0:
        return
    char = chr(key & 0xFF).lower()
    if char in ("p", " "):
        controls.paused = not controls.paused
    elif char == "s":
        controls.skip = True
    elif char == "m":
        controls.symptom_marks.append(t_s)
    elif char == "q" or key & 0xFF == 27:
        controls.quit = True


def file_frames(frames: Iterable[VideoFrame]) -> Iterator[tuple[float, NDArray[np.uint8]]]:
    """(t_s, image) of decoded frames."""
    for frame in frames:
        yield frame.t_s, frame.image_bgr


def camera_frames(frames: Iterable[VideoFrame]) -> Iterator[tuple[float, float, NDArray[np.uint8]]]:
    """A camera's frames stamped with the capture time (cameras deliver in real time: no pacing)."""
    for frame in frames:
        yield frame.t_s, time.monotonic(), frame.image_bgr


def played_as_camera(frames: Iterable[VideoFrame]) -> Iterator[tuple[float, float, NDArray[np.uint8]]]:
    """A file's frames released at its own frame rate, as a camera would deliver them."""
    return paced(file_frames(frames))


class ExerciseLoop:
    """Runs one camera-guided hinge exercise over a frame source.

    Args:
        estimator: an open PoseEstimator (the caller closes it).
        exercise_id: the prescription's exercise id.
        sets, reps_per_set: the dose.
        criteria: depth target and tempo.
        frame_rate_hz: the source's nominal frame rate.
        rest_s: rest between sets, seconds.
        on_event: called with each ExerciseEvent as it happens (print, record, speak).
        on_frame: called with each drawn frame (BGR) and its media time (overlay file, window).
        warmup_s: seconds before the patient is chosen among the people in view.
        single: a one-person estimator to follow the patient with once they are alone in view (live.follower).
    """

    def __init__(self, estimator: PoseEstimator, *, exercise_id: str, sets: int, reps_per_set: int, criteria: HingeCriteria, frame_rate_hz: float,
                 rest_s: float = DEFAULT_REST_S, on_event: Callable[[ExerciseEvent], None] | None = None,
                 on_frame: Callable[[NDArray[np.uint8], float], None] | None = None, warmup_s: float = 0.5,
                 controls: Controls | None = None, single: PoseEstimator | None = None) -> None:  # fmt: skip
        self.follower = PatientFollower(estimator, warmup_s=warmup_s, single=single)
        self.exercise_id = exercise_id
        self.sets = max(1, sets)
        self.reps_per_set = max(1, reps_per_set)
        self.criteria = criteria
        self.frame_rate_hz = frame_rate_hz
        self.rest_s = rest_s
        self.on_event = on_event
        self.on_frame = on_frame
        self.controls = controls or Controls()
        self.measure: LiveHingeMeasure | None = None
        self.events: list[ExerciseEvent] = []
        self.reps: list[tuple[int, JudgedItem]] = []
        self._rest_until: float | None = None
        self._last_cue = ""
        self._last_cue_fault = False
        self._status = "hold still for the camera check"
        self._angle: float | None = None
        self._lowering: float | None = None
        self._symptoms_reported = 0
        self.last_inference_s = 0.0

    # -- events -------------------------------------------------------------------------
    def _emit(self, event: ExerciseEvent) -> None:
        self.events.append(event)
        if self.on_event is not None:
            self.on_event(event)

    @property
    def set_index(self) -> int:
        """The current 1-based set (reps beyond the dose count in the last set)."""
        return min(self.sets, 1 + len(self.reps) // self.reps_per_set)

    @property
    def done(self) -> bool:
        """True when every prescribed rep was done."""
        return len(self.reps) >= self.sets * self.reps_per_set

    def add_repetition(self, rep: JudgedItem, t_s: float) -> None:
        """Count a judged rep in the current set; emits the rep (and set-done) events and starts the rest timer."""
        set_index = self.set_index
        self.reps.append((set_index, rep))
        in_set = sum(1 for s, _ in self.reps if s == set_index)
        self._last_cue, self._last_cue_fault = rep.cue, bool(rep.faults)
        self._emit(ExerciseEvent("rep", t_s, self.exercise_id, set_index, rep.cue, rep=rep, rep_in_set=in_set))
        if in_set == self.reps_per_set and set_index <= self.sets:
            last = set_index == self.sets
            message = "all sets done: well done" if last else f"set {set_index} done: rest {self.rest_s:.0f} s"
            self._emit(ExerciseEvent("set_done", t_s, self.exercise_id, set_index, message))
            if not last:
                self._rest_until = t_s + self.rest_s

    # -- per frame ----------------------------------------------------------------------
    def process(self, index: int, t_s: float, image_bgr: NDArray[np.uint8]) -> NDArray[np.uint8]:
        """Analyse one frame; returns it with the HUD drawn (a copy)."""
        patient = self.follower.process(index, t_s, image_bgr)
        self.last_inference_s = patient.inference_s
        if self.measure is None:
            self.measure = LiveHingeMeasure(self.criteria, frame_rate_hz=self.frame_rate_hz, image_width_px=int(image_bgr.shape[1]),
                                            image_height_px=int(image_bgr.shape[0]))  # fmt: skip
        result = self.measure.update(t_s, patient.detection)
        if result.setup is not None:
            advice = result.setup.advice
            text = "camera set-up is good: start when ready" if advice.ok else " ".join(advice.advice)
            self._status = "" if advice.ok else text
            self._emit(ExerciseEvent("setup", t_s, self.exercise_id, self.set_index, text))
            if not result.setup.usable:
                self._emit(ExerciseEvent("unusable_view", t_s, self.exercise_id, self.set_index,
                                         "repetitions cannot be counted from this view: " + text))  # fmt: skip
        for rep in result.repetitions:
            self.add_repetition(rep, t_s)
        while self._symptoms_reported < len(self.controls.symptom_marks):
            at = self.controls.symptom_marks[self._symptoms_reported]
            self._symptoms_reported += 1
            self._emit(ExerciseEvent("symptom", at, self.exercise_id, self.set_index, "symptom onset marked"))
        self._angle, self._lowering = result.key_angle_deg, result.lowering_s
        return self.draw(image_bgr, patient.detection, patient.others, t_s)

    def finish(self, t_s: float) -> None:
        """End of the stream: reps still in the measure's look-ahead are judged and reported."""
        if self.measure is not None:
            for rep in self.measure.finish():
                self.add_repetition(rep, t_s)
            if self.measure.setup_ is None:
                self._emit(ExerciseEvent("unusable_view", t_s, self.exercise_id, self.set_index, "the patient was not seen long enough for the camera check"))
        self._emit(ExerciseEvent("end", t_s, self.exercise_id, self.set_index, f"{len(self.reps)} repetitions recorded"))

    def draw(self, image_bgr: NDArray[np.uint8], patient: Any, others: Iterable[Any], t_s: float) -> NDArray[np.uint8]:
        """The frame with the skeletons and the HUD."""
        image = image_bgr.copy()
        for other in others:
            draw_skeleton(image, other.landmarks_px, other.visibility, colour_bgr=PERSON_COLOURS_BGR[1])
        if patient is not None:
            draw_skeleton(image, patient.landmarks_px, patient.visibility, colour_bgr=PERSON_COLOURS_BGR[0])
        target = self.criteria.target_hip_flexion_deg or (self.criteria.target_trunk_inclination_deg + 10.0 if self.criteria.target_trunk_inclination_deg else 60.0)
        rest = None
        if self._rest_until is not None:
            rest = self._rest_until - t_s
            if rest <= 0:
                self._rest_until, rest = None, None
        eccentric = self.criteria.eccentric_s
        progress = None if self._lowering is None else (self._lowering / eccentric if eccentric else 1.0)
        status = "paused" if self.controls.paused else self._status
        in_set = sum(1 for s, _ in self.reps if s == self.set_index)
        state = HudState(exercise="Hip hinge", set_index=self.set_index, sets_total=self.sets, reps_done=in_set, reps_target=self.reps_per_set,
                         angle_name="hip flexion", angle_deg=self._angle, target_low_deg=target - 5.0, target_high_deg=target + 15.0,
                         gauge_max_deg=max(100.0, target + 30.0), eccentric_progress=progress, eccentric_target_s=eccentric,
                         cue=self._last_cue, cue_is_fault=self._last_cue_fault, rest_remaining_s=rest, status=status)  # fmt: skip
        return draw_hud(image, state)


class LibraryExerciseLoop(ExerciseLoop):
    """Runs one camera-guided exercise of the library (measures.exercises) over a frame source.

    The hinge loop's counting, sets, rest timer, events and controls, with the library's live
    measure (live.exercise: its set-up check first, then each repetition or hold once) and a
    HUD showing the exercise's driving angle. A hold exercise's dose is ``sets`` holds.

    Args:
        estimator: an open PoseEstimator (the caller closes it).
        exercise: the library's definition.
        exercise_id, sets, reps_per_set, frame_rate_hz, rest_s, on_event, on_frame, warmup_s,
            controls, single: as ExerciseLoop.
    """

    def __init__(self, estimator: PoseEstimator, *, exercise: Exercise, exercise_id: str, sets: int, reps_per_set: int, frame_rate_hz: float,
                 rest_s: float = DEFAULT_REST_S, on_event: Callable[[ExerciseEvent], None] | None = None,
                 on_frame: Callable[[NDArray[np.uint8], float], None] | None = None, warmup_s: float = 0.5,
                 controls: Controls | None = None, single: PoseEstimator | None = None) -> None:  # fmt: skip
        super().__init__(estimator, exercise_id=exercise_id, sets=sets, reps_per_set=1 if exercise.is_hold else reps_per_set, criteria=HingeCriteria(),
                         frame_rate_hz=frame_rate_hz, rest_s=rest_s, on_event=on_event, on_frame=on_frame, warmup_s=warmup_s, controls=controls,
                         single=single)  # fmt: skip
        self.exercise = exercise
        self.live: LiveExerciseMeasure | None = None
        self._status = exercise.setup

    def process(self, index: int, t_s: float, image_bgr: NDArray[np.uint8]) -> NDArray[np.uint8]:
        """Analyse one frame; returns it with the HUD drawn (a copy)."""
        patient = self.follower.process(index, t_s, image_bgr)
        self.last_inference_s = patient.inference_s
        if self.live is None:
            self.live = LiveExerciseMeasure(self.exercise, frame_rate_hz=self.frame_rate_hz, image_width_px=int(image_bgr.shape[1]),
                                            image_height_px=int(image_bgr.shape[0]))  # fmt: skip
        brightness = float(image_bgr[::8, ::8].mean())  # a subsample is enough for "too dark"
        result = self.live.update(t_s, patient.detection, brightness=brightness)
        if result.setup is not None:
            text = "camera set-up is good: start when ready" if result.setup.ok else " ".join(result.setup.advice)
            self._status = "" if result.setup.ok else text
            self._emit(ExerciseEvent("setup", t_s, self.exercise_id, self.set_index, text))
            if not result.setup.usable:
                self._emit(ExerciseEvent("unusable_view", t_s, self.exercise_id, self.set_index, "this exercise cannot be measured from this view: " + text))
        for item in result.repetitions:
            self.add_repetition(item, t_s)
        while self._symptoms_reported < len(self.controls.symptom_marks):
            at = self.controls.symptom_marks[self._symptoms_reported]
            self._symptoms_reported += 1
            self._emit(ExerciseEvent("symptom", at, self.exercise_id, self.set_index, "symptom onset marked"))
        self._angle = result.key_angle_deg
        return self.draw(image_bgr, patient.detection, patient.others, t_s)

    def finish(self, t_s: float) -> None:
        """End of the stream: the whole recording analysed once more; what was not yet reported is."""
        if self.live is not None:
            for item in self.live.finish():
                self.add_repetition(item, t_s)
            if self.live.setup_ is None:
                self._emit(ExerciseEvent("unusable_view", t_s, self.exercise_id, self.set_index, "the patient was not seen long enough for the camera check"))
        self._emit(ExerciseEvent("end", t_s, self.exercise_id, self.set_index, f"{len(self.reps)} {'holds' if self.exercise.is_hold else 'repetitions'} recorded"))

    def draw(self, image_bgr: NDArray[np.uint8], patient: Any, others: Iterable[Any], t_s: float) -> NDArray[np.uint8]:
        """The frame with the skeletons and the HUD (the exercise's driving angle, count, cue, rest)."""
        image = image_bgr.copy()
        for other in others:
            draw_skeleton(image, other.landmarks_px, other.visibility, colour_bgr=PERSON_COLOURS_BGR[1])
        if patient is not None:
            draw_skeleton(image, patient.landmarks_px, patient.visibility, colour_bgr=PERSON_COLOURS_BGR[0])
        rest = None
        if self._rest_until is not None:
            rest = self._rest_until - t_s
            if rest <= 0:
                self._rest_until, rest = None, None
        in_set = sum(1 for s, _ in self.reps if s == self.set_index)
        amplitude = self.exercise.expected_amplitude_deg
        name = self.exercise.driver.replace("{side}_", "").removesuffix("_deg").replace("_", " ") or "posture"
        state = HudState(exercise=self.exercise.title.capitalize(), set_index=self.set_index, sets_total=self.sets, reps_done=in_set,
                         reps_target=self.reps_per_set, angle_name=name, angle_deg=self._angle, target_low_deg=0.0, target_high_deg=amplitude,
                         gauge_max_deg=max(90.0, 1.5 * amplitude), cue=self._last_cue, cue_is_fault=self._last_cue_fault, rest_remaining_s=rest,
                         status="paused" if self.controls.paused else self._status)  # fmt: skip
        return draw_hud(image, state)


def run_exercise(loop: ExerciseLoop, source: Iterable[tuple[float, float, NDArray[np.uint8]]], *, lockstep: bool = False,
                 stop_when_done: bool = False) -> ExerciseResult:  # fmt: skip
    """Run ``loop`` over ``source`` ((t_s, captured_monotonic_s, image) frames) on a capture thread.

    The loop ends when the source ends, the patient quits or skips, or (``stop_when_done``)
    every prescribed rep is done. Returns the reps, the events and the loop statistics.
    """
    slot = LatestFrameSlot(lockstep=lockstep)
    capture = CaptureThread(source, slot)
    capture.start()
    latency: list[float] = []
    inference: list[float] = []
    last_t = 0.0
    analysed = 0
    try:
        while True:
            frame = slot.take()
            if frame is None:
                break
            last_t = frame.t_s
            if loop.controls.paused:
                if loop.on_frame is not None:
                    loop.on_frame(loop.draw(frame.image_bgr, None, (), frame.t_s), frame.t_s)
                continue
            drawn = loop.process(frame.index, frame.t_s, frame.image_bgr)
            shown = time.monotonic()
            analysed += 1
            latency.append((shown - frame.captured_monotonic_s) * 1000.0)
            inference.append(loop.last_inference_s * 1000.0)
            if loop.on_frame is not None:
                loop.on_frame(drawn, frame.t_s)
            if loop.controls.quit or loop.controls.skip or (stop_when_done and loop.done):
                break
    except KeyboardInterrupt:  # Ctrl-C is a quit: what was recorded is kept, the session closes normally
        loop.controls.quit = True
    finally:
        capture.stop()
        capture.join(timeout=5.0)
    loop.finish(last_t)
    stats = LiveStats(frames_captured=capture.frames_read, frames_dropped=slot.frames_dropped, frames_analysed=analysed,
                      latency_ms=np.asarray(latency), inference_ms=np.asarray(inference),
                      capture_error=None if capture.error is None else str(capture.error))  # fmt: skip
    return ExerciseResult(loop.exercise_id, tuple(loop.reps), tuple(loop.events), stats, quit_early=loop.controls.quit)

