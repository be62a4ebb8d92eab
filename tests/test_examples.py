"""The examples under examples/ run and print what they say."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def test_hinge_example_counts_and_judges_its_synthetic_set(capsys, monkeypatch):
    monkeypatch.setattr(sys, "argv", ["hinge_set_in_python.py"])
    module = runpy.run_path(str(EXAMPLES / "hinge_set_in_python.py"))
    assert module["main"]([]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("3 reps, side view")
    assert "score 80: squatting in 1 of 3 reps (-40 each); rushed eccentric in 1 of 3 reps (-20 each)" in printed
