"""`motionrehab log`, `today`, and a prescription belonging to one patient (in-process CLI)."""

from pathlib import Path

from motionrehab.cli.main import main

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "prescription.yaml"
OK = ["--pain", "3", "--no-tingling", "--no-numbness", "--no-red-flags"]


def test_a_session_with_another_patients_prescription_is_refused(tmp_path, capsys):
    code = main(["session", "--patient", "P-0001", "--prescription", str(EXAMPLE), "--source", "none.mp4", "--headless",
                 "--store", str(tmp_path / "s.sqlite"), "--checkin-answers", "pain=3,tingling=no,numbness=no,red_flags=none"])  # fmt: skip
    assert code == 2
    err = capsys.readouterr().err
    assert f"the prescription {EXAMPLE} is for P-7F3A2C, not P-0001" in err and "How to fix:" in err


def test_log_checks_the_numbers_against_the_exercise_and_today_shows_what_is_left(tmp_path, capsys):
    store = ["--store", str(tmp_path / "s.sqlite")]
    assert main(["program", "assign", str(EXAMPLE), "--start", "2026-03-02", *store]) == 0
    assert main(["log", "P-7F3A2C", "glide", "--sets", "2", "--reps", "10", "--at", "2026-03-02T09:00", *store]) == 2
    assert "P-7F3A2C has not checked in on 2026-03-02" in capsys.readouterr().err
    assert main(["checkin", "P-7F3A2C", *OK, "--at", "2026-03-02T08:00", *store]) == 0
    for args, message in (
        (["glide", "--hold-s", "30"], "glide (neural_glide) is logged in sets and repetitions"),
        (["breathing", "--sets", "3", "--reps", "5"], "breathing (breathing) is logged in sets and hold seconds"),
        (["walk", "--sets", "2"], "a walk is logged with its minutes"),
        (["walk", "--minutes", "10", "--distance-m", "500", "--pain-onset-m", "700"], "pain began at 700 m, after the walk's 500 m"),
        (["walk", "--minutes", "10", "--pain-free"], "a pain-free walk's tolerance is its distance"),
        (["plank", "--sets", "3", "--hold-s", "20"], "'plank' is not in today's plan"),
        (["stairs", "--sets", "1", "--reps", "1"], "'stairs' is not in today's plan"),  # phase 3's
        (["yoga", "--sets", "1", "--reps", "1"], "no exercise 'yoga' in P-7F3A2C's prescription"),
    ):  # fmt: skip
        capsys.readouterr()
        assert main(["log", "P-7F3A2C", *args, "--at", "2026-03-02T09:00", *store]) == 2, args
        assert message in capsys.readouterr().err, args
    assert main(["log", "P-7F3A2C", "walk", "--minutes", "12", "--distance-m", "900", "--pain-free", "--at", "2026-03-02T09:30", *store]) == 0
    assert "walking_tolerance_m 900, walking_distance_m 900" in capsys.readouterr().out
    assert main(["today", "P-7F3A2C", "--at", "2026-03-02T12:00", *store]) == 0
    out = capsys.readouterr().out
    assert out.startswith("P-7F3A2C, Monday 2026-03-02: week 1 of your program, phase 'Settle and move' (its week 1).")
    assert "Your clinician's note: Slider in sitting; stop short of tingling." in out
    assert "Record it: motionrehab log P-7F3A2C glide --sets 2 --reps 10" in out
    assert "Done today: 12 min (logged), 100 % of today's dose." in out
    assert "Still to do today: breathing, glide, hinge, bridge." in out
