"""Dates and times the portfolio commands are given: parsed with a one-line error naming the flag,
and checked against today (a period that has not begun can hold no evidence)."""

from __future__ import annotations

import datetime as dt

from sdetkit.errors import UsageError
from sdetkit.portfolio.ingest import utc


def now() -> dt.datetime:
    """The current UTC time, to the second (what the store records)."""
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def parse_date(flag: str, text: str) -> dt.date:
    """``YYYY-MM-DD`` given to ``flag``."""
    from sdetkit.text import DAY, iso_day

    try:
        return iso_day(text)
    except ValueError as exc:
        if DAY.fullmatch(text):  # the right shape, a day the calendar lacks
            raise UsageError(f"{flag} {text}: there is no such day") from exc
        raise UsageError(f"{flag} {text}: expected a YYYY-MM-DD date") from exc


def parse_time(flag: str, text: str) -> dt.datetime:
    """An ISO 8601 time given to ``flag``, in UTC."""
    try:
        return utc(text)
    except ValueError as exc:
        raise UsageError(f"{flag} {text}: expected an ISO 8601 time such as 2026-03-01T12:00:00Z") from exc


def month_end(day: dt.date) -> dt.date:
    """The last day of ``day``'s month."""
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def not_future(what: str, start: dt.date) -> None:
    """A reporting period that has not begun can hold no evidence: asking for one is a mistake."""
    today = now().date()
    if start > today:
        raise UsageError(f"{what} starts {start}, after today ({today}): no evidence can exist for it yet")
