"""Units and axes checked against physics: the issue's failures on gaitmap's real recording.

Each file below is gaitmap's real foot recording (both feet) rewritten with one mistake a
logger makes: time in ms, angular rate in rad/s, acceleration in g or milli-g, two axes
swapped, a 4 s hole. Before these checks the first two gave "Steps: 0", the swaps gave
about 9 m for a 39 m walk and a hole of NaN rows failed the whole file.
"""

import json
from dataclasses import replace

import numpy as np
import pytest

from motionrehab.cli.main import main
from motionrehab.errors import InvalidDataError
from motionrehab.measures.gait_imu import analyze_inertial_gait
from motionrehab.sensors import ImuRecording
from motionrehab.sensors.imu_csv import read_gaitmap_imu_csv, read_imu_csv, read_mobgap_imu_csv
from motionrehab.sensors.sanity import check_axes, conform_units, sanitized

pytestmark = pytest.mark.realdata


def _write(path, t, acc, gyr, side, convention="gaitmap_foot", placement="foot"):
    header = (f"# placement: {placement}\n# side: {side}\n# axis_convention: {convention}\n"
              "t_s,acc_x_m_s2,acc_y_m_s2,acc_z_m_s2,gyr_x_deg_s,gyr_y_deg_s,gyr_z_deg_s")
    np.savetxt(path, np.column_stack([t, acc, gyr]), delimiter=",", fmt="%.17g", header=header, comments="")
    return path


@pytest.fixture(scope="module")
def gaitmap(shared_data):
    return {side: read_gaitmap_imu_csv(shared_data / "gaitmap" / "imu_sample.csv", side) for side in ("left", "right")}


@pytest.fixture(scope="module")
def reference(gaitmap):
    return analyze_inertial_gait(list(gaitmap.values()))


def _folder(tmp_path, gaitmap, change):
    for side, rec in gaitmap.items():
        t, acc, gyr = change(rec.t_s.copy(), rec.acc_m_s2.copy(), rec.gyr_deg_s.copy())
        _write(tmp_path / f"{side}.csv", t, acc, gyr, side)
    return tmp_path


CONVERSIONS = {
    "time in ms": (lambda t, a, g: (t * 1000, a, g), "time read as milliseconds"),
    "time in us": (lambda t, a, g: (t * 1e6, a, g), "time read as microseconds"),
    "gyro in rad/s": (lambda t, a, g: (t, a, np.radians(g)), "angular rate read as rad/s"),
    "acc in g": (lambda t, a, g: (t, a / 9.80665, g), "acceleration read as g"),
    "acc in milli-g": (lambda t, a, g: (t, a / 9.80665 * 1000, g), "acceleration read as milli-g"),
}


@pytest.mark.parametrize("case", sorted(CONVERSIONS))
def test_a_unit_mistake_is_converted_on_reading_and_stated(tmp_path, gaitmap, case):
    change, note = CONVERSIONS[case]
    rec = read_imu_csv(_folder(tmp_path, gaitmap, change) / "left.csv")
    original = gaitmap["left"]
    assert np.allclose(rec.t_s, original.t_s, atol=1e-9)
    assert np.allclose(rec.acc_m_s2, original.acc_m_s2) and np.allclose(rec.gyr_deg_s, original.gyr_deg_s)
    assert len(rec.notes) == 1 and note in rec.notes[0]


@pytest.mark.parametrize("case", ["time in ms", "gyro in rad/s"])
def test_the_issue_cases_give_the_walk_not_zero_steps(tmp_path, gaitmap, reference, case, capsys):
    change, note = CONVERSIONS[case]
    folder = _folder(tmp_path, gaitmap, change)
    assert main(["analyze", "gait", str(folder), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    # the same walk as the correct file: 62 steps, 39.3 m (both gave "Steps: 0" before)
    assert data["steps"] == reference.steps == 62
    assert data["distance_m"] == pytest.approx(reference.distance_m, rel=1e-3)
    assert sum(note in n for n in data["notes"]) == 2  # stated once per foot


@pytest.mark.parametrize("order", [[2, 1, 0], [1, 0, 2], [0, 2, 1]], ids=["x<->z", "x<->y", "y<->z"])
def test_swapped_axes_are_a_clear_error_not_a_short_walk(tmp_path, gaitmap, order, capsys):
    folder = _folder(tmp_path, gaitmap, lambda t, a, g: (t, a[:, order], g[:, order]))
    assert main(["analyze", "gait", str(folder)]) == 2  # was 8.8 m (x<->z) / 9.3 m (x<->y) for 39.3 m
    err = capsys.readouterr().err
    assert "swapped" in err and "How to fix" in err and "Traceback" not in err


def test_an_upside_down_sensor_names_the_axis_that_reads_gravity(gaitmap):
    rec = gaitmap["left"]
    flipped = replace(rec, acc_m_s2=rec.acc_m_s2 * [1, -1, -1], gyr_deg_s=rec.gyr_deg_s * [1, -1, -1])
    with pytest.raises(InvalidDataError, match=r"gravity reads on -z"):
        check_axes(flipped)


@pytest.mark.parametrize("fill", ["no rows", "empty cells"])
def test_a_4_s_hole_splits_the_walk_instead_of_failing_it(tmp_path, gaitmap, reference, fill, capsys):
    def hole(t, a, g):
        inside = (t > 18.0) & (t < 22.0)
        if fill == "no rows":
            return t[~inside], a[~inside], g[~inside]
        a[inside] = np.nan
        g[inside] = np.nan
        return t, a, g

    folder = _folder(tmp_path, gaitmap, hole)
    assert main(["analyze", "gait", str(folder), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert sum("analysed as 2 separate segments" in n for n in data["notes"]) == 2
    # 4 s of a 39 s walk at 1.2 m/s is about 4.7 m, and the strides that touch the hole go
    # with it: measured 55 of 62 steps, 33.4 of 39.3 m
    assert 50 <= data["steps"] <= 58
    assert data["distance_m"] == pytest.approx(reference.distance_m - 4 * 1.2, abs=2.0)
    assert all(not (s["t_ic_s"] < 18.0 < s["t_next_ic_s"]) for s in data["strides"])  # no stride bridges the hole


def test_lower_back_gyro_in_rad_s_and_g_are_recognised(shared_data):
    rec, _ = read_mobgap_imu_csv(shared_data / "mobgap" / "MS_001_Test5_Trial1")
    conformed = conform_units(rec.t_s, rec.acc_m_s2 / 9.80665, np.radians(rec.gyr_deg_s), where="test")
    assert np.allclose(conformed.gyr_deg_s, rec.gyr_deg_s) and np.allclose(conformed.acc_m_s2, rec.acc_m_s2)
    assert len(conformed.notes) == 2
    # the correct file is left alone, and sanitising twice changes nothing
    assert sanitized(rec) is rec


def test_a_still_sensor_in_rad_s_is_not_guessed():
    # without movement the rate cannot tell rad/s from deg/s: nothing is converted
    t = np.arange(500) / 100.0
    acc = np.tile([0.0, 0.0, 9.81], (500, 1)) + np.random.default_rng(1).normal(0, 0.05, (500, 3))
    conformed = conform_units(t, acc, np.full((500, 3), 0.01), where="test")
    assert conformed.notes == ()


def test_time_that_fits_no_unit_is_an_error():
    # steps of 50e9: no unit makes this 5-2000 Hz (as ns it is one sample per 50 s)
    with pytest.raises(InvalidDataError, match="no time unit"):
        conform_units(np.arange(100) * 50.0e9, np.tile([0, 0, 9.81], (100, 1)), np.zeros((100, 3)), where="x")


def test_implausible_acceleration_is_an_error(tmp_path):
    t = np.arange(200) / 100.0
    path = _write(tmp_path / "a.csv", t, np.tile([0.0, 0.0, 150.0], (200, 1)), np.zeros((200, 3)), "left")
    with pytest.raises(InvalidDataError, match="median \\|acceleration\\| is 150"):
        read_imu_csv(path)


def test_the_recording_constructor_still_refuses_g():
    with pytest.raises(InvalidDataError, match="units of g"):
        ImuRecording(t_s=np.arange(20) / 100, acc_m_s2=np.tile([0, 0, 1.0], (20, 1)), gyr_deg_s=np.zeros((20, 3)),
                     placement="foot")
