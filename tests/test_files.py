"""Private file writing: owner-only files, and owner-only folders when they have to be created."""

from __future__ import annotations

from motionrehab._files import write_private_text
from motionrehab.kinematics.calibration import CameraCalibration


def test_a_profile_saved_into_a_new_folder_creates_it_owner_only(tmp_path):
    path = CameraCalibration(camera_roll_deg=6.0).save(tmp_path / "calibration" / "phone.json")
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700
    assert CameraCalibration.load(path).camera_roll_deg == 6.0


def test_an_existing_folder_keeps_its_permissions(tmp_path):
    tmp_path.chmod(0o755)
    write_private_text(tmp_path / "note.txt", "x")
    assert tmp_path.stat().st_mode & 0o777 == 0o755
    assert (tmp_path / "note.txt").stat().st_mode & 0o777 == 0o600
