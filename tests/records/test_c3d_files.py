"""C3D export: read back by ezc3d and by an independent reader (the c3d package), markers, angles, units, rate."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from motionrehab.errors import InvalidDataError
from motionrehab.kinematics.measure import measure_angles
from motionrehab.records.c3d_files import write_c3d
from motionrehab.synth.camera import PinholeCamera, Realism
from motionrehab.synth.exercises import walk

ezc3d = pytest.importorskip("ezc3d", reason="the c3d extra (ezc3d) is not installed")
c3d = pytest.importorskip("c3d", reason="the independent C3D reader (c3d) is not installed")


@pytest.fixture(scope="module")
def track():
    return walk(strides=3, camera=PinholeCamera(distance_m=5.0), realism=Realism(), seed=1).track


def _expected_mm(track):
    world = track.world_m  # MediaPipe world: x right, y down, z away from the camera (m)
    return np.stack([world[..., 0], world[..., 2], -world[..., 1]], axis=-1) * 1000.0  # lab frame, Z up, mm


def test_markers_read_back_with_ezc3d_in_mm_z_up_at_the_track_rate(track, tmp_path):
    path = write_c3d(tmp_path / "walk.c3d", track)
    assert path.stat().st_mode & 0o777 == 0o600
    loaded = ezc3d.c3d(str(path))
    point = loaded["parameters"]["POINT"]
    assert point["LABELS"]["value"][:2] == ["nose", "left_eye_inner"] and len(point["LABELS"]["value"]) == 33
    assert point["RATE"]["value"][0] == track.frame_rate_hz and point["UNITS"]["value"] == ["mm"]
    points = loaded["data"]["points"]  # (4, markers, frames)
    assert points.shape == (4, 33, track.n_frames)
    got = np.transpose(points[:3], (2, 1, 0))
    assert np.allclose(got, _expected_mm(track), atol=0.01, equal_nan=True)  # C3D holds float32
    assert loaded["parameters"]["MOTIONREHAB"]["T0_S"]["value"][0] == pytest.approx(track.t_s[0])


def test_an_independent_reader_gets_the_same_markers_and_the_angles(track, tmp_path):
    angles = measure_angles(track).angles
    path = write_c3d(tmp_path / "walk.c3d", track, angles=angles)
    with open(path, "rb") as handle, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "no analog data": there is none
        reader = c3d.Reader(handle)
        labels = [label.strip() for label in reader.point_labels]
        assert reader.point_rate == track.frame_rate_hz and labels[:33] == list(ezc3d.c3d(str(path))["parameters"]["POINT"]["LABELS"]["value"][:33])
        frames = [points for _, points, _ in reader.read_frames()]
    assert len(frames) == track.n_frames and labels[33:] == list(angles.names)
    knee = labels.index("left_knee_flexion_deg")
    hip = labels.index("left_hip")
    expected_hip = _expected_mm(track)[:, 23]
    for i in (0, track.n_frames // 2, track.n_frames - 1):
        if np.isfinite(expected_hip[i]).all():
            assert frames[i][hip, :3] == pytest.approx(expected_hip[i], abs=0.01)
        if np.isfinite(angles["left_knee_flexion_deg"][i]):
            assert frames[i][knee, 0] == pytest.approx(angles["left_knee_flexion_deg"][i], abs=1e-3)


def test_no_metric_positions_or_an_irregular_clock_are_refused(track, tmp_path):
    image_only = track.replace(world_m=None)
    with pytest.raises(InvalidDataError, match="C3D needs metric positions"):
        write_c3d(tmp_path / "a.c3d", image_only)
    assert write_c3d(tmp_path / "b.c3d", image_only, px_per_m=500.0).is_file()  # with a scale it is metric
    jittered = track.replace(t_s=track.t_s + np.where(np.arange(track.n_frames) == 10, 0.03, 0.0))
    with pytest.raises(InvalidDataError, match="not on a 30 Hz grid"):
        write_c3d(tmp_path / "c.c3d", jittered)
