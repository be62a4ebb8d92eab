"""Patient-reported outcome measures (PROMs) scored at rechecks, and whether a change is meaningful.

Instruments and minimal clinically important differences (MCID), docs/clinical-terms.md section 5:

| instrument | range | better | MCID |
|---|---|---|---|
| NRS  pain numeric rating scale | 0-10 | lower | 2 points or 30 % of the earlier score |
| ODI  Oswestry Disability Index | 0-100 % | lower | 10 points |
| LEFS Lower Extremity Functional Scale | 0-80 | higher | 9 points |
| PSFS Patient-Specific Functional Scale | 0-10 | higher | 2 points |

Scoring: NRS is the single answer. ODI: 10 sections scored 0-5; score = sum / (5 x sections
answered) x 100, so one unanswered section does not bias the score (Fairbank & Pynsent
2000); more than one missing is refused. LEFS: 20 items scored 0-4, summed (Binkley et al.
1999). PSFS: 3-5 activities rated 0-10, averaged (Stratford et al. 1995).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from motionrehab.errors import InvalidDataError

NRS, ODI, LEFS, PSFS = "NRS", "ODI", "LEFS", "PSFS"
INSTRUMENTS = (NRS, ODI, LEFS, PSFS)
MCID = {NRS: 2.0, ODI: 10.0, LEFS: 9.0, PSFS: 2.0}
"""MCID in score points (docs/clinical-terms.md section 5); NRS also counts a 30 % change."""
NRS_MCID_PCT = 30.0
LOWER_IS_BETTER = {NRS: True, ODI: True, LEFS: False, PSFS: False}
RANGES = {NRS: (0.0, 10.0), ODI: (0.0, 100.0), LEFS: (0.0, 80.0), PSFS: (0.0, 10.0)}


@dataclass(frozen=True)
class PromScore:
    """One scored questionnaire: ``score`` in the instrument's range, ``items`` the answers (None: unanswered)."""

    instrument: str
    at: dt.datetime
    score: float
    items: tuple[int | None, ...]


def _check_items(instrument: str, items: Sequence[int | None], count: tuple[int, int], top: int, missing_allowed: int) -> tuple[int | None, ...]:
    n_low, n_high = count
    if not n_low <= len(items) <= n_high:
        expected = f"{n_low}" if n_low == n_high else f"{n_low} to {n_high}"
        raise InvalidDataError(f"{instrument} needs {expected} answers, got {len(items)}", where=instrument)
    missing = sum(item is None for item in items)
    if missing > missing_allowed:
        raise InvalidDataError(f"{instrument}: {missing} answers missing (at most {missing_allowed} allowed)", where=instrument, fix="complete the questionnaire")
    for index, item in enumerate(items, start=1):
        if item is not None and (isinstance(item, bool) or not isinstance(item, int) or not 0 <= item <= top):
            raise InvalidDataError(f"{instrument} answer {index} must be a whole number 0 to {top}, got {item!r}", where=f"{instrument} item {index}")
    return tuple(items)


def score_nrs(pain: int, at: dt.datetime) -> PromScore:
    """Pain NRS 0-10 (0 no pain)."""
    items = _check_items(NRS, [pain], (1, 1), 10, 0)
    return PromScore(NRS, at, float(pain), items)


def score_odi(sections: Sequence[int | None], at: dt.datetime) -> PromScore:
    """Oswestry Disability Index from its 10 sections (0-5 each, None if unanswered): 0-100 %."""
    items = _check_items(ODI, sections, (10, 10), 5, 1)
    answered = [i for i in items if i is not None]
    return PromScore(ODI, at, round(sum(answered) / (5 * len(answered)) * 100, 1), items)


def score_lefs(answers: Sequence[int | None], at: dt.datetime) -> PromScore:
    """Lower Extremity Functional Scale from its 20 items (0-4 each): 0-80."""
    items = _check_items(LEFS, answers, (20, 20), 4, 0)
    return PromScore(LEFS, at, float(sum(i for i in items if i is not None)), items)


def score_psfs(ratings: Sequence[int | None], at: dt.datetime) -> PromScore:
    """Patient-Specific Functional Scale from 3-5 activity ratings (0-10 each): their mean."""
    items = _check_items(PSFS, ratings, (3, 5), 10, 0)
    values = [i for i in items if i is not None]
    return PromScore(PSFS, at, round(sum(values) / len(values), 2), items)


@dataclass(frozen=True)
class PromChange:
    """A change between two scores of one instrument, judged against the MCID.

    Attributes:
        improvement: positive when the person is better (the sign follows the instrument's direction).
        meaningful: the change reaches the MCID (either way).
        text: plain-language verdict.
    """

    instrument: str
    before: float
    after: float
    improvement: float
    mcid: float
    meaningful: bool
    text: str


def compare_proms(before: PromScore, after: PromScore) -> PromChange:
    """Judge the change from ``before`` to ``after`` against the instrument's MCID."""
    if before.instrument != after.instrument:
        raise InvalidDataError(f"cannot compare {before.instrument} with {after.instrument}", where="PROM")
    instrument = before.instrument
    sign = -1.0 if LOWER_IS_BETTER[instrument] else 1.0
    improvement = round(sign * (after.score - before.score), 2)
    mcid = MCID[instrument]
    meaningful = abs(improvement) >= mcid - 1e-9
    if instrument == NRS and before.score > 0 and abs(improvement) / before.score * 100 >= NRS_MCID_PCT - 1e-9:
        meaningful = True
    threshold = f"MCID {mcid:g} points" + (f" or {NRS_MCID_PCT:g} %" if instrument == NRS else "")
    if improvement == 0:
        verdict = "no change"
    elif meaningful:
        verdict = "a meaningful improvement" if improvement > 0 else "a meaningful worsening"
    else:
        verdict = "better, but less than the MCID" if improvement > 0 else "worse, but less than the MCID"
    text = f"{instrument} {before.score:g} -> {after.score:g}: {verdict} ({threshold})"
    return PromChange(instrument, before.score, after.score, improvement, mcid, meaningful, text)
