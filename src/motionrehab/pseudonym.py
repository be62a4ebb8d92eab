"""What a patient id is: one strict definition, checked wherever an id enters the toolkit.

A pseudonym is the clinic's code for a patient, e.g. ``P-7F3A2C``: 1 to 40 characters of
``A-Z a-z 0-9 - _``, starting with a letter or a digit. Nothing else is accepted, so a
pseudonym can never carry a path (``/``, ``..``), a space, a control character or an
accent, and every file name built from it stays inside the folder the user named.

It must not identify the person: an id holding a date (``John_1970-01-01``,
``P19700101``) is refused because it is most likely a date of birth, and an id made of
two capitalised words (``John_Smith``) gives a warning because it looks like a name.

Every layer may import this module (like errors.py): the CLI checks its arguments, the
prescription reader its ``patient:`` field, the importer the export's manifest and file
names, the store every id it is given.
"""

from __future__ import annotations

import re
import warnings

from motionrehab.errors import InvalidDataError, MotionRehabWarning

MAX_LENGTH = 40
"""Longest pseudonym accepted (characters); the store's column is this wide."""

_PSEUDONYM = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,39}")
_YEAR = r"(?:19|20)\d\d"
_M, _D = r"(?:0?[1-9]|1[0-2])", r"(?:0?[1-9]|[12]\d|3[01])"  # with separators: 1 or 2 digits
_MM, _DD = r"(?:0[1-9]|1[0-2])", r"(?:0[1-9]|[12]\d|3[01])"  # without: 2 digits
_S = r"[-_]"
# a date written year-month-day, day-month-year or month-day-year, with or without separators
_DATE = re.compile(
    rf"(?<!\d)(?:{_YEAR}{_S}{_M}{_S}{_D}|{_D}{_S}{_M}{_S}{_YEAR}|{_M}{_S}{_D}{_S}{_YEAR}"
    rf"|{_YEAR}{_MM}{_DD}|{_DD}{_MM}{_YEAR}|{_MM}{_DD}{_YEAR})(?!\d)"
)
# two capitalised words (John_Smith, John-Smith, JohnSmith), the usual shape of a name
_NAME = re.compile(r"(?:^|[-_\d])[A-Z][a-z]+[-_]?[A-Z][a-z]+")

RULE = "1-40 characters of A-Z a-z 0-9 - _, starting with a letter or digit, e.g. P-7F3A2C"
"""The definition in one line (for messages and docs)."""


def check_pseudonym(patient: object, *, where: str = "patient") -> str:
    """Return ``patient`` when it is a valid pseudonym; raise InvalidDataError naming ``where`` otherwise.

    Refused: anything but 1-40 characters of ``A-Z a-z 0-9 - _`` starting with a letter or
    digit, and ids holding a date (a date of birth must never be part of an id). An id that
    looks like a name gives a :class:`~motionrehab.errors.MotionRehabWarning`.
    """
    text = patient if isinstance(patient, str) else ""
    shown = _shown(patient)
    if not isinstance(patient, str) or _PSEUDONYM.fullmatch(patient) is None:
        raise InvalidDataError(f"{shown} is not a pseudonymous patient id", where=where,
                               fix=f"use the clinic's pseudonym: {RULE}; never a name")  # fmt: skip
    if _DATE.search(text):
        raise InvalidDataError(f"{shown} holds a date, most likely a date of birth, which identifies the patient", where=where,
                               fix="use the clinic's pseudonym without any date, e.g. P-7F3A2C")  # fmt: skip
    if looks_like_name(text):
        # the same text wherever it is checked, so the CLI shows it once per command
        warnings.warn(MotionRehabWarning(f"'{text}' looks like a person's name; a pseudonym must not identify the patient "
                                         "(use the clinic's code, e.g. P-7F3A2C)"), stacklevel=2)  # fmt: skip
    return text


def is_pseudonym(patient: object) -> bool:
    """Whether ``patient`` passes :func:`check_pseudonym`'s refusals (warnings are not refusals)."""
    return isinstance(patient, str) and _PSEUDONYM.fullmatch(patient) is not None and _DATE.search(patient) is None


def looks_like_name(patient: str) -> bool:
    """Whether ``patient`` holds two capitalised words, the usual shape of a first and last name."""
    return _NAME.search(patient) is not None


def _shown(value: object) -> str:
    # a hostile id may be long or hold control characters: show a short, printable form
    text = value if isinstance(value, str) else repr(value)
    text = text.encode("unicode_escape").decode("ascii")
    return f"'{text[:60]}{'...' if len(text) > 60 else ''}'"
