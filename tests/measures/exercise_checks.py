"""Comparing an exercise analysis with the synthetic truth (shared by the exercise-library tests)."""

from __future__ import annotations

import math

HOLD_TOLERANCE_S = 0.3
ANGLE_TOLERANCE_DEG = 3.0


def check_against_truth(result, recording, *, timing: bool = True) -> None:
    """Counts exact; each rep's or hold's timing within 0.3 s, angles within 3 deg, faults exactly the injected ones."""
    items = result.holds if result.exercise.is_hold else result.repetitions
    truths = recording.events
    assert len(items) == len(truths), f"found {len(items)}, truth {len(truths)}"
    assert result.reps == (0 if result.exercise.is_hold else len(truths))
    for item, truth in zip(items, truths, strict=True):
        where = f"{result.exercise.name} #{truth.index}"
        if timing:
            measured_hold = item.duration_s if result.exercise.is_hold else item.hold_s
            assert abs(measured_hold - truth.hold_s) <= HOLD_TOLERANCE_S, f"{where}: hold {measured_hold:.2f} s, truth {truth.hold_s:.2f} s"
        for name, true_value in truth.values.items():
            if name not in item.values or not math.isfinite(true_value):
                continue
            if name.endswith("_deg"):
                assert abs(item.values[name] - true_value) <= ANGLE_TOLERANCE_DEG, f"{where}: {name} {item.values[name]:.1f}, truth {true_value:.1f}"
            elif name.endswith("_s") and timing:
                assert abs(item.values[name] - true_value) <= HOLD_TOLERANCE_S, f"{where}: {name} {item.values[name]:.2f}, truth {true_value:.2f}"
        assert set(item.faults) == set(truth.faults), f"{where}: faults {item.faults}, injected {truth.faults}"
