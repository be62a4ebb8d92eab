"""The .trc and .mot exports load in OpenSim itself with the right names, units, rates and values."""

import os
import stat

import numpy as np
import pytest

from motionrehab.capture import LANDMARK_NAMES, PoseTrack
from motionrehab.kinematics import AngleTable
from motionrehab.records.opensim_files import write_mot, write_trc

osim = pytest.importorskip("opensim", reason="the opensim package (PyPI) is part of the test extra")


def track(world: bool) -> PoseTrack:
    rng = np.random.default_rng(3)
    n = 12
    landmarks = rng.uniform(10, 900, (n, 33, 2))
    landmarks[4, 7] = np.nan
    world_m = rng.normal(0, 0.4, (n, 33, 3)) if world else None
    if world_m is not None:
        world_m[4, 7] = np.nan
    return PoseTrack(
        t_s=np.arange(n) / 60.0, landmarks_px=landmarks, visibility=np.full((n, 33), 0.9), world_m=world_m,
        image_width_px=1080, image_height_px=1920, frame_rate_hz=60.0,
    )


def vec3_table(path):
    table = osim.TimeSeriesTableVec3(str(path))
    values = np.array([[list(table.getRowAtIndex(r)[c].to_numpy()) for c in range(table.getNumColumns())]
                       for r in range(table.getNumRows())])
    return table, values


def test_world_landmarks_export_in_metres_and_load_in_opensim(tmp_path):
    source = track(world=True)
    export = write_trc(tmp_path, "session1", source)
    assert export.units == "m" and export.path.name == "session1.trc"
    assert stat.S_IMODE(os.stat(export.path).st_mode) == 0o600
    table, values = vec3_table(export.path)
    assert list(table.getColumnLabels()) == list(LANDMARK_NAMES)
    assert table.getTableMetaDataAsString("Units") == "m"
    assert float(table.getTableMetaDataAsString("DataRate")) == pytest.approx(60.0)
    assert table.getNumRows() == 12
    np.testing.assert_allclose(np.array(table.getIndependentColumn()), source.t_s, atol=1e-6)
    expected = np.stack([source.world_m[..., 0], -source.world_m[..., 1], -source.world_m[..., 2]], axis=-1)
    np.testing.assert_allclose(values, expected, atol=1e-6)
    assert np.isnan(values[4, 7]).all()
    markers = osim.MarkerData(str(export.path))
    assert markers.getNumFrames() == 12 and markers.getUnits().getAbbreviation() == "m"


def test_image_landmarks_with_scale_and_without(tmp_path):
    source = track(world=False)
    scaled = write_trc(tmp_path, "s", source, px_per_m=500.0)
    _, values = vec3_table(scaled.path)
    np.testing.assert_allclose(values[..., 0], source.landmarks_px[..., 0] / 500.0, atol=1e-6)
    np.testing.assert_allclose(values[..., 1], -source.landmarks_px[..., 1] / 500.0, atol=1e-6)
    pixels = write_trc(tmp_path, "s", source)
    assert pixels.units == "px" and pixels.path.name == "s_px.trc"
    table, values = vec3_table(pixels.path)
    assert table.getTableMetaDataAsString("Units") == "px"
    np.testing.assert_allclose(values[..., 0], source.landmarks_px[..., 0], atol=1e-6)


def test_angles_export_as_mot_loads_in_opensim(tmp_path):
    t = np.arange(50) / 30.0
    angles = AngleTable(t_s=t, columns={
        "trunk_inclination_deg": 40 * np.sin(t),
        "left_hip_flexion_deg": np.r_[np.nan, 60 * np.sin(t[1:])],
    })
    path = write_mot(tmp_path, "angles", angles)
    table = osim.TimeSeriesTable(str(path))
    assert list(table.getColumnLabels()) == ["trunk_inclination_deg", "left_hip_flexion_deg"]
    assert table.getTableMetaDataAsString("inDegrees") == "yes"
    np.testing.assert_allclose(np.array(table.getIndependentColumn()), t, atol=1e-6)
    column = table.getDependentColumn("trunk_inclination_deg").to_numpy()
    np.testing.assert_allclose(column, 40 * np.sin(t), atol=1e-5)
    assert np.isnan(table.getDependentColumn("left_hip_flexion_deg").to_numpy()[0])


def test_complete_angles_load_in_the_legacy_storage_reader(tmp_path):
    # OpenSim's legacy Storage parser cannot read NaN cells (TimeSeriesTable can): complete data loads.
    t = np.arange(50) / 30.0
    path = write_mot(tmp_path, "angles", AngleTable(t_s=t, columns={"trunk_inclination_deg": 40 * np.sin(t)}))
    storage = osim.Storage(str(path))
    assert storage.getSize() == 50 and storage.isInDegrees()
    labels = storage.getColumnLabels()
    assert [labels.get(i) for i in range(labels.getSize())] == ["time", "trunk_inclination_deg"]
