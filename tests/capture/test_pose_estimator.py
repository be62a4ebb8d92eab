"""PoseEstimator: golden frames guard the colour order; broken model files give specific errors."""

import json
import zipfile
from pathlib import Path

import cv2
import numpy as np
import pytest

from motionrehab.capture.pose_estimator import PoseEstimator
from motionrehab.errors import ModelNotFoundError

GOLDEN = Path(__file__).parent / "golden"
#: pixels in the 270x480 golden images. Re-runs on one machine agree exactly and other CPUs
#: differ by far less; feeding BGR instead of RGB moves landmarks by 5-8 px at most (1.7-3.7 px median).
TOLERANCE_PX = 1.5


@pytest.fixture(scope="module")
def golden():
    data = json.loads((GOLDEN / "golden_landmarks.json").read_text())
    return {name: (cv2.imread(str(GOLDEN / name)), np.array(frame["landmarks_px"])) for name, frame in data["frames"].items()}


def _landmarks(model: Path, image: np.ndarray, *, rgb_conversion: bool) -> np.ndarray:
    with PoseEstimator(model, num_poses=1) as estimator:
        found = estimator.detect(image, 0.0) if rgb_conversion else estimator.detect_rgb(image, 0.0)
    assert len(found) == 1
    return found[0].landmarks_px


def test_golden_frames_keep_their_landmarks(golden, pose_model_path):
    assert len(golden) == 3
    for name, (image, expected) in golden.items():
        assert image.shape == (480, 270, 3), name
        error = np.linalg.norm(_landmarks(pose_model_path, image, rgb_conversion=True) - expected, axis=1)
        assert error.max() <= TOLERANCE_PX, f"{name}: landmark moved {error.max():.2f} px"


def test_bgr_fed_frames_break_the_golden_tolerance(golden, pose_model_path):
    worst = []
    for image, expected in golden.values():
        error = np.linalg.norm(_landmarks(pose_model_path, image, rgb_conversion=False) - expected, axis=1)
        worst.append(error.max())
    # The tolerance catches the classic error on every frame, not just somewhere.
    assert min(worst) > TOLERANCE_PX, worst


def test_landmarks_are_pixels_of_the_given_image(golden, pose_model_path):
    image, expected = golden["cam01_frame050.png"]
    bigger = cv2.resize(image, (540, 960), interpolation=cv2.INTER_LINEAR)
    found = _landmarks(pose_model_path, bigger, rgb_conversion=True)
    # same person at twice the scale: pixel landmarks double (within a few px of model noise)
    assert np.median(np.linalg.norm(found - 2 * expected, axis=1)) < 6.0


def test_world_landmarks_are_metres_about_the_hips(golden, pose_model_path):
    image, _ = golden["cam01_frame000.png"]
    with PoseEstimator(pose_model_path, num_poses=1) as estimator:
        (person,) = estimator.detect(image, 0.0)
    assert person.world_m is not None and person.world_m.shape == (33, 3)
    hip_mid = (person.world_m[23] + person.world_m[24]) / 2
    assert np.linalg.norm(hip_mid) < 0.05
    # standing adult: shoulders 0.3-0.7 m above the hips (y down)
    shoulders_y = (person.world_m[11, 1] + person.world_m[12, 1]) / 2
    assert -0.7 < shoulders_y < -0.3
    assert ((person.visibility >= 0) & (person.visibility <= 1)).all()


def test_a_file_that_is_not_a_model(tmp_path):
    bad = tmp_path / "pose.task"
    bad.write_bytes(b"this is not a model" * 100)
    with pytest.raises(ModelNotFoundError, match="not a MediaPipe pose model"):
        PoseEstimator(bad)


def test_a_zip_that_is_not_a_pose_model(tmp_path):
    bad = tmp_path / "pose.task"
    with zipfile.ZipFile(bad, "w") as archive:
        archive.writestr("pose_detector.tflite", b"\x00" * 64)
    with pytest.raises(ModelNotFoundError, match="MediaPipe could not load") as caught:
        PoseEstimator(bad)
    assert str(bad) in str(caught.value) and "official" in caught.value.fix


def test_a_missing_model(tmp_path):
    with pytest.raises(ModelNotFoundError, match="not found"):
        PoseEstimator(tmp_path / "nothing.task")
