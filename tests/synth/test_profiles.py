import numpy as np
import pytest

from motionrehab.synth.exercises import HingeRep, hip_hinge_set
from motionrehab.synth.profiles import PROFILES, inverse, progress


@pytest.mark.parametrize("profile", PROFILES)
def test_each_profile_runs_from_0_to_1_monotonically(profile):
    tau = np.linspace(0, 1, 2001)
    s = progress(tau, profile)
    assert s[0] == pytest.approx(0, abs=1e-12) and s[-1] == pytest.approx(1, abs=1e-12)
    assert np.all(np.diff(s) >= -1e-12)
    assert inverse(0.5, profile) == pytest.approx(tau[np.argmin(np.abs(s - 0.5))], abs=1e-3)


def test_profiles_differ_in_shape():
    # at a quarter of the time each profile has covered a different share of the movement
    quarter = {p: float(progress(np.array(0.25), p)) for p in PROFILES}
    assert quarter["minimum_jerk"] == pytest.approx(0.1035, abs=1e-3)
    assert quarter["raised_cosine"] == pytest.approx(0.1464, abs=1e-3)
    assert quarter["constant_speed"] == pytest.approx(0.2222, abs=1e-3)  # (0.25 - 0.05) / 0.9
    assert quarter["asymmetric"] == pytest.approx(0.3672, abs=1e-3)  # I_0.25(2, 4)


@pytest.mark.parametrize("profile", PROFILES)
def test_hinge_truth_keeps_the_prescribed_phases_whatever_the_profile(profile):
    rec = hip_hinge_set([HingeRep(eccentric_s=3.0, pause_s=0.4, concentric_s=2.0)], profile=profile)
    (rep,) = rec.events
    assert (rep.eccentric_s, rep.pause_s, rep.concentric_s) == (3.0, 0.4, 2.0)
    t = rec.truth.t_s
    trunk = rec.truth["trunk_inclination_deg"]
    bottom = (t >= rep.t_bottom_s) & (t <= rep.t_rise_s)
    assert np.ptp(trunk[bottom]) < 1e-6  # held exactly at the bottom
    assert trunk[bottom][0] == pytest.approx(rep.peak_trunk_inclination_deg, abs=1e-6)
    # the lowering crosses half depth when the profile says (not always at half time)
    half = t[np.argmax(trunk >= rep.peak_trunk_inclination_deg / 2)]
    assert half - rep.t_start_s == pytest.approx(inverse(0.5, profile) * 3.0, abs=1 / 30 + 1e-9)
