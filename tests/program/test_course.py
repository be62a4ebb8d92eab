"""The simulated 12-week course: progressions, holds, step-backs and weekly adherence, worked out by hand."""

import pytest
from course import PRESCRIPTION, WEEKS, course_sessions

from motionrehab.program.adherence import score_phase, score_session, weekly_scores
from motionrehab.program.prescription import Dose
from motionrehab.program.progression import (
    HOLD,
    NEW_PHASE,
    PROGRESS,
    STEP_BACK,
    initial_state,
    replay,
)

SESSIONS, MEASUREMENTS = course_sessions()
REVIEWS = replay(PRESCRIPTION, SESSIONS, MEASUREMENTS, through_week=12)

# week: (hinge action, hinge dose after, walk action, walk minutes after)
EXPECTED = {
    1: (PROGRESS, (2, 10), PROGRESS, 11.0),
    2: (PROGRESS, (2, 12), PROGRESS, 12.0),
    3: (STEP_BACK, (2, 10), STEP_BACK, 9.5),
    4: (HOLD, (2, 10), HOLD, 9.5),
    5: (NEW_PHASE, (3, 8), NEW_PHASE, 10.0),
    6: (HOLD, (3, 8), HOLD, 10.0),
    7: (PROGRESS, (3, 10), PROGRESS, 11.0),
    8: (HOLD, (3, 10), HOLD, 11.0),
    9: (STEP_BACK, (3, 8), STEP_BACK, 8.5),
    10: (PROGRESS, (3, 10), PROGRESS, 9.0),
    11: (PROGRESS, (3, 12), PROGRESS, 9.5),
    12: (HOLD, (3, 12), PROGRESS, 10.0),
}


def test_twelve_weeks_of_decisions_worked_out_by_hand():
    """Doses at the start: hinge 2 x 8, walk 10 min; 5 sessions a week each; cap 10 %, step back 20 %.

    Walking rounds down to 0.5 min, so the cap is never exceeded.

    - W1: 5 full sessions, pain 3/3/3: settled, completion 5/5 = 100 % -> progress: hinge 2x10, walk 10 x 1.1 = 11.0.
    - W2: 4 sessions (Mon-Thu): completion 4/5 = 80 % = the 80 % gate -> progress: hinge 2x12 (= max), walk 11 x 1.1 = 12.1 -> 12.0.
    - W3: Wednesday pain 3 -> 6 after (rise 3 >= 2): flare -> step back: hinge 12 - 2 = 2x10, walk 12 x 0.8 = 9.6 -> 9.5.
      The 1100 m pain-free walk meets the Settle milestone and week 3 = min_weeks, but a flare week never advances.
    - W4: Tuesday 3 -> 4 after, 4 next morning: not settled (rise 1 >= 1) -> hold both. Recheck due (week 4).
    - W5: settled, in phase 5 weeks >= 3, milestone met in the phase -> phase Build: hinge 3x8 (phase dose);
      walk min(20, 9.5 x 1.1 = 10.45 -> 10.0) = 10.0 (the cap holds across the phase change).
    - W6: 3 sessions: completion 3/5 = 60 % < 80 % -> hold both.
    - W7: 5 sessions but two on Monday: at most 1 a day counts -> 4/5 = 80 % -> progress: hinge 3x10, walk 11.0.
    - W8: no session -> hold both. Recheck due (week 8).
    - W9: Wednesday new tingling (pain unchanged): flare -> step back: hinge 3x8, walk 11 x 0.8 = 8.8 -> 8.5.
    - W10: settled, full -> progress: hinge 3x10, walk 8.5 x 1.1 = 9.35 -> 9.0. 1500 m < 2000 m: milestone not met.
    - W11: settled (one 13-min walk: capped, 144 % < 150 %) -> progress: hinge 3x12 (= max), walk 9.9 -> 9.5.
    - W12: hinge at its maximum -> hold; walk 9.5 x 1.1 = 10.45 -> 10.0. Recheck due (week 12).
    """
    assert [r.week for r in REVIEWS] == list(range(1, 13))
    for review in REVIEWS:
        hinge_action, (sets, reps), walk_action, minutes = EXPECTED[review.week]
        hinge, walk = review.decision("hinge"), review.decision("walk")
        assert (hinge.action, hinge.dose_after) == (hinge_action, Dose(sets=sets, reps=reps)), review.week
        assert (walk.action, walk.dose_after.minutes) == (walk_action, minutes), review.week
        # The scripted sessions of the next week were given exactly these doses.
        if review.week + 1 in WEEKS:
            assert WEEKS[review.week + 1]["hinge"] == (sets, reps) and WEEKS[review.week + 1]["walk"] == minutes
    assert [r.next_state.phase_index for r in REVIEWS] == [0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1]
    assert REVIEWS[-1].next_state.week_in_phase == 8


def test_every_decision_says_why_in_words():
    by_week = {r.week: r for r in REVIEWS}
    assert by_week[1].decision("walk").reason == "symptoms settled and 100 % of the week's dose done; walking +10 % at most a week"
    assert by_week[2].decision("hinge").reason == "symptoms settled and 80 % of the week's dose done"
    assert by_week[3].decision("hinge").reason == "flare: pain rose from 3/10 to 6/10 around the session on 2026-01-21 (2+ points)"
    assert by_week[4].decision("walk").reason == "pain had not settled after the session on 2026-01-27 (3/10 before, 4/10 the next morning)"
    assert "recheck due after week 4: record pain NRS, ODI, LEFS and PSFS" in by_week[4].notes
    assert by_week[5].decision("walk").reason == ("phase 'Build' starts: milestones of 'Settle' met (Walk 1 km without pain); "
                                                   "walking rises towards 20 min by at most 10 % a week")  # fmt: skip
    assert by_week[6].decision("hinge").reason == "60 % of the week's prescribed dose was done; progressing needs 80 % (consistency before intensity)"
    assert by_week[8].decision("hinge").reason == "no session was recorded in week 8"
    assert by_week[9].decision("walk").reason == "flare: new tingling or numbness after the session on 2026-03-04"
    assert "milestone not met yet: Walk 2 km without pain (best walking_tolerance_m 1500 on 2026-03-13; needs >= 2000)" in by_week[10].notes
    assert by_week[12].decision("hinge").reason == "at the maximum for this phase (3 x 12 reps)"
    assert by_week[12].decision("walk").describe() == "walk: progress, 9.5 min -> 10 min (symptoms settled and 100 % of the week's dose done; walking +10 % at most a week)"


def test_weekly_adherence_worked_out_by_hand():
    """Composite = 100 (0.3 dose + 0.3 frequency + 0.2 quality + 0.2 pacing) / (weights present).

    - W1: dose 1, freq 5/5, quality 60/80 = 0.75, pacing 1 -> 30 + 30 + 15 + 20 = 95.0
    - W2: dose 1, freq 4/5, quality 64/80 = 0.8, pacing 1 -> 30 + 24 + 16 + 20 = 90.0
    - W3: dose 1, freq 1, quality 100/120, pacing 1 -> 30 + 30 + 16.67 + 20 = 96.7
    - W4: dose 1 (the 15-min walk is capped at 1), freq 1, quality not measured, pacing 4/5 (15/9.5 = 158 % > 150 %)
          -> (30 + 30 + 16) / 0.8 = 95.0
    - W5: dose 1, freq 1, quality 75/100 = 0.75, pacing 1 -> 95.0
    - W6: dose 1, freq 3/5, no quality, pacing 1 -> (30 + 18 + 20) / 0.8 = 85.0
    - W7: dose 1, freq (1 + 3)/5 = 0.8 (two Monday sessions count once), quality 90/120 = 0.75, pacing 1 -> 30 + 24 + 15 + 20 = 89.0
    - W8: no session -> 0.0
    - W9: dose (27/30 + 1)/2 = 0.95, freq 1, no quality, pacing 1 -> (28.5 + 30 + 20) / 0.8 = 98.125 -> 98.1
    - W10-W12: everything done, nothing over 150 % (W11's 13/9 = 144 %), no quality -> 100.0
    """
    scores = weekly_scores(PRESCRIPTION, SESSIONS, MEASUREMENTS, through_week=12)
    assert [s.composite for s in scores] == [95.0, 90.0, 96.7, 95.0, 95.0, 85.0, 89.0, 0.0, 98.1, 100.0, 100.0, 100.0]
    w4 = scores[3]
    assert (w4.dose, w4.frequency, w4.quality, w4.pacing) == (1.0, 1.0, None, 0.8)
    assert w4.explanation[3] == ("Pacing 80 %: 1 of 5 sessions went above 150 % of the planned dose (2026-01-29); "
                                 "doing far more than planned risks a flare and earns no credit.")  # fmt: skip
    w7 = scores[6]
    assert w7.frequency == pytest.approx(0.8) and "hinge 4/5 (1 extra the same day not counted)" in w7.explanation[1]
    assert w7.explanation[2] == "Quality 75 %: 90 of 120 measured repetitions were within the form criteria."
    assert scores[8].dose == pytest.approx(0.95) and "hinge 90 %" in scores[8].explanation[0]
    assert scores[7].explanation[0] == "Dose 0 %: no session was recorded in week 8."
    assert scores[2].as_dict()["quality_pct"] == 83.3


def test_phase_and_session_scores():
    """Settle = mean(95, 90, 96.7, 95, 95) = 94.34 -> 94.3; Build = mean(85, 89, 0, 98.1, 100, 100, 100) = 81.73 -> 81.7."""
    scores = weekly_scores(PRESCRIPTION, SESSIONS, MEASUREMENTS, through_week=12)
    states = [initial_state(PRESCRIPTION)] + [r.next_state for r in REVIEWS[:11]]
    weeks = list(zip(states, scores, strict=True))
    assert score_phase(PRESCRIPTION, 0, weeks).composite == 94.3
    assert score_phase(PRESCRIPTION, 1, weeks).composite == 81.7
    # The week-4 session with a 15-min walk (planned 9.5): dose (1 + 1)/2, pacing 0, no quality -> 100 (0.3) / 0.5 = 60.0.
    session = next(s for s in SESSIONS if s.started_at.day == 29 and s.started_at.month == 1)
    score = score_session(PRESCRIPTION, session)
    assert (score.dose, score.pacing, score.composite) == (1.0, 0.0, 60.0)
    assert score.explanation[0] == "Dose 100 % of the planned dose (hinge 100 %, walk 100 %)."
