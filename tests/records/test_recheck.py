"""The recheck data from a real store: visits, MDC95/MCID verdicts, weeks, flagged events, decisions."""

import datetime as dt
import sys
from pathlib import Path

import pytest
from record_fixture import PATIENT, write_record

from motionrehab.errors import InvalidDataError
from motionrehab.records.recheck import measure_kind, recheck_data
from motionrehab.records.report import render_recheck_html
from motionrehab.records.store import SessionStore

NOW = dt.datetime(2026, 1, 20, 9, 0, tzinfo=dt.timezone.utc)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    store = write_record(f"sqlite:///{tmp_path_factory.mktemp('recheck') / 's.sqlite'}")
    yield store
    store.close()


def test_measure_names_map_to_report_kinds():
    assert measure_kind("slr_right_deg", "") == ("slr_peak_deg", "right", "deg")
    assert measure_kind("walking_pain_free_m", "") == ("walking_tolerance_m", None, "m")
    assert measure_kind("stride_time_cv_pct", "left") == ("stride_time_cv_pct", "left", "%")


def test_verdicts_against_the_first_visit(store):
    data = recheck_data(store, PATIENT, compare=dt.date(2026, 1, 5), generated=NOW)
    assert (data.latest_visit, data.compare_visit, data.period_end) == (dt.date(2026, 1, 18), dt.date(2026, 1, 5), dt.date(2026, 1, 18))
    verdicts = {v.measure: v for v in data.verdicts}
    # hinge 30.0 (day 0) -> 35.0 (day 10); MDC95 = 1.96 sqrt2 x pooled SD of {30.0} (1 value) ... too few: not judged
    assert "Hip hinge trunk inclination (deg)" not in verdicts
    assert any(n.startswith("Hip hinge trunk inclination (deg): 30.0 on 2026-01-05 -> 35.0 on 2026-01-15; not judged") for n in data.notes)
    odi = verdicts["ODI questionnaire (points)"]
    assert (odi.previous, odi.latest, odi.threshold, odi.verdict) == (31.1, 15.6, 10.0, "improved")
    assert verdicts["NRS questionnaire (points)"].verdict == "improved"  # 4 -> 2, MCID 2
    pain = verdicts["Pain before sessions, mean of 7 days (NRS 0-10)"]
    assert (pain.previous, pain.latest, pain.verdict) == (3.0, 3.0, "no real change")  # the red-flag check-in (pain 5) is left out


def test_mdc_from_repeat_measurements(store):
    data = recheck_data(store, PATIENT, compare=dt.date(2026, 1, 8), generated=NOW)
    hinge = {v.measure: v for v in data.verdicts}["Hip hinge trunk inclination (deg)"]
    # windows: {30.0, 30.5, 31.5} and {33.5, 34.0, 35.0}; pooled SD = sqrt((0.583 + 0.583) / 2) = 0.764; MDC95 = 2.772 x 0.764
    assert (hinge.previous, hinge.latest, hinge.threshold, hinge.verdict) == (31.5, 35.0, 2.1, "improved")
    assert (hinge.previous_on, hinge.latest_on) == (dt.date(2026, 1, 8), dt.date(2026, 1, 15))


def test_weeks_events_and_decisions(store):
    data = recheck_data(store, PATIENT, generated=NOW)
    assert data.compare_visit == dt.date(2026, 1, 4)  # 4 weeks before the latest is before the first visit: the first
    assert [(w.week_index, w.sessions_done, w.sessions_prescribed) for w in data.weeks] == [(1, 3, 7), (2, 3, 7)]
    assert data.weeks[0].walking_distance_m == pytest.approx(3 * 813.0)
    assert (data.weeks[1].pain_mean_nrs, data.weeks[1].pain_max_nrs) == (3.5, 5.0)
    assert [(e.when.date().isoformat(), e.kind) for e in data.events] == [("2026-01-14", "red_flag")]
    assert all(d.action != "hold" for d in data.decisions)
    assert data.decisions_note.endswith("'hold' decisions (dose kept) are not listed; `motionrehab export` has them all.")
    html = render_recheck_html(data)
    assert html.count("<svg") == 5 and "red flag" in html and "Walking tolerance (distance before pain)" in html


def test_compare_must_be_before_the_latest(store):
    with pytest.raises(InvalidDataError, match="is not before the latest measurement"):
        recheck_data(store, PATIENT, compare=dt.date(2026, 2, 1), generated=NOW)


def test_the_scripted_course_report_agrees_with_the_program(tmp_path):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "program"))
    from course import write_course

    store = SessionStore(f"sqlite:///{tmp_path / 'course.sqlite'}")
    write_course(store)
    data = recheck_data(store, "P-COURSE", generated=NOW)
    store.close()
    # the same weekly scores as program.adherence over the same course (tests/program/test_course_in_store.py)
    assert [w.adherence_score for w in data.weeks] == [95.0, 90.0, 96.7, 95.0, 95.0, 85.0, 89.0, 0.0, 98.1, 100.0, 100.0, 100.0]
    assert [(w.sessions_done, w.sessions_prescribed) for w in data.weeks][5:8] == [(3, 5), (5, 5), (0, 5)]
    assert [(e.when.date().isoformat(), e.kind, e.description) for e in data.events] == [
        ("2026-01-21", "flare_up", "pain rose from 3 to 6 after the session"),
        ("2026-01-29", "pacing_failure", "walk: 158 % of the planned dose (limit 150 %)"),
        ("2026-03-04", "flare_up", "new tingling or numbness after the session"),
    ]
    assert (data.compare_visit, data.latest_visit) == (dt.date(2026, 2, 13), dt.date(2026, 3, 13))  # 4-week recheck interval
    assert data.verdicts == () and data.notes[0].startswith("Walking tolerance (distance before pain) (m): 1100.0 on 2026-01-22 -> 1500.0")


def test_trial_sds_saved_by_the_slr_measure_give_the_mdc(tmp_path):
    from record_fixture import EXAMPLE

    from motionrehab.program.prescription import load_prescription

    store = SessionStore(f"sqlite:///{tmp_path / 's.sqlite'}")
    store.assign_prescription(load_prescription(EXAMPLE), EXAMPLE.read_text())
    for day, mean, sd in ((dt.datetime(2026, 1, 5, 10), 48.0, 2.0), (dt.datetime(2026, 2, 2, 10), 55.0, 1.0)):
        store.add_measurement(PATIENT, "slr_peak_deg", mean, at=day, side="right")  # as `motionrehab measure slr` saves them
        store.add_measurement(PATIENT, "slr_peak_sd_deg", sd, at=day, side="right")
    data = recheck_data(store, PATIENT, generated=NOW)
    store.close()
    assert {(m.kind, m.side, m.sd) for m in data.measurements} == {("slr_peak_deg", "right", 2.0), ("slr_peak_deg", "right", 1.0)}
    (verdict,) = data.verdicts
    # MDC95 = 1.96 sqrt2 x sqrt((2^2 + 1^2) / 2) = 2.772 x 1.581 = 4.38
    assert (verdict.measure, verdict.change, verdict.threshold, verdict.verdict) == ("SLR peak right (deg)", 7.0, 4.4, "improved")
