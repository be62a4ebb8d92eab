"""CLI: program check / assign, checkin, adherence, progress."""

import json
import sys
from pathlib import Path

import pytest

from motionrehab.cli.main import main
from motionrehab.records.store import SessionStore

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "program"))  # the scripted 12-week course
from course import COURSE_YAML, write_course  # noqa: E402

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "prescription.yaml"


def test_program_check_summarises_the_example(capsys):
    assert main(["program", "check", str(EXAMPLE)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == (f"{EXAMPLE}: valid prescription for P-7F3A2C, starting 2026-01-05, recheck every 4 weeks, baseline pain 3/10")
    assert "Phase 2: Build load (at least 4 weeks)" in out
    assert "  hinge (hip_hinge): 2 x 8 reps, 1x/day on 5 days/week" in out
    assert "  stretch (hamstring_stretch): 3 x 30 s hold, 1x/day on 5 days/week; only when pain <= 2 and no tingling, else glide" in out
    assert "  walk (walking): 10 min, 1x/day on 7 days/week" in out


def test_program_check_prints_the_error_as_a_sentence_and_exits_2(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text(EXAMPLE.read_text().replace("baseline_pain_nrs: 3", "baseline_pain_nrs: high"))
    assert main(["program", "check", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {bad}:7: baseline_pain_nrs: expected a number, got 'high'")
    assert "How to fix:" in err and "Traceback" not in err


@pytest.fixture(scope="module")
def course_store(tmp_path_factory):
    path = tmp_path_factory.mktemp("course") / "course.sqlite"
    store = SessionStore(f"sqlite:///{path}")
    write_course(store)
    store.close()
    return str(path)


def test_assign_then_checkin_prints_todays_plan(tmp_path, capsys):
    store = str(tmp_path / "s.sqlite")
    assert main(["program", "assign", str(EXAMPLE), "--store", store]) == 0
    assert capsys.readouterr().out.startswith(f"Assigned {EXAMPLE} to P-7F3A2C (starts 2026-01-05)")
    args = ["checkin", "P-7F3A2C", "--pain", "3", "--no-tingling", "--no-numbness", "--no-red-flags", "--store", store]
    # Week 2 of phase 1 (nothing recorded in week 1: everything held).
    assert main([*args, "--at", "2026-01-13T08:00"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "Pain 3/10, no red flags: go ahead with today's session."
    assert "Check-in 1 stored. Today's session (week 2, phase 'Settle and move'):" in out
    assert "  hinge: 2 x 8 reps\n" in out and "  walk: 10 min\n" in out
    # Pain 6 (3 above baseline) halves the session.
    assert main(["checkin", "P-7F3A2C", "--pain", "6", "--no-tingling", "--no-numbness", "--no-red-flags", "--store", store, "--at", "2026-01-14T08:00"]) == 0
    out = capsys.readouterr().out
    assert "shortened to 50 %" in out and "  hinge: 2 x 4 reps  (shortened to 50 % (pain well above baseline))" in out and "  walk: 5 min" in out


def test_checkin_with_a_red_flag_stops_with_exit_3_and_flags_the_record(tmp_path, capsys):
    store = str(tmp_path / "s.sqlite")
    assert main(["program", "assign", str(EXAMPLE), "--store", store]) == 0
    capsys.readouterr()
    code = main(["checkin", "P-7F3A2C", "--pain", "4", "--no-tingling", "--numbness", "--red-flag", "saddle_numbness", "--store", store, "--at", "2026-01-07T08:00"])
    assert code == 3
    captured = capsys.readouterr()
    assert "Do not exercise today" in captured.err and "seek urgent medical care" in captured.err and "Today's session" not in captured.out
    (flagged,) = SessionStore(f"sqlite:///{store}").checkins("P-7F3A2C", flagged_only=True)
    assert flagged.red_flags_positive == ("saddle_numbness",) and flagged.numbness is True


@pytest.mark.parametrize("outcome", ["cleared", "stopped"])
def test_after_a_red_flag_review_the_next_checkin_goes_on_or_is_refused(tmp_path, capsys, outcome):
    # The clinician's review in the web view reaches the patient's next check-in (real SQLite store).
    from motionrehab.records.accounts import Accounts

    store = str(tmp_path / "s.sqlite")
    assert main(["program", "assign", str(EXAMPLE), "--store", store]) == 0
    assert main(["checkin", "P-7F3A2C", "--pain", "4", "--no-tingling", "--numbness", "--red-flag", "saddle_numbness", "--store", store, "--at", "2026-01-07T08:00"]) == 3
    opened = SessionStore(f"sqlite:///{store}")
    (flagged,) = opened.checkins("P-7F3A2C", flagged_only=True)
    Accounts(opened).review_red_flag("P-7F3A2C", flagged.id, reviewer="anna@clinic.example", outcome=outcome, note="Examined: no deficit.")
    assert [log.red_flag_review for log in opened.session_logs("P-7F3A2C")] == [outcome]
    opened.close()
    capsys.readouterr()
    code = main(["checkin", "P-7F3A2C", "--pain", "3", "--no-tingling", "--no-numbness", "--no-red-flags", "--store", store, "--at", "2026-01-08T08:00"])
    captured = capsys.readouterr()
    if outcome == "cleared":
        assert code == 0 and "Today's session" in captured.out
    else:
        assert code == 3 and "your clinician stopped your home program after the red flag of 2026-01-07" in captured.err
        assert len(SessionStore(f"sqlite:///{store}").checkins("P-7F3A2C")) == 1  # refused before anything was stored


def test_checkin_asks_each_question_when_not_given(tmp_path, capsys, monkeypatch):
    import io

    answers = "2\nn\nn\n" + "n\n" * 9 + "y\n"  # pain 2, no tingling, no numbness, 9 x no, then cancer history yes
    store = str(tmp_path / "s.sqlite")
    assert main(["program", "assign", str(EXAMPLE), "--store", store]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO(answers))
    code = main(["checkin", "P-7F3A2C", "--store", store, "--at", "2026-02-01T08:00"])
    assert code == 3
    assert "Have you ever been diagnosed with cancer?" in capsys.readouterr().out


def test_checkin_of_a_patient_without_a_prescription_is_refused_and_creates_nobody(tmp_path, capsys):
    store = str(tmp_path / "s.sqlite")
    code = main(["checkin", "P-0001", "--pain", "3", "--no-tingling", "--no-numbness", "--no-red-flags", "--store", store])
    assert code == 2
    err = capsys.readouterr().err
    assert "no prescription is assigned to 'P-0001'" in err and "motionrehab program assign FILE --start today" in err
    assert SessionStore(f"sqlite:///{store}").patients() == ()


def test_assign_with_start_today_dates_the_program_from_today(tmp_path, capsys):
    import datetime as dt

    store = str(tmp_path / "s.sqlite")
    assert main(["program", "assign", str(EXAMPLE), "--start", "today", "--store", store]) == 0
    assert f"(starts {dt.date.today().isoformat()})" in capsys.readouterr().out
    assert SessionStore(f"sqlite:///{store}").prescription("P-7F3A2C").start_date == dt.date.today()
    assert main(["program", "assign", str(EXAMPLE), "--start", "2026-03-02", "--store", store]) == 0
    assert SessionStore(f"sqlite:///{store}").prescription("P-7F3A2C").start_date == dt.date(2026, 3, 2)
    assert main(["program", "assign", str(EXAMPLE), "--start", "soon", "--store", store]) == 2
    assert "'soon' is not a date" in capsys.readouterr().err


def test_progress_prints_next_weeks_prescription_and_stores_decisions(course_store, capsys):
    assert main(["progress", "P-COURSE", "--today", "2026-01-26", "--store", course_store]) == 0  # week 4 starts
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "P-COURSE: week 4 (phase 'Settle', its week 4), after reviewing week 3:"
    assert "  hinge: step back, 2 x 12 reps -> 2 x 10 reps (flare: pain rose from 3/10 to 6/10 around the session on 2026-01-21 (2+ points))" in out
    assert "  walk: step back, 12 min -> 9.5 min (flare:" in out and "  Note: milestone met: Walk 1 km without pain" in out
    assert main(["progress", "P-COURSE", "--today", "2026-02-02", "--store", course_store, "--no-record"]) == 0
    assert "  Note: recheck due after week 4: record pain NRS, ODI, LEFS and PSFS" in capsys.readouterr().out
    stored = SessionStore(f"sqlite:///{course_store}").decisions("P-COURSE")
    assert [d.week for d in stored] == [1, 1, 2, 2, 3, 3]


def test_adherence_week_json_and_table(course_store, capsys):
    assert main(["adherence", "P-COURSE", "--week", "4", "--json", "--today", "2026-04-01", "--store", course_store]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["week"] == 4 and data["score"]["composite"] == 95.0 and data["score"]["pacing_pct"] == 80.0
    assert data["score"]["quality_pct"] is None and len(data["sessions"]) == 5 and data["sessions"][3]["composite"] == 60.0
    assert main(["adherence", "P-COURSE", "--today", "2026-03-30", "--store", course_store]) == 0  # week 13 in progress
    out = capsys.readouterr().out
    assert "    week 7:  89.0   dose 100 %, frequency 80 %, quality 75 %, pacing 100 %" in out
    assert "    week 8:   0.0   dose 0 %, frequency 0 %, quality -, pacing -" in out
    assert "  phase Settle: 94.3 (" in out
    assert main(["adherence", "P-COURSE", "--week", "20", "--today", "2026-03-30", "--store", course_store]) == 2
    assert "week 20 has not started (this is week 13)" in capsys.readouterr().err


def test_unknown_patient_is_a_plain_error(tmp_path, capsys):
    assert main(["progress", "P-NOBODY", "--store", str(tmp_path / "s.sqlite")]) == 2
    assert "no patient 'P-NOBODY' in the store" in capsys.readouterr().err


def test_course_yaml_is_the_one_in_the_store(course_store):
    assert SessionStore(f"sqlite:///{course_store}").prescription("P-COURSE").phases[1].name == "Build"
    assert COURSE_YAML.startswith("format: motionrehab-prescription/1")


def test_prom_recorded_at_rechecks_with_mcid_verdicts(tmp_path, capsys):
    store = ["--store", str(tmp_path / "s.sqlite")]
    assert main(["program", "prom", "P-1", "odi", *"3 3 3 3 3 3 3 3 3 3".split(), "--at", "2026-01-05", *store]) == 0
    assert capsys.readouterr().out == "P-1: ODI 60 on 2026-01-05 (recorded)\n"
    assert main(["program", "prom", "P-1", "ODI", *"2 2 3 2 2 3 2 2 - 2".split(), "--at", "2026-02-02", *store]) == 0
    out = capsys.readouterr().out
    assert "ODI 44.4 on 2026-02-02" in out and "since the first (2026-01-05): ODI 60 -> 44.4: a meaningful improvement (MCID 10 points)" in out
    assert main(["program", "prom", "P-1", "ODI", *"2 2 2 2 2 2 2 2 2 2".split(), "--at", "2026-03-02", *store]) == 0
    out = capsys.readouterr().out
    assert "since the previous (2026-02-02): ODI 44.4 -> 40: better, but less than the MCID (MCID 10 points)" in out
    assert main(["program", "prom", "P-1", "nrs", "3", "4", *store]) == 2
    assert "NRS needs 1 answer, got 2" in capsys.readouterr().err
    assert main(["program", "prom", "P-1", "lefs", "x", *store]) == 2
    assert "answer 1 'x' is not a whole number" in capsys.readouterr().err


def test_the_week_in_progress_is_shown_but_not_in_the_phase_score(course_store, capsys):
    assert main(["adherence", "P-COURSE", "--today", "2026-03-30", "--store", course_store]) == 0
    out = capsys.readouterr().out
    assert "   week 13:   0.0   dose 0 %, frequency 0 %, quality -, pacing - (in progress)" in out
    # Build = weeks 6-12: (85 + 89 + 0 + 98.1 + 100 + 100 + 100) / 7 = 81.73 -> 81.7
    assert "  phase Build: 81.7 (Mean of 7 weeks:" in out


def test_morning_pain_is_added_to_the_latest_session(tmp_path, capsys):
    import datetime as dt

    from motionrehab.program.prescription import Dose
    from motionrehab.program.progression import PlannedExercise

    url = tmp_path / "s.sqlite"
    store = SessionStore(f"sqlite:///{url}")
    for day in (5, 6):
        rec = store.open_session("P-1", [PlannedExercise("hinge", "hip_hinge", Dose(2, 8))], pain_before=3, started_at=dt.datetime(2026, 1, day, 9))
        rec.close(pain_after=4)
    assert main(["program", "morning", "P-1", "--pain", "5", "--new-tingling", "--store", str(url)]) == 0
    assert capsys.readouterr().out == "Recorded: pain 5/10 the morning after the session of 2026-01-06 09:00 (2 points above the pain before it); new tingling or numbness\n"
    first, second = store.session_logs("P-1")
    assert (first.pain_next_morning, second.pain_next_morning, second.new_tingling) == (None, 5, True)
    assert main(["program", "morning", "P-2", "--pain", "1", "--store", str(url)]) == 2
