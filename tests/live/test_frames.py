"""The capture side never blocks on analysis: stale frames are dropped and counted; lockstep drops none."""

import threading

import numpy as np

from motionrehab.live.frames import CaptureThread, LatestFrameSlot, LiveFrame, paced

IMAGE = np.zeros((4, 4, 3), dtype=np.uint8)


def frame(i: int) -> LiveFrame:
    return LiveFrame(index=i, t_s=i / 30, captured_monotonic_s=0.0, image_bgr=IMAGE)


def test_slot_keeps_only_the_newest_frame_and_counts_drops():
    slot = LatestFrameSlot()
    for i in range(5):
        slot.put(frame(i))
    assert slot.take().index == 4
    assert (slot.frames_put, slot.frames_dropped) == (5, 4)
    slot.close()
    assert slot.take() is None


def test_lockstep_slot_hands_over_every_frame():
    slot = LatestFrameSlot(lockstep=True)
    source = ((i / 30, 0.0, IMAGE) for i in range(200))
    capture = CaptureThread(source, slot)
    capture.start()
    taken = []
    while (item := slot.take(timeout_s=10)) is not None:
        taken.append(item.index)
    capture.join(timeout=10)
    assert taken == list(range(200))
    assert slot.frames_dropped == 0 and capture.error is None


def test_slow_consumer_never_backs_up_the_capture_thread():
    slot = LatestFrameSlot()
    release = threading.Event()
    source = ((i / 30, 0.0, IMAGE) for i in range(1000))
    capture = CaptureThread(source, slot)
    capture.start()
    capture.join(timeout=10)  # the producer finishes although nobody has taken anything yet
    assert not capture.is_alive()
    release.set()
    last = slot.take(timeout_s=1)
    assert last.index == 999
    assert slot.frames_dropped == 999  # memory stayed at one frame


def test_source_errors_end_the_stream_and_are_kept():
    def broken():
        yield 0.0, 0.0, IMAGE
        raise OSError("camera unplugged")

    slot = LatestFrameSlot(lockstep=True)
    capture = CaptureThread(broken(), slot)
    capture.start()
    assert slot.take(timeout_s=5).index == 0
    assert slot.take(timeout_s=5) is None
    capture.join(timeout=5)
    assert isinstance(capture.error, OSError)


def test_paced_releases_frames_at_their_media_times_on_a_fake_clock():
    now = [100.0]
    waits = []

    def sleep(seconds):
        waits.append(seconds)
        now[0] += seconds

    frames = [(i / 30, IMAGE) for i in range(4)]
    out = list(paced(frames, clock=lambda: now[0], sleep=sleep))
    assert [round(captured - 100.0, 6) for _, captured, _ in out] == [0.0, round(1 / 30, 6), round(2 / 30, 6), 0.1]
    assert len(waits) == 3
