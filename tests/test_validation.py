"""Agreement statistics against published worked examples (not against our own formulas)."""

import numpy as np
import pytest

from motionrehab.validation import agreement, icc

# Shrout & Fleiss 1979, Table 2: 6 targets rated by 4 judges; their Table 4 gives
# ICC(1,1) = .17, ICC(2,1) = .29, ICC(3,1) = .71
SHROUT_FLEISS = np.array([[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]], dtype=float)


@pytest.mark.parametrize(("form", "published"), [("ICC(1,1)", 0.17), ("ICC(2,1)", 0.29), ("ICC(3,1)", 0.71)])
def test_icc_forms_match_shrout_and_fleiss(form, published):
    assert icc(SHROUT_FLEISS, form) == pytest.approx(published, abs=0.005)


def test_bias_limits_sem_and_mdc_on_a_known_offset():
    rng = np.random.default_rng(0)
    reference = rng.uniform(30, 90, 400)
    measured = reference + 2.0 + rng.normal(0, 1.5, reference.size)
    result = agreement(measured, reference)
    assert result.n == 400
    assert result.bias == pytest.approx(2.0, abs=0.2)
    assert result.loa_high - result.loa_low == pytest.approx(2 * 1.96 * 1.5, rel=0.1)
    # ICC(2,1) < ICC(3,1): absolute agreement counts the 2-unit bias, consistency does not
    assert result.icc < agreement(measured, reference, icc_form="ICC(3,1)").icc
    assert result.mdc95 == pytest.approx(1.96 * np.sqrt(2) * result.sem)


def test_pairs_with_a_missing_value_are_dropped_and_mismatched_lengths_refused():
    assert agreement([1.0, np.nan, 3.0], [1.1, 2.0, 2.9]).n == 2
    with pytest.raises(ValueError, match="pair up"):
        agreement([1.0, 2.0], [1.0])
