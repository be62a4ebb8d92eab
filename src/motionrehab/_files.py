"""Private file writing: health data is readable by its owner only.

Every file and folder motionrehab creates for session data, exports, reports and logs
goes through these helpers so that permissions are owner-only (0o600 files, 0o700
folders) whatever the process umask is.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

PRIVATE_FILE_MODE = 0o600
PRIVATE_DIR_MODE = 0o700


def make_private_dir(path: str | os.PathLike[str]) -> Path:
    """Create ``path`` (and parents) if needed and make it owner-only (0o700). Returns the path."""
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, PRIVATE_DIR_MODE)
    return folder


@contextmanager
def open_private(
    path: str | os.PathLike[str], mode: str = "w", *, newline: str | None = None
) -> Iterator[IO]:
    """Open a file for writing or appending, created with owner-only permissions (0o600).

    The file is created with mode 0o600 atomically (``os.open`` with that mode), so it is
    never readable by others even for an instant. Existing files are chmod-ed to 0o600.
    Text modes use UTF-8. Missing parent folders are created owner-only (0o700).
    """
    if not any(flag in mode for flag in ("w", "a", "x")):
        raise ValueError(f"open_private is for writing; got mode {mode!r}")
    target = Path(path)
    if not target.parent.exists():
        # a folder we create for health data is owner-only too; an existing one is left as it is
        make_private_dir(target.parent)
    flags = os.O_WRONLY | os.O_CREAT
    if "a" in mode:
        flags |= os.O_APPEND
    elif "x" in mode:
        flags |= os.O_EXCL
    else:
        flags |= os.O_TRUNC
    fd = os.open(target, flags, PRIVATE_FILE_MODE)
    os.fchmod(fd, PRIVATE_FILE_MODE)
    if "b" in mode:
        handle: IO = os.fdopen(fd, mode)
    else:
        handle = os.fdopen(fd, mode, encoding="utf-8", newline=newline)
    with handle:
        yield handle


def write_private_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` to ``path`` (UTF-8) with owner-only permissions. Returns the path."""
    with open_private(path, "w") as handle:
        handle.write(text)
    return Path(path)


def write_private_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` with owner-only permissions. Returns the path."""
    with open_private(path, "wb") as handle:
        handle.write(data)
    return Path(path)
