"""Errors a user can act on.

Every error motionrehab raises for bad input says three things: what is wrong, where
(file, line, field, frame, device) and how to fix it. The CLI prints these without a
traceback; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations


class MotionRehabError(Exception):
    """Base class for errors caused by input the user can change.

    Args:
        what: what is wrong, in plain words.
        where: the file, line, field, frame or device concerned ('' when not applicable).
        fix: what the user should do about it ('' when nothing obvious).
    """

    def __init__(self, what: str, *, where: str = "", fix: str = "") -> None:
        self.what = what
        self.where = where
        self.fix = fix
        super().__init__(self.__str__())

    def __str__(self) -> str:
        parts = [f"{self.where}: {self.what}" if self.where else self.what]
        if self.fix:
            parts.append(f"How to fix: {self.fix}")
        return "\n".join(parts)

    def one_line(self) -> str:
        """The error as one line for a person or a log: "where: what. How to fix: fix"."""
        what = " ".join(self.what.split())
        text = f"{self.where}: {what}" if self.where else what
        if self.fix:
            text += ("" if text.endswith((".", "!", "?")) else ".") + f" How to fix: {' '.join(self.fix.split())}"
        return text


class InvalidDataError(MotionRehabError, ValueError):
    """Data that breaks a boundary type's rules (shape, units, time order, range)."""


class InputFileError(MotionRehabError, OSError):
    """A file that is missing, unreadable, truncated or of the wrong kind."""


class ModelNotFoundError(MotionRehabError, FileNotFoundError):
    """The pose model file could not be found or loaded."""


class UnusableViewError(MotionRehabError, ValueError):
    """The camera view cannot support the requested measure (e.g. frontal view for a sagittal measure)."""


class SafetyStop(MotionRehabError):
    """A red flag or safety rule stopped the session. The message tells the person what to do."""


class MotionRehabWarning(UserWarning):
    """Something the user should know and may want to change, that does not stop the command.

    The CLI prints it as one line starting with ``warning:``.
    """
