"""estimate_poses on the real Pose2Sim videos, and on bad input."""

from pathlib import Path

import cv2
import numpy as np
import pytest

from motionrehab.capture.estimate import estimate_poses
from motionrehab.capture.pose_csv import read_pose_csv, write_pose_csv
from motionrehab.capture.video import FrameList, read_frames
from motionrehab.errors import InputFileError, ModelNotFoundError, UnusableViewError

SINGLE = ("Demo_SinglePerson/cam01.mp4", "Demo_SinglePerson/cam02.mp4")
MULTI = "Demo_MultiPerson/cam01.mp4"


def hip_midpoint(track):
    return (track.landmark_px("left_hip") + track.landmark_px("right_hip")) / 2


@pytest.mark.parametrize("clip", SINGLE)
def test_the_participant_is_found_in_nearly_every_frame(pose_results, clip):
    result = pose_results[clip]
    assert result.frames_read == 100 and not result.errors
    assert result.patient_id == 0
    patient = result.patient()
    assert patient.detection_rate() >= 0.95  # data README section 4
    assert patient.n_frames == 100
    np.testing.assert_allclose(patient.t_s, np.arange(100) / 60.0, atol=1e-3, rtol=0)
    assert patient.frame_rate_hz == pytest.approx(60.0)
    assert (patient.image_width_px, patient.image_height_px) == (1080, 1920)
    assert patient.world_m is not None and np.isfinite(patient.world_m[patient.detected()]).all()


@pytest.mark.parametrize("clip", [*SINGLE, MULTI])
def test_the_patient_is_the_large_central_participant_not_the_background_observer(pose_results, clip):
    result = pose_results[clip]
    patient = result.patient()
    xy = patient.landmarks_px[patient.detected()]
    height_share = np.median(np.ptp(xy[..., 1], axis=1)) / patient.image_height_px
    assert height_share > 0.3  # the observer, far behind, is under a tenth of the picture's height
    hip = np.nanmedian(hip_midpoint(patient), axis=0)
    # the participant stands on the treadmill left of centre, his hips in the picture's upper-middle band
    assert 0.3 * patient.image_width_px < hip[0] < 0.7 * patient.image_width_px
    assert 0.3 * patient.image_height_px < hip[1] < 0.55 * patient.image_height_px
    assert "chosen as the patient" in result.patient_reason or "only person" in result.patient_reason


def test_multi_person_clip_keeps_the_patient_id_on_the_same_man(pose_results):
    multi = pose_results[MULTI]
    assert multi.frames_read == 100 and len(multi.tracks) == 2
    patient, other = multi.patient(), next(t for t in multi.tracks if t.person_id != multi.patient_id)
    assert patient.person_id == 0 and "person 1" in multi.patient_reason
    assert (patient.image_width_px, patient.image_height_px) == (1088, 1920)
    # Same take as SinglePerson/cam01 (identical poses at the same frame indices): every frame
    # labelled as the patient must be that man, not the woman in the foreground.
    single = pose_results["Demo_SinglePerson/cam01.mp4"].patient()
    both = patient.detected() & single.detected()
    assert both.sum() >= 70
    offset = np.linalg.norm(hip_midpoint(patient)[both] - hip_midpoint(single)[both], axis=1)
    assert offset.max() < 40.0, offset.max()
    # his hip midpoint never jumps between consecutive detections
    frames = np.flatnonzero(patient.detected())
    steps = np.linalg.norm(np.diff(hip_midpoint(patient)[frames], axis=0), axis=1) / np.diff(frames)
    assert steps.max() < 30.0  # px per frame at 60 fps; the woman is > 500 px away
    # the woman standing in front is tracked throughout under her own id
    assert other.detection_rate() >= 0.95
    assert np.linalg.norm(np.nanmedian(hip_midpoint(other), axis=0) - np.nanmedian(hip_midpoint(patient), axis=0)) > 400


def test_multi_person_clip_frames_with_a_person_reach_the_tracks(pose_results):
    # the share of frames in which the model found someone that are in the written tracks
    # (max_people = 2 counts people: pieces of one person are joined first)
    multi = pose_results[MULTI]
    reached = np.zeros(multi.frames_read, dtype=bool)
    for track in multi.tracks:
        reached |= track.detected()
    assert len(multi.tracks) <= 2
    assert reached.sum() / multi.frames_with_person >= 0.98  # measured 100 of 100


@pytest.mark.parametrize("clip", [*SINGLE, MULTI])
def test_visible_landmarks_lie_inside_the_image(pose_results, clip):
    for track in pose_results[clip].tracks:
        visible = np.nan_to_num(track.visibility) > 0.5
        xy = track.landmarks_px[visible]
        assert xy.shape[0] > 1000
        margin = 0.02 * track.image_width_px
        assert (xy[:, 0] > -margin).all() and (xy[:, 0] < track.image_width_px + margin).all()
        assert (xy[:, 1] > -margin).all() and (xy[:, 1] < track.image_height_px + margin).all()


@pytest.mark.parametrize("clip", SINGLE)
def test_hips_lie_between_shoulders_and_knees_for_the_standing_man(pose_results, clip):
    patient = pose_results[clip].patient()
    ok = patient.detected()
    y = patient.landmarks_px[ok][..., 1]
    shoulder, hip, knee = (y[:, [i, i + 1]].mean(axis=1) for i in (11, 23, 25))
    between = (shoulder < hip) & (hip < knee)
    assert between.mean() >= 0.95
    # and the ankles below the knees (the head is not tested: he bows it below shoulder level in the lunge)
    assert (y[:, [27, 28]].mean(axis=1) > knee).mean() >= 0.95


@pytest.mark.parametrize("clip", [SINGLE[0], MULTI])
def test_csv_round_trip_is_identical(pose_results, clip, tmp_path):
    tracks = pose_results[clip].tracks
    path = write_pose_csv(tmp_path / "pose.csv", tracks)
    assert (path.stat().st_mode & 0o777) == 0o600
    back = read_pose_csv(path)
    assert sorted(back) == [t.person_id for t in tracks]
    for track in tracks:
        again = back[track.person_id]
        for name in ("t_s", "landmarks_px", "visibility", "landmarks_z", "world_m"):
            np.testing.assert_array_equal(getattr(again, name), getattr(track, name), err_msg=name)
        assert (again.image_width_px, again.image_height_px) == (track.image_width_px, track.image_height_px)


def _write_avi(path: Path, images) -> Path:
    height, width = images[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 60.0, (width, height))
    for image in images:
        writer.write(image)
    writer.release()
    return path


def test_a_video_with_nobody_in_it(tmp_path, pose_model_path):
    gradient = np.tile(np.linspace(0, 255, 320, dtype=np.uint8)[None, :, None], (240, 1, 3))
    video = _write_avi(tmp_path / "empty_room.avi", [np.roll(gradient, 3 * i, axis=1) for i in range(12)])
    with pytest.raises(UnusableViewError, match="no person was detected in any of the 12 frames") as caught:
        estimate_poses(video, model=pose_model_path)
    assert "whole body" in caught.value.fix


def test_a_truncated_video_keeps_the_frames_read_and_reports_the_error(shared_data, tmp_path, pose_model_path):
    frames = read_frames(shared_data / "pose2sim/Demo_SinglePerson/cam01.mp4", range(30))
    whole = _write_avi(tmp_path / "whole.avi", [cv2.resize(f.image_bgr, (270, 480), interpolation=cv2.INTER_AREA) for f in frames])
    cut = tmp_path / "cut.avi"
    cut.write_bytes(whole.read_bytes()[: int(0.4 * whole.stat().st_size)])
    result = estimate_poses(cut, model=pose_model_path)
    assert 5 <= result.frames_read < 20
    (error,) = result.errors
    assert isinstance(error, InputFileError) and f"after {result.frames_read} of 30 frames" in str(error)
    assert result.patient().n_frames == result.frames_read and result.patient().detection_rate() == 1.0


def test_frames_in_memory_and_a_bad_model(tmp_path, shared_data, pose_model_path):
    frames = read_frames(shared_data / "pose2sim/Demo_SinglePerson/cam01.mp4", range(6))
    source = FrameList([f.image_bgr for f in frames], frame_rate_hz=60.0, description="first frames")
    result = estimate_poses(source, model=pose_model_path, max_people=1)
    assert result.frames_with_person == 6 and len(result.tracks) == 1 and result.source == "first frames"
    bad = tmp_path / "model.task"
    bad.write_text("not a model")
    with pytest.raises(ModelNotFoundError):
        estimate_poses(source, model=bad)
    with pytest.raises(InputFileError, match="not found"):
        estimate_poses(tmp_path / "missing.mp4", model=pose_model_path)



def test_a_rotated_video_gives_landmarks_in_the_upright_picture(rotated_video, pose_model_path, pose_results):
    result = estimate_poses(rotated_video, model=pose_model_path, max_frames=10)
    turned = result.patient()
    assert (turned.image_width_px, turned.image_height_px) == (1920, 1080) and turned.n_frames == 10
    upright = pose_results["Demo_SinglePerson/cam01.mp4"].patient()
    # turning the picture 90 degrees clockwise maps (x, y) to (height - y, x)
    expected = np.stack([1920 - hip_midpoint(upright)[:10, 1], hip_midpoint(upright)[:10, 0]], axis=1)
    assert np.nanmax(np.linalg.norm(hip_midpoint(turned) - expected, axis=1)) < 25.0
