"""The append-only raw notification log: every notification as it arrived, flushed continuously.

One JSON object per line (UTF-8), written in arrival order and never rewritten:

- a notification: ``{"t": host_receive_unix_s, "dev": address, "char": uuid, "hex": bytes}``;
- a connection event: ``{"t": ..., "dev": address, "event": "connected" | "disconnected" |
  "connect_failed" | "recorder_error", "detail": text}``.

The writer flushes at least every ``flush_interval_s`` (and on close), so a recorder
killed at any moment leaves every notification received up to the last flush. A reader
ignores a last line cut short by such a kill (it has no newline) and says so.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from motionrehab._files import open_private
from motionrehab.errors import InputFileError

RAW_LOG_NAME = "raw_notifications.jsonl"


@dataclass(frozen=True, slots=True)
class RawEntry:
    """One line of the raw log: a notification (``data`` set) or a connection event (``event`` set)."""

    t_host_s: float
    device: str
    characteristic: str = ""
    data: bytes | None = None
    event: str = ""
    detail: str = ""


class RawLogWriter:
    """Appends notifications and events; flushes at least every ``flush_interval_s``.

    ``on_flush(n)`` is called after each flush with the number of notifications that are
    now safely in the file (the recorder's progress signal).
    """

    def __init__(self, path: str | os.PathLike[str], *, flush_interval_s: float = 0.5,
                 on_flush: Callable[[int], None] | None = None) -> None:  # fmt: skip
        self.path = Path(path)
        self.flush_interval_s = flush_interval_s
        self._on_flush = on_flush
        self._context = open_private(self.path, "a")
        self._handle: IO[str] = self._context.__enter__()
        self._last_flush = time.monotonic()
        self.written = 0
        self.flushed = 0

    def notification(self, t_host_s: float, device: str, characteristic: str, data: bytes) -> None:
        """Append one notification."""
        self._handle.write(json.dumps({"t": t_host_s, "dev": device, "char": characteristic, "hex": data.hex()},
                                      separators=(",", ":")) + "\n")  # fmt: skip
        self.written += 1
        if time.monotonic() - self._last_flush >= self.flush_interval_s:
            self.flush()

    def event(self, t_host_s: float, device: str, event: str, detail: str = "") -> None:
        """Append a connection event and flush it at once."""
        self._handle.write(json.dumps({"t": t_host_s, "dev": device, "event": event, "detail": detail},
                                      separators=(",", ":")) + "\n")  # fmt: skip
        self.flush()

    def flush(self) -> None:
        """Push everything written so far to the operating system."""
        self._handle.flush()
        self._last_flush = time.monotonic()
        if self.flushed != self.written:
            self.flushed = self.written
            if self._on_flush is not None:
                self._on_flush(self.flushed)

    def close(self) -> None:
        """Flush and close."""
        self.flush()
        self._context.__exit__(None, None, None)


@dataclass(frozen=True)
class RawLog:
    """A raw log read back: its entries, and how many damaged lines were skipped."""

    entries: tuple[RawEntry, ...]
    truncated_last_line: bool
    bad_lines: tuple[int, ...]


def read_raw_log(path: str | os.PathLike[str]) -> RawLog:
    """Read a raw log. A last line without newline (recorder killed mid-write) is skipped and reported."""
    file = Path(path)
    if not file.is_file():
        raise InputFileError("no raw notification log", where=str(file), fix="pass the folder `sensors record` wrote")
    text = file.read_bytes().decode("utf-8", errors="replace")
    lines = text.split("\n")
    truncated = lines[-1] != ""
    entries: list[RawEntry] = []
    bad: list[int] = []
    for number, line in enumerate(lines[:-1], start=1):
        try:
            item = json.loads(line)
            if "event" in item:
                entries.append(RawEntry(float(item["t"]), str(item["dev"]), event=str(item["event"]),
                                        detail=str(item.get("detail", ""))))  # fmt: skip
            else:
                entries.append(RawEntry(float(item["t"]), str(item["dev"]), str(item["char"]),
                                        bytes.fromhex(item["hex"])))  # fmt: skip
        except (ValueError, KeyError, TypeError, RecursionError):
            bad.append(number)
    return RawLog(tuple(entries), truncated, tuple(bad))
