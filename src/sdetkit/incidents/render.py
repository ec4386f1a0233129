"""The incident log as text: one line per incident in a list, every step of one in ``show``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sdetkit.incidents.kinds import IncidentSeverity, IncidentState
from sdetkit.incidents.model import IncidentRecord


def select(
    records: Sequence[IncidentRecord],
    state: IncidentState | None = None,
    severity: IncidentSeverity | None = None,
    repo: str | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> list[IncidentRecord]:
    """The records matching every filter given (the period is the day each was opened)."""
    return [
        r
        for r in records
        if (state is None or r.state == state)
        and (severity is None or r.severity == severity)
        and (repo is None or repo in r.repos)
        and (start is None or r.opened_at[:10] >= start.isoformat())
        and (end is None or r.opened_at[:10] <= end.isoformat())
    ]


def line(r: IncidentRecord) -> str:
    """One incident in a list."""
    severity = r.severity.value if r.severity else "no severity"
    drill = " drill" if r.drill else ""
    return f"{r.incident_id}  {severity}{drill}  {r.state.value}  opened {r.opened_at}  {', '.join(r.repos)}  {r.title}"


def listing(records: Sequence[IncidentRecord]) -> str:
    """``incident list``."""
    if not records:
        return "no incidents match\n"
    return "".join(line(r) + "\n" for r in records) + f"{len(records)} incident(s)\n"


def detail(r: IncidentRecord) -> str:
    """``incident show``: every step, update and piece of evidence."""
    rows = [
        f"{r.incident_id}: {r.title}",
        f"  severity      {r.severity.value if r.severity else 'not recorded'}{' (drill)' if r.drill else ''}",
        f"  state         {r.state.value}",
        f"  repositories  {', '.join(r.repos)}",
        f"  lanes         {', '.join(r.lanes) or 'not recorded'}",
        f"  rollback      {'yes' if r.rollback else 'no'}",
        f"  opened        {r.opened_at}",
        f"  acknowledged  {r.acknowledged_at or '-'}",
        f"  mitigation    {f'{r.mitigation_at}: {r.mitigation}' if r.mitigation_at else '-'}",
        f"  resolved      {r.resolved_at or '-'}",
    ]
    if r.root_cause:
        rows.append(f"  root cause    {r.root_cause}")
    rows += [f"  follow-up     {f}" for f in r.follow_ups]
    rows += [f"  evidence      {e.sha256[:12]} {e.path or '(stored artifact)'} at {e.attached_at}" for e in r.evidence]
    rows += [f"  update        {u.at} {u.author}: {u.text}" for u in r.updates]
    return "\n".join(rows) + "\n"
