"""Sensor-independent gait arithmetic: strides, SI, CV, walking tolerance, JSON keys."""

import json

import numpy as np
import pytest

from motionrehab.events.gait_events import GaitEvents
from motionrehab.measures.gait import (
    cadence_from_ics,
    coefficient_of_variation_pct,
    strides_from_events,
    summarize_gait,
    symmetry_index_pct,
    walking_tolerance,
)


def _events(side, t_ic, t_fc):
    return GaitEvents(side=side, t_ic_s=np.array(t_ic), t_fc_s=np.array(t_fc), method="test")


def test_strides_pair_ics_with_the_toe_off_between_and_skip_pauses():
    events = _events("left", [1.0, 2.0, 3.1, 9.0, 10.0], [0.5, 1.6, 2.7, 8.6, 9.6])
    strides = strides_from_events(events, [1.3, 1.4, None, 1.2])
    assert [s.t_ic_s for s in strides] == [1.0, 2.0, 9.0]  # 3.1 -> 9.0 is a pause
    first = strides[0]
    assert first.t_fc_s == 1.6 and first.stance_s == pytest.approx(0.6) and first.swing_s == pytest.approx(0.4)
    assert first.stride_length_m == 1.3 and strides[2].stride_length_m == 1.2


def test_symmetry_index_and_cv_formulas():
    assert symmetry_index_pct(0.66, 0.60) == pytest.approx(0.06 / 0.63 * 100)
    assert coefficient_of_variation_pct([1.0, 1.1, 0.9]) == pytest.approx(10.0)
    assert coefficient_of_variation_pct([1.0, 1.1]) is None


def test_cadence_ignores_pauses():
    t = np.concatenate([np.arange(10) * 0.5, 20 + np.arange(10) * 0.5])
    assert cadence_from_ics(t) == pytest.approx(120.0)


def test_two_feet_summary_json_has_the_issue_keys():
    left = _events("left", [0.0, 1.0, 2.0, 3.0], [0.6, 1.6, 2.6])
    right = _events("right", [0.5, 1.5, 2.5, 3.5], [1.05, 2.05, 3.05])
    strides = strides_from_events(left, [1.4, 1.4, 1.4]) + strides_from_events(right, [1.4, 1.4, 1.4])
    result = summarize_gait([left, right], strides, method="test", pain_onset_s=1.5)
    assert result.steps == 8
    assert result.cadence_steps_per_min == pytest.approx(120.0)
    # stance left 0.6 s, right 0.55 s
    assert result.symmetry_index_pct == pytest.approx(0.05 / 0.575 * 100)
    assert result.distance_m == pytest.approx(4.2)
    assert result.speed_m_per_s == pytest.approx(1.4)
    assert result.walking_tolerance.time_s == pytest.approx(1.5)
    assert result.walking_tolerance.distance_m == pytest.approx(1.4 * 1.5)
    data = json.loads(json.dumps(result.to_json_dict()))
    for key in ("steps", "cadence_steps_per_min", "strides", "symmetry_index_pct", "stride_time_cv_pct",
                "distance_m", "speed_m_per_s"):
        assert key in data
    assert set(data["strides"][0]) >= {"side", "t_ic_s", "t_fc_s", "stride_time_s", "stance_s", "swing_s",
                                       "stride_length_m"}


def test_walking_tolerance_without_lengths_gives_time_only():
    tolerance = walking_tolerance(12.0, np.array([2.0, 3.0, 4.0]))
    assert tolerance.time_s == 10.0 and tolerance.distance_m is None


def test_single_foot_of_unknown_side_counts_the_other_feet_steps():
    events = _events("none", [0.0, 1.0, 2.0, 3.0], [0.6, 1.6, 2.6])
    strides = strides_from_events(events)
    result = summarize_gait([events], strides, method="test", single_foot=True)
    assert result.steps == 7 and result.cadence_steps_per_min == pytest.approx(120.0)
    assert summarize_gait([events], strides, method="test").steps == 4  # a lower-back style IC list
