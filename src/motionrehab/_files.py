"""Private file writing: health data is readable by its owner only, and written only where the user said.

Every file and folder motionrehab creates for session data, exports, reports and logs
goes through these helpers:

- New folders are created owner-only (0o700); a folder that already exists is never
  re-moded (``--out /tmp`` must not lock other users out of /tmp). When an existing
  output folder can be listed by other users, :func:`warn_if_shared` says so.
- New files are created owner-only (0o600) from the first instant. A file is written
  into a temporary file in the same folder and renamed over its name when complete, so
  a symlink planted at the name is replaced, never written through, and an existing
  file is never re-moded (it is replaced by the new, owner-only one). Appending refuses
  a symlink (``O_NOFOLLOW``) and leaves an existing file's mode as it is.
- A file name built from data (a pseudonym, a kind) goes through :func:`child_path`,
  which checks it is one plain name and asserts, by resolving both, that the result stays
  inside the folder the user named.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from motionrehab.errors import InputFileError, InvalidDataError, MotionRehabWarning

PRIVATE_FILE_MODE = 0o600
PRIVATE_DIR_MODE = 0o700


def make_private_dir(path: str | os.PathLike[str]) -> Path:
    """Create ``path`` and any missing parents owner-only (0o700); an existing folder is left exactly as it is."""
    folder = Path(path)
    missing = []
    probe = folder
    while not probe.exists() and not probe.is_symlink() and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    for new in reversed(missing):
        try:
            new.mkdir(mode=PRIVATE_DIR_MODE)
        except FileExistsError:  # created meanwhile by another process: it is not ours to re-mode
            continue
        except OSError as error:
            raise InputFileError(f"cannot create this folder ({error.strerror})", where=str(new), fix="choose a folder you can write to") from None
        os.chmod(new, PRIVATE_DIR_MODE)  # ours, just created: owner-only whatever the umask
    if not folder.is_dir():
        raise InputFileError("this is not a folder", where=str(folder), fix="name a folder (or a new name) to write into")
    return folder


def warn_if_shared(folder: str | os.PathLike[str]) -> bool:
    """Warn (MotionRehabWarning) when other users can list ``folder``; returns whether they can.

    The files written into it stay owner-only, but their names (which carry the pseudonym)
    are visible. The folder is not changed: it is the user's.
    """
    try:
        mode = os.stat(folder).st_mode
    except OSError:
        return False
    if mode & (stat.S_IROTH | stat.S_IXOTH):
        warnings.warn(MotionRehabWarning(f"{folder}: other users of this computer can list this folder "
                                         f"(mode {stat.S_IMODE(mode):o}); the files are owner-only but their names show the pseudonym"),
                      stacklevel=2)  # fmt: skip
        return True
    return False


def child_path(folder: str | os.PathLike[str], name: str) -> Path:
    """``folder / name`` for a file name built from data, asserted to stay inside ``folder``.

    ``name`` must be one plain name (no separator, not ``.`` or ``..``), and the resolved
    result must lie directly inside the resolved folder; anything else raises
    InvalidDataError (a hostile name never reaches the disk).
    """
    if not name or name in (".", "..") or "/" in name or "\\" in name or "\x00" in name or (os.altsep and os.altsep in name):
        raise InvalidDataError(f"'{name}' is not a plain file name", where=str(folder), fix="use a pseudonym of letters, digits, - and _")
    path = Path(folder) / name
    check_inside(folder, path)
    return path


def check_inside(folder: str | os.PathLike[str], path: str | os.PathLike[str]) -> Path:
    """Raise InvalidDataError unless ``path`` resolves (symlinks followed) to a place inside ``folder``."""
    base = Path(folder).resolve()
    target = Path(path).resolve()
    if target != base and base not in target.parents:
        raise InvalidDataError(f"'{path}' leads outside the folder {folder}", where=str(path),
                               fix="remove the symbolic link or the '..' from the name")  # fmt: skip
    return Path(path)


def refuse_overwrite(path: str | os.PathLike[str], *, force: bool, option: str = "--out") -> Path:
    """Raise InputFileError when ``path`` exists (or is a symlink) and ``force`` is not given; returns the path."""
    target = Path(path)
    if not force and (target.exists() or target.is_symlink()):
        raise InputFileError("the file already exists; refusing to overwrite it", where=f"{option} {target}",
                             fix="choose another name, or add --force to replace it")  # fmt: skip
    return target


def _refuse_symlink(target: Path) -> None:
    if target.is_symlink():
        raise InputFileError("this name is a symbolic link; refusing to write through it", where=str(target),
                             fix="remove the link or choose another name")  # fmt: skip


@contextmanager
def open_private(
    path: str | os.PathLike[str], mode: str = "w", *, newline: str | None = None
) -> Iterator[IO]:
    """Open a file for writing or appending with owner-only permissions (0o600); text modes use UTF-8.

    ``w``: written into a temporary owner-only file in the same folder and renamed over
    ``path`` when the block ends without error (a symlink at ``path`` is replaced, not
    followed; on an error the old file is untouched and the temporary one removed).
    ``x``: created exclusively (an existing file or symlink is an error). ``a``: appended;
    a new file is created 0o600, an existing file keeps its mode, a symlink is refused.
    Missing parent folders are created owner-only (0o700).
    """
    if not any(flag in mode for flag in ("w", "a", "x")):
        raise ValueError(f"open_private is for writing; got mode {mode!r}")
    target = Path(path)
    if not target.parent.exists():
        make_private_dir(target.parent)
    if "w" in mode:
        fd, temp_name = _temporary_beside(target, f".{target.name}.", ".part")
        try:
            with _fdopen(fd, mode, newline) as handle:
                yield handle
            _replace(temp_name, target)
        except BaseException:
            Path(temp_name).unlink(missing_ok=True)
            raise
        return
    nofollow = getattr(os, "O_NOFOLLOW", 0)
    created = True
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | nofollow | (os.O_APPEND if "a" in mode else 0), PRIVATE_FILE_MODE)
    except FileExistsError:
        _refuse_symlink(target)
        if "x" in mode:
            raise
        created = False
        try:
            fd = os.open(target, os.O_WRONLY | os.O_APPEND | nofollow)
        except OSError as error:
            if error.errno == errno.ELOOP:
                _refuse_symlink(target)
            raise
    if created:
        os.fchmod(fd, PRIVATE_FILE_MODE)  # ours, just created: owner-only whatever the umask
    with _fdopen(fd, mode, newline) as handle:
        yield handle


def _temporary_beside(target: Path, prefix: str, suffix: str) -> tuple[int, str]:
    try:
        fd, name = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=target.parent)
    except OSError as error:
        raise InputFileError(f"cannot write in this folder ({error.strerror})", where=str(target.parent),
                             fix="choose a folder you can write to") from None  # fmt: skip
    os.fchmod(fd, PRIVATE_FILE_MODE)
    return fd, name


def _replace(temp_name: str, target: Path) -> None:
    if target.is_dir() and not target.is_symlink():
        raise InputFileError("a folder has this name", where=str(target), fix="choose a file name")
    try:
        os.replace(temp_name, target)
    except OSError as error:
        # e.g. a file of another user in a sticky folder such as /tmp: never written through, never re-moded
        raise InputFileError(f"cannot replace the existing file ({error.strerror})", where=str(target),
                             fix="choose another name or folder; a file someone else owns is left as it is") from None  # fmt: skip


def _fdopen(fd: int, mode: str, newline: str | None) -> IO:
    if "b" in mode:
        return os.fdopen(fd, mode)
    return os.fdopen(fd, mode, encoding="utf-8", newline=newline)


@contextmanager
def private_output_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """A temporary owner-only path beside ``path`` for a writer that opens files by name (e.g. OpenCV).

    The block writes to the yielded path; when it ends without error the file is renamed
    over ``path`` (a symlink there is replaced, not followed). On an error it is removed.
    """
    target = Path(path)
    if not target.parent.exists():
        make_private_dir(target.parent)
    fd, temp_name = _temporary_beside(target, f".{target.stem}.", f".part{target.suffix}")
    os.close(fd)
    try:
        yield Path(temp_name)
        _replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


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


def make_output_dir(path: str | os.PathLike[str]) -> Path:
    """:func:`make_private_dir` for a folder the user named for output, warning when others can list it."""
    folder = make_private_dir(path)
    warn_if_shared(folder)
    return folder

