"""The FHIR bundle validates with fhir.resources, codes are right, and nothing identifies the patient."""

import json
from datetime import datetime, timezone

import pytest
from fhir.resources.R4B.bundle import Bundle

from motionrehab.errors import InvalidDataError
from motionrehab.records.fhir_export import ClinicalObservation, build_fhir_bundle

WHEN = datetime(2026, 11, 2, 9, 30, tzinfo=timezone.utc)


def sample() -> list[ClinicalObservation]:
    return [
        ClinicalObservation("slr_peak_deg", 62.5, WHEN, side="left", method="camera", key="m1"),
        ClinicalObservation("slr_peak_deg", 71.0, WHEN, side="right", method="camera", key="m2"),
        ClinicalObservation("pain_nrs", 4, WHEN, method="patient_reported", key="c1"),
        ClinicalObservation("odi", 28.0, WHEN, method="patient_reported", key="p1"),
        ClinicalObservation("walking_distance_m", 1240.0, WHEN, method="foot_imu", key="w1"),
        ClinicalObservation("cadence_steps_per_min", 108.0, WHEN, method="foot_imu", key="g1"),
    ]


def test_bundle_validates_and_round_trips_through_the_model_library():
    bundle = build_fhir_bundle("PT-7F3A", sample(), generated=WHEN)
    text = bundle.model_dump_json(exclude_none=True)
    again = Bundle.model_validate_json(text)
    assert again.type == "collection"
    assert len(again.entry) == 7
    data = json.loads(text)
    patient = data["entry"][0]["resource"]
    assert patient["resourceType"] == "Patient"
    assert set(patient) == {"resourceType", "id", "identifier"}  # no name, birth date, address, photo
    assert patient["identifier"][0]["value"] == "PT-7F3A"
    observations = [e["resource"] for e in data["entry"][1:]]
    assert all(o["subject"]["reference"] == data["entry"][0]["fullUrl"] for o in observations)
    pain = observations[2]
    assert pain["code"]["coding"][0] == {
        "system": "http://loinc.org", "code": "72514-3",
        "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
    }
    assert observations[3]["code"]["coding"][0]["code"] == "97909-6"
    left = observations[0]
    assert left["valueQuantity"] == {"value": 62.5, "unit": "deg", "system": "http://unitsofmeasure.org", "code": "deg"}
    assert left["bodySite"]["coding"][0]["code"] == "32153003"
    assert observations[1]["bodySite"]["coding"][0]["code"] == "62175007"
    assert observations[4]["category"][0]["coding"][0]["code"] == "activity"


def test_export_is_reproducible_and_ids_are_unique():
    first = build_fhir_bundle("PT-7F3A", sample(), generated=WHEN).model_dump_json()
    second = build_fhir_bundle("PT-7F3A", sample(), generated=WHEN).model_dump_json()
    assert first == second
    ids = [e["resource"]["id"] for e in json.loads(first)["entry"]]
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": "slr", "value": 1.0, "effective": WHEN}, "unknown observation kind 'slr'"),
        ({"kind": "pain_nrs", "value": float("nan"), "effective": WHEN}, "not a finite number"),
        ({"kind": "pain_nrs", "value": 3.0, "effective": datetime(2026, 1, 1)}, "no time zone"),
        ({"kind": "slr_peak_deg", "value": 3.0, "effective": WHEN, "side": "both"}, "side must be"),
    ],
)
def test_bad_observations_are_refused(kwargs, message):
    with pytest.raises(InvalidDataError, match=message):
        ClinicalObservation(**kwargs)


def test_a_measurement_registered_after_the_import_is_exported_with_a_local_code(monkeypatch):
    # An exercise module can register its measurement after records.fhir_export was imported.
    from motionrehab.program import measurements
    from motionrehab.records.fhir_export import LOCAL_CODES, observation_code, observation_kinds

    monkeypatch.setattr(measurements, "_REGISTRY", dict(measurements._REGISTRY))  # registered for this test only
    assert observation_code("wall_sit_hold_s") is None
    measurements.register("wall_sit_hold_s", "s", "Wall sit, longest hold")
    code = observation_code("wall_sit_hold_s")
    assert (code.system, code.code, code.unit, code.category) == (LOCAL_CODES, "wall-sit-hold-s", "s", "activity")
    assert "wall_sit_hold_s" in observation_kinds()
    ClinicalObservation("wall_sit_hold_s", 42.0, WHEN)  # accepted
