"""`motionrehab program check` against the vocabulary of measurements: the example passes, 12 malformed names are refused clearly."""

from pathlib import Path

import pytest

from motionrehab.cli.main import main

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "prescription.yaml"
TEXT = EXAMPLE.read_text(encoding="utf-8")

SLR_MILESTONE = "        measurement: slr_peak_deg\n        side: right\n"
WALK_1KM = "        measurement: walking_tolerance_m\n        at_least: 1000\n"
HINGE_MILESTONE = "        measurement: hinge_trunk_inclination_deg\n"
TRUNK_TARGET = "          trunk_inclination_deg: [20, 40]\n"
SAG_TARGET = "targets: {hip_sag_deg: [0, 10]}"

# (what is replaced, by what, the field named in the error, what the error says, how to fix it)
MALFORMED = [
    (SLR_MILESTONE, "        measurement: slr_right_deg\n", "milestones[1].measurement", "'slr_right_deg' is not a registered measurement",
     "'slr_right_deg' is now 'slr_peak_deg' with side: right"),
    (SLR_MILESTONE, "        measurement: slr_peak_deg\n", "milestones[1].measurement", "'slr_peak_deg' is measured per side; the milestone must name the side",
     "add side: left or side: right"),
    (SLR_MILESTONE, "        measurement: slr_peak_deg\n        side: middle\n", "milestones[1].side", "'middle' is not allowed", "use one of: left, right"),
    (WALK_1KM, "        measurement: walking_pain_free_m\n        at_least: 1000\n", "milestones[0].measurement", "'walking_pain_free_m' is not a registered measurement",
     "'walking_pain_free_m' is now 'walking_tolerance_m'"),
    (WALK_1KM, "        measurement: walking_tolerence_m\n        at_least: 1000\n", "milestones[0].measurement", "'walking_tolerence_m' is not a registered measurement",
     "did you mean 'walking_tolerance_m'"),
    (HINGE_MILESTONE, "        measurement: hinge_trunk_inclination\n", "milestones[1].measurement", "'hinge_trunk_inclination' is not a registered measurement",
     "did you mean 'hinge_trunk_inclination_deg'"),
    (HINGE_MILESTONE, "        measurement: trunk_inclination_deg\n", "milestones[1].measurement", "'trunk_inclination_deg' is not a registered measurement",
     "did you mean 'hinge_trunk_inclination_deg'"),
    (HINGE_MILESTONE, "        measurement: hinge_trunk_inclination_deg\n        side: left\n", "milestones[1].side", "'hinge_trunk_inclination_deg' has no side",
     "remove side"),
    (HINGE_MILESTONE, "        measurement: HINGE_TRUNK_INCLINATION_DEG\n", "milestones[1].measurement", "'HINGE_TRUNK_INCLINATION_DEG' is not a registered measurement",
     "did you mean 'hinge_trunk_inclination_deg'"),
    (TRUNK_TARGET, "          trunk_inclination: [20, 40]\n", "targets.trunk_inclination", "'trunk_inclination' is not a registered repetition value",
     "did you mean 'trunk_inclination_deg'"),
    (SAG_TARGET, "targets: {hip_sag_degrees: [0, 10]}", "targets.hip_sag_degrees", "'hip_sag_degrees' is not a registered repetition value",
     "did you mean 'hip_sag_deg'"),
    (SAG_TARGET, "targets: {slr_peak_deg: [0, 10]}", "targets.slr_peak_deg", "'slr_peak_deg' is not a registered repetition value",
     "did you mean"),
]  # fmt: skip


def test_the_example_passes_and_names_its_milestones_measurements(capsys):
    assert main(["program", "check", str(EXAMPLE)]) == 0
    out = capsys.readouterr().out
    assert "  milestone: Walk 1 km without pain [walking_tolerance_m >= 1000]" in out
    assert "  milestone: Active straight leg raise to 60 deg on the painful side [slr_peak_deg (right) >= 60]" in out


@pytest.mark.parametrize(("old", "new", "field", "what", "fix"), MALFORMED, ids=[m[1].strip()[:40] for m in MALFORMED])
def test_a_malformed_name_is_refused_with_where_what_and_the_nearest_name(tmp_path, capsys, old, new, field, what, fix):
    assert old in TEXT
    bad = tmp_path / "bad.yaml"
    bad.write_text(TEXT.replace(old, new, 1), encoding="utf-8")
    assert main(["program", "check", str(bad)]) == 2
    err = capsys.readouterr().err
    first, sep, rest = err.strip().partition(" How to fix: ")  # one line: where: what. How to fix: fix
    assert first.startswith(f"error: {bad}:") and field in first and what in first, err
    assert sep and fix in rest and "\n" not in err.strip(), err
    assert "Traceback" not in err
