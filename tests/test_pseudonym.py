"""One strict definition of a pseudonym (motionrehab.pseudonym), and where it is enforced."""

from __future__ import annotations

import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from motionrehab.errors import InvalidDataError, MotionRehabWarning
from motionrehab.program.prescription import check_patient_id
from motionrehab.pseudonym import check_pseudonym, is_pseudonym


@pytest.mark.parametrize("good", ["P-7F3A2C", "P-1", "PT-7F3A", "0042", "p_a-b", "A" * 40])
def test_clinic_codes_are_pseudonyms(good):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # and no warning for them
        assert check_pseudonym(good) == good


@pytest.mark.parametrize(
    "bad",
    ["", "../../../../tmp/evil", "/tmp/x/evil", "a/b", "..", ".", "-P1", "_P1", "P 1", "P\t1", "P\n1", "P\x001", "Jöhn", "P.1",
     "A" * 41, "P-1;DROP", "C:\\evil", "P%2F1"],
)
def test_anything_else_is_refused_with_the_rule(bad):
    with pytest.raises(InvalidDataError) as caught:
        check_pseudonym(bad, where="--patient")
    assert caught.value.where == "--patient"
    assert "not a pseudonymous patient id" in caught.value.what
    assert "A-Z a-z 0-9 - _" in caught.value.fix


@pytest.mark.parametrize("dob", ["John_Smith_1970-01-01", "P19700101", "P-01-02-1985", "P-31_12_1999", "P-2001-2-3", "x12251980"])
def test_an_id_holding_a_date_of_birth_is_refused(dob):
    with pytest.raises(InvalidDataError, match="date of birth"):
        check_pseudonym(dob)
    assert not is_pseudonym(dob)


@pytest.mark.parametrize("name", ["John_Smith", "JohnSmith", "Anna-Berg-7"])
def test_an_id_that_looks_like_a_name_warns(name):
    with pytest.warns(MotionRehabWarning, match="looks like a person's name"):
        assert check_pseudonym(name) == name


def test_the_prescription_and_store_check_call_the_same_rule():
    with pytest.raises(InvalidDataError, match="not a pseudonymous patient id"):
        check_patient_id("../evil")
    with pytest.raises(InvalidDataError, match="date of birth"):
        check_patient_id("P19700101")


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=60))
def test_whatever_passes_is_one_safe_file_name_component(text):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MotionRehabWarning)
        try:
            checked = check_pseudonym(text)
        except InvalidDataError:
            return
    assert 1 <= len(checked) <= 40 and checked.isascii() and checked[0].isalnum()
    assert "/" not in checked and "\\" not in checked and "." not in checked and checked.strip() == checked
