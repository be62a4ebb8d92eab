import json

import pytest

from motionrehab.cli.main import main
from motionrehab.sensors.imu_csv import write_imu_csv
from motionrehab.synth.foot_imu import synthesize_foot_walk


def test_json_summary_and_private_outputs_from_an_inertial_csv(tmp_path, capsys):
    walk = synthesize_foot_walk(10)
    path = write_imu_csv(tmp_path / "left_foot.csv", walk.recording)
    out = tmp_path / "out"
    assert main(["analyze", "gait", str(path), "--json", "--out", str(out), "--pain-onset-s", "8"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data["strides"]) == 10
    assert data["cadence_steps_per_min"] == pytest.approx(120 / 1.1, abs=1.0)
    assert data["distance_m"] == pytest.approx(14.0, rel=0.02)
    assert data["walking_tolerance"]["time_s"] == pytest.approx(8 - walk.t_ic_s[0], abs=0.02)
    for name in ("gait_summary.json", "gait_strides.csv"):
        assert ((out / name).stat().st_mode & 0o777) == 0o600
    assert (out.stat().st_mode & 0o777) == 0o700
    assert len((out / "gait_strides.csv").read_text().splitlines()) == 11


def test_text_output_and_placement_override(tmp_path, capsys):
    walk = synthesize_foot_walk(6)
    path = write_imu_csv(tmp_path / "foot.csv", walk.recording)
    assert main(["analyze", "gait", str(path)]) == 0
    text = capsys.readouterr().out
    assert "Strides: 6" in text and "Distance: 8." in text


def test_unreadable_video_is_a_clear_error_not_advice_to_run_pose_first(tmp_path, capsys):
    video = tmp_path / "walk.mp4"
    video.write_bytes(b"\x00")
    assert main(["analyze", "gait", str(video)]) == 2
    err = capsys.readouterr().err
    assert "motionrehab pose" not in err and "Traceback" not in err
    assert "walk.mp4" in err


@pytest.mark.slow
def test_video_is_analysed_directly(shared_data, pose_model_path, capsys):
    """A real clip (Pose2Sim, one lunge, no walk): the pose model runs on it and the gait analysis answers."""
    video = shared_data / "pose2sim" / "Demo_SinglePerson" / "cam01.mp4"
    status = main(["analyze", "gait", str(video), "--pose-model", str(pose_model_path), "--json"])
    captured = capsys.readouterr()
    assert "person: cam01.mp4" in captured.err
    assert "motionrehab pose" not in captured.err and "Traceback" not in captured.err
    if status == 0:
        assert json.loads(captured.out)["steps"] <= 2  # one lunge is at most one step each way
    else:
        assert status == 2 and "cam01.mp4" in captured.err


def test_unreadable_csv_is_a_clear_error(tmp_path, capsys):
    path = tmp_path / "notes.csv"
    path.write_text("hello,world\n1,2\n")
    assert main(["analyze", "gait", str(path)]) == 2
    assert "not an inertial recording" in capsys.readouterr().err


@pytest.mark.realdata
def test_gaitmap_file_through_the_cli(shared_data, capsys):
    assert main(["analyze", "gait", str(shared_data / "gaitmap" / "imu_sample.csv"), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["steps"] == 62
    assert sum(s["side"] == "left" for s in data["strides"]) == 30
