"""The stored record as a FHIR Bundle: validated by fhir.resources, coded, pseudonymous, nothing dropped silently."""

import datetime as dt
import json

import pytest
from fhir.resources.R4B.bundle import Bundle
from record_fixture import PATIENT, write_record

from motionrehab.records.fhir_records import write_fhir_bundle

NOW = dt.datetime(2026, 1, 20, 9, 0, tzinfo=dt.timezone.utc)


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fhir")
    store = write_record(f"sqlite:///{folder / 's.sqlite'}")
    result = write_fhir_bundle(store, PATIENT, folder / "out", since=None, generated=NOW)
    store.close()
    return result


def test_bundle_file_validates_with_the_model_library(export):
    bundle = Bundle.model_validate_json(export.path.read_text())
    assert bundle.type == "collection" and len(bundle.entry) == export.n_observations + 1
    counts = dict(export.counts)
    # 6 sessions + 7 check-ins + 2 NRS questionnaires; SLR 2 per side; 6 cadence; 6 hinge; 2 tolerance; 2 ODI; 2 weeks of adherence
    assert counts == {"pain_nrs": 9, "slr_peak_deg": 4, "cadence_steps_per_min": 6, "hinge_trunk_inclination_deg": 6,
                      "walking_tolerance_m": 2, "walking_distance_m": 6, "odi": 2, "adherence_score": 2}
    assert export.not_exported == ()


def test_codes_sides_units_and_pseudonym_only(export):
    data = json.loads(export.path.read_text())
    patient = data["entry"][0]["resource"]
    assert set(patient) == {"resourceType", "id", "identifier"} and patient["identifier"][0]["value"] == PATIENT
    observations = [e["resource"] for e in data["entry"][1:]]
    slr = [o for o in observations if o["code"]["coding"][0]["code"] == "slr-peak"]
    assert [(o["bodySite"]["coding"][0]["code"], o["valueQuantity"]["value"]) for o in slr] == [
        ("32153003", 71.5), ("62175007", 48.25), ("32153003", 72.0), ("62175007", 57.5)]
    assert all(o["valueQuantity"]["code"] == "deg" and o["valueQuantity"]["system"] == "http://unitsofmeasure.org" for o in slr)
    odi = [o for o in observations if o["code"]["coding"][0] == {"system": "http://loinc.org", "code": "97909-6", "display": "Oswestry disability index score ODI"}]
    assert [o["valueQuantity"]["value"] for o in odi] == [31.1, 15.6]  # 7 of 45 points
    pain = [o for o in observations if o["code"]["coding"][0]["code"] == "72514-3"]
    assert len(pain) == 9 and {o["category"][0]["coding"][0]["code"] for o in pain} == {"survey"}
    walks = [o["valueQuantity"]["value"] for o in observations if o["code"]["coding"][0]["code"] == "walking-distance"]
    assert walks == pytest.approx([813.0] * 6)
    # stored local wall-clock times get this computer's zone: the same instant as the stored time
    first_pain = dt.datetime.fromisoformat(pain[0]["effectiveDateTime"].replace("Z", "+00:00"))
    assert first_pain == dt.datetime(2026, 1, 5, 8, 30).astimezone()
