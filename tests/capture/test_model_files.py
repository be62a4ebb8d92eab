"""Pose model resolution: explicit path, env variable, cache, pinned download, offline error."""

import hashlib
import shutil

import pytest

from motionrehab.capture.model_files import (
    ENV_VARIABLE,
    PINNED_SHA256,
    resolve_pose_model,
    sha256_of,
)
from motionrehab.errors import ModelNotFoundError


def test_explicit_path_wins_over_the_environment(pose_model_path, tmp_path):
    other = tmp_path / "other.task"
    shutil.copyfile(pose_model_path, other)
    found = resolve_pose_model(other, env={ENV_VARIABLE: str(pose_model_path)}, cache_dir=tmp_path / "cache")
    assert (found.path, found.origin) == (other, "--pose-model")
    found = resolve_pose_model(None, env={ENV_VARIABLE: str(pose_model_path)}, cache_dir=tmp_path / "cache")
    assert (found.path, found.origin) == (pose_model_path, ENV_VARIABLE)


def test_an_explicit_path_that_is_wrong_is_an_error_not_a_fallback(pose_model_path, tmp_path):
    with pytest.raises(ModelNotFoundError, match="not found") as caught:
        resolve_pose_model(tmp_path / "typo.task", env={ENV_VARIABLE: str(pose_model_path)})
    assert "typo.task" in str(caught.value)
    garbage = tmp_path / "garbage.task"
    garbage.write_bytes(b"\x00" * 1000)
    with pytest.raises(ModelNotFoundError, match="not a MediaPipe pose model"):
        resolve_pose_model(None, env={ENV_VARIABLE: str(garbage)})


def test_the_cache_is_used_and_checked(pose_model_path, tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir()
    shutil.copyfile(pose_model_path, cache / "pose_landmarker_full.task")
    found = resolve_pose_model(env={}, cache_dir=cache, allow_download=False)
    assert (found.origin, found.path.name) == ("cache", "pose_landmarker_full.task")
    # a damaged cached copy (right format, wrong bytes) is reported, not used
    damaged = bytearray((cache / "pose_landmarker_full.task").read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF
    (cache / "pose_landmarker_full.task").write_bytes(bytes(damaged))
    with pytest.raises(ModelNotFoundError, match="damaged"):
        resolve_pose_model(env={}, cache_dir=cache, allow_download=False)


def test_offline_without_a_model_says_exactly_how_to_provide_one(tmp_path):
    with pytest.raises(ModelNotFoundError) as caught:
        resolve_pose_model(env={}, cache_dir=tmp_path / "cache", allow_download=False)
    fix = caught.value.fix
    assert "--pose-model" in fix and ENV_VARIABLE in fix and "pose_landmarker_full.task" in fix
    assert "https://storage.googleapis.com/mediapipe-models/pose_landmarker/pose_landmarker_full/" in fix


def test_lite_and_heavy_need_a_path_because_their_checksums_are_not_pinned(tmp_path):
    for variant in ("lite", "heavy"):
        assert PINNED_SHA256[variant] is None
        with pytest.raises(ModelNotFoundError, match="not pinned") as caught:
            resolve_pose_model(env={}, variant=variant, cache_dir=tmp_path)
        assert f"pose_landmarker_{variant}" in caught.value.fix
    with pytest.raises(ModelNotFoundError, match="unknown model variant"):
        resolve_pose_model(env={}, variant="huge")


def test_download_is_checked_against_the_pinned_sha256(pose_model_path, tmp_path):
    # A local file:// address stands in for Google's server: no test touches the internet.
    assert sha256_of(pose_model_path) == PINNED_SHA256["full"]
    cache = tmp_path / "cache"
    found = resolve_pose_model(env={}, cache_dir=cache, url=pose_model_path.as_uri())
    assert found.origin == "download" and sha256_of(found.path) == PINNED_SHA256["full"]
    assert sorted(p.name for p in cache.iterdir()) == ["pose_landmarker_full.task"]


def test_a_download_with_the_wrong_checksum_is_discarded(tmp_path):
    impostor = tmp_path / "impostor.task"
    impostor.write_bytes(b"not the model")
    assert hashlib.sha256(impostor.read_bytes()).hexdigest() != PINNED_SHA256["full"]
    cache = tmp_path / "cache"
    with pytest.raises(ModelNotFoundError, match="does not match its pinned SHA-256"):
        resolve_pose_model(env={}, cache_dir=cache, url=impostor.as_uri())
    assert list(cache.iterdir()) == []


def test_an_unreachable_server_gives_the_offline_instructions(tmp_path):
    with pytest.raises(ModelNotFoundError, match="could not be downloaded") as caught:
        resolve_pose_model(env={}, cache_dir=tmp_path / "cache", url=(tmp_path / "absent.task").as_uri())
    assert ENV_VARIABLE in caught.value.fix
