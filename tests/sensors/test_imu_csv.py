import numpy as np
import pytest

from motionrehab.errors import InputFileError
from motionrehab.sensors import ImuRecording
from motionrehab.sensors.imu_csv import (
    is_imu_csv,
    read_android_accelerometer_csv,
    read_gaitmap_imu_csv,
    read_imu_csv,
    read_mobgap_imu_csv,
    write_imu_csv,
)


def _recording(with_mag: bool = False) -> ImuRecording:
    n = 50
    t = np.arange(n) / 100.0
    acc = np.tile([0.1, 0.2, 9.81], (n, 1))
    gyr = np.tile([1.0, -2.0, 3.0], (n, 1))
    gyr[7, 1] = np.nan
    return ImuRecording(t_s=t, acc_m_s2=acc, gyr_deg_s=gyr, placement="foot", side="left",
                        axis_convention="gaitmap_foot", mag_uT=np.ones((n, 3)) * 40 if with_mag else None)


@pytest.mark.parametrize("with_mag", [False, True])
def test_round_trip_keeps_values_metadata_and_private_mode(tmp_path, with_mag):
    path = write_imu_csv(tmp_path / "imu.csv", _recording(with_mag))
    assert (path.stat().st_mode & 0o777) == 0o600
    assert is_imu_csv(path)
    back = read_imu_csv(path)
    assert back.placement == "foot" and back.side == "left" and back.axis_convention == "gaitmap_foot"
    np.testing.assert_allclose(back.acc_m_s2[3], [0.1, 0.2, 9.81])
    assert np.isnan(back.gyr_deg_s[7, 1]) and back.gyr_deg_s[6, 1] == -2.0
    assert (back.mag_uT is not None) == with_mag


def test_missing_column_names_the_column_and_line(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("# placement: foot\nt_s,acc_x_m_s2,acc_y_m_s2,acc_z_m_s2,gyr_x_deg_s,gyr_y_deg_s\n0,0,0,9.8,0,0\n")
    with pytest.raises(InputFileError, match="gyr_z_deg_s") as info:
        read_imu_csv(path)
    assert "line 2" in str(info.value)


def test_missing_placement_says_how_to_fix(tmp_path):
    path = tmp_path / "noplace.csv"
    path.write_text("t_s,acc_x_m_s2,acc_y_m_s2,acc_z_m_s2,gyr_x_deg_s,gyr_y_deg_s,gyr_z_deg_s\n"
                    "0,0,0,9.8,0,0,0\n0.01,0,0,9.8,0,0,0\n")
    with pytest.raises(InputFileError, match="placement"):
        read_imu_csv(path)
    assert read_imu_csv(path, placement="shin").placement == "shin"


def test_non_number_cell_reports_line(tmp_path):
    path = tmp_path / "text.csv"
    path.write_text("# placement: foot\nt_s,acc_x_m_s2,acc_y_m_s2,acc_z_m_s2,gyr_x_deg_s,gyr_y_deg_s,gyr_z_deg_s\n"
                    "0,0,0,9.8,0,0,0\n0.01,0,zero,9.8,0,0,0\n")
    with pytest.raises(InputFileError, match="line 4"):
        read_imu_csv(path)


@pytest.mark.realdata
def test_gaitmap_reader_units_and_rate(shared_data):
    rec = read_gaitmap_imu_csv(shared_data / "gaitmap" / "imu_sample.csv", "left")
    assert rec.n_samples == 7928
    assert rec.sampling_rate_hz == pytest.approx(204.8)
    # first second: at rest, gravity on +z (data README: about 9.4-9.5 m/s^2)
    assert np.median(rec.acc_m_s2[:200, 2]) == pytest.approx(9.45, abs=0.2)


@pytest.mark.realdata
def test_mobgap_and_oxford_readers(shared_data):
    rec, meta = read_mobgap_imu_csv(shared_data / "mobgap" / "HA_002_Test5_Trial2")
    assert rec.n_samples == 781 and meta["sensor_height_m"] == 1.08
    assert np.median(rec.acc_m_s2[:50, 0]) > 9.0  # x up
    phone = read_android_accelerometer_csv(shared_data / "oxford_step_counter" / "validation" / "user1_hand_1506421989895.csv")
    assert phone.duration_s == pytest.approx(194.0, abs=1.0)
    assert np.isnan(phone.gyr_deg_s).all()
