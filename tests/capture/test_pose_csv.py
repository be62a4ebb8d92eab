import os
import stat

import numpy as np
import pytest

from motionrehab.capture import PoseTrack, read_pose_csv, write_pose_csv
from motionrehab.capture.pose_csv import pose_csv_header
from motionrehab.errors import InputFileError, InvalidDataError


def random_track(person_id: int, n: int = 40, world: bool = True, seed: int = 1) -> PoseTrack:
    rng = np.random.default_rng(seed + person_id)
    landmarks = rng.uniform(0, 1000, (n, 33, 2))
    visibility = rng.uniform(0, 1, (n, 33))
    landmarks[3, 5] = np.nan
    visibility[3, 5] = np.nan
    return PoseTrack(
        t_s=np.cumsum(rng.uniform(0.01, 0.05, n)),
        landmarks_px=landmarks,
        visibility=visibility,
        landmarks_z=rng.normal(0, 0.2, (n, 33)),
        world_m=rng.normal(0, 0.5, (n, 33, 3)) if world else None,
        image_width_px=1080,
        image_height_px=1920,
        frame_rate_hz=30.0,
        person_id=person_id,
    )


def assert_same_track(a: PoseTrack, b: PoseTrack) -> None:
    np.testing.assert_array_equal(a.t_s, b.t_s)
    np.testing.assert_array_equal(a.landmarks_px, b.landmarks_px)
    np.testing.assert_array_equal(a.visibility, b.visibility)
    np.testing.assert_array_equal(a.landmarks_z, b.landmarks_z)
    if a.world_m is None:
        assert b.world_m is None
    else:
        np.testing.assert_array_equal(a.world_m, b.world_m)
    assert (a.image_width_px, a.image_height_px, a.person_id) == (b.image_width_px, b.image_height_px, b.person_id)


def test_round_trip_is_identical_for_several_people(tmp_path):
    tracks = [random_track(0), random_track(1, n=25)]
    path = write_pose_csv(tmp_path / "pose.csv", tracks)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    back = read_pose_csv(path)
    assert sorted(back) == [0, 1]
    for original in tracks:
        assert_same_track(original, back[original.person_id])
    # writing what was read gives the same bytes
    again = write_pose_csv(tmp_path / "again.csv", list(back.values()))
    assert again.read_bytes() == path.read_bytes()


def test_header_names_columns_as_documented(tmp_path):
    header = pose_csv_header(with_world=True)
    assert header[:4] == ["t_s", "person_id", "image_width_px", "image_height_px"]
    assert header[4:8] == ["nose_x_px", "nose_y_px", "nose_z", "nose_visibility"]
    assert header[-3:] == ["right_foot_index_wx_m", "right_foot_index_wy_m", "right_foot_index_wz_m"]
    assert len(header) == 4 + 33 * 4 + 33 * 3
    path = write_pose_csv(tmp_path / "p.csv", random_track(0, world=False))
    assert path.read_text().splitlines()[0].count(",") == 4 + 33 * 4 - 1
    assert read_pose_csv(path)[0].world_m is None


def test_missing_cells_are_empty(tmp_path):
    path = write_pose_csv(tmp_path / "p.csv", random_track(0, world=False))
    line = path.read_text().splitlines()[4]  # frame 3 has landmark 5 missing
    cells = line.split(",")
    assert cells[4 + 5 * 4] == "" and cells[4 + 5 * 4 + 1] == ""


def test_missing_file(tmp_path):
    with pytest.raises(InputFileError, match="not found"):
        read_pose_csv(tmp_path / "nope.csv")


def test_not_a_pose_csv_names_the_line(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(InvalidDataError, match=r"line 1.*required column"):
        read_pose_csv(path)


def test_bad_cell_names_line_and_column(tmp_path):
    path = write_pose_csv(tmp_path / "p.csv", random_track(0, world=False))
    lines = path.read_text().splitlines()
    cells = lines[2].split(",")
    cells[4] = "abc"
    lines[2] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(InvalidDataError) as error:
        read_pose_csv(path)
    assert "line 3" in str(error.value) and "nose_x_px" in str(error.value)


def test_truncated_row_is_reported(tmp_path):
    path = write_pose_csv(tmp_path / "p.csv", random_track(0, world=False))
    text = path.read_text()
    path.write_text(text[: len(text) - 200])
    with pytest.raises(InvalidDataError, match="truncated"):
        read_pose_csv(path)
