"""Prescription YAML: the example parses to the expected objects; malformed files name file:line: field."""

import datetime as dt
from pathlib import Path

import pytest

from motionrehab.errors import InputFileError, InvalidDataError
from motionrehab.program.prescription import Dose, load_prescription, parse_prescription

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "prescription.yaml"
TEXT = EXAMPLE.read_text()


def _line_of(text: str, fragment: str) -> int:
    """1-based line of the first line containing ``fragment``."""
    return next(i for i, line in enumerate(text.splitlines(), start=1) if fragment in line)


def test_the_example_parses_to_three_phases_with_doses_and_rules():
    p = load_prescription(EXAMPLE)
    assert p.patient == "P-7F3A2C" and p.start_date == dt.date(2026, 1, 5)
    assert p.recheck_every_weeks == 4 and p.baseline_pain_nrs == 3
    assert [phase.name for phase in p.phases] == ["Settle and move", "Build load", "Return to activity"]
    assert [phase.min_weeks for phase in p.phases] == [3, 4, 4]
    hinge = p.phases[0].exercise("hinge")
    assert hinge.dose == Dose(sets=2, reps=8) and hinge.dose.quantity == 16.0
    assert (hinge.tempo.eccentric_s, hinge.tempo.pause_s, hinge.tempo.concentric_s) == (3.0, 1.0, 2.0)
    assert [(t.name, t.low, t.high) for t in hinge.targets] == [("trunk_inclination_deg", 20.0, 40.0), ("knee_flexion_deg", 15.0, 30.0)]
    assert hinge.frequency.sessions_per_week == 5
    assert (hinge.progression.step, hinge.progression.maximum) == (2.0, 12.0)
    walk = p.phases[0].exercise("walk")
    assert walk.dose.minutes == 10.0 and walk.dose.quantity == 10.0 and walk.progression.step_pct == 10.0
    stretch = p.phases[1].exercise("stretch")
    assert (stretch.gate.max_pain_nrs, stretch.gate.no_tingling, stretch.gate.otherwise) == (2, True, "glide")
    assert p.phases[1].exercise("glide").alternative_only is True
    plank = p.phases[1].exercise("plank")
    assert plank.dose.quantity == 60.0 and plank.dose.describe() == "3 x 20 s hold"
    stairs = p.phases[2].exercise("stairs")
    assert stairs.custom_measure.name == "stair_flights_count" and (stairs.custom_measure.low, stairs.custom_measure.high) == (2.0, 4.0)
    assert p.rules.flare_rise_nrs == 2 and p.rules.walking_weekly_cap_pct == 10.0
    assert p.phases[0].milestones[0].met_by(1000.0) and not p.phases[0].milestones[0].met_by(999.0)
    assert p.week_of(dt.date(2026, 1, 11)) == 1 and p.week_of(dt.date(2026, 1, 12)) == 2
    assert p.week_start(3) == dt.date(2026, 1, 19)


# (replace this, with that, expected line fragment, field path, words in the message, words in the fix)
MALFORMED = [
    ("dose: {sets: 2, reps: 8}\n        tempo", "dose: {sets: 2, reps: 0}\n        tempo", "dose: {sets: 2, reps: 0}", "phases[0].exercises[2].dose.reps", "0 is too small", "allowed: 1 to 100"),
    ("kind: bridge", "kind: bridges", "kind: bridges", "phases[0].exercises[3].kind", "'bridges' is not allowed", "hip_hinge"),
    ("dose: {minutes: 10}", "dose: {minutes: 10, metres: 800}", "dose: {minutes: 10, metres: 800}", "phases[0].exercises[4].dose", "either 'minutes' or 'metres'", "minutes: 15"),
    ("dose: {sets: 3, hold_s: 20}", "dose: {sets: 3, hold_s: twenty}", "hold_s: twenty", "phases[1].exercises[2].dose.hold_s", "expected a number s, got 'twenty'", "plain number"),
    ("progression: {step_pct: 10, maximum: 30}", "progression: {step_pct: 25, maximum: 30}", "step_pct: 25", "phases[0].exercises[4].progression.step_pct", "at most 10 % a week", "at most 10"),
    ("otherwise: glide", "otherwise: glides", "otherwise: glides", "phases[1].exercises[3].gate.otherwise", "no exercise 'glides'", "hinge"),
    ("patient: P-7F3A2C", "patient: Jane Smith", "patient: Jane Smith", "patient", "pseudonymous patient id", "P-7F3A2C"),
    ("start_date: 2026-01-05", "start_date: 5 Jan 2026", "start_date: 5 Jan", "start_date", "YYYY-MM-DD", "2026-01-05"),
    ("recheck_every_weeks: 4", "recheck_every_weeks: 0", "recheck_every_weeks: 0", "recheck_every_weeks", "0 is too small", "1 to 12"),
    ("baseline_pain_nrs: 3", "baseline_pain_nrs: 11", "baseline_pain_nrs: 11", "baseline_pain_nrs", "11 is too large", "0 to 10"),
    ("          knee_flexion_deg: [15, 30]\n        frequency: {per_day: 1, days_per_week: 5}\n        progression: {step: 2, maximum: 12}\n      - id: bridge",
     "          knee_flexion_deg: [30, 15]\n        frequency: {per_day: 1, days_per_week: 5}\n        progression: {step: 2, maximum: 12}\n      - id: bridge",
     "knee_flexion_deg: [30, 15]", "phases[0].exercises[2].targets.knee_flexion_deg", "upside down", "[15, 30]"),
    ("trunk_inclination_deg: [20, 40]", "trunk_inclination: [20, 40]", "trunk_inclination: [20, 40]", "phases[0].exercises[2].targets.trunk_inclination", "is not a registered repetition value", "did you mean 'trunk_inclination_deg'"),
    ("      - id: bridge\n        kind: bridge\n        dose: {sets: 2, reps: 8}", "      - id: bridge\n        kind: bridge\n        dose: {sets: 2, rep: 8}",
     "dose: {sets: 2, rep: 8}", "phases[0].exercises[3].dose.rep", "unknown field 'rep'", "did you mean 'reps'"),
    ("hip_sag_deg: [0, 10]}\n        frequency: {per_day: 1, days_per_week: 4}", "hip_sag_deg: [0, 10]}\n        frequency: {per_day: 1, days_per_week: 8}", "days_per_week: 8", "phases[1].exercises[2].frequency.days_per_week", "8 is too large", "1 to 7"),
    ("  - name: Build load", "  - name: Settle and move  # again", "Settle and move  # again", "phases[1].name", "used twice", "own name"),
    ("      - id: bridge", "      - id: hinge  # again", "id: hinge  # again", "phases[0].exercises[3].id", "'hinge' is used twice", "own id"),
    ("format: motionrehab-prescription/1", "format: motionrehab-prescription/9", "format:", "format", "unknown format", "motionrehab-prescription/1"),
    ("        dose: {sets: 3, hold_s: 30}\n        frequency: {per_day: 1, days_per_week: 5}\n        gate",
     "        dose: {sets: 3, hold_s: 30}\n        tempo: {eccentric_s: 3, concentric_s: 2}\n        frequency: {per_day: 1, days_per_week: 5}\n        gate",
     "tempo: {eccentric_s: 3, concentric_s: 2}", "phases[1].exercises[3].tempo", "repetitions only", "remove tempo"),
]


@pytest.mark.parametrize(("old", "new", "line_fragment", "field", "what", "fix"), MALFORMED, ids=[m[3] for m in MALFORMED])
def test_a_malformed_file_names_file_line_field_and_what_is_allowed(tmp_path, old, new, line_fragment, field, what, fix):
    assert TEXT.count(old) == 1, old
    text = TEXT.replace(old, new)
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(InvalidDataError) as caught:
        load_prescription(path)
    error = caught.value
    assert text.count(line_fragment) == 1, line_fragment
    line = _line_of(text, line_fragment)
    assert error.where == f"{path}:{line}: {field}"
    assert what in error.what
    assert fix in error.fix


def test_yaml_syntax_errors_give_the_line(tmp_path):
    path = tmp_path / "tabs.yaml"
    path.write_text("format: motionrehab-prescription/1\npatient: P-1\nphases:\n\t- name: x\n")
    with pytest.raises(InvalidDataError) as caught:
        load_prescription(path)
    assert caught.value.where == f"{path}:4" and "not valid YAML" in caught.value.what and "tabs" in caught.value.fix


def test_missing_field_empty_file_and_missing_file(tmp_path):
    path = tmp_path / "short.yaml"
    path.write_text("format: motionrehab-prescription/1\npatient: P-1\nstart_date: 2026-01-05\nrecheck_every_weeks: 4\nphases: []\n")
    with pytest.raises(InvalidDataError) as caught:
        load_prescription(path)
    assert caught.value.where == f"{path}:1: (top level)" and caught.value.what == "the field 'baseline_pain_nrs' is missing"
    empty = tmp_path / "empty.yaml"
    empty.write_text("# nothing\n")
    with pytest.raises(InvalidDataError, match="the file is empty"):
        load_prescription(empty)
    with pytest.raises(InputFileError, match="does not exist"):
        load_prescription(tmp_path / "absent.yaml")


def test_walking_in_metres_and_an_other_exercise_with_holds():
    text = TEXT.replace("dose: {minutes: 10}", "dose: {metres: 800}").replace("progression: {step_pct: 10, maximum: 30}", "progression: {step_pct: 5}")
    p = parse_prescription(text, "x.yaml")
    walk = p.phases[0].exercise("walk")
    assert walk.dose == Dose(sets=1, metres=800.0) and walk.dose.unit == "m" and walk.progression.step_pct == 5.0
    assert walk.progression.maximum is None
