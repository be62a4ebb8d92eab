"""`motionrehab session --headless`: check-in, plan, reps as JSON lines recorded as they happen, closing check-in."""

import json
import stat
from pathlib import Path

import cv2
import pytest

from motionrehab.cli.main import main
from motionrehab.cli.session import parse_answers
from motionrehab.errors import InvalidDataError
from motionrehab.records.store import SessionStore

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "prescription.yaml"
GOOD = "pain=3,tingling=no,numbness=no,red_flags=none,pain_after=4"


def _prescription(tmp_path):
    # the example program, with the hinge's depth as hip flexion (40 deg): the real clip's one excursion reaches it
    text = EXAMPLE.read_text(encoding="utf-8").replace("trunk_inclination_deg: [20, 40]", "hip_flexion_deg: [40, 60]", 1)
    path = tmp_path / "prescription.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _lines(out):
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def _tiny_video(path, frames=5):
    import numpy as np

    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), 30.0, (64, 48))
    for i in range(frames):
        writer.write(np.full((48, 64, 3), (10 * i) % 250, np.uint8))
    writer.release()
    return path


def test_a_red_flag_ends_the_session_at_the_check_in(tmp_path, capsys, pose_model_path):
    store = tmp_path / "store.db"
    video = _tiny_video(tmp_path / "clip.mkv")
    status = main(["session", "--prescription", str(_prescription(tmp_path)), "--source", str(video), "--headless", "--store", str(store),
                   "--checkin-answers", "pain=2,tingling=no,numbness=no,red_flags=bladder+fever", "--at", "2026-01-07T09:00"])  # fmt: skip
    captured = capsys.readouterr()
    assert status == 3
    events = _lines(captured.out)
    assert [e["event"] for e in events] == ["checkin"]
    assert events[0]["start"] is False
    assert "urgent" in captured.err
    with _closing(SessionStore(f"sqlite:///{store}")) as opened:
        checkins = opened.checkins("P-7F3A2C", flagged_only=True)
        assert len(checkins) == 1
        assert opened.stored_sessions("P-7F3A2C") == ()


class _closing:
    def __init__(self, store):
        self.store = store

    def __enter__(self):
        return self.store

    def __exit__(self, *exc):
        self.store.close()


@pytest.mark.realdata
def test_headless_session_on_an_oblique_real_clip_says_turn_and_counts_no_lunge_as_a_hinge(tmp_path, capsys, shared_data, pose_model_path):
    """Pose2Sim cam01 films a lunge from the front-left, above (data README sec. 4): the set-up says to turn, no rep is counted."""
    store = tmp_path / "store.db"
    overlay = tmp_path / "overlay.mp4"
    video = shared_data / "pose2sim" / "Demo_SinglePerson" / "cam01.mp4"
    status = main(["session", "--prescription", str(_prescription(tmp_path)), "--source", str(video), "--headless", "--every-frame",
                   "--store", str(store), "--overlay", str(overlay), "--checkin-answers", GOOD, "--at", "2026-01-07T09:00",
                   "--pose-model", str(pose_model_path)])  # fmt: skip
    captured = capsys.readouterr()
    assert status == 0, captured.err
    events = _lines(captured.out)
    # nothing measured: stored as failed with why (issue 14), never counted toward adherence
    assert [e["event"] for e in events] == ["checkin", "plan", "session_open", "setup", "unusable_view", "end", "session_failed"]
    plan = events[1]
    assert [x["id"] for x in plan["exercises"] if x["camera_guided"]] == ["hinge"]
    setup = events[3]
    assert "at an angle" in setup["message"] and "side faces the camera" in setup["message"]
    closed = events[-1]
    assert closed["reason"] == "no repetition was detected in 100 analysed frames"
    assert stat.S_IMODE(overlay.stat().st_mode) == 0o600
    written = cv2.VideoCapture(str(overlay))
    assert int(written.get(cv2.CAP_PROP_FRAME_COUNT)) == 100 and written.get(cv2.CAP_PROP_FPS) == pytest.approx(60.0)
    written.release()
    with _closing(SessionStore(f"sqlite:///{store}")) as opened:
        assert opened.repetitions(closed["session_id"]) == ()
        assert [s.status for s in opened.stored_sessions("P-7F3A2C")] == ["failed"]


@pytest.mark.realdata
def test_no_overlay_file_unless_asked(tmp_path, capsys, shared_data, pose_model_path):
    video = shared_data / "pose2sim" / "Demo_SinglePerson" / "cam01.mp4"
    before = set(tmp_path.iterdir())
    status = main(["session", "--prescription", str(_prescription(tmp_path)), "--source", str(video), "--headless", "--store", str(tmp_path / "s.db"),
                   "--checkin-answers", GOOD, "--at", "2026-01-07T09:00", "--pose-model", str(pose_model_path)])  # fmt: skip
    err = capsys.readouterr().err
    assert status == 0, err  # (on a busy machine the clip may give no repetition: then it is stored as failed, with a warning)
    assert {p.name for p in set(tmp_path.iterdir()) - before} == {"prescription.yaml", "s.db"}


def test_check_in_answers_are_parsed_and_bad_ones_refused():
    assert parse_answers(GOOD) == {"pain": "3", "tingling": "no", "numbness": "no", "red_flags": "none", "pain_after": "4"}
    with pytest.raises(InvalidDataError, match="cannot read"):
        parse_answers("pain:3")
    with pytest.raises(InvalidDataError, match="cannot read"):
        parse_answers("mood=good")


def test_a_missing_video_is_refused_before_a_session_is_opened(tmp_path, capsys):
    store = tmp_path / "store.db"
    status = main(["session", "--prescription", str(_prescription(tmp_path)), "--source", str(tmp_path / "missing.mp4"), "--headless",
                   "--store", str(store), "--checkin-answers", GOOD, "--at", "2026-01-07T09:00"])  # fmt: skip
    captured = capsys.readouterr()
    assert status == 2
    assert "video file not found" in captured.err
    assert _lines(captured.out) == []  # checked before the check-in: nothing asked, nothing stored
    assert not store.exists()


@pytest.mark.parametrize("damage", ["zero-byte", "truncated"])
def test_an_unreadable_video_or_model_stores_nothing(tmp_path, capsys, pose_model_path, damage):
    store = tmp_path / "store.db"
    video = _tiny_video(tmp_path / "clip.mp4", frames=30)
    data = video.read_bytes()
    video.write_bytes(b"" if damage == "zero-byte" else data[: len(data) // 3])
    args = ["session", "--prescription", str(_prescription(tmp_path)), "--headless", "--store", str(store), "--checkin-answers", GOOD,
            "--at", "2026-01-07T09:00"]  # fmt: skip
    assert main([*args, "--source", str(video)]) == 2
    assert capsys.readouterr().err.count("\n") == 1
    assert main([*args, "--source", str(_tiny_video(tmp_path / "ok.mkv")), "--pose-model", str(tmp_path / "missing.task")]) == 2
    assert "error: " in capsys.readouterr().err
    assert not store.exists()


def test_a_session_that_measured_nothing_is_stored_failed_and_never_counts(tmp_path, capsys, pose_model_path):
    store = tmp_path / "store.db"
    video = _tiny_video(tmp_path / "empty-room.mkv", frames=20)  # nobody in view: no repetition can be measured
    status = main(["session", "--prescription", str(_prescription(tmp_path)), "--source", str(video), "--headless", "--store", str(store),
                   "--checkin-answers", GOOD, "--at", "2026-01-07T09:00", "--every-frame"])  # fmt: skip
    captured = capsys.readouterr()
    assert status == 0  # the patient did nothing wrong; the warning says why nothing counts
    assert "the session measured nothing (no repetition was detected in 20 analysed frames)" in captured.err
    assert [e["event"] for e in _lines(captured.out)][-1] == "session_failed"
    with _closing(SessionStore(f"sqlite:///{store}")) as opened:
        (session,) = opened.stored_sessions("P-7F3A2C")
        assert session.status == "failed" and session.failure == "no repetition was detected in 20 analysed frames"
        assert opened.session_logs("P-7F3A2C") == ()  # never counts toward adherence
    assert main(["program", "assign", str(tmp_path / "prescription.yaml"), "--store", str(store)]) == 0
    capsys.readouterr()
    assert main(["adherence", "P-7F3A2C", "--today", "2026-01-07", "--week", "1", "--json", "--store", str(store)]) == 0
    assert json.loads(capsys.readouterr().out)["sessions"] == []


def test_window_mode_without_a_display_says_use_headless(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    store = tmp_path / "store.db"
    status = main(["session", "--prescription", str(_prescription(tmp_path)), "--source", str(_tiny_video(tmp_path / "c.mkv")), "--store", str(store),
                   "--checkin-answers", GOOD, "--at", "2026-01-07T09:00"])  # fmt: skip
    err = capsys.readouterr().err
    assert status == 2 and "no display to open the session window on" in err and "--headless" in err and err.count("\n") == 1
    assert not store.exists()  # nothing stored, so no session left 'open'


def test_an_existing_overlay_is_refused_and_an_mp4_overlay_warned(tmp_path, capsys, pose_model_path):
    from motionrehab.live.preflight import check_overlay_path

    existing = tmp_path / "o.mkv"
    existing.write_bytes(b"last week")
    with pytest.raises(Exception, match="already exists"):
        check_overlay_path(existing, force=False)
    assert check_overlay_path(existing, force=True) is None
    assert "unreadable if the session is killed" in (check_overlay_path(tmp_path / "o.mp4", force=False) or "")
    with pytest.raises(InvalidDataError, match=".mkv or .mp4"):
        check_overlay_path(tmp_path / "o.avi", force=False)


@pytest.mark.slow
def test_an_mkv_overlay_stays_playable_after_kill_9(tmp_path, pose_model_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    import numpy as np

    video = tmp_path / "long.mkv"
    writer = cv2.VideoWriter(str(video), cv2.VideoWriter.fourcc(*"mp4v"), 30.0, (320, 240))
    rng = np.random.default_rng(0)
    for _ in range(300):
        writer.write(rng.integers(0, 255, (240, 320, 3), dtype=np.uint8))  # noise: every overlay frame has bytes to write
    writer.release()
    overlay = tmp_path / "overlay.mkv"
    process = subprocess.Popen([sys.executable, "-m", "motionrehab.cli.main", "session", "--prescription", str(_prescription(tmp_path)),
                                "--source", str(video), "--headless", "--overlay", str(overlay), "--every-frame", "--store", str(tmp_path / "s.db"),
                                "--checkin-answers", GOOD, "--at", "2026-01-07T09:00", "--pose-model", str(pose_model_path)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    deadline = time.monotonic() + 60.0
    while not (overlay.is_file() and overlay.stat().st_size > 100_000):
        assert process.poll() is None, "the session ended before it could be killed"
        assert time.monotonic() < deadline, "the overlay did not grow"
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    assert stat.S_IMODE(overlay.stat().st_mode) == 0o600
    capture = cv2.VideoCapture(str(overlay))
    frames = 0
    while capture.read()[0]:
        frames += 1
    capture.release()
    assert 2 < frames < 300  # what was written before the kill plays back
