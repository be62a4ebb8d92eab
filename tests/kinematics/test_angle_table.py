import numpy as np
import pytest

from motionrehab.errors import InvalidDataError
from motionrehab.kinematics import AngleTable


def test_angle_table_columns_and_errors():
    table = AngleTable(t_s=[0.0, 0.1, 0.2], columns={"left_hip_flexion_deg": [1.0, 2.0, np.nan]})
    assert table.names == ("left_hip_flexion_deg",)
    assert np.isnan(table["left_hip_flexion_deg"][2])
    with pytest.raises(KeyError, match="this table has left_hip_flexion_deg"):
        table["knee"]
    with pytest.raises(InvalidDataError, match="does not end in '_deg'"):
        AngleTable(t_s=[0.0], columns={"hip": [1.0]})
    with pytest.raises(InvalidDataError, match="shape"):
        AngleTable(t_s=[0.0, 1.0], columns={"hip_deg": [1.0]})
    wider = table.with_columns(trunk_inclination_deg=[0.0, 0.0, 0.0])
    assert wider.names == ("left_hip_flexion_deg", "trunk_inclination_deg")
