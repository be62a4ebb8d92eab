"""`motionrehab doctor`: reports and exits 0, whatever is missing."""

from motionrehab.cli.doctor import _camera_status
from motionrehab.cli.main import main


def test_doctor_reports_python_packages_model_and_opencv(capsys, pose_model_path):
    assert main(["doctor", "--no-camera"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("motionrehab ") and "\nPython 3." in out
    assert "  mediapipe: 1." in out and "  opencv-contrib-python: " in out
    assert f"Pose model: found, {pose_model_path} (from MOTIONREHAB_POSE_MODEL)" in out
    assert "Camera: skipped" in out and "OpenCV " in out and "FFMPEG" in out


def test_doctor_without_a_model_still_exits_0_and_says_how(capsys, monkeypatch, tmp_path):
    monkeypatch.delenv("MOTIONREHAB_POSE_MODEL", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert main(["doctor", "--no-camera"]) == 0
    out = capsys.readouterr().out
    assert "Pose model: NOT FOUND" in out and "--pose-model PATH" in out


def test_camera_check_answers_within_its_time_limit():
    # No camera on test machines: an index that cannot exist must give an answer, not hang.
    status = _camera_status(index=97, timeout_s=3.0)
    assert status.startswith("camera 97: ") and "available (" not in status
