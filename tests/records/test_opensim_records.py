"""The stored record for OpenSim: measured and per-repetition angles as .mot, recordings as .trc, loaded by OpenSim itself."""

import datetime as dt

import numpy as np
import pytest
from record_fixture import PATIENT, write_record

from motionrehab.capture import LANDMARK_NAMES, PoseTrack
from motionrehab.capture.pose_csv import write_pose_csv
from motionrehab.records.opensim_records import write_opensim

osim = pytest.importorskip("opensim", reason="the opensim package (PyPI) is part of the test extra")


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    store = write_record(f"sqlite:///{tmp_path_factory.mktemp('osim') / 's.sqlite'}")
    yield store
    store.close()


def test_measured_angles_load_in_opensim_with_names_times_and_values(store, tmp_path):
    result = write_opensim(store, PATIENT, tmp_path)
    assert result.t0 == dt.datetime(2026, 1, 4, 8, 30)
    measured = result.paths[0]
    assert measured.name == f"{PATIENT}_measured_angles.mot"
    table = osim.TimeSeriesTable(str(measured))
    assert list(table.getColumnLabels()) == ["hinge_trunk_inclination_deg", "left_slr_peak_deg", "right_slr_peak_deg"]
    assert table.getTableMetaDataAsString("inDegrees") == "yes"
    t = np.array(table.getIndependentColumn())
    assert t[0] == 0.0 and t[1] == pytest.approx(86400.0) and len(t) == 8  # visit day, 6 session days, last day
    right = table.getDependentColumn("right_slr_peak_deg").to_numpy()
    assert right[0] == pytest.approx(48.25) and right[-1] == pytest.approx(57.5) and np.isnan(right[1:-1]).all()
    hinge = table.getDependentColumn("hinge_trunk_inclination_deg").to_numpy()
    np.testing.assert_allclose(hinge[1:7], [30.0, 30.5, 31.5, 33.5, 34.0, 35.0], atol=1e-6)
    assert any("no landmark trajectories" in note for note in result.notes)


def test_repetition_angles_one_file_per_session(store, tmp_path):
    paths = write_opensim(store, PATIENT, tmp_path).paths[1:]
    assert [p.name for p in paths] == [f"{PATIENT}_session{i}_repetitions.mot" for i in range(1, 7)]
    table = osim.TimeSeriesTable(str(paths[0]))
    assert list(table.getColumnLabels()) == ["hinge_trunk_inclination_deg"]
    t = np.array(table.getIndependentColumn())
    np.testing.assert_allclose(t[:3], [7.9, 14.0, 20.1], atol=1e-6)
    np.testing.assert_allclose(table.getDependentColumn("hinge_trunk_inclination_deg").to_numpy()[:3], [31.0, 31.1, 31.2], atol=1e-6)
    storage = osim.Storage(str(paths[0]))  # complete columns also load in the legacy reader
    assert storage.getSize() == table.getNumRows() and storage.isInDegrees()


def test_pose_csv_becomes_trc_named_by_pseudonym(store, tmp_path):
    n = 10
    rng = np.random.default_rng(1)
    track = PoseTrack(t_s=np.arange(n) / 30.0, landmarks_px=rng.uniform(10, 600, (n, 33, 2)), visibility=np.full((n, 33), 0.9),
                      world_m=None, image_width_px=640, image_height_px=480, frame_rate_hz=30.0)
    source = write_pose_csv(tmp_path / "Jane_Doe_2026.csv", track)
    result = write_opensim(store, PATIENT, tmp_path / "out", pose_csv=source, px_per_m=400.0)
    trc = result.paths[-1]
    assert trc.name == f"{PATIENT}_recording_person0.trc" and "Jane" not in "".join(p.name for p in result.paths)
    table = osim.TimeSeriesTableVec3(str(trc))
    assert list(table.getColumnLabels()) == list(LANDMARK_NAMES)
    assert table.getTableMetaDataAsString("Units") == "m" and float(table.getTableMetaDataAsString("DataRate")) == pytest.approx(30.0)
    first = np.array(table.getRowAtIndex(0)[0].to_numpy())
    np.testing.assert_allclose(first[:2], [track.landmarks_px[0, 0, 0] / 400.0, -track.landmarks_px[0, 0, 1] / 400.0], atol=1e-5)
