"""`motionrehab session` over the day's whole plan: which exercises the camera guides, the others recorded by answer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from motionrehab.cli.main import main
from motionrehab.cli.session import choose_guided, parse_done, parse_sources
from motionrehab.errors import InvalidDataError
from motionrehab.program.prescription import load_prescription
from motionrehab.program.progression import plan_session, state_for_week
from motionrehab.records.store import SessionStore

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "prescription.yaml"
GOOD = "pain=3,tingling=no,numbness=no,red_flags=none,pain_after=3"


@pytest.fixture(scope="module")
def plan_items():
    prescription = load_prescription(EXAMPLE)
    state = state_for_week(prescription, (), (), 1)
    return list(plan_session(prescription, state, pain_nrs=3, tingling=False, dose_pct=100).exercises)


def test_the_camera_guides_every_measurable_exercise_in_plan_order(plan_items):
    assert [item.exercise_id for item in plan_items] == ["breathing", "glide", "hinge", "bridge", "walk"]
    assert list(choose_guided(plan_items, camera=0, sources={}, exercise_id=None)) == ["glide", "hinge", "bridge"]
    assert list(choose_guided(plan_items, camera=0, sources={}, exercise_id="bridge")) == ["bridge"]


def test_sources_name_their_exercise_and_a_plain_file_goes_to_the_hinge(tmp_path, plan_items):
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"")
    sources = parse_sources((str(clip), f"bridge={tmp_path / 'bridge.mp4'}"))
    assert sources == {"": clip, "bridge": tmp_path / "bridge.mp4"}
    assert choose_guided(plan_items, camera=None, sources=sources, exercise_id=None) == {"hinge": clip, "bridge": tmp_path / "bridge.mp4"}
    with pytest.raises(InvalidDataError, match="walk"):
        choose_guided(plan_items, camera=None, sources={"walk": clip}, exercise_id=None)
    assert parse_done("breathing=yes, walk=20") == {"breathing": "yes", "walk": "20"}
    with pytest.raises(InvalidDataError):
        parse_done("breathing")


def test_a_day_without_the_camera_is_recorded_from_the_answers(tmp_path, capsys):
    store = tmp_path / "s.db"
    status = main(["session", "--prescription", str(EXAMPLE), "--headless", "--store", str(store), "--checkin-answers", GOOD, "--at", "2026-01-07T09:00",
                   "--done", "breathing=yes,glide=no,hinge=no,bridge=yes,walk=20"])  # fmt: skip
    out = capsys.readouterr()
    assert status == 0, out.err
    events = [json.loads(line) for line in out.out.splitlines() if line.startswith("{")]
    assert [e["event"] for e in events] == ["checkin", "plan", "session_open"] + ["recorded"] * 5 + ["session_closed"]
    assert not any(x["camera_guided"] for x in events[1]["exercises"])
    opened = SessionStore(f"sqlite:///{store}")
    try:
        (stored,) = opened.stored_sessions("P-7F3A2C")
        assert stored.status == "closed" and stored.log.pain_after == 3
        done = {item.exercise_id: item for item in stored.log.exercises}
        assert done["walk"].minutes == pytest.approx(20.0) and done["breathing"].hold_s == pytest.approx(3 * 60.0)
        assert done["bridge"].reps == 16 and done["glide"].reps == 0 and done["bridge"].reps_measured == 0
    finally:
        opened.close()
