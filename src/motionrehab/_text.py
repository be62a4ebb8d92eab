"""Reading the text files a user gives: UTF-8 (with or without a BOM), or one clear error.

Spreadsheets save CSV with a UTF-8 byte order mark (Excel's "CSV UTF-8") or in a legacy
code page (Windows-1252): the first is accepted, the second gets an error naming the line
of the first byte that is not UTF-8 and how to re-save the file, never a
UnicodeDecodeError traceback. A size limit keeps a hostile or mistaken file (a video
renamed .csv, a 10 GB log) from being read into memory whole.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

from motionrehab.errors import InputFileError

DEFAULT_MAX_BYTES = 2 * 1024**3
"""Largest text file read (2 GiB: about 30 hours of pose track at 30 fps)."""


def read_text(path: str | os.PathLike[str], *, kind: str = "file", max_bytes: int = DEFAULT_MAX_BYTES, fix: str = "") -> str:
    """The text of ``path`` decoded as UTF-8 (a leading BOM is dropped; line endings kept as written).

    Raises InputFileError for a missing or unreadable file, one larger than ``max_bytes``,
    or bytes that are not UTF-8 (naming the line). ``kind`` names the file in messages.
    """
    source = Path(path)
    try:
        size = source.stat().st_size
    except OSError:
        size = 0  # the read below names the problem
    if size > max_bytes:
        raise InputFileError(f"the {kind} is {size / 1e6:,.1f} MB, more than the {max_bytes / 1e6:,.1f} MB a {kind} may be",
                             where=str(source), fix=fix or f"check that this is the right file (a {kind})")  # fmt: skip
    try:
        data = source.read_bytes()
    except FileNotFoundError:
        raise InputFileError(f"the {kind} does not exist", where=str(source), fix="check the path") from None
    except PermissionError:
        raise InputFileError(f"no permission to read the {kind}", where=str(source), fix="check the file's owner and mode") from None
    except IsADirectoryError:
        raise InputFileError(f"the {kind} is a folder, not a file", where=str(source), fix="give the path of a file") from None
    except OSError as error:
        raise InputFileError(f"cannot read the {kind} ({error.strerror})", where=str(source)) from None
    return decode_text(data, where=str(source), kind=kind)


def decode_text(data: bytes, *, where: str, kind: str = "file") -> str:
    """``data`` decoded as UTF-8 (BOM dropped); InputFileError naming the line of the first bad byte otherwise."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise InputFileError(f"the {kind} is not UTF-8 text: byte 0x{data[error.start]:02x} on line {line} is not UTF-8",
                             where=f"{where}, line {line}",
                             fix="save it again as UTF-8 (in a spreadsheet: 'CSV UTF-8'); do not edit it in a word processor") from None  # fmt: skip


def open_text(path: str | os.PathLike[str], *, kind: str = "file", max_bytes: int = DEFAULT_MAX_BYTES) -> io.StringIO:
    """:func:`read_text` as a file-like object (for csv.reader), newlines kept as written."""
    return io.StringIO(read_text(path, kind=kind, max_bytes=max_bytes), newline="")
