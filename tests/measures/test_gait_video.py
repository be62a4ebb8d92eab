"""Video gait (Zeni events) on a kinematic side-view walker with exact landing times."""

import numpy as np
import pytest

from motionrehab.capture import PoseTrack
from motionrehab.capture.landmarks import LANDMARK_INDEX, N_LANDMARKS
from motionrehab.measures.gait_video import analyze_video_gait

FPS = 30.0
SCALE = 300.0  # px per m
HEIGHT_M = 1.75


def _swing_profile(tau):
    """Heel horizontal position fraction during swing: trapezoid velocity, 10 % ramp up, 5 % down."""
    fine = np.linspace(0, 1, 2001)
    velocity = np.minimum.reduce([fine / 0.10, np.ones_like(fine), (1 - fine) / 0.05])
    position = np.concatenate([[0.0], np.cumsum(0.5 * (velocity[1:] + velocity[:-1]) * np.diff(fine))])
    return np.interp(tau, fine, position / position[-1])


def _walker(n_strides=6, stride_s=1.1, speed_m_s=1.2, facing=1, x0=200.0, person_id=0):
    """Side-view walker at constant pelvis speed. Returns the track and true IC/toe-off times per foot.

    Each heel lands 0.3 stride lengths ahead of the pelvis, stays on the ground through
    stance (60 %), swings with the trapezoid profile to the next landing point. Before
    its first IC each foot stands at the previous landing point.
    """
    stance = 0.6 * stride_s
    swing = stride_s - stance
    v_px = speed_m_s * SCALE
    length_px = v_px * stride_s
    ahead_px = 0.3 * length_px
    t = np.arange(0.0, 1.2 + n_strides * stride_s + 1.5, 1.0 / FPS)
    px = np.full((t.size, N_LANDMARKS, 2), np.nan)
    ground = 1000.0
    pelvis = v_px * t
    truth = {}
    for side, first_ic in (("left", 1.0), ("right", 1.0 + 0.5 * stride_s)):
        ics = first_ic + stride_s * np.arange(n_strides + 1)
        fcs = ics[:-1] + stance
        landing = v_px * ics + ahead_px
        heel = np.empty_like(t)
        lift = np.zeros_like(t)
        for i, ti in enumerate(t):
            k = int(np.searchsorted(ics, ti, side="right")) - 1  # last IC at or before ti
            if ti >= ics[0] and (k == n_strides or ti < ics[k] + stance):
                heel[i] = landing[k]
                continue
            nxt = k + 1
            previous = landing[nxt] - length_px
            tau = (ti - (ics[nxt] - swing)) / swing
            if tau <= 0:
                heel[i] = previous
            else:
                heel[i] = previous + length_px * _swing_profile(tau)
                lift[i] = 40.0 * np.sin(np.pi * tau)
        heel_x = x0 + facing * heel
        px[:, LANDMARK_INDEX[f"{side}_heel"]] = np.column_stack([heel_x, ground - lift])
        px[:, LANDMARK_INDEX[f"{side}_foot_index"]] = np.column_stack([heel_x + facing * 0.2 * SCALE, ground - lift])
        px[:, LANDMARK_INDEX[f"{side}_ankle"]] = np.column_stack([heel_x + facing * 15, ground - 25 - lift])
        truth[side] = (ics, fcs)
    pelvis_x = x0 + facing * pelvis
    for side in ("left", "right"):
        px[:, LANDMARK_INDEX[f"{side}_hip"]] = np.column_stack([pelvis_x, np.full_like(t, ground - 0.53 * HEIGHT_M * SCALE)])
        px[:, LANDMARK_INDEX[f"{side}_ear"]] = np.column_stack([pelvis_x, np.full_like(t, ground - 0.93 * HEIGHT_M * SCALE)])
        px[:, LANDMARK_INDEX[f"{side}_eye"]] = np.column_stack(
            [pelvis_x + facing * 25, np.full_like(t, ground - 0.936 * HEIGHT_M * SCALE)])
    px[:, LANDMARK_INDEX["nose"]] = np.column_stack([pelvis_x + facing * 40, np.full_like(t, ground - 0.92 * HEIGHT_M * SCALE)])
    vis = np.where(np.isfinite(px[:, :, 0]), 0.99, np.nan)
    track = PoseTrack(t_s=t, landmarks_px=px, visibility=vis, image_width_px=6000, image_height_px=1100,
                      frame_rate_hz=FPS, person_id=person_id, source="test walker")
    return track, truth


def _standing(person_id=1, x=3000.0):
    track, _ = _walker(n_strides=0, speed_m_s=0.0, x0=x, person_id=person_id)
    return track


@pytest.mark.parametrize("facing", [1, -1])
def test_walker_steps_events_cadence_and_length_from_height(facing):
    track, truth = _walker(facing=facing, x0=200.0 if facing > 0 else 3800.0)
    result = analyze_video_gait(track, height_m=HEIGHT_M)
    n_ic = sum(ics.size for ics, _ in truth.values())
    assert result.steps == n_ic  # exact
    for side in ("left", "right"):
        ics, fcs = truth[side]
        strides = [s for s in result.strides if s.side == side]
        detected = np.array([s.t_ic_s for s in strides] + [strides[-1].t_next_ic_s])
        assert np.max(np.abs(detected - ics)) <= 1.0 / FPS
        detected_fc = np.array([s.t_fc_s for s in strides])
        assert np.max(np.abs(detected_fc - fcs)) <= 1.0 / FPS
        lengths = np.array([s.stride_length_m for s in strides])
        assert np.allclose(lengths, 1.2 * 1.1, rtol=0.03)
    assert result.cadence_steps_per_min == pytest.approx(120 / 1.1, abs=1.0)


def test_without_scale_lengths_are_none():
    track, _ = _walker()
    result = analyze_video_gait(track)
    assert result.distance_m is None and all(s.stride_length_m is None for s in result.strides)
    assert any("no scale" in note for note in result.notes)


def test_selects_the_walking_person_and_says_why():
    walker, truth = _walker(person_id=0)
    result = analyze_video_gait({1: _standing(person_id=1), 0: walker})
    assert result.steps == sum(ics.size for ics, _ in truth.values())
    assert "person 0 selected of 2" in result.notes[0]


def test_standing_person_has_zero_steps():
    result = analyze_video_gait(_standing())
    assert result.steps == 0 and result.cadence_steps_per_min is None


def _mediapipe_track(video, model_path):
    """One-person PoseTrack straight from MediaPipe (the capture stage's own pipeline is another module)."""
    cv2 = pytest.importorskip("cv2")
    mp = pytest.importorskip("mediapipe")
    options = mp.tasks.vision.PoseLandmarkerOptions(
        base_options=mp.tasks.BaseOptions(model_asset_path=str(model_path)),
        running_mode=mp.tasks.vision.RunningMode.VIDEO, num_poses=1)
    capture = cv2.VideoCapture(str(video))
    fps = capture.get(cv2.CAP_PROP_FPS)
    landmarks, visibility = [], []
    with mp.tasks.vision.PoseLandmarker.create_from_options(options) as landmarker:
        while True:
            ok, frame = capture.read()
            if not ok:
                break
            height, width = frame.shape[:2]
            image = mp.Image(image_format=mp.ImageFormat.SRGB, data=cv2.cvtColor(frame, cv2.COLOR_BGR2RGB))
            result = landmarker.detect_for_video(image, int(round(len(landmarks) * 1000 / fps)))
            px, vis = np.full((N_LANDMARKS, 2), np.nan), np.full(N_LANDMARKS, np.nan)
            if result.pose_landmarks:
                for k, point in enumerate(result.pose_landmarks[0]):
                    px[k] = (point.x * width, point.y * height)
                    vis[k] = min(max(point.visibility, 0.0), 1.0)
            landmarks.append(px)
            visibility.append(vis)
    capture.release()
    return PoseTrack(t_s=np.arange(len(landmarks)) / fps, landmarks_px=np.array(landmarks),
                     visibility=np.array(visibility), image_width_px=width, image_height_px=height,
                     frame_rate_hz=fps, source=str(video))


@pytest.mark.realdata
@pytest.mark.slow
@pytest.mark.parametrize("video", ["Demo_SinglePerson/cam01.mp4", "Demo_SinglePerson/cam02.mp4",
                                   "Demo_MultiPerson/cam01.mp4"])
def test_pose2sim_lunge_in_place_has_zero_steps(shared_data, pose_model_path, video):
    """Negative control: a lunge in place is not walking (data README section 4)."""
    track = _mediapipe_track(shared_data / "pose2sim" / video, pose_model_path)
    assert track.n_frames == 100
    result = analyze_video_gait(track, height_m=1.75)
    assert result.steps == 0 and result.strides == () and result.cadence_steps_per_min is None
    assert any("does not walk" in note for note in result.notes)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_filmed_3d_walk_with_realistic_noise_stride_length_within_4_percent(seed):
    """The 3-D synthetic walk filmed by a perspective camera, with noise, drop-outs and swaps.

    Each foot walks in its own plane: the near foot (0.16 m closer at 4.5 m) reads about 3.5 %
    long, the far foot as much short; the mean of the two feet cancels it. Measured here:
    mean of the feet' medians 1.31-1.33 m for a true 1.30 m (the eye rides a little lower
    while walking than standing, so the height scale is about 2 % small).
    """
    from motionrehab.synth.camera import Realism
    from motionrehab.synth.exercises import walk

    recording = walk(strides=8, stride_length_m=1.3, stride_time_s=1.1, realism=Realism(), seed=seed)
    result = analyze_video_gait(recording.track, height_m=1.70)
    medians = [np.median([s.stride_length_m for s in result.strides if s.side == side and s.stride_length_m is not None]) for side in ("left", "right")]
    assert np.mean(medians) == pytest.approx(1.30, rel=0.04)
    assert abs(medians[0] - medians[1]) < 0.12  # the depth effect, bounded
    assert result.cadence_steps_per_min == pytest.approx(120 / 1.1, rel=0.02)
