"""The vocabulary of measurements: every quantity motionrehab can store, registered once.

Each :class:`Quantity` has one name (ending with its unit), its unit, whether it is
measured per side (then it is stored once per side, ``side='left'|'right'``, and a
milestone on it names the side), which direction is an improvement, and where the
threshold for a real change comes from (MDC95 for measured values, docs/clinical-terms.md section 5:
SEM = SD x sqrt(1 - ICC), MDC95 = 1.96 x sqrt(2) x SEM; the project computes the SEM from
the patient's own repeat measurements, see records.recheck).

Two scopes:

* ``measurement``: a value stored for a patient on a day (a visit, a session, a walk):
  what milestones are written on, what the report trends and the exports carry.
* ``repetition``: a value of one repetition or hold judged by a measure (the names a
  prescription's ``targets`` use, e.g. ``trunk_inclination_deg: [20, 40]``).

Who uses it: the prescription parser (a milestone or target name must be registered;
the nearest registered name is suggested), the session store (a measurement name must be
registered, sided ones need a side), the recheck report (labels, units, direction) and the
CSV/FHIR exports (names). A new measure registers its quantities here with
:func:`register` (one call each) before it stores them.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from motionrehab.errors import InvalidDataError

HIGHER = "higher"
LOWER = "lower"
NEITHER = "neither"
MEASUREMENT = "measurement"
REPETITION = "repetition"
SIDES = ("left", "right")

MDC_OWN_TRIALS = "MDC95 from the patient's own trial SD of the two compared visits (1.96 x sqrt(2) x SEM; measures.slr)"
MDC_OWN_REPEATS = "MDC95 from the patient's own repeat measurements in the 7 days up to each compared day (records.recheck)"
NO_CHANGE_JUDGED = "not judged: a descriptive value, not an outcome"


@dataclass(frozen=True)
class Quantity:
    """One storable quantity.

    Attributes:
        name: the registered name; ends with its unit (``slr_peak_deg``).
        unit: the unit as printed ('deg', 'm', 's', '%', 'steps/min', ...).
        label: plain words for reports ('Straight leg raise, peak').
        sided: measured per leg; stored with side 'left' or 'right', and milestones name the side.
        better: 'higher', 'lower' or 'neither' (no direction of improvement).
        scope: 'measurement' (stored per day) or 'repetition' (per repetition; prescription targets).
        change_threshold: how a real change is judged (MDC95 source), or why it is not.
    """

    name: str
    unit: str
    label: str
    sided: bool
    better: str
    scope: str
    change_threshold: str

    def describe(self, side: str = "") -> str:
        """'Straight leg raise, peak (right, deg)'."""
        return f"{self.label} ({side + ', ' if side else ''}{self.unit})"


_REGISTRY: dict[str, Quantity] = {}


def register(name: str, unit: str, label: str, *, sided: bool = False, better: str = HIGHER, scope: str = MEASUREMENT,
             change_threshold: str = MDC_OWN_REPEATS) -> Quantity:  # fmt: skip
    """Register a quantity (once per name; registering the same definition again is a no-op)."""
    if better not in (HIGHER, LOWER, NEITHER) or scope not in (MEASUREMENT, REPETITION):
        raise ValueError(f"bad definition of {name}: better={better!r}, scope={scope!r}")
    quantity = Quantity(name, unit, label, sided, better, scope, change_threshold)
    known = _REGISTRY.get(name)
    if known is not None and known != quantity:
        raise ValueError(f"the quantity {name!r} is already registered differently: {known}")
    _REGISTRY[name] = quantity
    return quantity


# -- measurements (stored per day) ----------------------------------------------------------
register("slr_peak_deg", "deg", "Straight leg raise, peak", sided=True, change_threshold=MDC_OWN_TRIALS)
register("slr_peak_sd_deg", "deg", "Straight leg raise, SD of the trials", sided=True, better=NEITHER, change_threshold=NO_CHANGE_JUDGED)
register("slr_onset_deg", "deg", "Straight leg raise, angle at symptom onset", sided=True, change_threshold=MDC_OWN_TRIALS)
register("slump_knee_extension_deficit_deg", "deg", "Slump test, knee extension deficit at symptom onset (neck flexed)", sided=True, better=LOWER)
register("slump_released_knee_extension_deficit_deg", "deg", "Slump test, knee extension deficit at symptom onset (neck released)", sided=True, better=LOWER)
register("slump_differentiation_deg", "deg", "Slump test, deficit change when the neck is released", sided=True, better=NEITHER, change_threshold=NO_CHANGE_JUDGED)
# Hip range of motion measured in clinic with a goniometer (entered by hand in the web view), per side.
for _movement in ("flexion", "extension", "abduction", "adduction", "internal_rotation", "external_rotation"):
    register(f"hip_{_movement}_rom_deg", "deg", f"Hip range of motion, {_movement.replace('_', ' ')}", sided=True)
register("hinge_trunk_inclination_deg", "deg", "Hip hinge, deepest trunk inclination of a repetition without faults")
register("hinge_hip_flexion_deg", "deg", "Hip hinge, deepest hip flexion of a repetition without faults")
register("hinge_form_score_pct", "%", "Hip hinge, set score")
register("hinge_lumbar_flexion_change_deg", "deg", "Hip hinge, largest lumbar flexion change from standing (trunk sensors)", better=LOWER)
register("gait_steps_count", "steps", "Steps in the walk", better=NEITHER, change_threshold=NO_CHANGE_JUDGED)
register("cadence_steps_per_min", "steps/min", "Cadence")
register("gait_speed_m_per_s", "m/s", "Walking speed")
register("stride_length_m", "m", "Stride length, mean")
register("stride_time_cv_pct", "%", "Stride time variability (CV)", better=LOWER)
register("symmetry_index_pct", "%", "Gait symmetry index (0 = symmetric)", better=LOWER)
register("walking_distance_m", "m", "Walking distance of one walk")
register("walking_tolerance_m", "m", "Walking tolerance: distance walked before pain (the whole walk when pain-free)")
register("walking_tolerance_s", "s", "Walking tolerance: time walked before pain (the whole walk when pain-free)")
register("symptom_onset_s", "s", "Symptom marked during a session (time into the recording)", better=NEITHER, change_threshold=NO_CHANGE_JUDGED)

# -- repetition values (prescription targets) -----------------------------------------------
register("trunk_inclination_deg", "deg", "Trunk inclination at the bottom of a repetition", scope=REPETITION)
register("hip_flexion_deg", "deg", "Hip flexion at the bottom or peak of a repetition", scope=REPETITION)
register("knee_flexion_deg", "deg", "Knee flexion at the bottom of a repetition", scope=REPETITION)
register("knee_extension_deg", "deg", "Knee extension reached in a repetition", scope=REPETITION)
register("hip_sag_deg", "deg", "Hip sag during a hold (0 = straight line)", better=LOWER, scope=REPETITION)
register("hip_extension_deg", "deg", "Hip extension at the top of a repetition", scope=REPETITION)

LEGACY_NAMES: dict[str, tuple[str, str]] = {
    "slr_left_deg": ("slr_peak_deg", "left"),
    "slr_right_deg": ("slr_peak_deg", "right"),
    "slr_onset_left_deg": ("slr_onset_deg", "left"),
    "slr_onset_right_deg": ("slr_onset_deg", "right"),
    "walking_pain_free_m": ("walking_tolerance_m", ""),
    "steps": ("gait_steps_count", ""),
}
"""Names used before the vocabulary existed -> (registered name, side). Stores are migrated; prescriptions must be rewritten."""


def quantity(name: str) -> Quantity | None:
    """The registered quantity called ``name``, or None."""
    return _REGISTRY.get(name)


def quantities(scope: str | None = None) -> tuple[Quantity, ...]:
    """Every registered quantity (of ``scope`` if given), sorted by name."""
    return tuple(q for _, q in sorted(_REGISTRY.items()) if scope is None or q.scope == scope)


def suggestion(name: str, scope: str | None = None, extra: tuple[str, ...] = ()) -> str:
    """How to fix an unknown ``name``: the renamed form of a legacy name, or the nearest registered names."""
    if name in LEGACY_NAMES:
        new, side = LEGACY_NAMES[name]
        return f"'{name}' is now '{new}'" + (f" with side: {side}" if side else "")
    names = [q.name for q in quantities(scope)] + list(extra)
    near = difflib.get_close_matches(name.lower(), names, n=3, cutoff=0.5)
    if near:
        return "did you mean " + " or ".join(f"'{n}'" for n in near) + "?"
    return "known: " + ", ".join(names)


def check_measurement(name: str, side: str = "", *, where: str = "measurement") -> Quantity:
    """The registered measurement ``name``; raises InvalidDataError (with the nearest names) if unknown or the side is wrong."""
    found = _REGISTRY.get(name)
    if found is None or found.scope != MEASUREMENT:
        raise InvalidDataError(f"'{name}' is not a registered measurement", where=where, fix=suggestion(name, MEASUREMENT))
    check_side(found, side, where=where)
    return found


def check_side(found: Quantity, side: str, *, where: str) -> None:
    """A sided quantity needs side 'left' or 'right'; an unsided one takes none."""
    if found.sided and side not in SIDES:
        raise InvalidDataError(f"'{found.name}' is measured per side; the side is missing" + (f" (got '{side}')" if side else ""),
                               where=where, fix="give side: left or side: right")  # fmt: skip
    if not found.sided and side:
        raise InvalidDataError(f"'{found.name}' has no side (got '{side}')", where=where, fix="remove the side")


def canonical(name: str, side: str = "") -> tuple[str, str]:
    """(registered name, side) of a stored or legacy name: ``slr_right_deg`` -> (``slr_peak_deg``, ``right``)."""
    if name in LEGACY_NAMES:
        new, legacy_side = LEGACY_NAMES[name]
        return new, legacy_side or side
    return name, side
