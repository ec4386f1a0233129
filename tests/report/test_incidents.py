"""The report's "Incidents and support" part from a real SQLite store: counts by severity, drills
apart, every response target breach named as ``incident slo`` names it, and escalation drift."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sdetkit.incidents.kinds import IncidentSeverity
from sdetkit.incidents.model import IncidentRecord
from sdetkit.portfolio.inventory import Expected
from sdetkit.portfolio.store import open_store
from sdetkit.report import incidents, lists, markdown

START, END = dt.date(2026, 11, 2), dt.date(2026, 11, 8)
SEV1, SEV2, SEV3 = IncidentSeverity.SEV1, IncidentSeverity.SEV2, IncidentSeverity.SEV3
EXPECTED = {
    "api": Expected("api", "payments", "regulated"),
    "web": Expected("web", "frontend", "startup"),
}
RECORDS = [
    # Opened the week before, resolved in this one: resolved here, opened there.
    IncidentRecord("INC-0", "old outage", SEV3, "2026-10-30T09:00:00Z", ("web",), (),
                   acknowledged_at="2026-10-30T09:10:00Z", resolved_at="2026-11-03T09:00:00Z"),
    # A rollback in the regulated lane recorded sev2 (the default rules give sev1), acknowledged late.
    IncidentRecord("INC-1", "bad 1.2", SEV2, "2026-11-04T09:00:00Z", ("api",), ("regulated",), rollback=True,
                   acknowledged_at="2026-11-04T10:00:00Z", resolved_at="2026-11-04T11:00:00Z"),
    IncidentRecord("INC-2", "slow checkout", IncidentSeverity.SEV4, "2026-11-05T09:00:00Z", ("web",), ("startup",),
                   acknowledged_at="2026-11-05T09:05:00Z", resolved_at="2026-11-05T12:00:00Z"),
    IncidentRecord("D-1", "practice", SEV1, "2026-11-06T09:00:00Z", ("api",), ("regulated",), drill=True),
    IncidentRecord("INC-9", "after the week", SEV1, "2026-11-09T09:00:00Z", ("api",), ("regulated",)),
]  # fmt: skip


def _part(tmp_path: Path) -> dict[str, object]:
    with open_store(str(tmp_path / "s.sqlite3")) as store:
        for r in RECORDS:
            store.add_incident_record(r)
        return incidents.part(store, START, END, dt.date(2026, 12, 1), None, EXPECTED)


def test_incidents_by_severity_with_drills_apart_and_every_breach_named(tmp_path: Path) -> None:
    part = _part(tmp_path)
    summary = part["incidents"]
    assert isinstance(summary, dict)
    counts = {r["severity"]: (r["opened"], r["resolved"], r["acknowledged_in_time"]) for r in summary["by_severity"]}
    assert counts == {"sev1": (0, 0, "0/0"), "sev2": (1, 1, "0/1"), "sev3": (0, 1, "0/0"), "sev4": (1, 1, "1/1"),
                      "none": (0, 0, None)}  # fmt: skip
    assert (summary["rollbacks"], summary["drills"], summary["drill_ids"]) == (1, 1, ["D-1"])
    assert summary["judged_at"] == "2026-11-08T23:59:59Z"  # the period's end, not the day it is rendered
    assert part["incident_breaches"] == [
        {"incident": "INC-1", "severity": "sev2", "target": "acknowledged",
         "detail": "INC-1 (sev2) acknowledged after 1h: target within 30m"},
    ]  # fmt: skip
    assert part["escalation_drift"] == [
        {"finding": "INC-1 recorded sev2, the rules give sev1: a rollback, lane regulated affected"}
    ]


def test_the_section_shows_the_table_the_breaches_and_the_drift(tmp_path: Path) -> None:
    model = {"kind": "weekly", "title": "t", **_part(tmp_path)}
    text = markdown.render(model)
    body = text.split("## Incidents and support\n\n", 1)[1].split("\n\n## ", 1)[0]
    assert body.startswith(
        "Rollbacks opened this week: 1. Drills this week: 1 (D-1); drills are practice and count in no figure "
        "here or in the KPIs."
    )
    assert "| sev2 | 1 | 1 | 0/1 | 1/1 | 1/1 |" in body
    assert "| none | 0 | 0 | not judged | not judged | not judged |" in body
    assert "### Response target breaches\n\n| incident | severity | target | breach |" in body
    assert "| INC-1 | sev2 | acknowledged | INC-1 (sev2) acknowledged after 1h: target within 30m |" in body


def test_more_than_ten_breaches_are_cut_and_kept_whole_in_the_appendix() -> None:
    breaches = [{"incident": f"INC-{i:02d}", "severity": "sev3", "target": "resolved", "detail": f"late {i}"}
                for i in range(12)]  # fmt: skip
    model = {"kind": "monthly", "title": "t", "incident_breaches": breaches}
    shown = lists.SLO_BREACHES.shown(model)
    assert [row[0] for row in shown.rows] == [f"INC-{i:02d}" for i in range(10)]
    assert shown.more == 2
    text = markdown.render(model)
    assert "### Response target breaches: all 12" in text
