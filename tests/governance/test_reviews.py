"""Which months have their two reviews: overdue once a month has ended, due while it runs."""

from __future__ import annotations

import datetime as dt

from sdetkit.governance.reviews import GovernanceReview, by_month, status_document, status_text


def held(kind: str, on: str) -> GovernanceReview:
    return GovernanceReview(f"{kind}-{on}", kind, on, ("a",), (), "0" * 64, "notes.md", on + "T12:00:00Z")


def test_a_month_that_ended_without_a_kind_has_it_overdue_and_the_running_month_has_it_due() -> None:
    found = [held("compatibility", "2026-01-30"), held("deprecation", "2026-01-31"), held("deprecation", "2026-02-10")]
    months = by_month(found, dt.date(2026, 1, 5), dt.date(2026, 3, 3))
    assert [(m.month, m.ended, m.missing, m.overdue) for m in months] == [
        ("2026-01", True, (), ()),
        ("2026-02", True, ("compatibility",), ("compatibility",)),
        ("2026-03", False, ("compatibility", "deprecation"), ()),
    ]
    doc = status_document(months, dt.date(2026, 3, 3))
    assert not doc["ok"]
    assert status_text(doc) == (
        "governance reviews as of 2026-03-03: 1 overdue\n"
        "  2026-01  compatibility 2026-01-30; deprecation 2026-01-31\n"
        "  2026-02  compatibility OVERDUE; deprecation 2026-02-10\n"
        "  2026-03  compatibility due by month end; deprecation due by month end\n"
    )


def test_a_review_held_after_the_day_judged_does_not_count() -> None:
    months = by_month([held("compatibility", "2026-02-03")], dt.date(2026, 1, 1), dt.date(2026, 2, 2))
    assert months[0].overdue == ("compatibility", "deprecation")
    assert months[1].reviews["compatibility"] == []
