"""Removals judged against the register: by version, by date, and never-announced surfaces."""

from __future__ import annotations

import datetime as dt

from sdetkit.governance.deprecations import Deprecation
from sdetkit.governance.removals import judge, text

REGISTER = [
    Deprecation("$.week_start", (1, 4, 0), (2, 0, 0), "$.window.start", "read window.start"),
    Deprecation("portfolio incident", (1, 4, 0), dt.date(2026, 6, 30), "incident open", "use incident"),
]


def statuses(removed: list[str], release: tuple[int, int, int] | None, day: dt.date) -> list[tuple[str, str]]:
    return [(i["surface"], i["status"]) for i in judge(removed, REGISTER, release, day)["removals"]]


def test_a_version_window_closes_at_its_version() -> None:
    assert statuses(["$.week_start"], (1, 9, 9), dt.date(2030, 1, 1)) == [("$.week_start", "blocked")]
    assert statuses(["$.week_start"], (2, 0, 0), dt.date(2020, 1, 1)) == [("$.week_start", "allowed")]
    assert statuses(["$.week_start"], None, dt.date(2030, 1, 1)) == [("$.week_start", "blocked")]


def test_a_date_window_closes_on_its_day_and_an_unregistered_surface_is_blocked() -> None:
    doc = judge(["portfolio incident", "gone"], REGISTER, None, dt.date(2026, 6, 29))
    assert not doc["ok"]
    assert text(doc) == (
        "check-removals: 2 surface(s) removed; 2 removed before the window closes: portfolio incident, gone\n"
        "  blocked  portfolio incident: removal not before 2026-06-30; it is 2026-06-29\n"
        "  blocked  gone: not in the deprecation register: it was never announced\n"
    )
    assert judge(["portfolio incident"], REGISTER, None, dt.date(2026, 6, 30))["ok"]


def test_nothing_removed_is_ok() -> None:
    assert judge([], REGISTER, None, dt.date(2026, 1, 1))["ok"]
