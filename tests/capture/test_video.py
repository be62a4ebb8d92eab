"""Video files as frame sources: real clips (portrait, 1088 wide, VP9 + audio), timestamps, bad files."""

import struct
from pathlib import Path

import cv2
import numpy as np
import pytest

from motionrehab.capture.video import FrameList, VideoFile, open_video_source, read_frames
from motionrehab.errors import InputFileError

CLIPS = {
    "Demo_SinglePerson/cam01.mp4": (1080, 1920),
    "Demo_SinglePerson/cam02.mp4": (1080, 1920),  # VP9 with a silent AAC track
    "Demo_MultiPerson/cam01.mp4": (1088, 1920),
}


@pytest.mark.parametrize("clip", sorted(CLIPS))
def test_real_clips_decode_every_frame_upright_at_i_over_60(shared_data, clip):
    video = VideoFile(shared_data / "pose2sim" / clip)
    sizes, times, indices = set(), [], []
    for frame in video:
        sizes.add((frame.width_px, frame.height_px))
        times.append(frame.t_s)
        indices.append(frame.index)
        assert frame.image_bgr.dtype == np.uint8
    assert video.frames_read == 100 and indices == list(range(100))
    assert sizes == {CLIPS[clip]}  # portrait, as the README measured
    assert video.frame_rate_hz == pytest.approx(60.0)
    assert video.rotation_deg == 0
    # container time stamps: frame i at i / 60 s
    np.testing.assert_allclose(times, np.arange(100) / 60.0, atol=1e-3, rtol=0)


def test_read_frames_picks_indices(shared_data):
    frames = read_frames(shared_data / "pose2sim/Demo_SinglePerson/cam01.mp4", [50, 0, 99])
    assert [f.index for f in frames] == [0, 50, 99]
    assert frames[1].t_s == pytest.approx(50 / 60, abs=1e-3)


def test_max_frames_stops_without_a_truncation_error(shared_data):
    video = VideoFile(shared_data / "pose2sim/Demo_SinglePerson/cam01.mp4", max_frames=5)
    assert len(list(video)) == 5


def test_missing_file(tmp_path):
    with pytest.raises(InputFileError, match="not found"):
        VideoFile(tmp_path / "nothing.mp4")


def test_a_text_file_named_mp4(tmp_path):
    fake = tmp_path / "notes.mp4"
    fake.write_text("patient notes, not a video\n")
    with pytest.raises(InputFileError, match="not a video file"):
        VideoFile(fake)


def test_an_empty_file_and_a_folder(tmp_path):
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    with pytest.raises(InputFileError, match="not a video file"):
        VideoFile(empty)
    with pytest.raises(InputFileError, match="folder"):
        VideoFile(tmp_path)


def test_an_mp4_cut_off_before_its_index(shared_data, tmp_path):
    data = (shared_data / "pose2sim/Demo_SinglePerson/cam01.mp4").read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[: int(0.4 * len(data))])
    with pytest.raises(InputFileError, match="truncated or corrupt") as caught:
        VideoFile(cut)
    assert str(cut) in str(caught.value) and caught.value.fix


def _write_avi(path: Path, n_frames: int) -> None:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 30.0, (160, 120))
    assert writer.isOpened()
    for i in range(n_frames):
        image = np.full((120, 160, 3), (i * 4) % 256, np.uint8)
        cv2.putText(image, str(i), (10, 80), cv2.FONT_HERSHEY_SIMPLEX, 2, (255, 255, 255), 3)
        writer.write(image)
    writer.release()


def test_truncated_video_yields_the_frames_it_has_then_a_clear_error(tmp_path):
    whole = tmp_path / "whole.avi"
    _write_avi(whole, 60)
    assert len(list(VideoFile(whole))) == 60
    cut = tmp_path / "cut.avi"
    data = whole.read_bytes()
    cut.write_bytes(data[: int(0.4 * len(data))])
    video = VideoFile(cut)
    got = []
    with pytest.raises(InputFileError, match=r"ended after \d+ of 60 frames") as caught:
        for frame in video:
            got.append(frame.index)
    assert 10 <= len(got) < 30  # ~40 % of the bytes: about 24 frames
    assert got == list(range(len(got))) and video.frames_read == len(got)
    assert f"{len(got)} of 60" in str(caught.value) and "kept" in str(caught.value)


def test_frame_list_and_camera_index_parsing(tmp_path):
    images = [np.zeros((4, 6, 3), np.uint8)] * 3
    frames = list(FrameList(images, frame_rate_hz=30.0))
    assert [f.t_s for f in frames] == pytest.approx([0, 1 / 30, 2 / 30])
    assert (frames[0].width_px, frames[0].height_px) == (6, 4)
    path = tmp_path / "0"  # a file named like a camera index is a file
    path.write_text("x")
    with pytest.raises(InputFileError, match="not a video"):
        open_video_source(str(path))


def test_rotation_metadata_is_honoured(shared_data, rotated_video):
    rotated = VideoFile(rotated_video, max_frames=3)
    assert rotated.rotation_deg == 90
    upright = list(VideoFile(shared_data / "pose2sim/Demo_SinglePerson/cam01.mp4", max_frames=3))
    frames = list(rotated)
    assert (frames[0].width_px, frames[0].height_px) == (1920, 1080)
    for turned, original in zip(frames, upright, strict=True):
        np.testing.assert_array_equal(turned.image_bgr, np.rot90(original.image_bgr, k=-1))  # clockwise


def _write_vfr_mp4(path: Path, deltas_ticks: list[int], size=(160, 120)) -> None:
    """An MP4 (MPEG-4 part 2, no B-frames) written by OpenCV, then given one duration per frame
    by rewriting its time-to-sample box (stts) and the sizes of the boxes around it. The moov box
    follows the media data, so no sample offset moves. Timescale 15360 ticks per second."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), 30.0, size)
    for i in range(len(deltas_ticks)):
        writer.write(np.full((size[1], size[0], 3), (i * 10) % 256, np.uint8))
    writer.release()
    data = bytearray(path.read_bytes())
    chain, offset, end = [], 0, len(data)
    for name in (b"moov", b"trak", b"mdia", b"minf", b"stbl", b"stts"):
        while data[offset + 4 : offset + 8] != name:
            offset += struct.unpack(">I", data[offset : offset + 4])[0]
            assert offset < end, name
        chain.append(offset)
        end = offset + struct.unpack(">I", data[offset : offset + 4])[0]
        offset += 8
    stts = chain[-1]
    old_size = struct.unpack(">I", data[stts : stts + 4])[0]
    assert struct.unpack(">I", data[stts + 16 : stts + 20])[0] == len(deltas_ticks)  # one entry: all frames alike
    entries = b"".join(struct.pack(">II", 1, d) for d in deltas_ticks)
    data[stts : stts + old_size] = struct.pack(">I4sII", 16 + len(entries), b"stts", 0, len(deltas_ticks)) + entries
    for box in chain[:-1]:
        size_now = struct.unpack(">I", data[box : box + 4])[0]
        data[box : box + 4] = struct.pack(">I", size_now + 16 + len(entries) - old_size)
    path.write_bytes(bytes(data))


def test_variable_frame_rate_keeps_the_containers_time_stamps(tmp_path):
    # 10 frames at 30 fps, 2 at 15 fps, 8 at 40 fps (same total length, so the edit list still fits)
    deltas = [512] * 10 + [1024] * 2 + [384] * 8
    path = tmp_path / "vfr.mp4"
    _write_vfr_mp4(path, deltas)
    video = VideoFile(path)
    times = [frame.t_s for frame in video]
    expected = np.concatenate([[0], np.cumsum(deltas[:-1])]) / 15360
    assert len(times) == 20
    np.testing.assert_allclose(times, expected, atol=1e-4, rtol=0)
    # the nominal rate would have put the last frame at 19/30 s = 0.633 s instead of 0.642 s
    assert abs(times[-1] - 19 / video.frame_rate_hz) > 0.005
