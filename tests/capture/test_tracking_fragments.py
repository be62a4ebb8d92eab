"""Pieces of one person's track are joined: crossings, occlusions of 0.5-2 s, leaving and coming back.

Two people of different build walk across a 1080x1920 picture at 30 fps; the model output
is simulated from a real standing pose (the golden frame), in random order, with the
hidden person's detections removed during occlusions and random single-frame misses.
The truth (who each detection is) is kept aside and compared with the joined tracks.
"""

import json
from pathlib import Path

import numpy as np
import pytest

from motionrehab.capture.pose_estimator import PoseDetection
from motionrehab.capture.tracking import PersonTracker, body_proportions, join_fragments

_TEMPLATE = np.array(json.loads((Path(__file__).parent / "golden" / "golden_landmarks.json").read_text())["frames"]["cam01_frame000.png"]["landmarks_px"])
_TEMPLATE = _TEMPLATE - (_TEMPLATE[23] + _TEMPLATE[24]) / 2
FPS = 30.0


def body(hip_xy, scale, legs=1.0, shoulders=1.0):
    xy = _TEMPLATE.copy()
    lower = xy[:, 1] > 0  # below the hips
    xy[lower, 1] *= legs
    xy[[11, 12, 13, 14, 15, 16], 0] *= shoulders
    return PoseDetection(landmarks_px=xy * scale + np.asarray(hip_xy, float), visibility=np.full(33, 0.9),
                         landmarks_z=np.zeros(33), world_m=None)


def simulate(seconds, path_a, path_b, hidden_a, hidden_b, rng, miss=0.03):
    """Frames of detections and the true person of each: paths give hip (x, y) at time t."""
    frames, truth = [], {}
    for i in range(int(seconds * FPS)):
        t = i / FPS
        dets = []
        for name, path, hidden, build in (("A", path_a, hidden_a, (2.0, 1.0, 1.0)), ("B", path_b, hidden_b, (1.6, 1.2, 0.85))):
            if hidden(t) or rng.random() < miss:
                continue
            d = body(path(t) + rng.normal(0, 2, 2), build[0], legs=build[1], shoulders=build[2])
            truth[id(d)] = name
            dets.append(d)
        rng.shuffle(dets)
        frames.append(dets)
    return frames, truth


def people_after_joining(frames):
    tracker = PersonTracker()
    for i, dets in enumerate(frames):
        tracker.update(i, i / FPS, dets)
    t_s = np.arange(len(frames)) / FPS
    return tracker.tracks_, join_fragments(tracker.tracks_, t_s)


def check(frames, truth, joined, max_people=2):
    kept = sorted(joined.values(), key=len, reverse=True)[:max_people]
    for person in kept:  # one id per person: every detection of a joined track is the same person
        assert len({truth[id(d)] for d in person.values()}) == 1
    assert sorted(truth[id(next(iter(p.values())))] for p in kept) == ["A", "B"]
    with_person = [i for i, dets in enumerate(frames) if dets]
    reached = [i for i in with_person if any(i in person for person in kept)]
    share = len(reached) / len(with_person)
    assert share >= 0.98
    return share


@pytest.mark.parametrize("occlusion_s", [0.5, 1.0, 2.0])
def test_people_crossing_with_one_hidden_keep_their_ids(occlusion_s):
    rng = np.random.default_rng(int(occlusion_s * 10))
    # A walks right in front, B walks left behind, both at about a body height per second
    # (walking pace); they meet at t = 3 s, x = 540, where B is hidden behind A
    path_a = lambda t: np.array([-360 + 300 * t, 1150.0])  # noqa: E731
    path_b = lambda t: np.array([1440 - 300 * t, 1050.0])  # noqa: E731
    hidden_b = lambda t: abs(t - 3.0) < occlusion_s / 2  # noqa: E731
    frames, truth = simulate(6.0, path_a, path_b, lambda t: False, hidden_b, rng)
    pieces, joined = people_after_joining(frames)
    check(frames, truth, joined)
    assert len(joined) == 2


def test_a_person_leaving_and_coming_back_keeps_the_id():
    rng = np.random.default_rng(7)
    # A walks out on the right at 6 s, is away 4 s, and walks back in from the right
    path_a = lambda t: np.array([300 + 120 * t if t < 8 else 1260 - 120 * (t - 8), 1150.0])  # noqa: E731
    hidden_a = lambda t: 6.0 < t < 10.0  # noqa: E731
    path_b = lambda t: np.array([400 + 20 * np.sin(t), 1000.0])  # noqa: E731
    frames, truth = simulate(16.0, path_a, path_b, hidden_a, lambda t: False, rng)
    pieces, joined = people_after_joining(frames)
    assert len(pieces) >= 3  # the tracker alone splits A (it waits only 2 s)
    share = check(frames, truth, joined)
    assert share == pytest.approx(1.0, abs=0.02)
    assert len(joined) == 2


def test_crossing_and_leaving_together_and_max_people_counts_people():
    rng = np.random.default_rng(11)
    path_a = lambda t: np.array([140 + 80 * t, 1150.0])  # noqa: E731
    path_b = lambda t: np.array([940 - 80 * t, 1050.0]) if t < 8 else np.array([300 + 60 * (t - 8), 1050.0])  # noqa: E731
    hidden_b = lambda t: abs(t - 5.0) < 0.75 or 8.5 < t < 11  # noqa: E731 - hidden at the crossing, then away
    frames, truth = simulate(16.0, path_a, path_b, lambda t: False, hidden_b, rng)
    pieces, joined = people_after_joining(frames)
    assert len(pieces) > 2 and len(joined) == 2
    check(frames, truth, joined, max_people=2)


def test_body_proportions_tell_builds_apart_and_do_not_depend_on_distance():
    near, far = body((500, 900), 2.0), body((500, 900), 1.0)
    other = body((500, 900), 2.0, legs=1.2, shoulders=0.85)
    assert np.allclose(body_proportions(near), body_proportions(far))
    assert np.nanmean(np.abs(body_proportions(near) - body_proportions(other))) > 0.05


def test_two_people_who_never_meet_are_not_joined_by_time_alone():
    rng = np.random.default_rng(3)
    # A stands left until 5 s and leaves; B of another build appears far right at 5.5 s
    path_a = lambda t: np.array([200.0, 1150.0])  # noqa: E731
    path_b = lambda t: np.array([950.0, 1100.0])  # noqa: E731
    frames, truth = simulate(10.0, path_a, path_b, lambda t: t > 5.0, lambda t: t < 5.5, rng)
    _, joined = people_after_joining(frames)
    assert len(joined) == 2
