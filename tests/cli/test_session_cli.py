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


def test_a_red_flag_ends_the_session_at_the_check_in(tmp_path, capsys):
    store = tmp_path / "store.db"
    status = main(["session", "--prescription", str(_prescription(tmp_path)), "--source", "no-such-video.mp4", "--headless", "--store", str(store),
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
    assert [e["event"] for e in events] == ["checkin", "plan", "session_open", "setup", "unusable_view", "end", "session_closed"]
    plan = events[1]
    assert [x["id"] for x in plan["exercises"] if x["camera_guided"]] == ["hinge"]
    setup = events[3]
    assert "at an angle" in setup["message"] and "side faces the camera" in setup["message"]
    closed = events[-1]
    assert closed["repetitions"] == 0 and closed["frames_analysed"] == 100 and closed["frames_dropped"] == 0 and closed["pain_after"] == 4
    assert stat.S_IMODE(overlay.stat().st_mode) == 0o600
    written = cv2.VideoCapture(str(overlay))
    assert int(written.get(cv2.CAP_PROP_FRAME_COUNT)) == 100 and written.get(cv2.CAP_PROP_FPS) == pytest.approx(60.0)
    written.release()
    with _closing(SessionStore(f"sqlite:///{store}")) as opened:
        assert opened.repetitions(closed["session_id"]) == ()


@pytest.mark.realdata
def test_no_overlay_file_unless_asked(tmp_path, capsys, shared_data, pose_model_path):
    video = shared_data / "pose2sim" / "Demo_SinglePerson" / "cam01.mp4"
    before = set(tmp_path.iterdir())
    status = main(["session", "--prescription", str(_prescription(tmp_path)), "--source", str(video), "--headless", "--store", str(tmp_path / "s.db"),
                   "--checkin-answers", GOOD, "--at", "2026-01-07T09:00", "--pose-model", str(pose_model_path)])  # fmt: skip
    assert status == 0, capsys.readouterr().err
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
    assert [e["event"] for e in _lines(captured.out)] == ["checkin", "plan"]
    with _closing(SessionStore(f"sqlite:///{store}")) as opened:
        assert opened.stored_sessions("P-7F3A2C") == ()
