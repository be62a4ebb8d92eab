"""Lower-back walking bouts, steps, sides and turns against references they were not built from.

mobgap's two lab trials: stereophotogrammetric contacts, sides and bouts (data README
section 2). APDM two-minute walk: swings of the two foot sensors and the 16 turns
(section 6). The lumbar analysis reads only the lumbar sensor.
"""

import csv
import json

import numpy as np
import pytest

from motionrehab.cli.main import main
from motionrehab.measures.gait_imu import analyze_lower_back_imu
from motionrehab.sensors.apdm_h5 import read_apdm_h5
from motionrehab.sensors.imu_csv import read_mobgap_imu_csv

pytestmark = pytest.mark.realdata

TRIALS = ("HA_002_Test5_Trial2", "MS_001_Test5_Trial1")


def _rows(path):
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("trial", TRIALS)
def test_mobgap_bout_steps_sides_and_cadence(shared_data, trial):
    folder = shared_data / "mobgap" / trial
    recording, meta = read_mobgap_imu_csv(folder)
    result = analyze_lower_back_imu(recording, leg_length_m=float(meta["sensor_height_m"]))
    (wb,) = _rows(folder / "reference_stereophoto_wb.csv")
    ics = _rows(folder / "reference_stereophoto_ic.csv")
    assert len(result.bouts) == 1
    bout = result.bouts[0]
    # measured: HA 6/6 steps, start +0.06 s, end +0.08 s, cadence 98.5 vs 98.7;
    #           MS 9/9 steps, start +0.06 s, end +0.07 s, cadence 107.1 vs 107.2
    assert abs(bout.steps - len(ics)) <= 1
    assert bout.t_start_s == pytest.approx(int(wb["start"]) / 100, abs=0.5)
    assert bout.t_end_s == pytest.approx((int(wb["end"]) - 1) / 100, abs=0.5)
    assert bout.cadence_steps_per_min == pytest.approx(float(wb["avg_cadence_spm"]), abs=3.0)
    assert result.steps == bout.steps and not result.turns
    # sides: each detected contact against the nearest reference contact (15/15 measured)
    ref_t = np.array([int(r["ic"]) / 100 for r in ics])
    ref_side = [r["lr_label"] for r in ics]
    detected = list(result.strides)
    lefts = bout.left_steps
    assert abs(lefts - ref_side.count("left")) <= 1
    for stride in detected:
        k = int(np.argmin(np.abs(ref_t - stride.t_ic_s)))
        assert abs(ref_t[k] - stride.t_ic_s) < 0.15
        assert stride.side == ref_side[k]
    # distance: inverted pendulum, K = 1 (measured HA 3.69 vs 4.11 m, -10 %; MS 4.32 vs 4.14 m, +4 %)
    assert bout.distance_m == pytest.approx(float(wb["length_m"]), rel=0.2)


@pytest.fixture(scope="module")
def apdm(shared_data):
    folder = shared_data / "apdm_2mwt"
    (lumbar,) = read_apdm_h5(folder / "recording.h5", placement="lower_back")
    return folder, lumbar, analyze_lower_back_imu(lumbar)


def test_apdm_lumbar_steps_against_the_foot_sensors(apdm):
    folder, _, result = apdm
    swings = _rows(folder / "reference_foot_swings.csv")
    # measured: 180 lumbar steps for 178 foot swings (+1.1 %)
    assert result.steps == pytest.approx(len(swings), rel=0.05)
    bout_steps = sum(b.steps for b in result.bouts)
    turn_steps = sum(t.steps for t in result.turns)
    assert bout_steps + turn_steps == result.steps
    # straight walking: cadence about 105 steps/min (median step 0.570 s); measured 103.8
    assert result.cadence_steps_per_min == pytest.approx(105, abs=4)


def test_apdm_turns_and_bouts(apdm):
    folder, _, result = apdm
    reference = _rows(folder / "reference_turns.csv")
    centres = np.array([float(r["turn_centre_time_s"]) for r in reference])
    assert len(result.turns) == 16
    for turn, centre in zip(result.turns, centres, strict=True):
        assert turn.t_start_s - 0.5 <= centre <= turn.t_end_s + 0.5
        assert 150 <= abs(turn.angle_deg) <= 210
    signs = np.sign([t.angle_deg for t in result.turns])
    # a shuttle walk turns alternately... mostly: the reference's signs, in our convention (left positive)
    ref_signs = np.sign([float(r["lumbar_yaw_change_deg_over_3s"]) for r in reference])
    assert abs(int(np.sum(signs * ref_signs))) == 16  # same pattern (the reference's yaw axis points down)
    assert len(result.bouts) == 17  # the straight lengths between the turns


def test_apdm_left_right_against_the_foot_sensors(apdm):
    folder, _, result = apdm
    swings = _rows(folder / "reference_foot_swings.csv")
    swing_t = np.array([float(r["time_s"]) for r in swings])
    swing_side = [r["foot"].split()[0].lower() for r in swings]
    agree = total = 0
    for stride in result.strides:
        before = np.flatnonzero(swing_t < stride.t_ic_s)
        if before.size and stride.t_ic_s - swing_t[before[-1]] < 0.45:  # the swing that ends in this contact
            total += 1
            agree += stride.side == swing_side[before[-1]]
    assert total >= 60 and agree / total >= 0.95, (agree, total)  # measured 70/72


def test_standing_alone_is_not_walking(apdm):
    _, lumbar, _ = apdm
    from dataclasses import replace

    standing = slice(0, int(6.0 * 128))  # the person stands still for about 7 s
    still = replace(lumbar, t_s=lumbar.t_s[standing], acc_m_s2=lumbar.acc_m_s2[standing],
                    gyr_deg_s=lumbar.gyr_deg_s[standing], mag_uT=None)
    result = analyze_lower_back_imu(still)
    assert result.steps == 0 and not result.bouts


def test_cli_reads_the_apdm_file_and_prints_bouts(shared_data, capsys):
    path = shared_data / "apdm_2mwt" / "recording.h5"
    assert main(["analyze", "gait", str(path), "--sensor-placement", "lower_back", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data["bouts"]) == 17 and len(data["turns"]) == 16
    assert all(b["left_steps"] + b["right_steps"] == b["steps"] for b in data["bouts"])


def test_a_hole_in_the_lumbar_recording_splits_it(apdm):
    _, lumbar, whole = apdm
    from dataclasses import replace

    keep = (lumbar.t_s < 60.0) | (lumbar.t_s > 64.0)  # 4 s without samples in the middle of the walk
    holed = replace(lumbar, t_s=lumbar.t_s[keep], acc_m_s2=lumbar.acc_m_s2[keep], gyr_deg_s=lumbar.gyr_deg_s[keep],
                    mag_uT=None)
    result = analyze_lower_back_imu(holed)
    assert any("analysed as 2 separate segments" in note for note in result.notes)
    # about 7 steps fall in the hole (1.75 steps/s); measured 173 of 180
    assert whole.steps - 10 <= result.steps <= whole.steps - 4
    assert all(not (b.t_start_s < 60.0 < b.t_end_s) for b in result.bouts)
