import numpy as np
import pytest

from motionrehab.errors import InvalidDataError
from motionrehab.measures.gait_footpod import FootpodSample, analyze_footpod


def _walk(with_total=True):
    # 120 s at 1.25 m/s and 110 steps/min, one notification per second, after 5 s standing
    samples = []
    total = 1000.0
    for i in range(126):
        moving = i >= 5
        speed = 1.25 if moving else 0.0
        samples.append(FootpodSample(t_s=float(i), speed_m_s=speed, cadence_per_min=110.0 if moving else 0.0,
                                     stride_length_m=1.36 if moving else None,
                                     total_distance_m=total if with_total else None))
        total += speed
    return samples


@pytest.mark.parametrize("with_total", [True, False])
def test_footpod_distance_steps_cadence(with_total):
    result = analyze_footpod(_walk(with_total), pain_onset_s=65.0)
    assert result.distance_m == pytest.approx(150.0)
    assert result.speed_m_per_s == pytest.approx(1.25)
    assert result.cadence_steps_per_min == pytest.approx(110.0)
    assert result.steps == 220
    assert result.walking_tolerance.time_s == pytest.approx(60.0)
    assert result.walking_tolerance.distance_m == pytest.approx(75.0)


def test_footpod_needs_two_samples():
    with pytest.raises(InvalidDataError, match="at least 2"):
        analyze_footpod([FootpodSample(0.0, 1.0, 100.0)])
    assert np.isfinite(analyze_footpod(_walk()[:3]).distance_m)
