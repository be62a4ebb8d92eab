"""FHIR R4 export: a Bundle of Observations about a pseudonymous Patient.

Built and validated with the maintained ``fhir.resources`` model library. Its models are
FHIR R4B (4.3.0); for the resources used here (Bundle, Patient, Observation with
valueQuantity, category, bodySite, method, component) R4B is wire-compatible with R4
(4.0.1): no element used here changed between the two.

Privacy: the Patient carries only the pseudonym, as an identifier in the system
``urn:motionrehab:pseudonym``; no name, birth date, address, photo, video or free text.
Resource ids are UUIDs derived (uuid5) from the pseudonym and the observation, so an
export is reproducible and reveals nothing.

Codes (what we used, and why)
- LOINC where a code exists for exactly what we measure (checked against loinc.org):
  72514-3 "Pain severity - 0-10 verbal numeric rating [Score] - Reported" (pain NRS);
  97909-6 "Oswestry disability index score ODI" (ODI, 0-100 %).
- SNOMED CT body structures for the side of a limb measure: 32153003 "Structure of left
  lower limb", 62175007 "Structure of right lower limb".
- Everything else (SLR angle, hip-hinge trunk inclination, gait parameters, walking
  distance and tolerance, LEFS, PSFS, adherence) has no LOINC code for a *session-level* measurement of this kind (the
  LOINC gait-speed codes we found are tied to specific timed tests such as the NIH
  4-metre walk, and step counts to 24-hour totals), so they use local codes in the
  documented code system ``urn:motionrehab:codes`` (docs/records.md lists them).
- Units are UCUM (``http://unitsofmeasure.org``): ``deg``, ``m``, ``m/s``, ``/min``,
  ``%``, ``{score}``, ``{steps}``, ``s``.
- Categories from ``http://terminology.hl7.org/CodeSystem/observation-category``:
  ``exam`` (clinic measures), ``activity`` (walking, gait, adherence), ``survey`` (PROMs, pain).
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fhir.resources.R4B.bundle import Bundle

from motionrehab.errors import InvalidDataError
from motionrehab.program.measurements import MEASUREMENT, quantities, quantity

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
UCUM = "http://unitsofmeasure.org"
LOCAL_CODES = "urn:motionrehab:codes"
PSEUDONYM_SYSTEM = "urn:motionrehab:pseudonym"
CATEGORY_SYSTEM = "http://terminology.hl7.org/CodeSystem/observation-category"
_NAMESPACE = uuid.UUID("6f1c3b1e-4d7a-5b1f-9a53-2d1f6c0b9e11")


@dataclass(frozen=True)
class ObservationCode:
    """How one kind of measurement is coded in FHIR.

    Attributes:
        system: code system URI (LOINC or the local system).
        code: the code.
        display: human-readable name.
        unit: UCUM unit code of the value.
        category: observation-category code ('exam', 'activity', 'survey').
    """

    system: str
    code: str
    display: str
    unit: str
    category: str


#: every kind of observation motionrehab exports, by our name for it
OBSERVATION_CODES: dict[str, ObservationCode] = {
    "pain_nrs": ObservationCode(LOINC, "72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported", "{score}", "survey"),
    "odi": ObservationCode(LOINC, "97909-6", "Oswestry disability index score ODI", "%", "survey"),
    "lefs": ObservationCode(LOCAL_CODES, "lefs-total", "Lower Extremity Functional Scale total (0-80)", "{score}", "survey"),
    "psfs": ObservationCode(LOCAL_CODES, "psfs-mean", "Patient-Specific Functional Scale mean (0-10)", "{score}", "survey"),
    "slr_peak_deg": ObservationCode(LOCAL_CODES, "slr-peak", "Straight leg raise, peak hip flexion angle", "deg", "exam"),
    "slr_onset_deg": ObservationCode(LOCAL_CODES, "slr-onset", "Straight leg raise, angle at symptom onset", "deg", "exam"),
    "slump_knee_extension_deficit_deg": ObservationCode(LOCAL_CODES, "slump-deficit", "Slump test, knee extension deficit at symptom onset", "deg", "exam"),
    "walking_distance_m": ObservationCode(LOCAL_CODES, "walking-distance", "Walking distance in a session", "m", "activity"),
    "walking_tolerance_m": ObservationCode(LOCAL_CODES, "walking-tolerance", "Distance walked before symptom onset", "m", "activity"),
    "cadence_steps_per_min": ObservationCode(LOCAL_CODES, "gait-cadence", "Cadence", "/min", "activity"),
    "gait_speed_m_per_s": ObservationCode(LOCAL_CODES, "gait-speed", "Walking speed", "m/s", "activity"),
    "stride_length_m": ObservationCode(LOCAL_CODES, "stride-length", "Mean stride length", "m", "activity"),
    "gait_steps_count": ObservationCode(LOCAL_CODES, "step-count", "Steps in the walk", "{steps}", "activity"),
    "stride_time_cv_pct": ObservationCode(LOCAL_CODES, "stride-time-cv", "Stride time coefficient of variation", "%", "activity"),
    "symmetry_index_pct": ObservationCode(LOCAL_CODES, "gait-symmetry-index", "Gait symmetry index", "%", "activity"),
    "hinge_trunk_inclination_deg": ObservationCode(LOCAL_CODES, "hinge-trunk-inclination", "Hip hinge, trunk inclination reached with a neutral spine", "deg", "exam"),
    "adherence_score": ObservationCode(LOCAL_CODES, "adherence-composite", "Home program adherence, composite (0-100)", "{score}", "activity"),
}

_UCUM = {"deg": "deg", "m": "m", "s": "s", "%": "%", "min": "min", "steps/min": "/min", "m/s": "m/s", "steps": "{steps}"}
_NOT_OBSERVATIONS = ("slr_peak_sd_deg", "symptom_onset_s")  # a trial SD and a time into a recording are not outcomes


def observation_code(kind: str) -> ObservationCode | None:
    """The code of an observation kind: a standard one above, else a local code named after a registered measurement.

    Looked up at each call, so a measurement registered after this module was imported
    (an exercise module loaded later) is coded too. None for an unknown name and for the
    registered values that are not outcomes (a trial SD, a time into a recording).
    """
    if kind in OBSERVATION_CODES:
        return OBSERVATION_CODES[kind]
    q = quantity(kind)
    if q is None or q.scope != MEASUREMENT or kind in _NOT_OBSERVATIONS:
        return None
    category = "exam" if kind.startswith(("slr_", "slump_", "hinge_")) else "activity"
    return ObservationCode(LOCAL_CODES, kind.replace("_", "-"), q.label, _UCUM.get(q.unit, q.unit), category)


def observation_kinds() -> tuple[str, ...]:
    """Every kind that has a code now (standard first, then the registered measurements)."""
    return (*OBSERVATION_CODES, *(q.name for q in quantities(MEASUREMENT) if q.name not in OBSERVATION_CODES and observation_code(q.name)))


#: SNOMED CT body structure of each side's lower limb
LIMB_SITES: dict[str, tuple[str, str]] = {
    "left": ("32153003", "Structure of left lower limb"),
    "right": ("62175007", "Structure of right lower limb"),
}


@dataclass(frozen=True)
class ClinicalObservation:
    """One measured or reported value to export.

    Attributes:
        kind: a key of OBSERVATION_CODES (e.g. 'slr_peak_deg', 'pain_nrs').
        value: the value in the kind's unit.
        effective: when it was measured (timezone-aware).
        side: 'left' or 'right' for limb measures, None otherwise.
        method: how it was measured ('camera', 'shin_sensor', 'foot_imu', 'footpod',
            'lower_back_imu', 'patient_reported', ...), exported as Observation.method text.
        key: a stable identifier of the observation within the patient's record (e.g. the
            store's row id), used only to derive a reproducible resource id.
    """

    kind: str
    value: float
    effective: datetime
    side: str | None = None
    method: str = ""
    key: str = ""

    def __post_init__(self) -> None:
        if observation_code(self.kind) is None:
            raise InvalidDataError(
                f"unknown observation kind {self.kind!r}",
                where="FHIR export",
                fix=f"use one of {', '.join(observation_kinds())}",
            )
        if not math.isfinite(self.value):
            raise InvalidDataError(f"{self.kind} value is not a finite number ({self.value!r})", where="FHIR export")
        if self.effective.tzinfo is None:
            raise InvalidDataError(
                f"{self.kind} time {self.effective.isoformat()} has no time zone",
                where="FHIR export",
                fix="store times as timezone-aware datetimes (UTC)",
            )
        if self.side not in (None, "left", "right"):
            raise InvalidDataError(f"side must be 'left', 'right' or None, got {self.side!r}", where="FHIR export")


def _resource_id(*parts: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, "|".join(parts)))


def _patient(pseudonym: str) -> dict[str, Any]:
    return {
        "resourceType": "Patient",
        "id": _resource_id("patient", pseudonym),
        "identifier": [{"system": PSEUDONYM_SYSTEM, "value": pseudonym}],
    }


def _observation(observation: ClinicalObservation, patient_ref: str, pseudonym: str, index: int) -> dict[str, Any]:
    code = observation_code(observation.kind)
    assert code is not None  # checked when the observation was made
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "id": _resource_id("observation", pseudonym, observation.kind, observation.key or str(index), observation.effective.isoformat()),
        "status": "final",
        "category": [{"coding": [{"system": CATEGORY_SYSTEM, "code": code.category}]}],
        "code": {"coding": [{"system": code.system, "code": code.code, "display": code.display}], "text": code.display},
        "subject": {"reference": patient_ref},
        "effectiveDateTime": observation.effective.isoformat(),
        "valueQuantity": {"value": float(observation.value), "unit": code.unit, "system": UCUM, "code": code.unit},
    }
    if observation.side is not None:
        site_code, site_display = LIMB_SITES[observation.side]
        resource["bodySite"] = {"coding": [{"system": SNOMED, "code": site_code, "display": site_display}]}
    if observation.method:
        resource["method"] = {"text": observation.method}
    return resource


def build_fhir_bundle(pseudonym: str, observations: Iterable[ClinicalObservation], *, generated: datetime) -> Bundle:
    """A FHIR collection Bundle: the pseudonymous Patient, then one Observation per value.

    Args:
        pseudonym: the patient's pseudonymous id (never a name).
        observations: the values to export.
        generated: when the export was made (timezone-aware); the Bundle's timestamp.

    Returns:
        A ``fhir.resources`` Bundle, validated by the library on construction.
    """
    if not pseudonym or pseudonym != pseudonym.strip():
        raise InvalidDataError(f"invalid patient pseudonym {pseudonym!r}", where="FHIR export")
    patient = _patient(pseudonym)
    patient_ref = f"urn:uuid:{patient['id']}"
    entries = [{"fullUrl": patient_ref, "resource": patient}]
    for index, observation in enumerate(observations):
        resource = _observation(observation, patient_ref, pseudonym, index)
        entries.append({"fullUrl": f"urn:uuid:{resource['id']}", "resource": resource})
    bundle = {
        "resourceType": "Bundle",
        "id": _resource_id("bundle", pseudonym, generated.isoformat()),
        "type": "collection",
        "timestamp": generated.isoformat(),
        "entry": entries,
    }
    return Bundle.model_validate(bundle)
