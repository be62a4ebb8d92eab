import numpy as np
import pytest

from motionrehab.capture import LANDMARK_INDEX, PoseTrack
from motionrehab.capture.landmarks import MIRROR_PERMUTATION
from motionrehab.errors import InvalidDataError


def make_track(n: int = 5, **changes) -> PoseTrack:
    rng = np.random.default_rng(0)
    fields = dict(
        t_s=np.arange(n) / 30.0,
        landmarks_px=rng.uniform(0, 600, (n, 33, 2)),
        visibility=rng.uniform(0, 1, (n, 33)),
        image_width_px=640,
        image_height_px=480,
        frame_rate_hz=30.0,
        source="test",
    )
    fields.update(changes)
    return PoseTrack(**fields)


def test_valid_track_is_read_only_and_sized():
    track = make_track()
    assert track.n_frames == 5
    assert track.duration_s == pytest.approx(4 / 30)
    with pytest.raises(ValueError):
        track.landmarks_px[0, 0, 0] = 1.0
    assert track.landmark_px("left_hip").shape == (5, 2)
    assert np.isnan(track.landmarks_z).all()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"t_s": [0.0, 0.1, 0.1, 0.2, 0.3]}, "not strictly increasing"),
        ({"t_s": [0.0, 0.1, np.nan, 0.2, 0.3]}, "t_s[2] is not a finite number"),
        ({"landmarks_px": np.zeros((5, 32, 2))}, "landmarks_px has shape (5, 32, 2), expected (5, 33, 2)"),
        ({"visibility": np.full((5, 33), 1.5)}, "visibility must lie in [0, 1]"),
        ({"landmarks_px": np.full((5, 33, 2), np.inf)}, "infinite value"),
        ({"frame_rate_hz": 0.0}, "frame_rate_hz must be positive"),
        ({"image_width_px": -3}, "image_width_px must be a positive whole number"),
    ],
)
def test_bad_tracks_are_refused_with_specific_errors(changes, message):
    with pytest.raises(InvalidDataError) as error:
        make_track(**changes)
    assert message in str(error.value)


def test_nan_is_missing_not_an_error():
    landmarks = np.full((5, 33, 2), np.nan)
    landmarks[:2] = 100.0
    track = make_track(landmarks_px=landmarks, visibility=np.full((5, 33), np.nan))
    assert track.detection_rate() == pytest.approx(0.4)


def test_mirror_swaps_left_and_right_twins():
    assert MIRROR_PERMUTATION[LANDMARK_INDEX["left_hip"]] == LANDMARK_INDEX["right_hip"]
    assert MIRROR_PERMUTATION[LANDMARK_INDEX["nose"]] == LANDMARK_INDEX["nose"]
    assert sorted(MIRROR_PERMUTATION) == list(range(33))
