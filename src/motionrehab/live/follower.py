"""Follow the patient frame by frame: pose inference, person tracking, patient choice.

The same parts as the offline pipeline (capture.PoseEstimator in VIDEO mode,
capture.PersonTracker, capture.choose_patient), run one frame at a time. The patient is
chosen with the offline rule once a short warm-up has been seen (default 1 s: enough for
the detection-rate, size and movement terms), and followed by track id from then on. If
the patient's track ends (they left the picture for longer than the tracker's gap), the
choice is made again on the next warm-up.

Speed: looking for two people costs the pose model about twice the time per frame of
following one (MediaPipe VIDEO mode, this project's 2-core machine, 360x640 frames: median
55 ms against 30 ms; the input size matters little, the model works at 256x256). Given a
``single`` estimator (num_poses=1), the follower switches to it once the patient is chosen
and was the only person seen in the warm-up, and every ``recheck_s`` looks for others with the
two-person estimator; if someone else is seen, it stays with the two-person one.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from motionrehab.capture.pose_estimator import PoseDetection, PoseEstimator
from motionrehab.capture.tracking import (
    PatientChoice,
    PersonTracker,
    choose_patient,
    track_to_pose_track,
)


@dataclass(frozen=True)
class PatientFrame:
    """The patient's landmarks in one frame (None fields when not detected).

    Attributes:
        index: frame index in the source.
        t_s: media time, seconds.
        detection: the patient's detection, or None (not in view, or not chosen yet).
        others: detections of other people in the frame (drawn in another colour).
        inference_s: wall time the pose model took on this frame, seconds.
    """

    index: int
    t_s: float
    detection: PoseDetection | None
    others: tuple[PoseDetection, ...]
    inference_s: float


class PatientFollower:
    """Per-frame patient landmarks from camera frames.

    Args:
        estimator: an open PoseEstimator (the caller closes it).
        tracker: a PersonTracker (default settings otherwise).
        warmup_s: seconds of frames seen before the patient is chosen.
        single: a one-person estimator to follow the patient with when they are alone (see the module docstring).
        recheck_s: with ``single``: seconds between looks for other people.

    Attributes:
        choice_: the latest PatientChoice (None until the warm-up is over).
        alone_: True while the one-person estimator is in use.
    """

    def __init__(self, estimator: PoseEstimator, tracker: PersonTracker | None = None, *, warmup_s: float = 1.0,
                 single: PoseEstimator | None = None, recheck_s: float = 2.0) -> None:  # fmt: skip
        self.estimator = estimator
        self.single = single
        self.recheck_s = recheck_s
        self.alone_ = False
        self._last_check_t = -float("inf")
        self.tracker = tracker or PersonTracker()
        self.warmup_s = warmup_s
        self.choice_: PatientChoice | None = None
        self._times: list[float] = []
        self._warmup_start_index = 0
        self._image_size = (0, 0)

    def _choose(self) -> None:
        t = np.asarray(self._times[self._warmup_start_index :], dtype=np.float64)
        width, height = self._image_size
        offset = self._warmup_start_index
        tracks = []
        for track_id, frames in self.tracker.tracks_.items():
            window = {i - offset: d for i, d in frames.items() if i >= offset}
            if window:
                tracks.append(track_to_pose_track(
                    window, t, person_id=track_id, image_width_px=width, image_height_px=height,
                    frame_rate_hz=max(1.0, (t.size - 1) / max(t[-1] - t[0], 1e-6)), source="live",
                ))  # fmt: skip
        self.choice_ = choose_patient(tracks)
        self.alone_ = self.single is not None and len(tracks) == 1

    def process(self, index: int, t_s: float, image_bgr: NDArray[np.uint8]) -> PatientFrame:
        """Run the model on one frame and return the patient's landmarks in it."""
        if not self._times:
            self._image_size = (int(image_bgr.shape[1]), int(image_bgr.shape[0]))
        frame_number = len(self._times)
        started = time.perf_counter()
        recheck = self.alone_ and t_s - self._last_check_t >= self.recheck_s
        if self.alone_ and not recheck and self.single is not None:
            detections = self.single.detect(image_bgr, t_s)
        else:
            detections = self.estimator.detect(image_bgr, t_s)
            if recheck:
                self._last_check_t = t_s
                self.alone_ = len(detections) <= 1  # someone else in view: keep looking for two
        inference_s = time.perf_counter() - started
        assigned = self.tracker.update(frame_number, t_s, detections)
        self._times.append(t_s)
        if self.choice_ is None and t_s - self._times[self._warmup_start_index] >= self.warmup_s:
            self._choose()
        patient_id = None if self.choice_ is None else self.choice_.person_id
        patient = next((d for track_id, d in assigned if track_id == patient_id), None)
        others = tuple(d for track_id, d in assigned if track_id != patient_id)
        if patient_id is not None and patient is None and self._track_ended(patient_id, t_s):
            # the patient has been out of view longer than the tracker's gap: choose again after a new warm-up
            self.choice_ = None
            self.alone_ = False
            self._warmup_start_index = frame_number
        self._forget_old_detections(frame_number)
        return PatientFrame(index=index, t_s=t_s, detection=patient, others=others, inference_s=inference_s)

    def _forget_old_detections(self, frame_number: int) -> None:
        # A session runs for many minutes: keep only what a (re)choice needs (the current
        # warm-up's frames) and each track's last frame (when it was last seen), so memory
        # stays constant instead of growing by every detection of every frame.
        keep_from = self._warmup_start_index if self.choice_ is None else frame_number
        for frames in self.tracker.tracks_.values():
            if frames and min(frames) < keep_from:
                last = max(frames)
                for index in [i for i in frames if i < keep_from and i != last]:
                    del frames[index]

    def _track_ended(self, track_id: int, t_s: float) -> bool:
        frames = self.tracker.tracks_.get(track_id, {})
        if not frames:
            return True
        return t_s - self._times[max(frames)] > self.tracker.max_gap_s
