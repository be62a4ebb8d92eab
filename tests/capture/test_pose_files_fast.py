"""The Arrow-based pose-track reader: same tracks as before, Parquet round trips, encodings and errors by line."""

from __future__ import annotations

import numpy as np
import pytest
from test_pose_csv import assert_same_track, random_track

from motionrehab.capture.patient import patient_from_file
from motionrehab.capture.pose_csv import is_pose_csv, read_pose_csv, write_pose_csv
from motionrehab.capture.pose_parquet import read_pose_file, read_pose_parquet, write_pose_parquet
from motionrehab.errors import InputFileError, InvalidDataError


def test_many_blocks_give_the_same_tracks(tmp_path, monkeypatch):
    import motionrehab.capture.pose_csv as pose_csv

    tracks = [random_track(0, n=300), random_track(1, n=200), random_track(4, n=250, world=True)]
    path = write_pose_csv(tmp_path / "pose.csv", tracks)
    monkeypatch.setattr(pose_csv, "BLOCK_BYTES", 64 << 10)  # ~16 rows a block: people split across blocks
    back = read_pose_csv(path)
    assert sorted(back) == [0, 1, 4]
    for original in tracks:
        assert_same_track(original, back[original.person_id])
        assert back[original.person_id].frame_rate_hz == pytest.approx(1.0 / np.median(np.diff(original.t_s)))


def test_parquet_round_trip_equals_the_csv(tmp_path):
    tracks = [random_track(0), random_track(1, n=25, world=False)]
    csv_tracks = read_pose_csv(write_pose_csv(tmp_path / "p.csv", tracks))
    path = write_pose_parquet(tmp_path / "p.parquet", tracks)
    assert (path.stat().st_mode & 0o777) == 0o600
    back = read_pose_parquet(path)
    assert sorted(back) == [0, 1]
    for person, track in back.items():
        assert_same_track(csv_tracks[person], track)
        assert track.frame_rate_hz == csv_tracks[person].frame_rate_hz
    assert read_pose_file(path).keys() == back.keys()
    assert patient_from_file(path).description.startswith("p.parquet:")


def test_parquet_errors(tmp_path):
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(b"not parquet at all")
    with pytest.raises(InputFileError, match="not a readable Parquet file"):
        read_pose_parquet(bad)
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"t_s": [0.0, 1.0]}), tmp_path / "other.parquet")
    with pytest.raises(InvalidDataError, match="required column"):
        read_pose_parquet(tmp_path / "other.parquet")


def test_bom_and_comment_lines_before_the_header_are_skipped(tmp_path):
    track = random_track(0, world=False)
    text = write_pose_csv(tmp_path / "p.csv", track).read_text(encoding="utf-8")
    path = tmp_path / "with_bom.csv"
    path.write_bytes(b"\xef\xbb\xbf# source: phone\n# fps: 30\n" + text.encode())
    assert is_pose_csv(path)
    assert_same_track(track, read_pose_csv(path)[0])
    # a bad cell is still named by its line in the file
    lines = text.splitlines()
    lines[5] = lines[5].replace(",", ",x", 1)
    path.write_bytes(b"\xef\xbb\xbf# source: phone\n" + "\n".join(lines).encode() + b"\n")
    with pytest.raises(InvalidDataError, match=r"line 7") as info:
        read_pose_csv(path)
    assert "person_id" in str(info.value) or "not a number" in str(info.value)


def test_bytes_that_are_not_utf8_are_the_toolkits_error(tmp_path):
    path = write_pose_csv(tmp_path / "p.csv", random_track(0, world=False))
    data = bytearray(path.read_bytes())
    third = data.index(b"\n", data.index(b"\n", data.index(b"\n") + 1) + 1)
    data[third + 3] = 0xE9  # a Latin-1 e-acute in line 4
    path.write_bytes(bytes(data))
    with pytest.raises(InputFileError, match=r"line 4.*|not UTF-8") as info:
        read_pose_csv(path)
    assert "not UTF-8" in str(info.value) and "line 4" in str(info.value)
    header = tmp_path / "h.csv"
    header.write_bytes(b"t_s,person_\xff\n")
    with pytest.raises(InputFileError, match="not UTF-8"):
        read_pose_csv(header)
    assert not is_pose_csv(header)


def test_time_running_backwards_names_the_line(tmp_path):
    path = write_pose_csv(tmp_path / "p.csv", random_track(0, world=False))
    lines = path.read_text().splitlines()
    lines[3], lines[4] = lines[4], lines[3]
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(InvalidDataError, match=r"line 5.*time does not increase|time does not increase") as info:
        read_pose_csv(path)
    assert "line 5" in str(info.value)


def test_changing_image_size_and_missing_person_id(tmp_path):
    path = write_pose_csv(tmp_path / "p.csv", random_track(0, world=False))
    lines = path.read_text().splitlines()
    size = lines[6].split(",")
    size[2] = "720"
    lines[6] = ",".join(size)
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(InvalidDataError, match="image size changes") as info:
        read_pose_csv(path)
    assert "line 7" in str(info.value)
    size[1], size[2] = "", "1080"
    lines[6] = ",".join(size)
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(InvalidDataError, match="whole numbers") as info:
        read_pose_csv(path)
    assert "line 7" in str(info.value)
