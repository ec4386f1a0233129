"""The report's "Incidents and support" part: incidents opened and resolved in the period by
severity, drills, adherence to the support model's response targets with every breach named, and
escalation drift. The targets and the drift are judged by :mod:`sdetkit.incidents.slo` and
:mod:`sdetkit.incidents.drift`; this module only gathers and words them.

Dataset keys: ``incidents`` (the summary), ``incident_breaches`` and ``escalation_drift`` (lists
the report cuts, see :mod:`sdetkit.report.lists`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sdetkit.incidents.kinds import IncidentSeverity
from sdetkit.report.content import Table, format_value, period_noun, plain_text, rows_of
from sdetkit.report.lists import ESCALATION_DRIFT, SLO_BREACHES

if TYPE_CHECKING:
    from sdetkit.incidents.model import IncidentRecord
    from sdetkit.incidents.support import SupportModel
    from sdetkit.portfolio.inventory import Expected
    from sdetkit.portfolio.store import Store

NO_SEVERITY = "none"  # incidents recorded before severities existed


def judged_at(end: dt.date, today: dt.date | None) -> dt.datetime:
    """When the period's targets are judged: the end of its last day, or of today while it runs, so
    a report regenerated later for the same period says the same."""
    day = min(end, today) if today else end
    return dt.datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=dt.timezone.utc)


def _severity(r: IncidentRecord) -> str:
    return r.severity.value if r.severity is not None else NO_SEVERITY


def part(
    store: Store,
    start: dt.date,
    end: dt.date,
    today: dt.date | None,
    support: SupportModel | None,
    expected: Mapping[str, Expected],
) -> dict[str, Any]:
    """The dataset keys of the part for incidents opened (or resolved) in ``[start, end]``;
    ``support`` is the program file's support model, None for the defaults."""
    from sdetkit.incidents import drift, slo
    from sdetkit.incidents.support import DEFAULT_SUPPORT

    model = support or DEFAULT_SUPPORT
    applied = "the program file's support model" if support else "the default support model (no program file)"
    first, last = start.isoformat(), end.isoformat()
    every = store.incident_records("0001-01-01", last)
    opened = [r for r in every if first <= r.opened_at[:10]]
    real = [r for r in opened if not r.drill]
    resolved = [r for r in every if not r.drill and r.resolved_at and first <= r.resolved_at[:10] <= last]
    adherence = slo.adherence(every, model, start, end, judged_at(end, today))
    rows = []
    for sev in [*(s.value for s in IncidentSeverity), NO_SEVERITY]:
        judged = adherence["severities"].get(sev, {})
        rows.append({
            "severity": sev,
            "opened": sum(_severity(r) == sev for r in real),
            "resolved": sum(_severity(r) == sev for r in resolved),
            # "met/judged" per target ("acknowledged_in_time": "2/3"); not judged without a severity.
            **{f"{t}_in_time": None if sev == NO_SEVERITY else f"{judged[t]['met']}/{judged[t]['judged']}"
               for t in slo.TARGETS},
        })  # fmt: skip

    def team(r: IncidentRecord) -> str | None:
        return expected[r.repos[0]].team if r.repos and r.repos[0] in expected else None

    with_severity = [r for r in real if r.severity is not None]
    found = drift.disagreements(with_severity, model) + drift.team_splits(with_severity, team)
    return {
        "incidents": {
            "support_model": applied,
            "judged_at": adherence["judged_at"],
            "by_severity": rows,
            "rollbacks": sum(r.rollback for r in real),
            "drills": sum(r.drill for r in opened),
            "drill_ids": [r.incident_id for r in opened if r.drill],
        },
        "incident_breaches": [dict(b) for b in adherence["breaches"]],
        "escalation_drift": [{"finding": f} for f in found],
    }


def severity_table(model: Mapping[str, Any]) -> Table:
    """Incidents opened and resolved in the period per severity, and each response target as met/judged."""
    part_ = model.get("incidents") or {}
    rows = tuple(
        (
            plain_text(r.get("severity")),
            format_value(r.get("opened")),
            format_value(r.get("resolved")),
            *(plain_text(r.get(f"{t}_in_time"), "not judged") for t in ("acknowledged", "updated", "resolved")),
        )
        for r in rows_of(part_.get("by_severity"))
    )
    headers = ("severity", "opened", "resolved", "acknowledged in time", "updated in time", "resolved in time")
    return Table(headers, rows, f"No incident data this {period_noun(model)}.", frozenset({1, 2}))


def summary_lines(model: Mapping[str, Any]) -> list[str]:
    """The sentences around the table: drills, rollbacks and which targets were applied."""
    part_ = model.get("incidents")
    if not isinstance(part_, Mapping):
        return ["No incident data."]
    noun = period_noun(model)
    drills = part_.get("drill_ids") or []
    drilled = f" ({', '.join(map(str, drills))})" if drills else ""
    return [
        f"Rollbacks opened this {noun}: {format_value(part_.get('rollbacks'))}. Drills this {noun}: "
        f"{format_value(part_.get('drills'))}{drilled}; drills are practice and count in no figure here "
        "or in the KPIs.",
        f"Response targets from {plain_text(part_.get('support_model'))}, judged at "
        f"{plain_text(part_.get('judged_at'))} (a target not yet due is not judged; incidents without a "
        "severity are not judged).",
    ]


def blocks(model: Mapping[str, Any]) -> list[str | Table]:
    """The section: the sentences, the table by severity, then the breaches and the drift (each cut)."""
    return [
        *summary_lines(model),
        severity_table(model),
        f"### {SLO_BREACHES.heading}",
        SLO_BREACHES.shown(model),
        f"### {ESCALATION_DRIFT.heading}",
        ESCALATION_DRIFT.shown(model),
    ]
