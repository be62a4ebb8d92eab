"""The clinician's prescription: a YAML file parsed into frozen, validated objects.

The format is documented with a full example in docs/program.md and
examples/prescription.yaml. In short: a pseudonymous patient id, a start date (the first
day of week 1), a recheck interval, the baseline pain, optional rule overrides, and
phases, each with milestones and exercises. Each exercise has a kind, a dose, optional
tempo and target ranges, a frequency, optional progression and an optional gate.

Every validation error names the file, the line and the field, and says what is allowed:
``prescription.yaml:23: phases[0].exercises[1].dose.reps: 0 is too small`` followed by
``How to fix: allowed: 1 to 100``.

Units: seconds (``_s``), minutes (``_min``/``minutes``), metres (``_m``/``metres``),
degrees (``_deg``), pain on the 0-10 numeric rating scale (NRS, 0 = no pain).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from motionrehab.dates import check_date
from motionrehab.program._yaml_fields import Fields, load_yaml_nodes, parse_yaml_text
from motionrehab.program.measurements import MEASUREMENT, REPETITION, SIDES, quantity, suggestion
from motionrehab.pseudonym import check_pseudonym

FORMAT = "motionrehab-prescription/1"

REP_KINDS = ("hip_hinge", "slr", "neural_glide", "bridge", "sit_to_stand")
"""Exercises dosed as sets x repetitions."""
HOLD_KINDS = ("plank", "hamstring_stretch", "breathing")
"""Exercises dosed as sets x hold seconds."""
WALK_KINDS = ("walking",)
"""Exercises dosed as minutes or metres per session."""
OTHER_KIND = "other"
"""An open exercise with a custom measure; dosed as reps or holds."""
KINDS = REP_KINDS + HOLD_KINDS + WALK_KINDS + (OTHER_KIND,)

TARGET_UNIT_SUFFIXES = ("_deg", "_s", "_m", "_min", "_pct", "_count", "_nrs")
"""A target's name ends with its unit so that no number in a prescription is unit-less."""


@dataclass(frozen=True)
class Rules:
    """Symptom-contingent rules (defaults from docs/clinical-terms.md section 3; each may be overridden).

    Attributes:
        flare_rise_nrs: a rise of this many NRS points (after the session or the next
            morning, against the pain before it) is a flare: step back. docs/clinical-terms.md §3:
            "step back on a flare (pain up 2+ points on NRS 0-10, new tingling or numbness)".
        hold_rise_nrs: a smaller rise of at least this many points, or pain not settled by
            the next morning, means hold (docs/clinical-terms.md §3: "hold when pain rises moderately").
        shorten_above_baseline_nrs: pain before a session this many points above the
            baseline shortens the session (project rule: one more than a flare rise, so a
            flare day's carry-over still allows a short session).
        shorten_to_pct: the shortened session's dose, percent of the prescribed dose.
        walking_weekly_cap_pct: walking volume rises by at most this much a week
            (docs/clinical-terms.md §3: "at most about 10 % a week").
        step_back_pct: a step back cuts walking volume by this percent (project rule: two
            weeks of the 10 % cap, rounded).
        pacing_limit_pct: a session above this percent of the prescribed dose is a pacing
            failure, not extra credit (docs/clinical-terms.md §3; 150 % is the project's threshold).
        complete_dose_pct: a week's dose must reach this percent before that exercise
            progresses (consistency before intensity, docs/clinical-terms.md §3).
    """

    flare_rise_nrs: int = 2
    hold_rise_nrs: int = 1
    shorten_above_baseline_nrs: int = 3
    shorten_to_pct: float = 50.0
    walking_weekly_cap_pct: float = 10.0
    step_back_pct: float = 20.0
    pacing_limit_pct: float = 150.0
    complete_dose_pct: float = 80.0


@dataclass(frozen=True)
class Dose:
    """How much of an exercise one session holds.

    Exactly one shape is used: ``sets`` x ``reps``; ``sets`` x ``hold_s`` (seconds per
    hold); or ``minutes`` or ``metres`` of walking (``sets`` is 1 then).
    """

    sets: int
    reps: int | None = None
    hold_s: float | None = None
    minutes: float | None = None
    metres: float | None = None

    @property
    def quantity(self) -> float:
        """The session's total: repetitions, hold seconds, walking minutes or metres."""
        if self.reps is not None:
            return float(self.sets * self.reps)
        if self.hold_s is not None:
            return self.sets * self.hold_s
        if self.minutes is not None:
            return self.minutes
        return float(self.metres or 0.0)

    @property
    def unit(self) -> str:
        """The unit of :attr:`quantity`: 'reps', 's', 'min' or 'm'."""
        if self.reps is not None:
            return "reps"
        if self.hold_s is not None:
            return "s"
        return "min" if self.minutes is not None else "m"

    def describe(self) -> str:
        """Plain words, e.g. '3 x 10 reps', '3 x 30 s hold', '20 min walking'."""
        if self.reps is not None:
            return f"{self.sets} x {self.reps} reps"
        if self.hold_s is not None:
            return f"{self.sets} x {self.hold_s:g} s hold"
        if self.minutes is not None:
            return f"{self.minutes:g} min"
        return f"{self.metres:g} m"


@dataclass(frozen=True)
class Tempo:
    """Seconds per phase of one repetition (eccentric = lowering, concentric = return)."""

    eccentric_s: float
    pause_s: float
    concentric_s: float


@dataclass(frozen=True)
class Target:
    """A target range for one measured quantity; the name carries the unit (e.g. 'trunk_inclination_deg')."""

    name: str
    low: float
    high: float


@dataclass(frozen=True)
class Frequency:
    """Sessions a day and days a week."""

    per_day: int
    days_per_week: int

    @property
    def sessions_per_week(self) -> int:
        """Prescribed sessions in a week."""
        return self.per_day * self.days_per_week


@dataclass(frozen=True)
class Progression:
    """How the dose grows when the rules say progress.

    ``step`` is added to reps (rep kinds), to hold seconds (hold kinds); for walking
    ``step_pct`` percent is added (and never more than Rules.walking_weekly_cap_pct).
    ``maximum`` caps reps, hold seconds, minutes or metres.
    """

    step: float | None
    step_pct: float | None
    maximum: float | None


@dataclass(frozen=True)
class Gate:
    """Do this exercise only when pain before <= max_pain_nrs (and no tingling); else do ``otherwise``.

    docs/clinical-terms.md §2: "Gentle hamstring stretches are allowed only when pain is minimal and
    there is no tingling; otherwise neural glides replace them."
    """

    max_pain_nrs: int
    no_tingling: bool
    otherwise: str | None


@dataclass(frozen=True)
class CustomMeasure:
    """The measure of an 'other' exercise: name, unit and target range."""

    name: str
    unit: str
    low: float
    high: float


@dataclass(frozen=True)
class Exercise:
    """One prescribed exercise of a phase; ``id`` is unique within the phase."""

    id: str
    kind: str
    dose: Dose
    frequency: Frequency
    tempo: Tempo | None = None
    targets: tuple[Target, ...] = ()
    progression: Progression | None = None
    gate: Gate | None = None
    alternative_only: bool = False
    custom_measure: CustomMeasure | None = None
    note: str = ""


@dataclass(frozen=True)
class Milestone:
    """A phase milestone: a registered measurement (program.measurements) reaching a value, e.g. walking_tolerance_m >= 1000.

    ``side`` ('left' or 'right') names the leg of a sided measurement (slr_peak_deg, side right); '' otherwise.
    """

    text: str
    measurement: str
    at_least: float | None
    at_most: float | None
    side: str = ""

    def met_by(self, value: float) -> bool:
        """Whether a measured ``value`` meets this milestone."""
        if self.at_least is not None and value < self.at_least:
            return False
        return not (self.at_most is not None and value > self.at_most)


@dataclass(frozen=True)
class Phase:
    """A phase: at least ``min_weeks`` weeks, left when all milestones are met."""

    name: str
    min_weeks: int
    milestones: tuple[Milestone, ...]
    exercises: tuple[Exercise, ...]

    def exercise(self, exercise_id: str) -> Exercise:
        """The exercise with this id."""
        for exercise in self.exercises:
            if exercise.id == exercise_id:
                return exercise
        raise KeyError(exercise_id)


@dataclass(frozen=True)
class Prescription:
    """A whole home program for one (pseudonymous) patient."""

    patient: str
    start_date: dt.date
    recheck_every_weeks: int
    baseline_pain_nrs: int
    rules: Rules
    phases: tuple[Phase, ...]
    source: str = ""

    def week_of(self, day: dt.date) -> int:
        """Program week (1-based, weeks start on ``start_date``'s weekday) of a calendar day."""
        return (day - self.start_date).days // 7 + 1

    def week_start(self, week: int) -> dt.date:
        """First day of program week ``week``."""
        return self.start_date + dt.timedelta(days=7 * (week - 1))


def load_prescription(path: str | Path) -> Prescription:
    """Read and validate a prescription YAML file; errors name file:line: field and what is allowed."""
    return _parse(load_yaml_nodes(Path(path)))


def parse_prescription(text: str, source: str = "<prescription>") -> Prescription:
    """Parse prescription YAML ``text``; ``source`` names it in errors."""
    return _parse(parse_yaml_text(text, source))


_TOP_KEYS = ("format", "patient", "start_date", "recheck_every_weeks", "baseline_pain_nrs", "rules", "phases", "note")


def _parse(top: Fields) -> Prescription:
    top.check_keys(_TOP_KEYS)
    fmt = top.text("format")
    if fmt != FORMAT:
        raise top.child("format").error(f"unknown format '{fmt}'", f"write 'format: {FORMAT}'")
    patient = check_pseudonym(top.text("patient"), where=top.child("patient").where())
    start_date = top.date("start_date")
    check_date(start_date, top.child("start_date").where())
    # docs/clinical-terms.md: "measured and adjusted at rechecks every 4-6 weeks"; 1-12 accepted for other programs.
    recheck_every_weeks = top.integer("recheck_every_weeks", minimum=1, maximum=12)
    baseline_pain_nrs = top.integer("baseline_pain_nrs", minimum=0, maximum=10)
    rules = _parse_rules(top.child("rules")) if top.has("rules") else Rules()
    phases_node = top.child("phases")
    phases = tuple(_parse_phase(node, rules) for node in phases_node.items())
    if not phases:
        raise phases_node.error("at least one phase is needed")
    names = [phase.name for phase in phases]
    for index, name in enumerate(names):
        if name in names[:index]:
            raise list(phases_node.items())[index].child("name").error(f"the phase name '{name}' is used twice", "give each phase its own name")
    return Prescription(
        patient=patient,
        start_date=start_date,
        recheck_every_weeks=recheck_every_weeks,
        baseline_pain_nrs=baseline_pain_nrs,
        rules=rules,
        phases=phases,
        source=top.source,
    )


def _parse_rules(node: Fields) -> Rules:
    default = Rules()
    node.check_keys(tuple(Rules.__dataclass_fields__))
    return Rules(
        flare_rise_nrs=node.integer("flare_rise_nrs", default=default.flare_rise_nrs, minimum=1, maximum=10),
        hold_rise_nrs=node.integer("hold_rise_nrs", default=default.hold_rise_nrs, minimum=1, maximum=10),
        shorten_above_baseline_nrs=node.integer("shorten_above_baseline_nrs", default=default.shorten_above_baseline_nrs, minimum=1, maximum=10),
        shorten_to_pct=node.number("shorten_to_pct", default=default.shorten_to_pct, minimum=10, maximum=100, unit="%"),
        walking_weekly_cap_pct=node.number("walking_weekly_cap_pct", default=default.walking_weekly_cap_pct, minimum=0, maximum=10, unit="%"),
        step_back_pct=node.number("step_back_pct", default=default.step_back_pct, minimum=0, maximum=90, unit="%"),
        pacing_limit_pct=node.number("pacing_limit_pct", default=default.pacing_limit_pct, minimum=100, maximum=400, unit="%"),
        complete_dose_pct=node.number("complete_dose_pct", default=default.complete_dose_pct, minimum=0, maximum=100, unit="%"),
    )


def _parse_phase(node: Fields, rules: Rules) -> Phase:
    node.check_keys(("name", "min_weeks", "milestones", "exercises", "note"))
    milestones = tuple(_parse_milestone(item) for item in node.child("milestones").items()) if node.has("milestones") else ()
    exercises_node = node.child("exercises")
    exercise_nodes = list(exercises_node.items())
    if not exercise_nodes:
        raise exercises_node.error("a phase needs at least one exercise")
    exercises = tuple(_parse_exercise(item, rules) for item in exercise_nodes)
    ids = [exercise.id for exercise in exercises]
    for index, exercise in enumerate(exercises):
        if exercise.id in ids[:index]:
            raise exercise_nodes[index].child("id").error(f"the exercise id '{exercise.id}' is used twice in this phase", "give each exercise its own id")
    for index, exercise in enumerate(exercises):
        if exercise.gate is not None and exercise.gate.otherwise is not None:
            if exercise.gate.otherwise not in ids:
                raise exercise_nodes[index].child("gate").child("otherwise").error(
                    f"no exercise '{exercise.gate.otherwise}' in this phase", f"name one of: {', '.join(ids)}"
                )
            if exercise.gate.otherwise == exercise.id:
                raise exercise_nodes[index].child("gate").child("otherwise").error("an exercise cannot replace itself")
    return Phase(
        name=node.text("name"),
        min_weeks=node.integer("min_weeks", default=1, minimum=1, maximum=52),
        milestones=milestones,
        exercises=exercises,
    )


def _parse_milestone(node: Fields) -> Milestone:
    node.check_keys(("text", "measurement", "side", "at_least", "at_most"))
    at_least = node.number("at_least") if node.has("at_least") else None
    at_most = node.number("at_most") if node.has("at_most") else None
    if at_least is None and at_most is None:
        raise node.error("a milestone needs 'at_least' or 'at_most'", "e.g. measurement: walking_tolerance_m, at_least: 1000")
    measurement = node.text("measurement")
    found = quantity(measurement)
    if found is None or found.scope != MEASUREMENT:
        raise node.child("measurement").error(f"'{measurement}' is not a registered measurement", suggestion(measurement, MEASUREMENT))
    side = node.text("side", choices=SIDES) if node.has("side") else ""
    if found.sided and not side:
        raise node.child("measurement").error(f"'{measurement}' is measured per side; the milestone must name the side", "add side: left or side: right")
    if side and not found.sided:
        raise node.child("side").error(f"'{measurement}' has no side", "remove side")
    return Milestone(text=node.text("text"), measurement=measurement, at_least=at_least, at_most=at_most, side=side)


_EXERCISE_KEYS = ("id", "kind", "dose", "tempo", "targets", "frequency", "progression", "gate", "alternative_only", "measure", "note")


def _parse_exercise(node: Fields, rules: Rules) -> Exercise:
    node.check_keys(_EXERCISE_KEYS)
    exercise_id = node.text("id")
    if not exercise_id.replace("_", "").replace("-", "").isalnum():
        raise node.child("id").error(f"'{exercise_id}' is not a simple id", "use letters, digits, '-' and '_' only")
    kind = node.text("kind", choices=KINDS)
    dose = _parse_dose(node.child("dose"), kind)
    custom = None
    if kind == OTHER_KIND:
        custom = _parse_custom_measure(node.child("measure"))
    elif node.has("measure"):
        raise node.child("measure").error("'measure' is only for kind: other", "remove it; the built-in measures are used")
    tempo = _parse_tempo(node.child("tempo")) if node.has("tempo") else None
    if tempo is not None and dose.reps is None:
        raise node.child("tempo").error("tempo applies to repetitions only", "remove tempo for holds and walking")
    targets = _parse_targets(node.child("targets")) if node.has("targets") else ()
    progression = _parse_progression(node.child("progression"), kind, dose, rules) if node.has("progression") else None
    return Exercise(
        id=exercise_id,
        kind=kind,
        dose=dose,
        frequency=_parse_frequency(node.child("frequency")),
        tempo=tempo,
        targets=targets,
        progression=progression,
        gate=_parse_gate(node.child("gate")) if node.has("gate") else None,
        alternative_only=node.flag("alternative_only", default=False),
        custom_measure=custom,
        note=node.text("note", default=""),
    )


def _parse_dose(node: Fields, kind: str) -> Dose:
    node.require_mapping()
    if kind in WALK_KINDS:
        node.check_keys(("minutes", "metres"))
        has_minutes, has_metres = node.has("minutes"), node.has("metres")
        if has_minutes == has_metres:
            raise node.error("walking is dosed in either 'minutes' or 'metres' per session", "write one of them, e.g. minutes: 15")
        if has_minutes:
            return Dose(sets=1, minutes=node.number("minutes", minimum=1, maximum=240, unit="min"))
        return Dose(sets=1, metres=node.number("metres", minimum=50, maximum=20000, unit="m"))
    if kind in REP_KINDS:
        node.check_keys(("sets", "reps"))
        return Dose(sets=node.integer("sets", minimum=1, maximum=10), reps=node.integer("reps", minimum=1, maximum=100))
    if kind in HOLD_KINDS:
        node.check_keys(("sets", "hold_s"))
        return Dose(sets=node.integer("sets", minimum=1, maximum=10), hold_s=node.number("hold_s", minimum=1, maximum=600, unit="s"))
    node.check_keys(("sets", "reps", "hold_s"))
    if node.has("reps") == node.has("hold_s"):
        raise node.error("an 'other' exercise is dosed as sets x reps or sets x hold_s", "write reps or hold_s, not both")
    sets = node.integer("sets", minimum=1, maximum=10)
    if node.has("reps"):
        return Dose(sets=sets, reps=node.integer("reps", minimum=1, maximum=100))
    return Dose(sets=sets, hold_s=node.number("hold_s", minimum=1, maximum=600, unit="s"))


def _parse_tempo(node: Fields) -> Tempo:
    node.check_keys(("eccentric_s", "pause_s", "concentric_s"))
    return Tempo(
        eccentric_s=node.number("eccentric_s", minimum=0.5, maximum=10, unit="s"),
        pause_s=node.number("pause_s", default=0.0, minimum=0, maximum=10, unit="s"),
        concentric_s=node.number("concentric_s", minimum=0.5, maximum=10, unit="s"),
    )


def _check_unit_suffix(node: Fields, name: str) -> None:
    if not name.endswith(TARGET_UNIT_SUFFIXES):
        raise node.error(f"'{name}' does not end with a unit", f"end the name with one of {', '.join(TARGET_UNIT_SUFFIXES)}, e.g. trunk_inclination_deg")


def _parse_targets(node: Fields) -> tuple[Target, ...]:
    targets = []
    for name in node.keys():
        field = node.child(name)
        found = quantity(name)
        if found is None or found.scope != REPETITION:
            raise field.error(f"'{name}' is not a registered repetition value for a target", suggestion(name, REPETITION))
        try:
            low_node, high_node = list(field.items())
        except ValueError:
            raise field.error("a target is a range of two numbers", "write it as [low, high], e.g. [20, 40]") from None
        low, high = low_node.value(), high_node.value()
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (low, high)):
            raise field.error(f"a target range needs two numbers, got [{low!r}, {high!r}]", "write it as [low, high]")
        if low > high:
            raise field.error(f"the range [{low}, {high}] is upside down", f"write [{high}, {low}]")
        targets.append(Target(name=name, low=float(low), high=float(high)))
    return tuple(targets)


def _parse_frequency(node: Fields) -> Frequency:
    node.check_keys(("per_day", "days_per_week"))
    return Frequency(per_day=node.integer("per_day", default=1, minimum=1, maximum=6), days_per_week=node.integer("days_per_week", minimum=1, maximum=7))


def _parse_progression(node: Fields, kind: str, dose: Dose, rules: Rules) -> Progression:
    if kind in WALK_KINDS:
        node.check_keys(("step_pct", "maximum"))
        step_pct = node.number("step_pct", default=rules.walking_weekly_cap_pct, minimum=0, unit="%")
        if step_pct > rules.walking_weekly_cap_pct:
            raise node.child("step_pct").error(
                f"walking may rise by at most {rules.walking_weekly_cap_pct:g} % a week (rules.walking_weekly_cap_pct)",
                f"use step_pct of at most {rules.walking_weekly_cap_pct:g}",
            )
        maximum = node.number("maximum", minimum=dose.quantity, unit=dose.unit) if node.has("maximum") else None
        return Progression(step=None, step_pct=step_pct, maximum=maximum)
    node.check_keys(("step", "maximum"))
    per_unit = "reps" if dose.reps is not None else "s"
    current = dose.reps if dose.reps is not None else dose.hold_s
    step = node.number("step", minimum=1, maximum=100, integer=dose.reps is not None, unit=per_unit)
    maximum = node.number("maximum", minimum=float(current or 0), integer=dose.reps is not None, unit=per_unit)
    return Progression(step=step, step_pct=None, maximum=maximum)


def _parse_gate(node: Fields) -> Gate:
    node.check_keys(("max_pain_nrs", "no_tingling", "otherwise"))
    return Gate(
        max_pain_nrs=node.integer("max_pain_nrs", minimum=0, maximum=10),
        no_tingling=node.flag("no_tingling", default=True),
        otherwise=node.text("otherwise") if node.has("otherwise") else None,
    )


def _parse_custom_measure(node: Fields) -> CustomMeasure:
    node.check_keys(("name", "unit", "target"))
    name = node.text("name")
    _check_unit_suffix(node.child("name"), name)
    target = node.child("target")
    try:
        low_node, high_node = list(target.items())
    except ValueError:
        raise target.error("the target is a range of two numbers", "write it as [low, high]") from None
    low, high = low_node.value(), high_node.value()
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (low, high)) or low > high:
        raise target.error(f"the target must be [low, high] with low <= high, got [{low!r}, {high!r}]")
    return CustomMeasure(name=name, unit=node.text("unit"), low=float(low), high=float(high))


def check_patient_id(patient: str) -> str:
    """Validate a pseudonymous patient id (motionrehab.pseudonym: 1-40 of A-Z a-z 0-9 - _, no date); returns it."""
    return check_pseudonym(patient)
