"""Numbers in messages are written for a person (issue 14, item 17)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from motionrehab._format import number, seconds
from motionrehab.capture import PoseTrack
from motionrehab.cli.main import main
from motionrehab.errors import InvalidDataError
from motionrehab.sensors.imu_recording import ImuRecording


def test_number_says_not_measured_for_nan_and_plain_digits_for_numpy():
    assert number(np.float64(38.46), "deg") == "38.5 deg"
    assert number(np.nan, "deg") == "not measured" and number(None, "deg") == "not measured"
    assert number(np.float32(-0.04), "deg") == "0.0 deg"
    assert number(12.6, "deg", digits=0) == "13 deg"
    assert seconds(np.float64(0.36666666666)) == "0.366667 s" and seconds(2.0) == "2 s"


def test_time_errors_show_plain_seconds_not_numpy_reprs():
    t = np.array([0.0, 1 / 30, 2 / 30, 0.05, 0.2])
    with pytest.raises(InvalidDataError) as pose:
        PoseTrack(t_s=t, landmarks_px=np.zeros((5, 33, 2)), visibility=np.ones((5, 33)), image_width_px=64, image_height_px=48, frame_rate_hz=30.0)
    with pytest.raises(InvalidDataError) as imu:
        ImuRecording(t_s=t, acc_m_s2=np.tile([0, 0, 9.81], (5, 1)), gyr_deg_s=np.zeros((5, 3)), placement="shin", side="left")
    for error in (pose.value, imu.value):
        assert "np.float64" not in str(error) and "0.066667 s then " in str(error) and " 0.05 s" in str(error)


def test_the_hinge_summary_says_not_measured_for_an_unseen_knee():
    from motionrehab.cli.analyze_hip_hinge import _text
    from motionrehab.measures.hip_hinge import HingeSetResult

    class Rep:
        index, t_start_s, t_end_s, eccentric_s, pause_s, concentric_s = 0, 1.0, 5.0, 2.0, 0.5, 1.5
        peak_hip_flexion_deg, peak_trunk_inclination_deg, knee_flexion_at_bottom_deg = np.float64(61.2), 40.0, np.nan
        score, cue = 80, "good"

    class Result:
        view, side, reps, partial_repetitions, score = "side", "left", 1, 0, 80
        repetitions, not_assessed, notes = (Rep(),), (), ()

        def explanation(self) -> str:
            return "fine"

    text = _text(Result())  # type: ignore[arg-type]
    assert "knee not measured" in text and "nan" not in text and "hip 61 deg" in text
    assert HingeSetResult  # the real type the summary formats


def test_the_cli_shows_no_numpy_runtime_warning(tmp_path, capsys, monkeypatch):
    import motionrehab.cli.program as program_cli

    real = program_cli.load_prescription

    def noisy(path):  # type: ignore[no-untyped-def]
        np.mean(np.array([]))  # numpy: "Mean of empty slice", a RuntimeWarning
        return real(path)

    monkeypatch.setattr(program_cli, "load_prescription", noisy)
    from pathlib import Path

    example = Path(__file__).resolve().parents[1] / "examples" / "prescription.yaml"
    with warnings.catch_warnings():
        warnings.simplefilter("default")
        assert main(["program", "check", str(example)]) == 0
    captured = capsys.readouterr()
    assert "RuntimeWarning" not in captured.err and "Mean of empty slice" not in captured.err
