"""`motionrehab pose`: CSV (+ overlay) from a real clip; bad input exits 2 with a sentence, no traceback."""


import cv2
import numpy as np
import pytest

from motionrehab.capture.pose_csv import read_pose_csv
from motionrehab.capture.video import read_frames
from motionrehab.cli.main import main


@pytest.fixture(scope="module")
def short_clip(shared_data, tmp_path_factory):
    """The first 20 frames of SinglePerson/cam01 at a quarter size, as an MJPG AVI."""
    path = tmp_path_factory.mktemp("clip") / "lunge.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 60.0, (270, 480))
    for frame in read_frames(shared_data / "pose2sim/Demo_SinglePerson/cam01.mp4", range(20)):
        writer.write(cv2.resize(frame.image_bgr, (270, 480), interpolation=cv2.INTER_AREA))
    writer.release()
    return path


def test_pose_writes_the_csv_overlay_and_a_summary(short_clip, tmp_path, capsys, pose_model_path):
    out = tmp_path / "out"
    overlay = tmp_path / "overlay.mp4"
    assert main(["pose", str(short_clip), "--out", str(out), "--overlay", str(overlay), "--pose-model", str(pose_model_path)]) == 0
    captured = capsys.readouterr()
    csv_path = out / "lunge_pose.csv"
    tracks = read_pose_csv(csv_path)
    assert 0 in tracks and tracks[0].n_frames == 20 and tracks[0].detection_rate() == 1.0
    assert (tracks[0].image_width_px, tracks[0].image_height_px) == (270, 480)
    assert (csv_path.stat().st_mode & 0o777) == 0o600 and (out.stat().st_mode & 0o777) == 0o700
    assert (overlay.stat().st_mode & 0o777) == 0o600
    assert "Frames: 20 read, 20 with a person" in captured.out
    assert "Person 0 (patient): detected in 100.0 % of frames" in captured.out
    assert "Patient: person 0" in captured.out and f"Wrote {csv_path}" in captured.out
    assert "(20 frames with skeletons)" in captured.out
    capture = cv2.VideoCapture(str(overlay))
    assert int(capture.get(cv2.CAP_PROP_FRAME_COUNT)) == 20
    capture.release()


def _fails_cleanly(argv, capsys, expected):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "\nerror: " in "\n" + err.split("\r")[-1], err
    assert expected in err, err
    return err


def test_missing_file(tmp_path, capsys):
    _fails_cleanly(["pose", str(tmp_path / "nope.mp4"), "--out", str(tmp_path)], capsys, "video file not found")


def test_not_a_video(tmp_path, capsys):
    fake = tmp_path / "fake.mp4"
    fake.write_text("hello")
    _fails_cleanly(["pose", str(fake), "--out", str(tmp_path)], capsys, "not a video file")


def test_truncated_mp4(shared_data, tmp_path, capsys):
    data = (shared_data / "pose2sim/Demo_SinglePerson/cam01.mp4").read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[: int(0.4 * len(data))])
    _fails_cleanly(["pose", str(cut), "--out", str(tmp_path)], capsys, "truncated or corrupt")


def test_truncated_avi_still_writes_the_frames_read(short_clip, tmp_path, capsys, pose_model_path):
    cut = tmp_path / "cut.avi"
    cut.write_bytes(short_clip.read_bytes()[: int(0.5 * short_clip.stat().st_size)])
    err = _fails_cleanly(["pose", str(cut), "--out", str(tmp_path / "out")], capsys, "of 20 frames")
    tracks = read_pose_csv(tmp_path / "out" / "cut_pose.csv")
    assert 5 <= tracks[0].n_frames < 20 and f"after {tracks[0].n_frames} of 20" in err


def test_no_person(tmp_path, capsys):
    path = tmp_path / "wall.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 30.0, (320, 240))
    for i in range(10):
        writer.write(np.full((240, 320, 3), 100 + i, np.uint8))
    writer.release()
    _fails_cleanly(["pose", str(path), "--out", str(tmp_path)], capsys, "no person was detected")


def test_unreadable_model(short_clip, tmp_path, capsys):
    model = tmp_path / "model.task"
    model.write_bytes(b"\x00\x01" * 50)
    _fails_cleanly(["pose", str(short_clip), "--out", str(tmp_path), "--pose-model", str(model)], capsys, "not a MediaPipe pose model")


def test_no_model_at_all_says_how_to_get_one(short_clip, tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("MOTIONREHAB_POSE_MODEL", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))  # an empty per-user cache
    err = _fails_cleanly(["pose", str(short_clip), "--out", str(tmp_path), "--model-variant", "heavy"], capsys, "no 'heavy' pose model found")
    assert "--pose-model" in err and "MOTIONREHAB_POSE_MODEL" in err


def test_help_lists_the_options(capsys):
    assert main(["pose", "--help"]) == 0
    text = capsys.readouterr().out
    for option in ("--out", "--max-people", "--overlay", "--pose-model", "--model-variant"):
        assert option in text
