"""Six weeks of a home program, driven only through the `motionrehab` command line.

The patient P-7F3A2C follows tests/journey/prescription.yaml (the example's structure, two
sessions a week, walks dosed in metres), starting Monday 2026-01-05:

week 1  Mon 5   clinic: SLR right measured by camera (baseline), first-visit report
        Tue 6   check-in; hinge filmed (10 reps, 2 rushed), glides logged, walk recorded by a foot IMU (pain after 50 strides)
        Thu 8   check-in; hinge, glides and a walk (100 m, pain at 75 m) logged
week 2  Tue 13  hinge filmed (12 good reps to 35 deg), glides logged, foot-IMU walk (pain after 62 strides)
        Thu 15  hinge logged, one set of glides only, walk logged (110 m, pain at 90 m)
        -> both milestones of phase 1 met: phase 'Build load' from week 3
week 3  Tue 20  SLR right 56 deg (milestone needs 60); hinge, bridges logged; foot-IMU walk, pain 3 -> 6 after: a flare
        Thu 22  hinge, one set of bridges
week 4  Tue 27  hinge, bridges, walk (96 m, pain at 70 m) logged
        Thu 29  hinge, bridges
week 5  Tue 3   check-in with a red flag: stopped, nothing may be logged that day
        Thu 5   SLR right 61.7 deg (milestone met in week 5); hinge, bridges, foot-IMU walk
week 6  Tue 10  hinge and bridges only; then the week-6 review, adherence, report and export

Every number asserted below is worked by hand in the comments from the prescription and
the synthetic recordings' truth (motionrehab.synth, tests/journey/synthetic_inputs.py).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from synthetic_inputs import WalkTruth, foot_walk_csv, hinge_set_csv, slr_csv

from conftest import Cli, Tables

PRESCRIPTION = Path(__file__).resolve().parent / "prescription.yaml"
P = "P-7F3A2C"
CHECKIN_OK = ("--pain", "3", "--no-tingling", "--no-numbness", "--no-red-flags")

pytestmark = pytest.mark.slow


def _composite(dose: float, frequency: float, quality: float | None, pacing: float) -> float:
    """program.adherence: 100 x (0.3 dose + 0.3 frequency + 0.2 quality + 0.2 pacing) / weights present."""
    parts = [(0.3, dose), (0.3, frequency), (0.2, quality), (0.2, pacing)]
    present = [(w, v) for w, v in parts if v is not None]
    return 100 * sum(w * v for w, v in present) / sum(w for w, _ in present)


EXPECTED_SCORES = [
    # w1: dose 1 (all done at full dose; the walk's 141 m of 100 m is capped), frequency 1 (2/2 each),
    #     quality 8/10 (only the filmed set was judged), pacing 1 (141 % < 150 %)
    _composite(1.0, 1.0, 0.8, 1.0),  # 96.0
    # w2: glide 1 and 0.5 -> 0.75; dose (1 + 0.75 + 1) / 3; quality 12/12
    _composite((1 + 0.75 + 1) / 3, 1.0, 1.0, 1.0),  # 97.5
    # w3: bridge 1 and 0.5 -> 0.75; walk done once (frequency 1/2); no judged reps: quality left out
    _composite((1 + 0.75 + 1) / 3, (1 + 1 + 0.5) / 3, None, 1.0),  # 90.6
    # w4: all at full dose; walk once
    _composite(1.0, (1 + 1 + 0.5) / 3, None, 1.0),  # 93.8
    # w5: the red-flag check-in is not a session; one session with everything
    _composite(1.0, 0.5, None, 1.0),  # 81.2
    # w6: hinge and bridge once, walk not done (0)
    _composite((1 + 1 + 0) / 3, (0.5 + 0.5 + 0) / 3, None, 1.0),  # 62.5
]


@dataclass(frozen=True)
class Course:
    """The folder the course ran in, its CLI runner, and the truth of the recorded walks."""

    folder: Path
    cli: Cli
    walks: dict[int, WalkTruth]


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Course]:
    """Run the six weeks (module docstring) once; each step's own output is checked as it runs."""
    f = tmp_path_factory.mktemp("journey")
    cli = Cli(f)
    cli("program", "assign", PRESCRIPTION, "--start", "2026-01-05")

    # -- week 1 -------------------------------------------------------------------------
    # Clinic, Monday: SLR of the painful (right) leg, three trials 48/50/49 deg (mean 49, SD 1). No check-in: a clinic measurement.
    baseline = slr_csv(f / "slr_w1.csv", side="right", peaks_deg=(48.0, 50.0, 49.0))
    ran = cli("measure", "slr", "slr_w1.csv", "--side", "right", "--patient", P, "--at", "2026-01-05T10:00")
    assert "Stored: stored 2 measurement(s) for P-7F3A2C on 2026-01-05" in ran.out
    ran = cli("report", P, "--out", "first.html", "--today", "2026-01-05")
    assert "first visit: baseline only" in ran.out
    first = Tables((f / "first.html").read_text())
    assert "First visit: baseline only." in first.page and "Only one visit so far" not in first.page
    latest = {(r["measure"], r["side"]): r for r in first.table("measure", "value")}
    assert float(latest[("SLR peak", "right")]["value"].split()[0]) == pytest.approx(baseline, abs=1.0)

    # Tuesday: hinge filmed, 10 reps to 25 deg trunk inclination, the last 2 lowered in 1.2 s (rushed: the prescribed 3 s).
    hinge_set_csv(f / "hinge_w1.csv", reps=10, trunk_deg=25.0, rushed=2)
    walk1 = foot_walk_csv(f / "walk_w1.csv", strides=100, stride_length_m=1.4, pain_after_strides=50)  # 140 m, pain at 70 m
    cli("checkin", P, *CHECKIN_OK, "--at", "2026-01-06T08:00")
    ran = cli("analyze", "hip-hinge", "hinge_w1.csv", "--patient", P, "--at", "2026-01-06T08:10")
    assert "hinge: 10 repetitions measured (8 within the form criteria)" in ran.out
    cli("log", P, "glide", "--sets", "2", "--reps", "10", "--at", "2026-01-06T08:20")
    ran = cli("log", P, "walk", "--recording", "walk_w1.csv", "--pain-onset-s", walk1.pain_onset_s, "--at", "2026-01-06T09:00")
    assert "walk: walk of" in ran.out and "(measured)" in ran.out
    # Thursday: everything logged.
    cli("checkin", P, *CHECKIN_OK, "--at", "2026-01-08T08:00")
    cli("log", P, "hinge", "--sets", "2", "--reps", "5", "--at", "2026-01-08T08:10")
    cli("log", P, "glide", "--sets", "2", "--reps", "10", "--at", "2026-01-08T08:20")
    cli("log", P, "walk", "--minutes", "2", "--distance-m", "100", "--pain-onset-m", "75", "--at", "2026-01-08T09:00")

    # -- week 2 (hinge 2x6, glide 2x12, walk 110 m after week 1's progress) -------------------------
    hinge_set_csv(f / "hinge_w2.csv", reps=12, trunk_deg=35.0)
    walk2 = foot_walk_csv(f / "walk_w2.csv", strides=80, stride_length_m=1.4, pain_after_strides=62, seed=2)  # 112 m, pain at 86.8 m
    cli("checkin", P, *CHECKIN_OK, "--at", "2026-01-13T08:00")
    ran = cli("analyze", "hip-hinge", "hinge_w2.csv", "--patient", P, "--at", "2026-01-13T08:10")
    assert "hinge: 12 repetitions measured (12 within the form criteria)" in ran.out
    cli("log", P, "glide", "--sets", "2", "--reps", "12", "--at", "2026-01-13T08:20")
    cli("log", P, "walk", "--recording", "walk_w2.csv", "--pain-onset-s", walk2.pain_onset_s, "--at", "2026-01-13T09:00")
    cli("checkin", P, *CHECKIN_OK, "--at", "2026-01-15T08:00")
    cli("log", P, "hinge", "--sets", "2", "--reps", "6", "--at", "2026-01-15T08:10")
    cli("log", P, "glide", "--sets", "1", "--reps", "12", "--at", "2026-01-15T08:20")
    cli("log", P, "walk", "--minutes", "2", "--distance-m", "110", "--pain-onset-m", "90", "--at", "2026-01-15T09:00")

    # -- week 3: phase 'Build load' (hinge 2x6, bridge 2x8, walk 120 m: 110 m + at most 10 %) --------
    slr3 = slr_csv(f / "slr_w3.csv", side="right", peaks_deg=(55.0, 57.0, 56.0), seed=3)
    walk3 = foot_walk_csv(f / "walk_w3.csv", strides=90, stride_length_m=1.4, pain_after_strides=72, seed=3)  # 126 m, pain at 100.8 m
    ran = cli("checkin", P, *CHECKIN_OK, "--at", "2026-01-20T08:00")
    assert "Today's session (week 3, phase 'Build load')" in ran.out and "  walk: 120 m" in ran.out and "  bridge: 2 x 8 reps" in ran.out
    slr3_stored = _stored_slr(cli("measure", "slr", "slr_w3.csv", "--side", "right", "--patient", P, "--at", "2026-01-20T08:05").out)
    assert slr3_stored == pytest.approx(slr3, abs=1.0)
    cli("log", P, "hinge", "--sets", "2", "--reps", "6", "--at", "2026-01-20T08:10")
    cli("log", P, "bridge", "--sets", "2", "--reps", "8", "--at", "2026-01-20T08:20")
    # Pain 3 before, 6 right after the walk: a flare (2+ points).
    cli("log", P, "walk", "--recording", "walk_w3.csv", "--pain-onset-s", walk3.pain_onset_s, "--pain-after", "6", "--at", "2026-01-20T09:00")
    cli("checkin", P, *CHECKIN_OK, "--at", "2026-01-22T08:00")
    cli("log", P, "hinge", "--sets", "2", "--reps", "6", "--at", "2026-01-22T08:10")
    cli("log", P, "bridge", "--sets", "1", "--reps", "8", "--at", "2026-01-22T08:20")

    # -- week 4 (after the flare's step back: hinge 2x5, bridge 2x6, walk 96 m) -----------------------
    ran = cli("checkin", P, *CHECKIN_OK, "--at", "2026-01-27T08:00")
    assert "  hinge: 2 x 5 reps" in ran.out and "  bridge: 2 x 6 reps" in ran.out and "  walk: 96 m" in ran.out
    cli("log", P, "hinge", "--sets", "2", "--reps", "5", "--at", "2026-01-27T08:10")
    cli("log", P, "bridge", "--sets", "2", "--reps", "6", "--at", "2026-01-27T08:20")
    cli("log", P, "walk", "--minutes", "2", "--distance-m", "96", "--pain-onset-m", "70", "--at", "2026-01-27T09:00")
    cli("checkin", P, *CHECKIN_OK, "--at", "2026-01-29T08:00")
    cli("log", P, "hinge", "--sets", "2", "--reps", "5", "--at", "2026-01-29T08:10")
    cli("log", P, "bridge", "--sets", "2", "--reps", "6", "--at", "2026-01-29T08:20")
    # After week 4: the SLR milestone is not met yet, and says by which stored measurement.
    ran = cli("progress", P, "--today", "2026-02-02", "--no-record")
    assert f"milestone not met yet: Active straight leg raise to 60 deg on the painful side (best slr_peak_deg right {slr3_stored:g} on 2026-01-20; needs >= 60)" in ran.out

    # -- week 5 (hinge 2x6, bridge 2x8 after week 4's progress; walk held at 96 m) ------------------------
    ran = cli("checkin", P, "--pain", "4", "--no-tingling", "--numbness", "--red-flag", "saddle_numbness", "--at", "2026-02-03T08:00", code=3)
    assert "seek urgent medical care" in ran.err
    ran = cli("log", P, "hinge", "--sets", "2", "--reps", "6", "--at", "2026-02-03T09:00", code=2)
    assert "a red flag stopped P-7F3A2C's session on 2026-02-03" in ran.err and "Traceback" not in ran.err
    slr5 = slr_csv(f / "slr_w5.csv", side="right", peaks_deg=(60.0, 63.0, 62.0), seed=5)
    walk5 = foot_walk_csv(f / "walk_w5.csv", strides=70, stride_length_m=1.4, pain_after_strides=60, seed=5)  # 98 m, pain at 84 m
    cli("checkin", P, *CHECKIN_OK, "--at", "2026-02-05T08:00")
    slr5_stored = _stored_slr(cli("measure", "slr", "slr_w5.csv", "--side", "right", "--patient", P, "--at", "2026-02-05T08:05").out)
    assert slr5_stored == pytest.approx(slr5, abs=1.0)
    cli("log", P, "hinge", "--sets", "2", "--reps", "6", "--at", "2026-02-05T08:10")
    cli("log", P, "bridge", "--sets", "2", "--reps", "8", "--at", "2026-02-05T08:20")
    cli("log", P, "walk", "--recording", "walk_w5.csv", "--pain-onset-s", walk5.pain_onset_s, "--at", "2026-02-05T09:00")
    # The milestone is met in week 5 by the SLR stored on 2026-02-05 (mean of 60, 63, 62 = 61.7 deg).
    ran = cli("progress", P, "--today", "2026-02-09", "--no-record")
    assert f"milestone met: Active straight leg raise to 60 deg on the painful side (slr_peak_deg right {slr5_stored:g} on 2026-02-05)" in ran.out

    # -- week 6: hinge and bridges, no walk --------------------------------------------------------------
    cli("checkin", P, *CHECKIN_OK, "--at", "2026-02-10T08:00")
    cli("log", P, "hinge", "--sets", "2", "--reps", "6", "--at", "2026-02-10T08:10")
    cli("log", P, "bridge", "--sets", "2", "--reps", "8", "--at", "2026-02-10T08:20")
    ran = cli("today", P, "--at", "2026-02-10T12:00")
    assert "Done today: 12 repetitions (logged), 100 % of today's dose." in ran.out and "Still to do today: walk." in ran.out

    # -- the week-6 review: decisions, stall ------------------------------------------------------------
    ran = cli("progress", P, "--today", "2026-02-16")
    # Walking was held at 96 m three weeks running: week 4 (done in 1 of 2 sessions: 50 %), week 5 (the red flag), week 6 (0 %).
    assert ("STALL: walk held at 96 m for 3 weeks (weeks 4-6; last reason: 0 % of the week's prescribed dose was done; "
            "progressing needs 80 % (consistency before intensity))") in ran.out
    assert "Suggestion (the clinician decides): less than the dose is done each week" in ran.out
    assert ran.out.count("STALL:") == 1  # hinge and bridge progressed in week 4: held 2 weeks only

    yield Course(f, cli, {1: walk1, 2: walk2, 3: walk3, 5: walk5})
    slowest = sorted(cli.seconds, reverse=True)[:5]
    print(f"\njourney: {cli.calls} CLI calls, {sum(s for s, _ in cli.seconds):.0f} s; slowest: " + ", ".join(f"{c} {s:.1f} s" for s, c in slowest))


def test_progression_decisions_week_by_week(course: Course) -> None:
    course.cli("export", P, "--format", "json", "--out", "export")
    decisions = {(d["week"], d["exercise_id"]): d for d in json.loads((course.folder / "export" / f"{P}_decisions.json").read_text())}
    expected = {
        # week 1: every exercise done 2 of 2 sessions at full dose, pain settled -> progress (reps + step; walking + 10 %)
        (1, "hinge"): ("progress", "2 x 5 reps", "2 x 6 reps"), (1, "glide"): ("progress", "2 x 10 reps", "2 x 12 reps"),
        (1, "walk"): ("progress", "100 m", "110 m"),
        # week 2: both milestones met in the phase, 2 weeks >= min_weeks -> 'Build load' (walk capped at 110 x 1.1 -> 120 m)
        (2, "hinge"): ("new_phase", "2 x 6 reps", "2 x 6 reps"), (2, "bridge"): ("new_phase", "", "2 x 8 reps"),
        (2, "walk"): ("new_phase", "110 m", "120 m"),
        # week 3: the flare on 2026-01-20 -> step back one step (walking -20 %: 120 m -> 96 m, to the metre below 100 m)
        (3, "hinge"): ("step_back", "2 x 6 reps", "2 x 5 reps"), (3, "bridge"): ("step_back", "2 x 8 reps", "2 x 6 reps"),
        (3, "walk"): ("step_back", "120 m", "96 m"),
        # week 4: hinge and bridge 2 of 2 sessions at full dose -> progress; walk 1 of 2 -> 50 % -> hold
        (4, "hinge"): ("progress", "2 x 5 reps", "2 x 6 reps"), (4, "bridge"): ("progress", "2 x 6 reps", "2 x 8 reps"),
        (4, "walk"): ("hold", "96 m", "96 m"),
        # week 5: a red flag stopped a session -> everything holds; week 6: 1 of 2 sessions (50 %), walk 0 % -> hold
        (5, "hinge"): ("hold", "2 x 6 reps", "2 x 6 reps"), (5, "bridge"): ("hold", "2 x 8 reps", "2 x 8 reps"), (5, "walk"): ("hold", "96 m", "96 m"),
        (6, "hinge"): ("hold", "2 x 6 reps", "2 x 6 reps"), (6, "bridge"): ("hold", "2 x 8 reps", "2 x 8 reps"), (6, "walk"): ("hold", "96 m", "96 m"),
    }  # fmt: skip
    assert {k: (d["action"], d["dose_before"], d["dose_after"]) for k, d in decisions.items()} == expected
    assert decisions[(3, "walk")]["reason"] == "flare: pain rose from 3/10 to 6/10 around the session on 2026-01-20 (2+ points)"
    assert decisions[(5, "hinge")]["reason"] == "a red flag stopped the session on 2026-02-03: nothing changes until the clinician has reviewed"
    assert decisions[(4, "walk")]["reason"].startswith("50 % of the week's prescribed dose was done")



def test_adherence_every_week_worked_by_hand(course: Course) -> None:
    weeks = json.loads(course.cli("adherence", P, "--json", "--today", "2026-02-16").out)["weeks"]
    assert [w["composite"] for w in weeks[:6]] == pytest.approx(EXPECTED_SCORES, abs=0.051)
    assert weeks[0]["explanation"][2] == "Quality 80 %: 8 of 10 measured repetitions were within the form criteria."
    assert "hinge: done in 2 of 2 prescribed sessions, 100 % of the planned dose in those (logged and measured); quality 80 % (8/10 reps within the form criteria)." in weeks[0]["explanation"]
    assert "glide: done in 2 of 2 prescribed sessions, 75 % of the planned dose in those (logged); quality not measured." in weeks[1]["explanation"]
    assert "walk: not done (0 of 2 prescribed sessions): scores 0." in weeks[5]["explanation"]
    assert weeks[6]["composite"] == 0.0  # week 7 has not started any session



def test_the_week_6_report(course: Course) -> None:
    course.cli("report", P, "--out", "week6.html", "--today", "2026-02-16")
    report = Tables((course.folder / "week6.html").read_text())
    walk3, walk5 = course.walks[3], course.walks[5]
    verdicts = {r["measure"]: r for r in report.table("measure", "verdict")}
    slr = verdicts["SLR peak right (deg)"]
    # 49.0 (2026-01-05) -> 61.7 (2026-02-05); trial SDs 1 and sqrt(7/3) = 1.53: MDC95 = 1.96 sqrt(2) sqrt((1 + 7/3) / 2) = 3.6 deg: improved
    assert slr["verdict"] == "improved"
    previous, latest = (float(v) for v in slr["previous → latest"].split()[0:3:2])
    assert previous == pytest.approx(49.0, abs=1.0) and latest == pytest.approx(61.67, abs=1.0)
    assert float(slr["threshold"].split()[1]) == pytest.approx(1.96 * math.sqrt(2) * math.sqrt((1.0**2 + 7 / 3) / 2), abs=0.6)
    rows = report.table("week")
    # the composites as stored (0.1) and shown whole: 96.0, 97.5 -> 98, 90.6, 93.8, 81.2, 62.5 -> 62
    assert [r["adherence"] for r in rows[:6]] == [f"{round(s, 1):.0f}" for s in EXPECTED_SCORES]
    # walking tolerance, the longest of each week: w1 max(70 recorded, 75 logged), w2 max(86.8, 90), w3 100.8, w4 70, w5 84, w6 none
    tolerance = [r["walking tolerance"] for r in rows[:6]]
    assert [float(t.split()[0]) for t in tolerance[:5]] == pytest.approx([75, 90, walk3.tolerance_m, 70, walk5.tolerance_m], rel=0.03)
    assert tolerance[5] == "-"
    assert [int(r["sessions"].split("/")[0]) for r in rows[:6]] == [2, 2, 2, 2, 1, 1]
    assert "STALL: walk held at 96 m for 3 weeks" in report.page
    events = report.table("when", "kind")
    assert [(e["when"], e["kind"]) for e in events] == [("2026-01-20", "flare up"), ("2026-02-03", "red flag")]


def _stored_slr(out: str) -> float:
    """The SLR mean `measure slr --patient` says it stored ('Stored: ... slr_peak_deg right 56.02, ...')."""
    found = re.search(r"slr_peak_deg right ([0-9.]+)", out)
    assert found, out
    return float(found.group(1))
