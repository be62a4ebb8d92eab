"""CLI: program check / assign, checkin, adherence, progress."""

from pathlib import Path

from motionrehab.cli.main import main

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
