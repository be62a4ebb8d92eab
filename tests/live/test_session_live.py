"""A headless run of a real video through the live loop judges the view as the offline analyser does."""

import pytest

from motionrehab.capture.estimate import estimate_poses
from motionrehab.capture.pose_estimator import PoseEstimator
from motionrehab.capture.video import VideoFile
from motionrehab.errors import UnusableViewError
from motionrehab.live.follower import PatientFollower
from motionrehab.live.session import (
    Controls,
    ExerciseEvent,
    ExerciseLoop,
    handle_key,
    played_as_camera,
    run_exercise,
)
from motionrehab.measures.hip_hinge import HingeCriteria, analyze_hip_hinge_track

# cam01 films a lunge from the front-left, above (body yaw about 40 deg): both paths refuse
# the view, so the lunge is never counted as a hinge
CRITERIA = HingeCriteria(target_hip_flexion_deg=40.0, eccentric_s=3.0)


@pytest.mark.realdata
def test_headless_live_run_of_a_real_oblique_clip_refuses_the_view_as_offline_does(shared_data, pose_model_path):
    video = shared_data / "pose2sim" / "Demo_SinglePerson" / "cam01.mp4"
    with pytest.raises(UnusableViewError, match="at an angle"):
        analyze_hip_hinge_track(estimate_poses(video, model=pose_model_path).patient(), criteria=CRITERIA)
    frames_drawn = []
    with PoseEstimator(pose_model_path, num_poses=2) as estimator:
        loop = ExerciseLoop(estimator, exercise_id="hinge", sets=2, reps_per_set=8, criteria=CRITERIA, frame_rate_hz=60.0,
                            on_frame=lambda image, t: frames_drawn.append(image.shape))  # fmt: skip
        result = run_exercise(loop, played_as_camera(VideoFile(video)), lockstep=True)
    assert result.stats.frames_captured == 100 and result.stats.frames_analysed == 100 and result.stats.frames_dropped == 0
    assert len(frames_drawn) == 100 and frames_drawn[0] == (1920, 1080, 3)
    assert [e.kind for e in result.events] == ["setup", "unusable_view", "end"]
    assert "at an angle" in result.events[0].message
    assert result.repetitions == ()


@pytest.mark.realdata
def test_the_one_person_follower_takes_over_when_the_patient_is_alone(shared_data, pose_model_path):
    video = shared_data / "pose2sim" / "Demo_SinglePerson" / "cam01.mp4"
    with PoseEstimator(pose_model_path, num_poses=2) as estimator, PoseEstimator(pose_model_path, num_poses=1) as single:
        follower = PatientFollower(estimator, warmup_s=0.5, single=single, recheck_s=0.5)
        seen = [follower.process(i, frame.t_s, frame.image_bgr).detection is not None for i, frame in enumerate(VideoFile(video))]
    assert follower.alone_
    # chosen after the 0.5 s warm-up (30 frames at 60 fps), then followed on every frame, rechecks included
    assert seen[:30] == [False] * 30 and all(seen[30:])


def test_keys_pause_skip_mark_and_quit():
    controls = Controls()
    handle_key(-1, controls, 0.0)
    assert controls == Controls()
    handle_key(ord("p"), controls, 1.0)
    assert controls.paused
    handle_key(ord(" "), controls, 1.5)
    assert not controls.paused
    handle_key(ord("m"), controls, 2.5)
    handle_key(ord("M"), controls, 3.0)
    assert controls.symptom_marks == [2.5, 3.0]
    handle_key(ord("s"), controls, 4.0)
    assert controls.skip and not controls.quit
    handle_key(27, controls, 5.0)
    assert controls.quit


def test_event_json_line():
    event = ExerciseEvent("set_done", 12.3456, "hinge", 1, "set 1 done: rest 60 s")
    assert event.to_json() == '{"event": "set_done", "t_s": 12.346, "exercise": "hinge", "set": 1, "message": "set 1 done: rest 60 s"}'


def _rep(index, faults=()):
    from motionrehab.measures.hip_hinge import HingeRepetition

    return HingeRepetition(index, 2.0 + 8 * index, 8.0 + 8 * index, 3.0, 1.0, 2.0, 60.0, 50.0, 20.0, 5.0, None, None, tuple(faults), 100 - 20 * len(faults))


def test_sets_rest_timer_and_cues_follow_the_dose():
    import numpy as np

    events = []
    loop = ExerciseLoop(None, exercise_id="hinge", sets=2, reps_per_set=2, criteria=CRITERIA, frame_rate_hz=30.0, rest_s=45.0, on_event=events.append)
    image = np.zeros((640, 360, 3), np.uint8)
    loop.add_repetition(_rep(0), 10.0)
    assert loop.set_index == 1 and not loop.done
    loop.add_repetition(_rep(1, ["rushed_eccentric"]), 18.0)
    assert [e.kind for e in events] == ["rep", "rep", "set_done"]
    assert events[1].message == "lower more slowly, count the seconds on the way down" and events[1].rep_in_set == 2
    assert events[2].message == "set 1 done: rest 45 s" and events[2].set_index == 1
    assert loop.set_index == 2
    resting = loop.draw(image, None, (), 30.0)  # 33 s of rest left: drawn, and the timer still runs
    assert loop._rest_until == pytest.approx(63.0) and resting.shape == image.shape and resting.any()
    loop.draw(image, None, (), 64.0)  # rest over
    assert loop._rest_until is None
    loop.add_repetition(_rep(2), 70.0)
    loop.add_repetition(_rep(3), 78.0)
    assert loop.done
    assert [(e.kind, e.set_index) for e in events[3:]] == [("rep", 2), ("rep", 2), ("set_done", 2)]
    assert events[-1].message == "all sets done: well done"
    assert [s for s, _ in loop.reps] == [1, 1, 2, 2]
