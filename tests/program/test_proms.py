"""PROM scoring (NRS, ODI, LEFS, PSFS) and MCID verdicts (DOMAIN.md section 5)."""

import datetime as dt

import pytest

from motionrehab.errors import InvalidDataError
from motionrehab.program.proms import compare_proms, score_lefs, score_nrs, score_odi, score_psfs

T0, T1 = dt.datetime(2026, 1, 5), dt.datetime(2026, 2, 2)


def test_scores():
    assert score_odi([2] * 10, T0).score == 40.0  # 20 / 50
    assert score_odi([2, 1, 2, 1, 0, 2, 1, 1, None, 2], T0).score == 26.7  # 12 / 45
    assert score_odi([5] * 10, T0).score == 100.0 and score_odi([0] * 10, T0).score == 0.0
    assert score_lefs([3] * 10 + [2] * 10, T0).score == 50.0 and score_lefs([4] * 20, T0).score == 80.0
    assert score_psfs([3, 5, 4], T0).score == 4.0 and score_psfs([3, 5, 4, 6], T0).score == 4.5
    assert score_nrs(7, T0).score == 7.0


@pytest.mark.parametrize(
    ("before", "after", "improvement", "meaningful", "verdict"),
    [
        (score_odi([3] * 10, T0), score_odi([2] * 10, T1), 20.0, True, "ODI 60 -> 40: a meaningful improvement (MCID 10 points)"),
        (score_odi([2] * 10, T0), score_odi([2] * 9 + [0], T1), 4.0, False, "ODI 40 -> 36: better, but less than the MCID (MCID 10 points)"),
        (score_lefs([2] * 20, T0), score_lefs([2] * 11 + [3] * 9, T1), 9.0, True, "LEFS 40 -> 49: a meaningful improvement (MCID 9 points)"),
        (score_lefs([2] * 20, T0), score_lefs([2] * 12 + [3] * 8, T1), 8.0, False, "LEFS 40 -> 48: better, but less than the MCID (MCID 9 points)"),
        (score_psfs([3, 3, 3], T0), score_psfs([5, 5, 5], T1), 2.0, True, "PSFS 3 -> 5: a meaningful improvement (MCID 2 points)"),
        (score_psfs([5, 5, 5], T0), score_psfs([3, 3, 3], T1), -2.0, True, "PSFS 5 -> 3: a meaningful worsening (MCID 2 points)"),
        # NRS: 2 points, or 30 % of the earlier score: 3 -> 2 is 33 % (meaningful), 8 -> 7 is 12.5 % (not).
        (score_nrs(3, T0), score_nrs(2, T1), 1.0, True, "NRS 3 -> 2: a meaningful improvement (MCID 2 points or 30 %)"),
        (score_nrs(8, T0), score_nrs(7, T1), 1.0, False, "NRS 8 -> 7: better, but less than the MCID (MCID 2 points or 30 %)"),
        (score_nrs(4, T0), score_nrs(6, T1), -2.0, True, "NRS 4 -> 6: a meaningful worsening (MCID 2 points or 30 %)"),
        (score_nrs(4, T0), score_nrs(4, T1), 0.0, False, "NRS 4 -> 4: no change (MCID 2 points or 30 %)"),
    ],
)
def test_change_against_the_mcid(before, after, improvement, meaningful, verdict):
    change = compare_proms(before, after)
    assert change.improvement == improvement and change.meaningful is meaningful and change.text == verdict


def test_bad_answers_are_refused():
    with pytest.raises(InvalidDataError, match="ODI needs 10 answers, got 9"):
        score_odi([1] * 9, T0)
    with pytest.raises(InvalidDataError, match="2 answers missing"):
        score_odi([1] * 8 + [None, None], T0)
    with pytest.raises(InvalidDataError, match="LEFS answer 3 must be a whole number 0 to 4, got 5"):
        score_lefs([1, 1, 5] + [1] * 17, T0)
    with pytest.raises(InvalidDataError, match="PSFS needs 3 to 5 answers, got 2"):
        score_psfs([1, 2], T0)
    with pytest.raises(InvalidDataError, match="cannot compare ODI with LEFS"):
        compare_proms(score_odi([1] * 10, T0), score_lefs([1] * 20, T1))
