import numpy as np
import pytest

from motionrehab.errors import InvalidDataError
from motionrehab.sensors import ImuRecording


def make(n: int = 50, **changes) -> ImuRecording:
    acc = np.tile([0.0, 0.0, 9.81], (n, 1))
    fields = dict(
        t_s=np.arange(n) / 100.0, acc_m_s2=acc, gyr_deg_s=np.zeros((n, 3)), placement="foot", side="left",
        axis_convention="gaitmap_foot",
    )
    fields.update(changes)
    return ImuRecording(**fields)


def test_valid_recording():
    rec = make()
    assert rec.sampling_rate_hz == pytest.approx(100.0)
    assert rec.n_samples == 50


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"t_s": np.r_[0.0, np.arange(49) / 100.0]}, "not strictly increasing"),
        ({"acc_m_s2": np.zeros((50, 2))}, "acc_m_s2 has shape (50, 2)"),
        ({"acc_m_s2": np.tile([0.0, 0.0, 1.0], (50, 1))}, "looks like units of g"),
        ({"placement": "ear"}, "unknown placement 'ear'"),
        ({"side": "up"}, "unknown side"),
        ({"axis_convention": "xyz"}, "unknown axis convention"),
        ({"gyr_deg_s": np.full((50, 3), np.inf)}, "infinite"),
    ],
)
def test_bad_recordings_are_refused(changes, message):
    with pytest.raises(InvalidDataError) as error:
        make(**changes)
    assert message in str(error.value)
