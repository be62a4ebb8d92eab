"""Finding the MediaPipe pose model file (a ``.task`` bundle).

Resolution order (the first that applies wins):

1. an explicit path: ``--pose-model PATH`` (the ``explicit`` argument), then the
   environment variable ``MOTIONREHAB_POSE_MODEL``. An explicit path that is missing or
   broken is an error; we never fall back silently to another model.
2. the cache in the user's data folder (``platformdirs.user_data_dir('motionrehab')/models``).
3. a download of Google's official model, checked against a pinned SHA-256, into that
   cache (only for variants whose checksum is pinned here, and only when allowed).

Offline with none of these: ModelNotFoundError saying exactly how to provide a model.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import urllib.error
import urllib.request
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from motionrehab.errors import ModelNotFoundError

ENV_VARIABLE = "MOTIONREHAB_POSE_MODEL"
VARIANTS = ("lite", "full", "heavy")
_URL = "https://storage.googleapis.com/mediapipe-models/pose_landmarker/pose_landmarker_{v}/float16/latest/pose_landmarker_{v}.task"

#: pinned SHA-256 of the official bundles (the full digests, as published with the bundles).
#: lite and heavy are not pinned: we could not verify their checksums, so they need a path.
PINNED_SHA256: dict[str, str | None] = {
    "lite": None,
    "full": "5134a3aad27a58b93da0088d431f366da362b44e3ccfbe3462b3827a839011b1",
    "heavy": None,
}


@dataclass(frozen=True)
class ResolvedModel:
    """A pose model file and where it was found ('--pose-model', the env variable, 'cache', 'download')."""

    path: Path
    origin: str
    variant: str


def model_url(variant: str) -> str:
    """The official download address of a model variant."""
    return _URL.format(v=variant)


def default_cache_dir() -> Path:
    """The per-user folder where downloaded models are kept."""
    return Path(platformdirs.user_data_dir("motionrehab", appauthor=False)) / "models"


def sha256_of(path: Path) -> str:
    """Hex SHA-256 of a file."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _how_to_provide(variant: str) -> str:
    return (
        f"download {model_url(variant)} on a machine with internet access, copy it here and "
        f"pass it with --pose-model PATH or set the environment variable {ENV_VARIABLE}=PATH"
        + (f", or put it in {default_cache_dir() / f'pose_landmarker_{variant}.task'}" if PINNED_SHA256.get(variant) else "")
    )


def check_model_file(path: Path, where: str) -> None:
    """Raise ModelNotFoundError unless ``path`` is a readable MediaPipe ``.task`` bundle (a zip)."""
    if not path.exists():
        raise ModelNotFoundError("pose model file not found", where=where, fix="check the path, or leave it unset to use the cached model")
    if not path.is_file():
        raise ModelNotFoundError("the pose model path is not a file", where=where, fix="give the path of a .task file")
    try:
        with path.open("rb") as handle:
            handle.read(4)
    except OSError as error:
        raise ModelNotFoundError(f"cannot read the pose model file ({error.strerror})", where=where, fix="check its permissions") from error
    # The official bundles start with two padding bytes before the zip header, so test the whole archive.
    if not zipfile.is_zipfile(path):
        raise ModelNotFoundError(
            "this file is not a MediaPipe pose model (.task bundle): it is not a zip archive",
            where=where,
            fix="download the official model again; a .task file is a zip holding pose_detector.tflite "
            "and pose_landmarks_detector.tflite",
        )


def resolve_pose_model(
    explicit: str | Path | None = None,
    *,
    variant: str = "full",
    allow_download: bool = True,
    cache_dir: Path | None = None,
    env: Mapping[str, str] | None = None,
    url: str | None = None,
) -> ResolvedModel:
    """Find (or fetch) the pose model file; see the module docstring for the order.

    Args:
        explicit: a path given by the user (--pose-model); wins over everything.
        variant: 'lite', 'full' or 'heavy' (used for the cache and the download).
        allow_download: try the official download when nothing is found locally.
        cache_dir: the cache folder (default: ``default_cache_dir()``).
        env: environment to read ``MOTIONREHAB_POSE_MODEL`` from (default ``os.environ``).
        url: download address override (tests use a ``file://`` URL; default the official one).

    Raises:
        ModelNotFoundError: nothing usable found, or the file found is broken.
    """
    if variant not in VARIANTS:
        raise ModelNotFoundError(f"unknown model variant {variant!r}", fix=f"choose one of {', '.join(VARIANTS)}")
    env = os.environ if env is None else env
    if explicit is not None and str(explicit) != "":
        path = Path(explicit).expanduser()
        check_model_file(path, f"--pose-model {path}")
        return ResolvedModel(path, "--pose-model", variant)
    if env.get(ENV_VARIABLE):
        path = Path(env[ENV_VARIABLE]).expanduser()
        check_model_file(path, f"{ENV_VARIABLE}={path}")
        return ResolvedModel(path, ENV_VARIABLE, variant)
    cache = default_cache_dir() if cache_dir is None else cache_dir
    cached = cache / f"pose_landmarker_{variant}.task"
    pinned = PINNED_SHA256[variant]
    if cached.is_file():
        check_model_file(cached, str(cached))
        if pinned is not None and sha256_of(cached) != pinned:
            raise ModelNotFoundError(
                "the cached pose model is damaged (its SHA-256 does not match the official file)",
                where=str(cached),
                fix="delete it; the next run downloads it again when online, or " + _how_to_provide(variant),
            )
        return ResolvedModel(cached, "cache", variant)
    if pinned is None:
        raise ModelNotFoundError(
            f"no '{variant}' pose model found, and its checksum is not pinned here so it is not downloaded automatically",
            where=f"--pose-model, {ENV_VARIABLE}, {cached}",
            fix=_how_to_provide(variant),
        )
    if not allow_download:
        raise ModelNotFoundError(
            "no pose model found (and downloading is switched off)",
            where=f"--pose-model, {ENV_VARIABLE}, {cached}",
            fix=_how_to_provide(variant),
        )
    return ResolvedModel(_download(url or model_url(variant), cached, pinned), "download", variant)


def _download(url: str, target: Path, sha256: str) -> Path:
    """Fetch ``url`` into ``target`` atomically, checking its SHA-256 before keeping it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(dir=target.parent, suffix=".part")
    temp = Path(temp_name)
    try:
        digest = hashlib.sha256()
        with os.fdopen(handle, "wb") as out, urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (https or file only)
            for block in iter(lambda: response.read(1 << 20), b""):
                digest.update(block)
                out.write(block)
        if digest.hexdigest() != sha256:
            raise ModelNotFoundError(
                f"the downloaded pose model does not match its pinned SHA-256 (got {digest.hexdigest()[:12]}...)",
                where=url,
                fix="try again later; if it persists, " + _how_to_provide(target.stem.rsplit("_", 1)[-1]),
            )
        os.replace(temp, target)
        return target
    except ModelNotFoundError:
        raise
    except (urllib.error.URLError, OSError, TimeoutError) as error:
        raise ModelNotFoundError(
            f"no pose model found and it could not be downloaded ({error})",
            where=url,
            fix=_how_to_provide(target.stem.rsplit("_", 1)[-1]),
        ) from error
    finally:
        temp.unlink(missing_ok=True)
