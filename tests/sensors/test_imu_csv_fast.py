"""The inertial CSV reader through Arrow: the same samples as the careful row-by-row reader, and its errors."""

from __future__ import annotations

import numpy as np
import pytest

from motionrehab.errors import InputFileError
from motionrehab.sensors import ImuRecording
from motionrehab.sensors.imu_csv import (
    _read_samples_by_row,
    _read_samples_fast,
    read_imu_csv,
    write_imu_csv,
)


def _recording(n: int = 400) -> ImuRecording:
    rng = np.random.default_rng(3)
    gyr = rng.normal(0, 50, (n, 3))
    gyr[10, 2] = np.nan
    return ImuRecording(t_s=np.arange(n) / 104.0, acc_m_s2=rng.normal([0, 0, 9.81], 0.5, (n, 3)), gyr_deg_s=gyr,
                        mag_uT=rng.normal(40, 5, (n, 3)), placement="shin", side="right")  # fmt: skip


def test_fast_and_careful_readers_agree_exactly(tmp_path):
    recording = _recording()
    path = write_imu_csv(tmp_path / "imu.csv", recording)
    back = read_imu_csv(path)
    np.testing.assert_array_equal(back.t_s, recording.t_s)
    np.testing.assert_array_equal(back.gyr_deg_s, recording.gyr_deg_s)
    np.testing.assert_array_equal(back.mag_uT, recording.mag_uT)
    lines = path.read_bytes().split(b"\n")
    header_line = next(i for i, line in enumerate(lines) if line.startswith(b"t_s")) + 1
    offset = sum(len(line) + 1 for line in lines[: header_line - 1])
    header = lines[header_line - 1].decode().split(",")
    fast = _read_samples_fast(path, offset, header, header)
    careful = _read_samples_by_row(path, offset, header_line, header, header)
    assert fast is not None
    np.testing.assert_array_equal(fast, careful)


def test_bom_blank_rows_and_padded_cells(tmp_path):
    text = write_imu_csv(tmp_path / "imu.csv", _recording(50)).read_text()
    lines = text.splitlines()
    lines.insert(8, ",,,,,,,,,")  # an empty row is skipped
    lines[12] = lines[12].replace(",", ", ")  # padded cells: read by the careful reader
    path = tmp_path / "edited.csv"
    path.write_bytes(b"\xef\xbb\xbf" + "\n".join(lines).encode() + b"\n")
    back = read_imu_csv(path)
    assert back.placement == "shin" and back.t_s.size == 50
    np.testing.assert_array_equal(back.t_s, _recording(50).t_s)


def test_errors_keep_their_line_numbers(tmp_path):
    lines = write_imu_csv(tmp_path / "imu.csv", _recording(50)).read_text().splitlines()
    lines[6] = lines[6].replace(",", ",abc", 1)
    path = tmp_path / "bad.csv"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputFileError, match="line 7"):
        read_imu_csv(path)
    lines = write_imu_csv(tmp_path / "imu.csv", _recording(50)).read_text().splitlines()
    path.write_bytes("\n".join(lines[:9]).encode() + b"\n0.5,\xe9\n")
    with pytest.raises(InputFileError, match=r"line 10.*|not UTF-8") as info:
        read_imu_csv(path)
    assert "not UTF-8" in str(info.value)
