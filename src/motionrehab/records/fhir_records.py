"""A patient's stored record as a FHIR R4 Bundle file (built by records.fhir_export).

What becomes an Observation (codes and their systems: records.fhir_export, docs/records.md):

- measurements: each under its registered name (program.measurements), a sided one with
  the limb as bodySite: ``slr_peak_deg`` (side right) -> SLR peak, right lower limb;
  ``walking_tolerance_m`` -> walking tolerance; ``cadence_steps_per_min``,
  ``gait_speed_m_per_s``, ``hinge_trunk_inclination_deg`` ... -> that kind (the trial SD
  and symptom-marker times are not exported);
- sessions: metres walked in each session -> walking distance;
- check-ins: pain NRS (LOINC 72514-3);
- questionnaires: NRS (LOINC 72514-3), ODI (LOINC 97909-6), LEFS and PSFS (local codes);
- weekly adherence composite (local code), dated the last day of its week.

A measurement with no code is left out and named in the result (never silently dropped).
The store keeps local wall-clock times without a zone; they are exported in this
computer's time zone (``datetime.astimezone``), which is where the sessions were recorded.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from motionrehab._files import child_path, make_private_dir, warn_if_shared, write_private_text
from motionrehab.program.measurements import canonical
from motionrehab.records.export import PatientRecord, read_record
from motionrehab.records.fhir_export import (
    ClinicalObservation,
    build_fhir_bundle,
    observation_code,
)
from motionrehab.records.store import SessionStore

#: questionnaire instrument (store) -> observation kind
PROM_KINDS = {"NRS": "pain_nrs", "ODI": "odi", "LEFS": "lefs", "PSFS": "psfs"}


@dataclass(frozen=True)
class FhirExport:
    """The Bundle file written: how many Observations of each kind, and the measurement names left out (no code)."""

    path: Path
    n_observations: int
    counts: tuple[tuple[str, int], ...]
    not_exported: tuple[str, ...]


def _aware(at: dt.datetime) -> dt.datetime:
    return at if at.tzinfo is not None else at.astimezone()


def measurement_kind(name: str, side: str) -> tuple[str, str | None] | None:
    """(observation kind, side) of a stored measurement (its registered name, program.measurements), or None when it has no code."""
    name, side = canonical(name, side)
    if observation_code(name) is not None:
        return name, side if side in ("left", "right") else None
    return None


def record_observations(record: PatientRecord) -> tuple[list[ClinicalObservation], list[str]]:
    """The record's Observations (time order within each source) and the measurement names left out."""
    observations: list[ClinicalObservation] = []
    left_out: set[str] = set()
    for index, m in enumerate(record.measurements):
        mapped = measurement_kind(m.measure, m.side)
        if mapped is None:
            left_out.add(m.measure)
            continue
        kind, side = mapped
        observations.append(ClinicalObservation(kind, m.value, _aware(m.at), side=side, method="measured", key=f"m{index}"))
    walked: dict[int, float] = defaultdict(float)
    for e in record.exercises:
        walked[e.session_id] += e.walked_m
    for s in record.sessions:
        if walked[s.session_id] > 0:
            observations.append(ClinicalObservation("walking_distance_m", walked[s.session_id], _aware(s.started_at), method="session log", key=f"s{s.session_id}"))
    for c in record.checkins:
        observations.append(ClinicalObservation("pain_nrs", c.pain_nrs, _aware(c.at), method="patient_reported", key=f"c{c.checkin_id}"))
    for index, p in enumerate(record.proms):
        if p.instrument in PROM_KINDS:
            observations.append(ClinicalObservation(PROM_KINDS[p.instrument], p.score_points, _aware(p.at), method="patient_reported", key=f"p{index}"))
        else:
            left_out.add(p.instrument)
    for a in record.adherence:
        week_end = dt.datetime.combine(a.week_start + dt.timedelta(days=6), dt.time(23, 59))
        observations.append(ClinicalObservation("adherence_score", a.composite_0_100, _aware(week_end), method="motionrehab adherence score", key=f"a{a.week}"))
    return observations, sorted(left_out)


def write_fhir_bundle(store: SessionStore, patient: str, folder: str | os.PathLike[str], *, since: dt.date | None, generated: dt.datetime) -> FhirExport:
    """Write ``<folder>/<pseudonym>_fhir_bundle.json``: the Patient (pseudonym only) and its Observations, validated."""
    record = read_record(store, patient, since=since)
    observations, left_out = record_observations(record)
    bundle = build_fhir_bundle(patient, observations, generated=generated)
    out = make_private_dir(folder)
    warn_if_shared(out)
    path = child_path(out, f"{patient}_fhir_bundle.json")
    write_private_text(path, bundle.model_dump_json(exclude_none=True, indent=1) + "\n")
    counts = Counter(o.kind for o in observations)
    return FhirExport(path, len(observations), tuple(sorted(counts.items())), tuple(left_out))
