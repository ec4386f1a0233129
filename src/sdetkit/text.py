"""Text that people type into a record: names, titles, sign-offs, and days.

A name or title is rendered into one-line text output, Markdown table cells and TOML files that
people review. A newline or another control character in one would let it forge a line of its own
(``Rita\\n  ok   [program] Sign-off: ...``), so such text is refused where it comes in.
"""

from __future__ import annotations

import datetime as dt
import re

DAY = re.compile(r"\d{4}-\d{2}-\d{2}")  # the shape of a day; iso_day also checks the calendar


def iso_day(text: str) -> dt.date:
    """``YYYY-MM-DD`` and nothing else. ``date.fromisoformat`` also reads ``20261129`` and ISO week
    dates (``2026-W48`` is that week's Monday), so a mistyped week would silently become a day.
    ValueError for anything else, or for a day the calendar lacks."""
    if not DAY.fullmatch(text):
        raise ValueError(f"{text!r} is not a YYYY-MM-DD date")
    return dt.date.fromisoformat(text)


def one_line_problem(text: str) -> str | None:
    """Why ``text`` is not one line of printable text (None: it is)."""
    for c in text:
        if c != " " and not c.isprintable():
            return f"contains the control character {c!r}: a name or title is one line of printable text"
    return None
