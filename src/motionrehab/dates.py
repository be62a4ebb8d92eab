"""Dates that make sense for a home program: within a window around today, said clearly when not.

A typo'd year (0001-01-01, 9999-12-31, 1900-01-01) would make a program of 100,000 weeks
(a report running for minutes with gigabytes of memory) or a week number of -416015.
Every date that enters (a prescription's start, a check-in time, an imported row, a
--since or --today option) is checked against this window:

- ``YEARS_BACK``: 20 years before today (older records are not a home program's);
- ``YEARS_AHEAD``: 2 years after today for plans (a prescription may start later);
  events that happened (check-ins, sessions, measurements) may be at most 1 day ahead
  (a clock in another time zone).
"""

from __future__ import annotations

import datetime as dt

from motionrehab.errors import InvalidDataError

YEARS_BACK = 20
YEARS_AHEAD = 2
EVENT_DAYS_AHEAD = 1


def date_window(today: dt.date | None = None, *, event: bool = False) -> tuple[dt.date, dt.date]:
    """(earliest, latest) accepted date; ``event`` for things that already happened."""
    today = today or dt.date.today()
    earliest = today.replace(year=today.year - YEARS_BACK, day=min(today.day, 28))
    latest = today + dt.timedelta(days=EVENT_DAYS_AHEAD) if event else today.replace(year=today.year + YEARS_AHEAD, day=min(today.day, 28))
    return earliest, latest


def check_date(day: dt.date | dt.datetime, where: str, *, event: bool = False, today: dt.date | None = None) -> None:
    """Raise InvalidDataError naming ``where`` unless ``day`` is inside :func:`date_window`."""
    earliest, latest = date_window(today, event=event)
    as_date = day.date() if isinstance(day, dt.datetime) else day
    if not earliest <= as_date <= latest:
        kind = "in the future" if as_date > latest else "too long ago"
        raise InvalidDataError(f"{as_date.isoformat()} is {kind}: dates from {earliest.isoformat()} to {latest.isoformat()} are accepted",
                               where=where, fix="check the year (YYYY-MM-DD)")  # fmt: skip
