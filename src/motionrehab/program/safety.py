"""The pre-session check-in: pain, tingling and the red-flag screen.

docs/clinical-terms.md section 4: new bladder retention or incontinence, bowel incontinence, saddle
numbness, progressive leg weakness, new or spreading numbness and bilateral leg
symptoms (cauda equina syndrome), and unrelenting night pain, fever, unexplained
weight loss or a history of cancer call for urgent referral, not exercise. Any positive
answer stops the session (:class:`~motionrehab.errors.SafetyStop`), tells the person to
seek urgent care, and the check-in is stored flagged for the clinician. The software
never diagnoses: the message says what to do, not what it might be.

Pain far above the baseline does not stop the session: it shortens it
(Rules.shorten_above_baseline_nrs, Rules.shorten_to_pct).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from motionrehab.errors import InvalidDataError, SafetyStop
from motionrehab.program.prescription import Rules


@dataclass(frozen=True)
class RedFlag:
    """One screening question; ``id`` is how answers and stored check-ins name it."""

    id: str
    question: str


RED_FLAGS: tuple[RedFlag, ...] = (
    # docs/clinical-terms.md section 4, cauda equina syndrome signs first.
    RedFlag("bladder", "Since your last session, have you had new trouble passing urine, or leaking urine you could not control?"),
    RedFlag("bowel", "Have you had any loss of control of your bowels?"),
    RedFlag("saddle_numbness", "Is there numbness around your back passage, genitals or inner thighs (where you would sit on a saddle)?"),
    RedFlag("leg_weakness", "Is either leg getting weaker (tripping, foot slapping, giving way)?"),
    RedFlag("spreading_numbness", "Is there new numbness, or numbness that is spreading?"),
    RedFlag("bilateral_symptoms", "Do you now have pain, tingling or numbness in both legs?"),
    RedFlag("night_pain", "Is your pain unrelenting at night, whatever position you lie in?"),
    RedFlag("fever", "Do you have a fever or feel unwell with chills?"),
    RedFlag("weight_loss", "Have you lost weight recently without trying?"),
    RedFlag("cancer_history", "Have you ever been diagnosed with cancer?"),
)
RED_FLAG_IDS = tuple(flag.id for flag in RED_FLAGS)

URGENT_CARE_MESSAGE = (
    "Do not exercise today. One of your answers needs a clinician's attention urgently: "
    "please seek urgent medical care now (an urgent care centre or emergency department; "
    "if you cannot pass urine or cannot control your bladder or bowels, go to the emergency "
    "department straight away). Your clinician has been flagged."
)


@dataclass(frozen=True)
class CheckIn:
    """What the person reported before a session.

    Attributes:
        patient: pseudonymous patient id.
        at: local date and time of the check-in.
        pain_nrs: pain now on the 0-10 numeric rating scale (0 no pain, 10 worst imaginable).
        tingling: tingling (pins and needles) in the leg now.
        numbness: numbness in the leg now.
        red_flags: every screening question's answer by RedFlag.id (True = yes); all must be answered.
    """

    patient: str
    at: dt.datetime
    pain_nrs: int
    tingling: bool
    numbness: bool
    red_flags: Mapping[str, bool] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if isinstance(self.pain_nrs, bool) or not isinstance(self.pain_nrs, int) or not 0 <= self.pain_nrs <= 10:
            raise InvalidDataError(f"pain must be a whole number from 0 to 10, got {self.pain_nrs!r}", where="pain_nrs",
                                   fix="0 is no pain, 10 the worst pain imaginable")  # fmt: skip
        unknown = sorted(set(self.red_flags) - set(RED_FLAG_IDS))
        if unknown:
            raise InvalidDataError(f"unknown red-flag question(s): {', '.join(unknown)}", where="red_flags", fix=f"known: {', '.join(RED_FLAG_IDS)}")
        missing = [flag for flag in RED_FLAG_IDS if flag not in self.red_flags]
        if missing:
            raise InvalidDataError(f"the screen is incomplete: no answer to {', '.join(missing)}", where="red_flags",
                                   fix="answer every red-flag question (yes or no) before a session")  # fmt: skip
        object.__setattr__(self, "red_flags", dict(self.red_flags))

    @property
    def positive_red_flags(self) -> tuple[str, ...]:
        """Ids of the red flags answered yes, in screening order."""
        return tuple(flag for flag in RED_FLAG_IDS if self.red_flags[flag])


@dataclass(frozen=True)
class CheckInOutcome:
    """The decision for the session that follows a check-in.

    Attributes:
        start: False when a red flag stops the session.
        red_flags: the positive red flags (ids).
        dose_pct: percent of the prescribed dose for this session (100, or Rules.shorten_to_pct).
        message: what the person is told, in plain words.
    """

    start: bool
    red_flags: tuple[str, ...]
    dose_pct: float
    message: str

    @property
    def flag_for_clinician(self) -> bool:
        """Whether the stored check-in must be flagged for the clinician."""
        return bool(self.red_flags)


def evaluate_checkin(checkin: CheckIn, *, baseline_pain_nrs: int, rules: Rules | None = None) -> CheckInOutcome:
    """Decide whether the session starts, and at what dose.

    Any red flag: no session, urgent-care message. Otherwise pain at least
    ``rules.shorten_above_baseline_nrs`` above ``baseline_pain_nrs``: the session runs at
    ``rules.shorten_to_pct`` percent of the dose. Otherwise the full dose.
    """
    rules = rules or Rules()
    flags = checkin.positive_red_flags
    if flags:
        return CheckInOutcome(start=False, red_flags=flags, dose_pct=0.0, message=URGENT_CARE_MESSAGE)
    rise = checkin.pain_nrs - baseline_pain_nrs
    if rise >= rules.shorten_above_baseline_nrs:
        return CheckInOutcome(
            start=True,
            red_flags=(),
            dose_pct=rules.shorten_to_pct,
            message=(f"Your pain is {checkin.pain_nrs}/10, {rise} points above your usual {baseline_pain_nrs}/10: "
                     f"today's session is shortened to {rules.shorten_to_pct:g} % of the dose. Stop if the pain keeps rising."),  # fmt: skip
        )
    return CheckInOutcome(start=True, red_flags=(), dose_pct=100.0, message=f"Pain {checkin.pain_nrs}/10, no red flags: go ahead with today's session.")


def require_safe_to_start(outcome: CheckInOutcome) -> None:
    """Raise SafetyStop (with the urgent-care message) when the outcome says the session must not start."""
    if not outcome.start:
        raise SafetyStop(outcome.message, where=f"check-in: {', '.join(outcome.red_flags)}")
