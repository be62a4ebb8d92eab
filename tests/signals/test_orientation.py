import numpy as np
import pytest

from motionrehab.errors import InvalidDataError
from motionrehab.signals.orientation import (
    STANDARD_GRAVITY_M_S2,
    estimate_gyro_bias_deg_s,
    estimate_orientation,
    initial_quaternion_from_gravity,
)


def test_static_tilt_maps_gravity_to_earth_up():
    n = 300
    t = np.arange(n) / 100.0
    tilt = np.radians(30.0)
    acc = np.tile([STANDARD_GRAVITY_M_S2 * np.sin(tilt), 0.0, STANDARD_GRAVITY_M_S2 * np.cos(tilt)], (n, 1))
    track = estimate_orientation(t, acc, np.zeros((n, 3)))
    earth = track.to_earth(acc)
    np.testing.assert_allclose(earth[-1], [0, 0, STANDARD_GRAVITY_M_S2], atol=1e-3)
    assert track.tilt_deg()[-1] == pytest.approx(30.0, abs=0.05)


def test_yaw_rate_integrates_to_heading_with_irregular_sampling():
    rng = np.random.default_rng(1)
    dt = rng.uniform(0.005, 0.015, size=400)
    t = np.concatenate([[0.0], np.cumsum(dt)])
    n = t.size
    acc = np.tile([0.0, 0.0, STANDARD_GRAVITY_M_S2], (n, 1))
    gyr = np.zeros((n, 3))
    gyr[:, 2] = 45.0  # deg/s about the vertical axis
    track = estimate_orientation(t, acc, gyr)
    # update i uses dt[i-1]: heading at the end = 45 deg/s * elapsed time
    assert track.heading_deg()[-1] == pytest.approx(45.0 * (t[-1] - t[0]), abs=0.2)


def test_initial_quaternion_is_unit_and_levels_gravity():
    q = initial_quaternion_from_gravity([[0.0, 9.81, 0.0]])
    assert np.linalg.norm(q) == pytest.approx(1.0)


def test_gyro_bias_from_still_samples():
    gyr = np.tile([1.0, -2.0, 0.5], (50, 1))
    gyr[25:] += 300.0
    still = np.arange(50) < 25
    np.testing.assert_allclose(estimate_gyro_bias_deg_s(gyr, still), [1.0, -2.0, 0.5])


def test_shape_mismatch_is_a_clear_error():
    with pytest.raises(InvalidDataError, match="must both be"):
        estimate_orientation(np.arange(5.0), np.zeros((5, 3)), np.zeros((4, 3)))


def test_orientation_from_recording_uses_its_samples():
    from motionrehab.sensors import ImuRecording
    from motionrehab.signals.orientation import orientation_from_recording

    n = 100
    rec = ImuRecording(t_s=np.arange(n) / 50.0, acc_m_s2=np.tile([0.0, 0.0, 9.81], (n, 1)),
                       gyr_deg_s=np.tile([0.0, 0.0, -30.0], (n, 1)), placement="foot")
    track = orientation_from_recording(rec)
    assert track.heading_deg()[-1] == pytest.approx(-30.0 * 99 / 50.0, abs=0.1)
