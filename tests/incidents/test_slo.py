"""Adherence to response targets: met, breached (named), and not yet due."""

from __future__ import annotations

import datetime as dt
import json

import jsonschema

from sdetkit.evidence import schemas
from sdetkit.incidents import slo
from sdetkit.incidents.kinds import IncidentSeverity
from sdetkit.incidents.model import IncidentRecord, IncidentUpdate
from sdetkit.incidents.support import DEFAULT_SUPPORT

DAY = dt.date(2026, 6, 17)
AT = dt.datetime(2026, 6, 30, tzinfo=dt.timezone.utc)


def sev2(ident: str, ack: str | None, resolved: str | None, *updates: str, drill: bool = False) -> IncidentRecord:
    ups = tuple(IncidentUpdate(f"2026-06-17T{u}:00Z", "Bo", "word") for u in updates)
    return IncidentRecord(
        ident, "t", IncidentSeverity.SEV2, "2026-06-17T09:00:00Z", ("web",), ("scale",), drill=drill,
        acknowledged_at=ack and f"2026-06-17T{ack}:00Z", resolved_at=resolved and f"2026-06-17T{resolved}:00Z",
        updates=ups,
    )  # fmt: skip


def test_breaches_are_named_per_target_and_met_ones_counted() -> None:
    on_time = sev2("A", "09:20", "12:00", "09:20", "11:00", "12:00")
    late_ack = sev2("B", "09:52", "10:30", "09:52", "10:30")
    silent = sev2("C", "09:10", "15:00", "09:10", "15:00")
    drill = sev2("D", None, None, drill=True)
    doc = slo.adherence([on_time, late_ack, silent, drill], DEFAULT_SUPPORT, DAY, DAY, AT)
    jsonschema.validate(doc, json.loads(schemas.text("incident-slo")))
    s = doc["severities"]["sev2"]
    assert (s["incidents"], s["acknowledged"], s["updated"], s["resolved"]) == (
        3, {"met": 2, "judged": 3}, {"met": 2, "judged": 3}, {"met": 3, "judged": 3}
    )  # fmt: skip
    assert [b["detail"] for b in doc["breaches"]] == [
        "B (sev2) acknowledged after 52m: target within 30m",
        "C (sev2) went 5h50m without an update: target every 2h",
    ]
    assert doc["ok"] is False and doc["left_out"] == {"drills": 1, "without_severity": 0}
    assert "  breach: B (sev2) acknowledged after 52m: target within 30m\n" in slo.text(doc)


def test_a_target_not_yet_due_is_not_judged_and_an_overdue_one_is_a_breach() -> None:
    fresh = sev2("E", None, None)
    soon = dt.datetime(2026, 6, 17, 9, 10, tzinfo=dt.timezone.utc)
    doc = slo.adherence([fresh], DEFAULT_SUPPORT, DAY, DAY, soon)
    assert doc["ok"] is True and doc["severities"]["sev2"]["acknowledged"] == {"met": 0, "judged": 0}
    doc = slo.adherence([fresh], DEFAULT_SUPPORT, DAY, DAY, AT)
    assert [b["detail"] for b in doc["breaches"]][:1] == ["E (sev2) acknowledged not yet: target within 30m"]
