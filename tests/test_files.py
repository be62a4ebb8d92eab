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


# -- issue 14: never re-mode what exists, never write through a symlink, never leave the folder --------

import os  # noqa: E402
import stat  # noqa: E402

import pytest  # noqa: E402

from motionrehab._files import (  # noqa: E402
    check_inside,
    child_path,
    make_output_dir,
    make_private_dir,
    open_private,
    private_output_path,
    refuse_overwrite,
    write_private_bytes,
)
from motionrehab.errors import InputFileError, InvalidDataError, MotionRehabWarning  # noqa: E402


def _mode(path):
    return stat.S_IMODE(os.lstat(path).st_mode)


def test_an_existing_sticky_world_writable_folder_is_never_re_moded(tmp_path):
    shared = tmp_path / "tmp-like"
    shared.mkdir()
    shared.chmod(0o1777)
    assert make_private_dir(shared) == shared
    write_private_text(shared / "a.txt", "x")
    assert _mode(shared) == 0o1777  # before the fix: 0o700, every other user locked out


def test_only_the_folders_created_are_owner_only(tmp_path):
    tmp_path.chmod(0o755)
    make_private_dir(tmp_path / "a" / "b" / "c")
    assert _mode(tmp_path) == 0o755
    assert [_mode(tmp_path / p) for p in ("a", "a/b", "a/b/c")] == [0o700] * 3


def test_an_output_folder_others_can_list_gives_a_warning_and_keeps_its_mode(tmp_path):
    tmp_path.chmod(0o755)
    with pytest.warns(MotionRehabWarning, match="other users of this computer can list this folder"):
        make_output_dir(tmp_path)
    assert _mode(tmp_path) == 0o755


def test_a_symlink_at_the_file_name_is_replaced_not_written_through(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    victim.chmod(0o644)
    out = tmp_path / "out"
    out.mkdir(mode=0o700)
    (out / "P-1_sessions.csv").symlink_to(victim)
    write_private_text(out / "P-1_sessions.csv", "health data")
    assert victim.read_text() == "precious" and _mode(victim) == 0o644  # target neither overwritten nor re-moded
    assert not (out / "P-1_sessions.csv").is_symlink() and _mode(out / "P-1_sessions.csv") == 0o600
    assert sorted(p.name for p in out.iterdir()) == ["P-1_sessions.csv"]  # no temporary file left


def test_appending_refuses_a_symlink_and_keeps_an_existing_files_mode(tmp_path):
    victim = tmp_path / "victim.log"
    victim.write_text("old\n")
    victim.chmod(0o644)
    link = tmp_path / "raw.jsonl"
    link.symlink_to(victim)
    with pytest.raises(InputFileError, match="symbolic link"):
        with open_private(link, "a") as handle:
            handle.write("new\n")
    assert victim.read_text() == "old\n"
    with open_private(victim, "a") as handle:  # an existing file of the user's: appended, mode untouched
        handle.write("new\n")
    assert victim.read_text() == "old\nnew\n" and _mode(victim) == 0o644


def test_an_existing_file_is_replaced_by_a_new_owner_only_one_not_re_moded(tmp_path):
    old = tmp_path / "report.html"
    old.write_text("old")
    old.chmod(0o644)
    other = tmp_path / "hardlink.html"
    os.link(old, other)  # a second name for the same file must not change
    write_private_bytes(old, b"new")
    assert old.read_bytes() == b"new" and _mode(old) == 0o600
    assert other.read_text() == "old" and _mode(other) == 0o644


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path):
    path = tmp_path / "table.csv"
    path.write_text("kept")
    with pytest.raises(RuntimeError):
        with open_private(path, "w") as handle:
            handle.write("half")
            raise RuntimeError("disk full")
    assert path.read_text() == "kept" and sorted(p.name for p in tmp_path.iterdir()) == ["table.csv"]


@pytest.mark.parametrize("name", ["../evil.csv", "/tmp/evil.csv", "a/b.csv", "..", "", "x\x00y"])
def test_a_name_built_from_data_must_stay_inside_the_folder(tmp_path, name):
    with pytest.raises(InvalidDataError):
        child_path(tmp_path / "out", name)


def test_a_symlinked_name_leading_outside_the_folder_is_refused(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "P-1_manifest.json").symlink_to(tmp_path / "elsewhere.json")
    with pytest.raises(InvalidDataError, match="leads outside the folder"):
        child_path(out, "P-1_manifest.json")
    assert check_inside(out, out / "P-1_sessions.csv") == out / "P-1_sessions.csv"


def test_refuse_overwrite_names_the_option_and_force(tmp_path):
    path = tmp_path / "r.html"
    assert refuse_overwrite(path, force=False) == path
    path.write_text("x")
    with pytest.raises(InputFileError) as caught:
        refuse_overwrite(path, force=False, option="--out")
    assert caught.value.where == f"--out {path}" and "--force" in caught.value.fix
    assert refuse_overwrite(path, force=True) == path


def test_a_writer_that_opens_by_name_writes_beside_and_renames(tmp_path):
    target = tmp_path / "overlay.mkv"
    target.symlink_to(tmp_path / "victim.mkv")
    with private_output_path(target) as temp:
        assert temp.parent == tmp_path and _mode(temp) == 0o600
        temp.write_bytes(b"video")
    assert not target.is_symlink() and target.read_bytes() == b"video" and not (tmp_path / "victim.mkv").exists()


def test_a_folder_at_the_file_name_is_an_error_and_leaves_no_temporary_file(tmp_path):
    (tmp_path / "report.html").mkdir()
    with pytest.raises(InputFileError, match="a folder has this name"):
        write_private_text(tmp_path / "report.html", "x")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]
