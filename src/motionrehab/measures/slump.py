"""Slump test: knee extension deficit at symptom onset, neck flexed and released (docs/clinical-terms.md section 1).

Seated, trunk and neck flexed, the knee is extended until symptoms start; the measure is
the knee extension deficit (deg short of full extension) at that moment. Repeated with the
neck released (structural differentiation): a smaller deficit with the neck released (the
knee extends further before symptoms) supports a neural source. Camera: side view, the
hip-knee-ankle angle: the deficit is kinematics' ``<side>_knee_flexion_deg`` (180 - the
hip-knee-ankle angle; 0 = full extension).

The symptom marker (patient's signal: a key press live, a time list offline) is what fixes
the moment; the knee angle there is read, never guessed: a marker where the knee was not
seen gives no value and says so.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from motionrehab._frames import rows_dataframe
from motionrehab.errors import InvalidDataError
from motionrehab.kinematics.angle_table import AngleTable

CONDITIONS = ("neck_flexed", "neck_released")


@dataclass(frozen=True)
class SlumpOnset:
    """One symptom marker.

    Attributes:
        condition: 'neck_flexed' or 'neck_released'.
        t_s: the marker's time, s.
        knee_extension_deficit_deg: knee flexion at the marker, deg (0 = fully extended); None when not seen.
        reason: why there is no value ('' when there is one).
    """

    condition: str
    t_s: float
    knee_extension_deficit_deg: float | None
    reason: str

    def to_json_dict(self) -> dict[str, Any]:
        """Plain JSON types."""
        deficit = self.knee_extension_deficit_deg
        return {"condition": self.condition, "t_s": round(self.t_s, 3),
                "knee_extension_deficit_deg": None if deficit is None else round(deficit, 2), "reason": self.reason}  # fmt: skip


@dataclass(frozen=True)
class SlumpResult:
    """Slump test of one side.

    Attributes:
        side: the leg extended, 'left' or 'right'.
        onsets: every marker, in time order.
    """

    side: str
    onsets: tuple[SlumpOnset, ...]

    def mean_deficit_deg(self, condition: str) -> float | None:
        """Mean deficit over the markers of ``condition`` that have a value, deg (None with none)."""
        values = [o.knee_extension_deficit_deg for o in self.onsets if o.condition == condition and o.knee_extension_deficit_deg is not None]
        return float(np.mean(values)) if values else None

    @property
    def differentiation_deg(self) -> float | None:
        """Deficit neck flexed minus neck released, deg: positive = the knee extended further with the neck released."""
        flexed, released = self.mean_deficit_deg("neck_flexed"), self.mean_deficit_deg("neck_released")
        return None if flexed is None or released is None else flexed - released

    def to_dataframe(self) -> Any:
        """A pandas DataFrame, one row per symptom onset (condition, time, knee extension deficit in deg); the result's summary values are in ``frame.attrs``."""
        return rows_dataframe(self.onsets, SlumpOnset, {"side": self.side})

    def to_json_dict(self) -> dict[str, Any]:
        """The keys of `motionrehab measure slump --json`."""
        def rounded(value: float | None) -> float | None:
            return None if value is None else round(value, 2)

        return {
            "side": self.side, "onsets": [o.to_json_dict() for o in self.onsets],
            "neck_flexed_deficit_deg": rounded(self.mean_deficit_deg("neck_flexed")),
            "neck_released_deficit_deg": rounded(self.mean_deficit_deg("neck_released")),
            "differentiation_deg": rounded(self.differentiation_deg),
        }  # fmt: skip


def measure_slump_camera(
    angles: AngleTable,
    side: str,
    *,
    neck_flexed_onset_s: Sequence[float] = (),
    neck_released_onset_s: Sequence[float] = (),
) -> SlumpResult:
    """Knee extension deficit at each symptom marker (times in s on ``angles.t_s``'s clock).

    The knee angle at a marker is interpolated between the two frames around it; when either
    is missing (knee, hip or ankle not seen) the marker has no value and a reason.
    """
    if side not in ("left", "right"):
        raise InvalidDataError(f"side must be 'left' or 'right', got {side!r}", fix="say which knee is extended: --side left|right")
    if not neck_flexed_onset_s and not neck_released_onset_s:
        raise InvalidDataError("no symptom marker given: the slump test measures the knee at symptom onset",
                               fix="give the onset times: --neck-flexed-onset-s and/or --neck-released-onset-s")  # fmt: skip
    t_s = angles.t_s
    knee = angles[f"{side}_knee_flexion_deg"]
    onsets = []
    marked = [(float(t), "neck_flexed") for t in neck_flexed_onset_s] + [(float(t), "neck_released") for t in neck_released_onset_s]
    for t, condition in sorted(marked):
        if not t_s[0] <= t <= t_s[-1]:
            onsets.append(SlumpOnset(condition, t, None, f"the marker at {t:.2f} s is outside the recording ({t_s[0]:.1f}-{t_s[-1]:.1f} s)"))
            continue
        after = min(int(np.searchsorted(t_s, t)), t_s.size - 1)
        around = knee[max(0, after - 1) : after + 1]
        if around.size == 0 or not np.isfinite(around).all():
            onsets.append(SlumpOnset(condition, t, None, f"the {side} knee was not seen at {t:.2f} s: not measured, not guessed"))
            continue
        deficit = float(np.interp(t, t_s, knee))
        onsets.append(SlumpOnset(condition, t, max(0.0, deficit) if math.isfinite(deficit) else None, ""))
    return SlumpResult(side, tuple(onsets))
