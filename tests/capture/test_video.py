"""Video files as frame sources: real clips (portrait, 1088 wide, VP9 + audio), timestamps, bad files."""

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
