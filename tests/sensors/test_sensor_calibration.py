"""Sensor-to-segment calibration: zeroing posture, axis mapping, profile file."""

from __future__ import annotations

import math
import stat
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from motionrehab.errors import InputFileError, InvalidDataError
from motionrehab.sensors import ImuRecording
from motionrehab.sensors.calibration import (
    SensorCalibration,
    calibrate_sensor,
    default_profile_path,
    parse_mounting,
)

G = 9.80665


def rotation(axis: str, deg: float) -> np.ndarray:
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    return {"x": np.array([[1, 0, 0], [0, c, -s], [0, s, c]]), "y": np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]]),
            "z": np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])}[axis]  # fmt: skip


def still(up_in_sensor: np.ndarray, placement: str = "shin", n: int = 300, bias=(0.5, -0.3, 0.2),
          noise: float = 0.02) -> ImuRecording:  # fmt: skip
    rng = np.random.default_rng(1)
    acc = np.tile(up_in_sensor * G, (n, 1)) + rng.normal(0, noise, (n, 3))
    gyr = np.tile(bias, (n, 1)) + rng.normal(0, 0.1, (n, 3))
    return ImuRecording(t_s=np.arange(n) / 100.0, acc_m_s2=acc, gyr_deg_s=gyr, placement=placement, side="left")


@settings(max_examples=40)
@given(tilt_x=st.floats(-30, 30), tilt_y=st.floats(-30, 30))
def test_leg_flat_zeroing_maps_gravity_to_the_shin_anterior_axis(tilt_x: float, tilt_y: float) -> None:
    # sensor strapped on the shin, tilted a little: in the segment frame up is +z (anterior) with the leg flat
    sensor_from_segment = rotation("x", tilt_x) @ rotation("y", tilt_y)
    up_sensor = sensor_from_segment @ np.array([0.0, 0.0, 1.0])
    calibration = calibrate_sensor(still(up_sensor, noise=0.0), "leg_flat")
    assert calibration.axis_convention == "shin_anterior"
    calibrated = calibration.apply(still(up_sensor, noise=0.0))
    np.testing.assert_allclose(calibrated.acc_m_s2.mean(axis=0), [0.0, 0.0, G], atol=1e-9)
    np.testing.assert_allclose(calibrated.gyr_deg_s.mean(axis=0), [0.0, 0.0, 0.0], atol=0.05)
    expected_tilt = math.degrees(math.acos(float(up_sensor @ [0.0, 0.0, 1.0])))
    assert calibration.tilt_correction_deg == pytest.approx(expected_tilt, abs=1e-6)
    assert np.linalg.det(calibration.matrix) == pytest.approx(1.0, abs=1e-12)


def test_standing_trunk_with_a_declared_mounting() -> None:
    # sensor strapped with its -z along the spine (up when standing): mounting "-z,y,x"
    up_sensor = np.array([0.0, 0.0, -1.0])
    calibration = calibrate_sensor(still(up_sensor, "trunk_t12"), "standing", mounting="-z,y,x")
    assert calibration.tilt_correction_deg == pytest.approx(0.0, abs=0.5)
    calibrated = calibration.apply(still(up_sensor, "trunk_t12"))
    np.testing.assert_allclose(calibrated.acc_m_s2.mean(axis=0), [G, 0.0, 0.0], atol=0.01)
    assert calibrated.axis_convention == "trunk_posterior"
    # the same sensor without the mounting: a 90-deg tilt correction shows the mistake
    assert calibrate_sensor(still(up_sensor, "trunk_t12"), "standing").tilt_correction_deg == pytest.approx(90.0, abs=0.5)


def test_profile_saved_under_calibration_owner_only(tmp_path: Path) -> None:
    calibration = calibrate_sensor(still(np.array([1.0, 0.0, 0.0])), "standing")
    path = calibration.save(default_profile_path("shin", "left", tmp_path / "calibration"))
    assert path == tmp_path / "calibration" / "sensor-shin-left.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    loaded = SensorCalibration.load(path)
    assert loaded == calibration
    np.testing.assert_allclose(loaded.gyro_bias_deg_s, (0.5, -0.3, 0.2), atol=0.02)
    with pytest.raises(InputFileError, match="not found"):
        SensorCalibration.load(tmp_path / "nope.json")


def test_bad_zeroing_is_refused_with_a_reason() -> None:
    moving = still(np.array([1.0, 0.0, 0.0]), noise=1.0)
    with pytest.raises(InvalidDataError, match="moved during zeroing"):
        calibrate_sensor(moving, "standing")
    in_g = ImuRecording(t_s=np.arange(300) / 100.0, acc_m_s2=np.tile([0.0, 0.0, 4.0], (300, 1)),
                        gyr_deg_s=np.zeros((300, 3)), placement="shin")  # fmt: skip
    with pytest.raises(InvalidDataError, match="reads 4.00 m/s\\^2"):
        calibrate_sensor(in_g, "standing")
    with pytest.raises(InvalidDataError, match="no segment frame"):
        calibrate_sensor(still(np.array([1.0, 0.0, 0.0]), "wrist"), "standing")
    with pytest.raises(InvalidDataError, match="unknown zeroing posture"):
        calibrate_sensor(still(np.array([1.0, 0.0, 0.0])), "sitting")
    with pytest.raises(InvalidDataError, match="mirrors"):
        parse_mounting("y,x,z")
    with pytest.raises(InvalidDataError, match="signed permutation"):
        parse_mounting("x,x,z")
    np.testing.assert_array_equal(parse_mounting("-z,y,x"), [[0, 0, -1], [0, 1, 0], [1, 0, 0]])
