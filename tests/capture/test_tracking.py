"""Person tracking and the patient rule on detections with known identities."""

import json
from pathlib import Path

import numpy as np
import pytest

from motionrehab.capture.pose_estimator import PoseDetection
from motionrehab.capture.tracking import (
    PersonTracker,
    box_iou,
    choose_patient,
    summarise_person,
    track_to_pose_track,
)

# A real standing pose (golden frame 0, 270x480 px) as the template body.
_TEMPLATE = np.array(json.loads((Path(__file__).parent / "golden" / "golden_landmarks.json").read_text())["frames"]["cam01_frame000.png"]["landmarks_px"])
_TEMPLATE = _TEMPLATE - (_TEMPLATE[23] + _TEMPLATE[24]) / 2  # hips at the origin


def person(hip_xy, scale=1.0, lean_px=0.0, visibility=0.9):
    xy = _TEMPLATE * scale + np.asarray(hip_xy, float)
    xy[:23, 0] += lean_px  # trunk, head and arms lean sideways over the hips
    return PoseDetection(landmarks_px=xy, visibility=np.full(33, visibility), landmarks_z=np.zeros(33), world_m=None)


def run(tracker, frames, dt=1 / 30):
    return [tracker.update(i, i * dt, dets) for i, dets in enumerate(frames)]


def test_ids_stay_with_people_whatever_the_order_the_model_gives():
    rng = np.random.default_rng(1)
    frames = []
    for i in range(60):
        a = person((200 + 2 * i, 400), scale=2.0)  # walks right slowly
        b = person((700, 380 - i), scale=1.0)  # drifts up
        frames.append([a, b] if rng.random() < 0.5 else [b, a])
    tracker = PersonTracker()
    run(tracker, frames)
    tracks = tracker.tracks_
    assert sorted(tracks) == [0, 1]
    for frames_of_one in tracks.values():
        assert len(frames_of_one) == 60
        hips = np.array([d.hip_midpoint_px() for _, d in sorted(frames_of_one.items())])
        assert np.abs(np.diff(hips, axis=0)).max() <= 2.0 + 1e-9  # never swaps to the other person


def test_a_short_gap_keeps_the_id_a_long_one_starts_a_new_track():
    frames = [[person((300, 400))] for _ in range(10)] + [[] for _ in range(20)] + [[person((305, 400))] for _ in range(10)]
    tracker = PersonTracker(max_gap_s=1.0)
    run(tracker, frames)  # 20 missing frames at 30 fps = 0.67 s
    assert list(tracker.tracks_) == [0] and len(tracker.tracks_[0]) == 20
    frames = [[person((300, 400))] for _ in range(10)] + [[] for _ in range(45)] + [[person((305, 400))] for _ in range(10)]
    tracker = PersonTracker(max_gap_s=1.0)
    run(tracker, frames)  # 1.5 s gap
    assert sorted(tracker.tracks_) == [0, 1]


def test_a_jump_across_the_picture_is_another_person():
    tracker = PersonTracker()
    run(tracker, [[person((200, 400))], [person((900, 400))]])
    assert sorted(tracker.tracks_) == [0, 1]


def test_duplicate_detections_of_one_person_are_merged():
    tracker = PersonTracker()
    out = tracker.update(0, 0.0, [person((300, 400), visibility=0.6), person((303, 401), visibility=0.9)])
    assert len(out) == 1 and out[0][1].visibility[0] == pytest.approx(0.9)
    assert box_iou((0, 0, 2, 2), (1, 1, 3, 3)) == pytest.approx(1 / 7)


def _pose_track(frames_by_index, n, person_id):
    return track_to_pose_track(
        frames_by_index, np.arange(n) / 30.0, person_id=person_id, image_width_px=1000, image_height_px=800, frame_rate_hz=30.0, source="synthetic"
    )


def test_track_rows_are_nan_where_the_person_was_missed():
    track = _pose_track({0: person((300, 400)), 2: person((310, 400))}, 4, 0)
    assert track.detected().tolist() == [True, False, True, False]
    assert np.isnan(track.visibility[1]).all() and track.world_m is None


def test_the_patient_is_the_large_moving_person_present_throughout():
    n = 90
    lean = 60 * np.sin(np.linspace(0, 4 * np.pi, n))
    patient = _pose_track({i: person((400, 500), scale=1.5, lean_px=lean[i]) for i in range(n)}, n, 0)
    # a bigger bystander standing still near the camera
    near_still = _pose_track({i: person((700, 600), scale=2.0) for i in range(n)}, n, 1)
    # someone walking through, seen for a third of the time
    passer = _pose_track({i: person((50 + 20 * i, 450), scale=1.5) for i in range(30)}, n, 2)
    choice = choose_patient([near_still, passer, patient])
    assert choice.person_id == 0
    assert "person 0 was chosen as the patient" in choice.reason and "person 1" in choice.reason and "100 %" in choice.reason
    summary = summarise_person(passer)
    assert summary.detection_rate == pytest.approx(1 / 3)
    # walking through without moving the limbs and standing still are not activity; leaning is
    assert summary.movement == pytest.approx(0.0, abs=1e-9) and summary.activity == 0.25
    assert summarise_person(near_still).activity == 0.25
    assert summarise_person(patient).activity > 0.9  # 23 of 33 landmarks swinging 42 px (SD) in a ~300 px person


def test_one_person_and_nobody():
    only = _pose_track({i: person((400, 500)) for i in range(5)}, 5, 3)
    assert choose_patient([only]).person_id == 3
    assert "only person" in choose_patient([only]).reason
    nobody = choose_patient([])
    assert nobody.person_id is None and "no person" in nobody.reason
