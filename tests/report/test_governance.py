"""The report's "Governance" part from a real SQLite store and a real deprecation register: the
month's reviews, earlier months overdue since production began, removal windows closing soon,
and windows re-reported under another schema version."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sdetkit.governance.reviews import GovernanceReview
from sdetkit.lanes import LaneName
from sdetkit.portfolio.kinds import Stage
from sdetkit.portfolio.program import Program, Signoff
from sdetkit.portfolio.store import Store, open_store
from sdetkit.report import governance, markdown

NOVEMBER = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
REGISTER = """
[[deprecation]]
surface = "$.week_start"
announced = "1.4.0"
remove_after = "2026-12-15"
replacement = "$.window.start"
note = "same day"

[[deprecation]]
surface = "--old-flag"
announced = "1.4.0"
remove_after = "2027-03-01"
replacement = "--new-flag"
note = "later"

[[deprecation]]
surface = "$.legacy"
announced = "1.4.0"
remove_after = "2.0.0"
replacement = "$.modern"
note = "by version"
"""


def _review(kind: str, on: str) -> GovernanceReview:
    return GovernanceReview(f"{kind}-{on}", kind, on, ("a",), (), "0" * 64, "notes.md", on + "T12:00:00Z")


def _program(root: Path, *signoffs: Signoff) -> Program:
    (root / "governance").mkdir(exist_ok=True)
    (root / "governance" / "deprecations.toml").write_text(REGISTER, encoding="utf-8")
    return Program(root / "sdetkit-program.toml", "p", dt.date(2026, 6, 1), LaneName.REGULATED, None, None, None,
                   None, None, (), {}, signoffs)  # fmt: skip


# Production began mid-September: reviews are owed from September on, not from the program's start in June.
PRODUCTION = Signoff(Stage.PILOT, "Ana", dt.date(2026, 9, 14))


def _fill(store: Store) -> None:
    # September has both, October only its compatibility review, November only its deprecation review.
    for kind, on in (("compatibility", "2026-09-20"), ("deprecation", "2026-09-21"),
                     ("compatibility", "2026-10-05"), ("deprecation", "2026-11-03")):  # fmt: skip
        store.add_review(_review(kind, on))
    store.claim_window("kpi-weekly", "2026-11-02", "2026-11-08", "1.0.0", "2026-11-09T08:00:00Z", False)
    store.claim_window("kpi-weekly", "2026-11-02", "2026-11-08", "2.0.0", "2026-11-20T08:00:00Z", True)


def test_a_monthly_report_shows_the_months_reviews_overdue_months_soon_closing_windows_and_changes(
    tmp_path: Path,
) -> None:
    with open_store(str(tmp_path / "s.sqlite3")) as store:
        _fill(store)
        part = governance.part(store, "monthly", *NOVEMBER, dt.date(2026, 12, 10), _program(tmp_path, PRODUCTION))
    g = part["governance"]
    assert g["reviews"] == [
        {"kind": "compatibility", "held": [], "state": "overdue"},
        {"kind": "deprecation", "held": ["2026-11-03"], "state": "recorded"},
    ]
    assert g["overdue"] == [{"month": "2026-10", "kinds": ["deprecation"]}]
    # 2026-12-15 is within 30 days of the month's end; 2027-03-01 is not; a version window has no date.
    assert g["deprecations"] == [{"surface": "$.week_start", "closes": "2026-12-15", "replacement": "$.window.start"}]
    assert g["deprecations_by_version"] == 1
    assert [(c["start"], c["started"], c["reported"]) for c in g["changed_windows"]] == [
        ("2026-11-02", "1.0.0", "2.0.0")
    ]
    text = markdown.render({"kind": "monthly", "title": "t", **part})
    body = text.split("## Governance\n\n", 1)[1]
    assert "| compatibility | overdue | \u2013 |" in body
    assert "Overdue reviews of earlier months (since production began on 2026-09-14): 2026-10 deprecation." in body
    assert "| $.week_start | 2026-12-15 | $.window.start |" in body
    assert (
        "Data inconsistency: reporting windows re-reported under another schema version: kpi-weekly "
        "2026-11-02..2026-11-08 started at 1.0.0, reported at 2.0.0 on 2026-11-20."
    ) in body


def test_a_weekly_report_shows_the_short_form_as_it_stood_at_the_weeks_end(tmp_path: Path) -> None:
    with open_store(str(tmp_path / "s.sqlite3")) as store:
        _fill(store)
        part = governance.part(
            store, "weekly", dt.date(2026, 11, 9), dt.date(2026, 11, 15), None, _program(tmp_path, PRODUCTION)
        )
    g = part["governance"]
    assert set(g) == {"since", "overdue", "changed_windows"}
    assert g["overdue"] == [{"month": "2026-10", "kinds": ["deprecation"]}]
    assert g["changed_windows"] == []  # re-reported on 2026-11-20, after the week
    body = markdown.render({"kind": "weekly", "title": "t", **part}).split("## Governance\n\n", 1)[1]
    assert "No reporting window was re-reported under another schema version." in body


def test_before_production_no_review_is_owed(tmp_path: Path) -> None:
    """The same reviews, but the pilot is not signed off: nothing is overdue, as rollout status says."""
    with open_store(str(tmp_path / "s.sqlite3")) as store:
        _fill(store)
        part = governance.part(store, "monthly", *NOVEMBER, dt.date(2026, 12, 10), _program(tmp_path))
    g = part["governance"]
    assert (g["overdue"], g["reviews"]) == ([], [])
    body = markdown.render({"kind": "monthly", "title": "t", **part}).split("## Governance\n\n", 1)[1]
    assert "No review is owed this month: production had not begun." in body
    assert "Reviews are owed monthly once production begins (the pilot's sign-off); it has not begun." in body
