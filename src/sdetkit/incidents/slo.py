"""Adherence to the support model's response targets over a period, per severity: acknowledged,
updated and resolved within target, with every breach named. Pure: the time it is judged at is
passed in; a target whose deadline has not come yet is not judged."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from typing import Any

from sdetkit.incidents.kinds import IncidentSeverity
from sdetkit.incidents.model import IncidentRecord
from sdetkit.incidents.support import SupportModel, elapsed, spoken
from sdetkit.portfolio.ingest import utc

SCHEMA_NAME = "sdetkit.incidents.slo"
SCHEMA_VERSION = "1.0.0"
TARGETS = ("acknowledged", "updated", "resolved")


def _late(done: str | None, since: dt.datetime, within: dt.timedelta, at: dt.datetime) -> str | bool | None:
    """How a step missed its target ("after 52m", "not yet"), False when met, None when not due."""
    deadline = since + within
    if done is not None:
        return f"after {elapsed(utc(done) - since)}" if utc(done) > deadline else False
    return "not yet" if at > deadline else None


def _longest_silence(r: IncidentRecord, at: dt.datetime) -> dt.timedelta:
    """The longest time without word: between opening, each update, and resolution (or now)."""
    points = sorted([utc(r.opened_at), *(utc(u.at) for u in r.updates), utc(r.resolved_at) if r.resolved_at else at])
    return max((b - a for a, b in itertools.pairwise(points)), default=dt.timedelta())


def adherence(
    records: Sequence[IncidentRecord], model: SupportModel, start: dt.date, end: dt.date, at: dt.datetime
) -> dict[str, Any]:
    """The ``incident slo`` document for incidents opened in ``[start, end]``, judged at ``at``."""
    judged = [r for r in records if start.isoformat() <= r.opened_at[:10] <= end.isoformat()]
    real = [r for r in judged if not r.drill and r.severity is not None]
    severities: dict[str, Any] = {}
    breaches: list[dict[str, str]] = []
    for target in model.targets:
        mine = [r for r in real if r.severity == target.severity]
        counts = {name: {"met": 0, "judged": 0} for name in TARGETS}
        for r in mine:
            opened = utc(r.opened_at)
            silence = _longest_silence(r, at)
            results = {
                "acknowledged": _late(r.acknowledged_at, opened, target.acknowledge_within, at),
                "updated": f"went {elapsed(silence)} without an update" if silence > target.update_every else False,
                "resolved": _late(r.resolved_at, opened, target.resolve_within, at),
            }
            limits = {"acknowledged": f"within {spoken(target.acknowledge_within)}",
                      "updated": f"every {spoken(target.update_every)}",
                      "resolved": f"within {spoken(target.resolve_within)}"}  # fmt: skip
            for name, late in results.items():
                if late is None:
                    continue
                counts[name]["judged"] += 1
                if late is False:
                    counts[name]["met"] += 1
                else:
                    what = late if name == "updated" else f"{name} {late}"  # "acknowledged after 1h30m"
                    detail = f"{r.incident_id} ({target.severity}) {what}: target {limits[name]}"
                    breaches.append({"incident": r.incident_id, "severity": target.severity.value, "target": name,
                                     "detail": detail})  # fmt: skip
        severities[target.severity.value] = {
            "incidents": len(mine),
            "targets": {
                "acknowledge_within": spoken(target.acknowledge_within),
                "update_every": spoken(target.update_every),
                "resolve_within": spoken(target.resolve_within),
            },
            **counts,
        }
    return {
        "schema_name": SCHEMA_NAME,
        "schema_version": SCHEMA_VERSION,
        "ok": not breaches,
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "judged_at": at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "severities": severities,
        "breaches": breaches,
        "left_out": {
            "drills": sum(r.drill for r in judged),
            "without_severity": sum(not r.drill and r.severity is None for r in judged),
        },
    }


def text(doc: dict[str, Any]) -> str:
    """The document as text."""
    period = doc["period"]
    lines = [f"incident response targets, incidents opened {period['start']}..{period['end']}:"]
    for sev in (s.value for s in IncidentSeverity):
        s = doc["severities"][sev]
        t = s["targets"]
        parts = ", ".join(f"{name} {s[name]['met']}/{s[name]['judged']}" for name in TARGETS)
        lines.append(
            f"  {sev}: {s['incidents']} incident(s); {parts} (targets: acknowledge within {t['acknowledge_within']}, "
            f"update every {t['update_every']}, resolve within {t['resolve_within']})"
        )
    lines += [f"  breach: {b['detail']}" for b in doc["breaches"]]
    left = doc["left_out"]
    if left["drills"] or left["without_severity"]:
        lines.append(f"  not judged: {left['drills']} drill(s), {left['without_severity']} without a severity")
    lines.append("all targets met" if doc["ok"] else f"{len(doc['breaches'])} breach(es)")
    return "\n".join(lines) + "\n"
