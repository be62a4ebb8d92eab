"""The 30-second chair stand test: full stands from a chair in 30 s, against published age norms.

Protocol (Rikli & Jones 1999, J Aging Phys Act 7:162-181; Senior Fitness Test Manual, 2nd ed.
2013): a chair without arms against a wall, arms crossed on the chest; on "go" the person
stands fully up and sits fully down as many times as they can in 30 s; a stand more than
halfway up when time is called counts.

Measured as sit-to-stand repetitions (side or front view, measures.exercises.squat). The
30 s run from the first stand's movement onset (a recording has no "go"; the live session
uses its own start signal); a stand counts when standing was reached within the 30 s, or
when the rise was more than half done (half its rise time) when time was called.

Norms: the "normal range" (25th to 75th percentile) of community-dwelling adults aged 60-94
by sex and 5-year age band, Rikli & Jones 1999 Table 3 (as reprinted in the test manual). A
count below the range is "below average", above it "above average"; under 60 or over 94 there
is no published band here and none is given.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from motionrehab.measures.exercises.base import Exercise, MeasuredRepetition
from motionrehab.measures.exercises.squat import SIT_TO_STAND

TEST_S = 30.0

#: (lowest age, highest age) -> (25th, 75th percentile) of stands in 30 s; Rikli & Jones 1999
NORMS: dict[str, dict[tuple[int, int], tuple[int, int]]] = {
    "female": {(60, 64): (12, 17), (65, 69): (11, 16), (70, 74): (10, 15), (75, 79): (10, 15), (80, 84): (9, 14), (85, 89): (8, 13), (90, 94): (4, 11)},
    "male": {(60, 64): (14, 19), (65, 69): (12, 18), (70, 74): (12, 17), (75, 79): (11, 17), (80, 84): (10, 15), (85, 89): (8, 14), (90, 94): (7, 12)},
}


def count_stands(repetitions: tuple[MeasuredRepetition, ...], test_s: float = TEST_S) -> int:
    """Stands completed within ``test_s`` of the first onset, plus one more than half done at the call."""
    if not repetitions:
        return 0
    call = repetitions[0].t_start_s + test_s
    count = 0
    for rep in repetitions:
        rise_s = rep.values.get("stand_up_s", 0.0)
        if rep.t_start_s + rise_s <= call or rep.t_start_s + 0.5 * rise_s <= call:
            count += 1
    return count


def norm_for(age_years: float | None, sex: str | None) -> tuple[int, int] | None:
    """The normal range (25th, 75th percentile) for this age and sex, or None outside the table."""
    if age_years is None or sex not in NORMS:
        return None
    for (low, high), band in NORMS[str(sex)].items():
        if low <= age_years < high + 1:
            return band
    return None


def summarize(repetitions: tuple[MeasuredRepetition, ...], patient: Mapping[str, Any]) -> dict[str, Any]:
    """The test's result: the count, the normal range and how the count compares."""
    stands = count_stands(repetitions)
    age, sex = patient.get("age_years"), patient.get("sex")
    band = norm_for(age, sex)
    if band is None:
        verdict = "no norm: give the age (60-94) and sex to compare with Rikli & Jones 1999"
    else:
        verdict = "below the normal range" if stands < band[0] else "above the normal range" if stands > band[1] else "within the normal range"
    return {
        "chair_stands_30s": stands,
        "norm_range_30s": None if band is None else list(band),
        "norm_source": "Rikli & Jones 1999, J Aging Phys Act 7:162-181 (25th-75th percentile by age and sex)",
        "norm_comparison": verdict,
    }


CHAIR_STAND = Exercise(
    name="chair-stand",
    kind="chair_stand",
    title="30-second chair stand test",
    posture=SIT_TO_STAND.posture,
    views=SIT_TO_STAND.views,
    setup="Sit in the middle of a chair without arms, back straight, feet flat, arms crossed on your chest; put the camera 2.5-3 m away at your side.",
    driver=SIT_TO_STAND.driver,
    direction=SIT_TO_STAND.direction,
    expected_amplitude_deg=SIT_TO_STAND.expected_amplitude_deg,
    front_driver=SIT_TO_STAND.front_driver,
    front_expected_amplitude=SIT_TO_STAND.front_expected_amplitude,
    front_direction=SIT_TO_STAND.front_direction,
    measure=SIT_TO_STAND.measure,
    faults=SIT_TO_STAND.faults,
    not_assessed=SIT_TO_STAND.not_assessed,
    notes=("the 30 s are counted from the first stand's onset (a recording has no start signal)",),
    summarize=summarize,
)
