"""Monthly governance reviews: the record of one, and which months have theirs.

Each calendar month needs a ``compatibility`` and a ``deprecation`` review. A month that has ended
without one of them has it overdue; the month still running has it due by its last day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

from sdetkit.enums import StrEnum

SCHEMA_NAME = "sdetkit.governance.status"
SCHEMA_VERSION = "1.0.0"


class ReviewKind(StrEnum):
    """What a monthly review covers."""

    COMPATIBILITY = "compatibility"
    DEPRECATION = "deprecation"


class GovernanceReview(NamedTuple):
    """One recorded review, as the store keeps it."""

    review_id: str
    kind: str  # a ReviewKind value
    reviewed_on: str  # YYYY-MM-DD
    reviewers: tuple[str, ...]
    decisions: tuple[str, ...]
    notes_sha256: str
    notes_file: str
    recorded_at: str

    def document(self) -> dict[str, Any]:
        """The JSON form."""
        return {**self._asdict(), "reviewers": list(self.reviewers), "decisions": list(self.decisions)}


def month_end(month: dt.date) -> dt.date:
    """The last day of the month ``month`` falls in."""
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def months(first: dt.date, last: dt.date) -> list[dt.date]:
    """The first day of every month from ``first``'s to ``last``'s."""
    found, month = [], first.replace(day=1)
    while month <= last:
        found.append(month)
        month = month_end(month) + dt.timedelta(days=1)
    return found


class MonthReviews(NamedTuple):
    """One month: its reviews by kind, and the kinds missing (overdue once the month has ended)."""

    month: str  # YYYY-MM
    ended: bool
    reviews: dict[str, list[GovernanceReview]]
    missing: tuple[str, ...]

    @property
    def overdue(self) -> tuple[str, ...]:
        """The kinds missing from a month that has ended."""
        return self.missing if self.ended else ()


def by_month(reviews: Iterable[GovernanceReview], first: dt.date, as_of: dt.date) -> list[MonthReviews]:
    """Each month from ``first``'s to ``as_of``'s with the reviews held on a day in it by ``as_of``."""
    held = [r for r in reviews if r.reviewed_on <= as_of.isoformat()]
    found = []
    for month in months(first, as_of):
        key = month.strftime("%Y-%m")
        kinds = {k.value: sorted(r for r in held if r.kind == k and r.reviewed_on[:7] == key) for k in ReviewKind}
        missing = tuple(k for k, got in kinds.items() if not got)
        found.append(MonthReviews(key, month_end(month) < as_of, kinds, missing))
    return found


def status_document(months_: list[MonthReviews], as_of: dt.date) -> dict[str, Any]:
    """The ``governance status`` document."""
    return {
        "schema_name": SCHEMA_NAME,
        "schema_version": SCHEMA_VERSION,
        "ok": not any(m.overdue for m in months_),
        "as_of": as_of.isoformat(),
        "months": [
            {
                "month": m.month,
                "ended": m.ended,
                "reviews": {k: [r.document() for r in got] for k, got in m.reviews.items()},
                "overdue": list(m.overdue),
                "due": [] if m.ended else list(m.missing),
            }
            for m in months_
        ],
    }


def status_text(doc: Mapping[str, Any]) -> str:
    """The text view: one line per month, each kind with its review days or what is owed."""
    overdue = sum(len(m["overdue"]) for m in doc["months"])
    lines = [f"governance reviews as of {doc['as_of']}: {overdue} overdue"]
    for m in doc["months"]:
        parts = []
        for kind, got in m["reviews"].items():
            if got:
                parts.append(f"{kind} {', '.join(r['reviewed_on'] for r in got)}")
            else:
                parts.append(f"{kind} {'OVERDUE' if kind in m['overdue'] else 'due by month end'}")
        lines.append(f"  {m['month']}  " + "; ".join(parts))
    return "\n".join(lines) + "\n"
