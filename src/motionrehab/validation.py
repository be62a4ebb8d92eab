"""Agreement statistics for validating a measure against a reference (the validation datasheet).

Beside the data flow: it takes plain arrays of paired measurements (the measure's value and
the reference's for the same repetition, trial or walk) and nothing in the flow imports it.

- Bias and 95 % limits of agreement (Bland & Altman 1986, Lancet 327:307): the mean of
  measure minus reference, and bias +- 1.96 SD of the differences.
- Intraclass correlation (Shrout & Fleiss 1979, Psychol Bull 86:420; named as in McGraw &
  Wong 1996, Psychol Methods 1:30), from the two-way ANOVA of n subjects x k raters
  (here k = 2: measure and reference):
  ICC(1,1) one-way random, single measures: (MSR - MSW) / (MSR + (k-1) MSW);
  ICC(2,1) two-way random, absolute agreement, single measures:
  (MSR - MSE) / (MSR + (k-1) MSE + k (MSC - MSE) / n);
  ICC(3,1) two-way mixed, consistency, single measures: (MSR - MSE) / (MSR + (k-1) MSE).
  Agreement of a measure with a reference is ICC(2,1) (absolute agreement): a constant
  bias lowers it, as it should.
- SEM = SD of all values x sqrt(1 - ICC) and MDC95 = 1.96 x sqrt(2) x SEM (Weir 2005,
  J Strength Cond Res 19:231): the smallest change between two visits that exceeds the
  measurement error with 95 % confidence.

pingouin computes the same ICCs but brings pandas, statsmodels and scikit-learn; these
closed forms need numpy only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]
IccForm = Literal["ICC(1,1)", "ICC(2,1)", "ICC(3,1)"]


def _pairs(measured: ArrayLike, reference: ArrayLike) -> tuple[FloatArray, FloatArray]:
    m = np.asarray(measured, dtype=np.float64).ravel()
    r = np.asarray(reference, dtype=np.float64).ravel()
    if m.shape != r.shape:
        raise ValueError(f"measured and reference must pair up: {m.size} values against {r.size}")
    keep = np.isfinite(m) & np.isfinite(r)
    return m[keep], r[keep]


def icc(ratings: ArrayLike, form: IccForm = "ICC(2,1)") -> float:
    """The intraclass correlation of an (n subjects, k raters) table, in one of three forms (module docstring).

    NaN with fewer than 2 subjects or 2 raters, or when the subjects do not vary at all.
    """
    table = np.asarray(ratings, dtype=np.float64)
    if table.ndim != 2:
        raise ValueError("ratings must be a table of n subjects x k raters")
    table = table[np.all(np.isfinite(table), axis=1)]
    n, k = table.shape
    if n < 2 or k < 2:
        return float("nan")
    grand = float(table.mean())
    ss_rows = k * float(np.sum((table.mean(axis=1) - grand) ** 2))
    ss_cols = n * float(np.sum((table.mean(axis=0) - grand) ** 2))
    ss_total = float(np.sum((table - grand) ** 2))
    ss_error = ss_total - ss_rows - ss_cols
    msr = ss_rows / (n - 1)
    msc = ss_cols / (k - 1)
    mse = ss_error / ((n - 1) * (k - 1))
    msw = (ss_cols + ss_error) / (n * (k - 1))
    if form == "ICC(1,1)":
        denominator = msr + (k - 1) * msw
        numerator = msr - msw
    elif form == "ICC(2,1)":
        denominator = msr + (k - 1) * mse + k * (msc - mse) / n
        numerator = msr - mse
    elif form == "ICC(3,1)":
        denominator = msr + (k - 1) * mse
        numerator = msr - mse
    else:
        raise ValueError(f"unknown ICC form {form!r}; choose ICC(1,1), ICC(2,1) or ICC(3,1)")
    return float(numerator / denominator) if denominator > 0 else float("nan")


@dataclass(frozen=True)
class Agreement:
    """How a measure agrees with its reference, in the measure's units (see the module docstring).

    n: pairs used (non-finite pairs dropped). bias: mean of measured - reference.
    loa_low, loa_high: 95 % limits of agreement. max_abs_error: the largest |measured - reference|.
    icc: the intraclass correlation in form ``icc_form``. sem: standard error of measurement.
    mdc95: minimal detectable change (95 %).
    """

    n: int
    bias: float
    loa_low: float
    loa_high: float
    max_abs_error: float
    icc: float
    icc_form: str
    sem: float
    mdc95: float


def agreement(measured: ArrayLike, reference: ArrayLike, *, icc_form: IccForm = "ICC(2,1)") -> Agreement:
    """Bias, limits of agreement, ICC, SEM and MDC95 of paired measured and reference values."""
    m, r = _pairs(measured, reference)
    n = int(m.size)
    if n == 0:
        nan = float("nan")
        return Agreement(0, nan, nan, nan, nan, nan, icc_form, nan, nan)
    difference = m - r
    bias = float(np.mean(difference))
    sd = float(np.std(difference, ddof=1)) if n > 1 else float("nan")
    coefficient = icc(np.column_stack([m, r]), icc_form)
    spread = float(np.std(np.concatenate([m, r]), ddof=1)) if n > 1 else float("nan")
    sem = spread * math.sqrt(max(0.0, 1.0 - coefficient)) if math.isfinite(coefficient) else float("nan")
    return Agreement(
        n=n, bias=bias, loa_low=bias - 1.96 * sd, loa_high=bias + 1.96 * sd, max_abs_error=float(np.max(np.abs(difference))),
        icc=coefficient, icc_form=icc_form, sem=sem, mdc95=1.96 * math.sqrt(2.0) * sem,
    )  # fmt: skip
