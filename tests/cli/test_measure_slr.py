"""`motionrehab measure slr`: JSON keys, private outputs, onset markers, both methods, previous visit."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pytest

from motionrehab.capture.pose_csv import write_pose_csv
from motionrehab.cli.main import main
from motionrehab.sensors.imu_csv import write_imu_csv
from motionrehab.synth.camera import PinholeCamera, Realism
from motionrehab.synth.exercises import SlrTrial, supine_slr
from motionrehab.synth.shin_imu import supine_slr_shin_imu

CAMERA = PinholeCamera(distance_m=4.0, height_m=0.6, roll_deg=10.0, target_m=(0.3, 0.6, 0.0), image_width_px=1920, image_height_px=1080)
TRIALS = [SlrTrial(60, onset_fraction=0.5), SlrTrial(64), SlrTrial(62, knee_bend_deg=15)]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("slr")
    recording = supine_slr(TRIALS, side="left", camera=CAMERA, realism=Realism(), seed=3)
    sensor, truth = supine_slr_shin_imu(TRIALS, side="left", seed=3)
    return write_pose_csv(folder / "slr_pose.csv", recording.track), write_imu_csv(folder / "shin.csv", sensor), recording, truth


def test_json_keys_onset_and_private_outputs(inputs, tmp_path, capsys):
    pose, _, recording, _ = inputs
    out = tmp_path / "out"
    onset = recording.events[0].onset_t_s
    assert main(["measure", "slr", str(pose), "--side", "left", "--json", "--out", str(out), "--onset-times", f"{onset:.4f}"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["side"] == "left" and data["method"] == "camera" and data["leg_axis"] == "hip_ankle"
    assert len(data["trials"]) == 3
    first, _, bent = data["trials"]
    for key in ("peak_deg", "onset_deg", "knee_flexion_at_peak_deg", "pelvic_compensation_deg", "valid", "invalid_reasons"):
        assert key in first
    assert first["peak_deg"] == pytest.approx(60.0, abs=1.5)
    assert first["onset_deg"] == pytest.approx(recording.events[0].onset_deg, abs=1.5)
    assert bent["valid"] is False and bent["invalid_reasons"][0].startswith("knee bent")
    assert data["mean_deg"] == pytest.approx(62.0, abs=1.5)
    assert data["sd_deg"] == pytest.approx(2.83, abs=1.0)  # SD of 60 and 64
    for name in ("slr_summary.json", "slr_trials.csv"):
        assert ((out / name).stat().st_mode & 0o777) == 0o600
    assert (out.stat().st_mode & 0o777) == 0o700
    assert len((out / "slr_trials.csv").read_text().splitlines()) == 4


def test_shin_sensor_input_and_both_methods_at_once(inputs, capsys):
    pose, shin, _, truth = inputs
    assert main(["measure", "slr", str(shin), "--side", "left", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["method"] == "shin_sensor"
    assert [t["peak_deg"] for t in data["trials"]] == pytest.approx(list(truth.peak_deg), abs=0.5)
    assert main(["measure", "slr", str(pose), "--side", "left", "--sensor", str(shin), "--json"]) == 0
    both = json.loads(capsys.readouterr().out)
    assert len(both["camera_vs_sensor"]) == 3
    assert [p["difference_deg"] for p in both["camera_vs_sensor"]] == pytest.approx([0.0, 0.0, 0.0], abs=1.5)


def test_previous_visit_compared_with_mdc_and_saved(inputs, tmp_path, capsys, monkeypatch):
    pose, shin, _, _ = inputs
    store = tmp_path / "store.sqlite"
    monkeypatch.setenv("MOTIONREHAB_STORE", str(store))
    onset = inputs[2].events[0].onset_t_s
    # both measured in the same minute (as in a quick clinic recheck, or a fast machine): still a previous visit
    at = dt.datetime.now().replace(second=0, microsecond=0).isoformat(timespec="minutes")
    assert main(["measure", "slr", str(pose), "--side", "left", "--patient", "P-0001", "--onset-times", f"{onset:.4f}", "--json", "--at", at]) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["previous_visit"] is None
    rows = sqlite3.connect(store).execute("select name, side, value from measurements order by name").fetchall()
    assert [(r[0], r[1]) for r in rows] == [("slr_onset_deg", "left"), ("slr_peak_deg", "left"), ("slr_peak_sd_deg", "left")]
    peak = next(r[2] for r in rows if r[0] == "slr_peak_deg")
    assert peak == pytest.approx(first["mean_deg"], abs=0.01)
    # the recheck (here the shin sensor) is compared with it; a configured MDC of 1 deg
    assert main(["measure", "slr", str(shin), "--side", "left", "--patient", "P-0001", "--mdc-deg", "1", "--no-save", "--json", "--at", at]) == 0
    second = json.loads(capsys.readouterr().out)
    change = second["previous_visit"]
    assert change["previous_mean_deg"] == pytest.approx(peak, abs=0.01)
    assert change["change_deg"] == pytest.approx(second["mean_deg"] - peak, abs=0.02)
    assert change["mdc_source"] == "configured" and change["mdc95_deg"] == 1.0
    assert len(sqlite3.connect(store).execute("select * from measurements where name = 'slr_peak_deg'").fetchall()) == 1
    # text output says it in words
    assert main(["measure", "slr", str(shin), "--side", "left", "--patient", "P-0001", "--no-save"]) == 0
    assert "Since the previous visit" in capsys.readouterr().out


def test_bad_onset_times_and_missing_side_are_plain_errors(inputs, capsys):
    pose, _, _, _ = inputs
    assert main(["measure", "slr", str(pose), "--side", "left", "--onset-times", "ten"]) == 2
    assert "onset times" in capsys.readouterr().err
    assert main(["measure", "slr", str(pose)]) == 2


def test_a_standing_recording_is_refused_with_advice(tmp_path, capsys):
    from motionrehab.synth.exercises import hip_hinge_set

    path = write_pose_csv(tmp_path / "standing.csv", hip_hinge_set(2).track)
    assert main(["measure", "slr", str(path), "--side", "left"]) == 2
    err = capsys.readouterr().err
    assert "does not lie down" in err and "film from the side" in err


def test_left_right_difference_from_todays_other_side(tmp_path, capsys):
    store = tmp_path / "lr.sqlite"
    paths = {}
    for side, peaks in (("left", (70, 72, 71)), ("right", (50, 52, 51))):
        recording = supine_slr([SlrTrial(p) for p in peaks], side=side, camera=PinholeCamera(
            distance_m=4.0, height_m=0.6, yaw_deg=0.0 if side == "left" else 180.0, target_m=(0.3, 0.6, 0.0),
            image_width_px=1920, image_height_px=1080), realism=Realism(), seed=9)  # fmt: skip
        paths[side] = write_pose_csv(tmp_path / f"{side}.csv", recording.track)
    assert main(["measure", "slr", str(paths["left"]), "--side", "left", "--patient", "P-0002", "--store", str(store), "--json"]) == 0
    left = json.loads(capsys.readouterr().out)
    assert left["left_right_difference_deg"] is None
    assert main(["measure", "slr", str(paths["right"]), "--side", "right", "--patient", "P-0002", "--store", str(store), "--json"]) == 0
    right = json.loads(capsys.readouterr().out)
    assert right["left_right_difference_deg"] == pytest.approx(left["mean_deg"] - right["mean_deg"], abs=0.02)
    assert right["left_right_difference_deg"] == pytest.approx(20.0, abs=1.5)
    assert right["previous_visit"] is None  # the left side is not the right side's previous visit
