"""`motionrehab doctor`: reports everything; exits 1 only when the pose model is missing."""

import shutil
import sys

import pytest

from motionrehab.cli.doctor import _camera_status
from motionrehab.cli.main import main


def test_doctor_reports_python_packages_model_and_opencv(capsys, pose_model_path):
    assert main(["doctor", "--no-camera"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("motionrehab ") and "\nPython 3." in out
    assert "  mediapipe: 1." in out and "  opencv-contrib-python: " in out
    assert f"Pose model: found, {pose_model_path} (from MOTIONREHAB_POSE_MODEL)" in out
    assert "Camera: skipped" in out and "OpenCV " in out and "FFMPEG" in out


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed (.ci/run installs it)")
def test_doctor_names_the_speech_engine(capsys, pose_model_path):
    assert main(["doctor", "--no-camera"]) == 0
    (line,) = [line for line in capsys.readouterr().out.splitlines() if line.startswith("Speech engine")]
    assert line.startswith("Speech engine (spoken cues, optional): pyttsx3 2.") and ", espeak driver" in line


def test_doctor_without_speech_says_how_and_still_exits_0(capsys, monkeypatch, pose_model_path):
    monkeypatch.setitem(sys.modules, "pyttsx3", None)  # as if the speech extra were not installed
    assert main(["doctor", "--no-camera"]) == 0
    out = capsys.readouterr().out
    assert "Speech engine (spoken cues, optional): none. spoken cues need the pyttsx3 package. How to fix: pip install 'motionrehab[speech]'" in out


def test_doctor_without_a_model_reports_everything_says_how_and_exits_1(capsys, monkeypatch, tmp_path):
    monkeypatch.delenv("MOTIONREHAB_POSE_MODEL", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert main(["doctor", "--no-camera"]) == 1
    captured = capsys.readouterr()
    assert "Pose model: NOT FOUND" in captured.out and "--pose-model PATH" in captured.out
    assert "Camera: skipped" in captured.out and "OpenCV " in captured.out  # the rest is still reported
    assert captured.err.strip() == "doctor: the pose model is missing, so nothing can be measured from video (see 'Pose model' above)"


def test_camera_check_answers_within_its_time_limit():
    # No camera on test machines: an index that cannot exist must give an answer, not hang.
    status = _camera_status(index=97, timeout_s=3.0)
    assert status.startswith("camera 97: ") and "available (" not in status
