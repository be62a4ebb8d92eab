"""The 12-week course recorded rep by rep in the store reads back to the same decisions and scores."""

from course import PRESCRIPTION, course_sessions, write_course

from motionrehab.program.adherence import weekly_scores
from motionrehab.program.progression import replay
from motionrehab.records.store import SessionStore


def test_the_stored_course_gives_the_same_decisions_and_scores(tmp_path):
    store = SessionStore(f"sqlite:///{tmp_path / 'course.sqlite'}")
    write_course(store)
    sessions, measurements = course_sessions()
    stored = store.session_logs("P-COURSE")
    assert len(stored) == len(sessions) == 52
    for a, b in zip(stored, sessions, strict=True):
        assert a.started_at == b.started_at and a.pain_next_morning == b.pain_next_morning and a.new_tingling == b.new_tingling
        assert [(e.exercise_id, e.planned, e.done, e.reps_measured, e.reps_within_criteria) for e in a.exercises] == [
            (e.exercise_id, e.planned, e.done, e.reps_measured, e.reps_within_criteria) for e in b.exercises]
    from_store = replay(PRESCRIPTION, stored, store.measurements("P-COURSE"), through_week=12)
    direct = replay(PRESCRIPTION, sessions, measurements, through_week=12)
    assert [d.describe() for r in from_store for d in r.decisions] == [d.describe() for r in direct for d in r.decisions]
    scores = weekly_scores(PRESCRIPTION, stored, store.measurements("P-COURSE"), through_week=12)
    assert [s.composite for s in scores] == [95.0, 90.0, 96.7, 95.0, 95.0, 85.0, 89.0, 0.0, 98.1, 100.0, 100.0, 100.0]
    store.close()
