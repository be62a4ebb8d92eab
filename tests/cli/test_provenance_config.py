"""--config FILE.toml on the analysis commands (flags win) and provenance.json beside the results."""

import datetime as dt
import hashlib
import json

import pytest

from motionrehab import __version__
from motionrehab.cli.main import main
from motionrehab.cli.provenance import _pose_model
from motionrehab.sensors.imu_csv import write_imu_csv
from motionrehab.synth.foot_imu import synthesize_foot_walk


@pytest.fixture(scope="module")
def walk_csv(tmp_path_factory):
    folder = tmp_path_factory.mktemp("walk")
    walk = synthesize_foot_walk(10)
    return write_imu_csv(folder / "left_foot.csv", walk.recording), walk


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_config_values_apply_flags_win_and_provenance_records_the_run(walk_csv, tmp_path, capsys):
    path, walk = walk_csv
    config = tmp_path / "gait.toml"
    config.write_text("pain-onset-s = 8.0\njson = true\n[gait]\npain_onset_s = 7.0\n")  # the command's table wins over the top level
    out = tmp_path / "out"
    assert main(["analyze", "gait", str(path), "--config", str(config), "--out", str(out)]) == 0
    data = json.loads(capsys.readouterr().out)  # json = true came from the file
    assert data["walking_tolerance"]["time_s"] == pytest.approx(7.0 - walk.t_ic_s[0], abs=0.02)
    record = json.loads((out / "provenance.json").read_text())
    assert (out / "provenance.json").stat().st_mode & 0o777 == 0o600
    assert record["motionrehab_version"] == __version__ and record["command"] == "motionrehab analyze gait"
    assert record["options"]["pain_onset_s"] == 7.0 and record["options"]["out_dir"] == str(out) and record["config_file"] == str(config)
    assert record["input_sha256"] == {str(path): _sha(path), str(config): _sha(config)}
    assert record["pose_model"] is None  # an inertial CSV needs no pose model
    age = dt.datetime.now(dt.timezone.utc) - dt.datetime.fromisoformat(record["created_utc"])
    assert dt.timedelta(0) <= age < dt.timedelta(minutes=5)

    out2 = tmp_path / "out2"
    assert main(["analyze", "gait", str(path), "--config", str(config), "--pain-onset-s", "6", "--out", str(out2)]) == 0
    assert json.loads(capsys.readouterr().out)["walking_tolerance"]["time_s"] == pytest.approx(6.0 - walk.t_ic_s[0], abs=0.02)
    assert json.loads((out2 / "provenance.json").read_text())["options"]["pain_onset_s"] == 6.0


def test_an_unknown_config_key_names_the_known_options(walk_csv, tmp_path, capsys):
    config = tmp_path / "bad.toml"
    config.write_text("pain_onset = 8\n")
    assert main(["analyze", "gait", str(walk_csv[0]), "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert "'pain_onset' is not an option of `motionrehab analyze gait`" in err and "pain-onset-s" in err and "Traceback" not in err
    config.write_text("pain_onset_s = [\n")
    assert main(["analyze", "gait", str(walk_csv[0]), "--config", str(config)]) == 2
    assert "not a valid TOML file" in capsys.readouterr().err


def test_without_an_output_folder_no_record_is_written(walk_csv, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["analyze", "gait", str(walk_csv[0])]) == 0
    assert list(tmp_path.iterdir()) == []


def test_the_pose_model_checksum_is_recorded_for_video_input(pose_model_path):
    model = _pose_model({"input_arg": "clip.mp4", "pose_model": None})
    assert model == {"path": str(pose_model_path), "sha256": _sha(pose_model_path)}
    assert _pose_model({"input_arg": "clip_pose.csv", "pose_model": None}) is None
