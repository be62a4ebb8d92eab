"""Properties over random histories: the walking cap always holds, scores stay in range, replay is deterministic."""

import datetime as dt

from course import MONDAY, PRESCRIPTION
from hypothesis import given, settings
from hypothesis import strategies as st

from motionrehab.program.adherence import weekly_scores
from motionrehab.program.progression import replay
from motionrehab.program.sessions import ExerciseDone, Measurement, SessionLog

session_strategy = st.tuples(
    st.integers(0, 8 * 7 - 1),  # day of the course
    st.integers(0, 10), st.integers(0, 10), st.integers(0, 10),  # pain before, after, next morning
    st.booleans(),  # new tingling
    st.floats(0.0, 3.0), st.floats(0.0, 3.0),  # hinge and walk done, as a share of planned
    st.integers(0, 30),  # reps measured
)


def _history(raw, with_milestone):
    # Planned doses are taken from the engine, as the live session would.
    sessions = []
    for day, before, after, morning, tingling, hinge_share, walk_share, measured in sorted(raw):
        at = dt.datetime.combine(MONDAY + dt.timedelta(days=day), dt.time(9)) + dt.timedelta(minutes=len(sessions))
        week = PRESCRIPTION.week_of(at.date())
        reviews = replay(PRESCRIPTION, sessions, (), through_week=week - 1)
        doses = reviews[-1].next_state.doses if reviews else {ex.id: ex.dose for ex in PRESCRIPTION.phases[0].exercises}
        hinge, walk = doses["hinge"], doses["walk"]
        reps = int(hinge.quantity * hinge_share)
        done = (ExerciseDone("hinge", hinge, reps=reps, reps_measured=min(measured, reps), reps_within_criteria=min(measured, reps) // 2),
                ExerciseDone("walk", walk, minutes=walk.quantity * walk_share))  # fmt: skip
        sessions.append(SessionLog(at, before, after, morning, new_tingling=tingling, exercises=done))
    milestones = (Measurement(dt.datetime.combine(MONDAY + dt.timedelta(days=10), dt.time(18)), "walking_tolerance_m", 1500.0),) if with_milestone else ()
    return sessions, milestones


@settings(max_examples=40, deadline=None)
@given(st.lists(session_strategy, max_size=30), st.booleans())
def test_walking_never_rises_more_than_the_weekly_cap_and_scores_stay_in_range(raw, with_milestone):
    sessions, milestones = _history(raw, with_milestone)
    reviews = replay(PRESCRIPTION, sessions, milestones, through_week=8)
    for review in reviews:
        walk = review.decision("walk")
        if walk.dose_before is not None:
            assert walk.dose_after.quantity <= walk.dose_before.quantity * 1.10 + 1e-9
        hinge = review.decision("hinge")
        assert 1 <= hinge.dose_after.reps <= 12
        assert review.decision("walk").reason  # every decision says why
    scores = weekly_scores(PRESCRIPTION, sessions, milestones, through_week=8)
    for score in scores:
        assert 0.0 <= score.composite <= 100.0 and 0.0 <= score.dose <= 1.0
        assert score.frequency is None or 0.0 <= score.frequency <= 1.0
        assert score.quality is None or 0.0 <= score.quality <= 1.0
    # The same history always gives the same program.
    assert replay(PRESCRIPTION, list(reversed(sessions)), milestones, through_week=8) == reviews
