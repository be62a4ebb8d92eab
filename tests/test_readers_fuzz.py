"""Every file reader, fed arbitrary bytes and mutations of a valid file: a result or a toolkit error, nothing else.

A toolkit error is a MotionRehabError (what, where, how to fix; the CLI prints it in one
line with exit status 2). Any other exception (UnicodeDecodeError, RecursionError,
KeyError, csv.Error, MemoryError ...) is a traceback for the user and fails here.
Examples are bounded (deadline off, 50 each) so CI stays fast.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motionrehab.capture import PoseTrack, read_pose_csv, write_pose_csv
from motionrehab.errors import MotionRehabError
from motionrehab.kinematics.calibration import CameraCalibration
from motionrehab.program.prescription import load_prescription
from motionrehab.records.export import read_tables, write_tables
from motionrehab.sensors.calibration import SensorCalibration
from motionrehab.sensors.imu_csv import read_imu_csv, write_imu_csv
from motionrehab.sensors.imu_recording import ImuRecording

sys.path.insert(0, str(Path(__file__).resolve().parent / "records"))
from record_fixture import EXAMPLE, PATIENT, write_record  # noqa: E402

FUZZ = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


@st.composite
def mutated(draw, valid: bytes) -> bytes:
    """``valid`` with a few random edits: bytes replaced, inserted or deleted, or cut short."""
    data = bytearray(valid)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["replace", "insert", "delete", "truncate", "bom", "latin1"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if kind == "replace" and data:
            data[at] = draw(st.integers(0, 255))
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif kind == "delete":
            del data[at : at + draw(st.integers(1, 40))]
        elif kind == "truncate":
            del data[at:]
        elif kind == "bom":
            data[0:0] = b"\xef\xbb\xbf"
        else:
            data[at:at] = "é".encode("latin-1")
    return bytes(data)


def _result_or_toolkit_error(read, path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            read(path)
        except MotionRehabError:
            pass


def _pose_csv_bytes() -> bytes:
    rng = np.random.default_rng(3)
    n = 5
    track = PoseTrack(t_s=np.arange(n) / 30.0, landmarks_px=rng.uniform(0, 640, (n, 33, 2)), visibility=rng.uniform(0, 1, (n, 33)),
                      landmarks_z=rng.normal(0, 0.1, (n, 33)), world_m=rng.normal(0, 0.5, (n, 33, 3)), image_width_px=640,
                      image_height_px=480, frame_rate_hz=30.0, person_id=0)  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        return write_pose_csv(Path(folder) / "p.csv", [track]).read_bytes()


def _imu_csv_bytes() -> bytes:
    n = 20
    t = np.arange(n) / 100.0
    recording = ImuRecording(t_s=t, acc_m_s2=np.tile([0.0, 0.0, 9.81], (n, 1)), gyr_deg_s=np.zeros((n, 3)), placement="shin", side="left")
    with tempfile.TemporaryDirectory() as folder:
        return write_imu_csv(Path(folder) / "i.csv", recording).read_bytes()


POSE = _pose_csv_bytes()
IMU = _imu_csv_bytes()
YAML = EXAMPLE.read_bytes()
CAMERA = b'{\n  "camera_roll_deg": 6.0\n}\n'
SENSOR_JSON = None  # made from a real calibration below


def _write(data: bytes, name: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="fuzz-"))
    path = folder / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("reader", "valid", "name"),
    [(read_pose_csv, POSE, "pose.csv"), (read_imu_csv, IMU, "imu.csv"), (load_prescription, YAML, "rx.yaml"), (CameraCalibration.load, CAMERA, "cam.json")],
    ids=["pose-csv", "inertial-csv", "prescription-yaml", "camera-calibration-json"],
)
@FUZZ
@given(data=st.data())
def test_a_reader_gives_a_result_or_a_toolkit_error(reader, valid, name, data):
    raw = data.draw(st.one_of(st.binary(max_size=400), mutated(valid)))
    path = _write(raw, name)
    try:
        _result_or_toolkit_error(reader, path)
    finally:
        shutil.rmtree(path.parent)


@pytest.fixture(scope="module")
def sensor_profile(tmp_path_factory) -> bytes:
    from motionrehab.sensors.calibration import calibrate_sensor

    n = 300
    still = ImuRecording(t_s=np.arange(n) / 100.0, acc_m_s2=np.tile([0.0, 0.0, 9.81], (n, 1)), gyr_deg_s=np.zeros((n, 3)), placement="shin", side="left")
    path = calibrate_sensor(still, "standing").save(tmp_path_factory.mktemp("cal") / "s.json")
    return path.read_bytes()


@FUZZ
@given(data=st.data())
def test_the_sensor_calibration_reader_gives_a_result_or_a_toolkit_error(sensor_profile, data):
    raw = data.draw(st.one_of(st.binary(max_size=400), mutated(sensor_profile)))
    path = _write(raw, "sensor.json")
    try:
        _result_or_toolkit_error(SensorCalibration.load, path)
    finally:
        shutil.rmtree(path.parent)


@pytest.fixture(scope="module")
def export_folder(tmp_path_factory) -> Path:
    from motionrehab.records.export import read_record

    folder = tmp_path_factory.mktemp("export")
    store = write_record(f"sqlite:///{folder / 's.sqlite'}")
    write_tables(read_record(store, PATIENT), folder / "out", "json", exported_at=dt.datetime(2026, 2, 1, 12, 0))
    store.close()
    return folder / "out"


@FUZZ
@given(data=st.data())
def test_the_export_json_reader_gives_a_result_or_a_toolkit_error(export_folder, data):
    files = sorted(p.name for p in export_folder.iterdir())
    victim = data.draw(st.sampled_from(files))
    copy = Path(tempfile.mkdtemp(prefix="fuzz-export-"))
    try:
        for name in files:
            shutil.copy(export_folder / name, copy / name)
        valid = (copy / victim).read_bytes()
        (copy / victim).write_bytes(data.draw(st.one_of(st.binary(max_size=400), mutated(valid))))
        _result_or_toolkit_error(lambda folder: read_tables(folder, PATIENT, "json"), copy)
    finally:
        shutil.rmtree(copy)
