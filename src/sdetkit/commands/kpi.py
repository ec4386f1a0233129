"""``sdetkit kpi weekly``: the six-KPI payload for one week, computed from the evidence store."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from sdetkit.errors import EXIT_OK, UsageError
from sdetkit.evidence.atomic import check_writable
from sdetkit.formats.base import DocumentReport
from sdetkit.formats.deliver import deliver
from sdetkit.settings import KpiWeeklySettings, OutputSettings


def weekly(settings: KpiWeeklySettings) -> int:
    """Compute the week's payload from the store, write it (default ``docs/kpi-weekly-<date>.json``)."""
    from sdetkit.portfolio import inventory as inv
    from sdetkit.portfolio import kpi
    from sdetkit.portfolio.dates import not_future, parse_date
    from sdetkit.portfolio.store import open_store

    week_ending, out, status = settings.week_ending, settings.out, settings.status
    end = parse_date("--week-ending", week_ending)
    not_future(f"the week ending {end}", end - dt.timedelta(days=6))
    reason = (settings.status_reason or "").strip()
    if (status is None) != (not reason):
        raise UsageError("--status and --status-reason go together: an override needs its reason on record")
    target = (out or Path("docs") / f"kpi-weekly-{end.isoformat()}.json").absolute()
    check_writable(target)
    expected = inv.resolve(settings.store.inventory)
    with open_store(settings.store.db, create=False) as store:
        inputs = kpi.gather(store, end - dt.timedelta(days=6), end, expected)
    doc = kpi.payload(inputs, (status, reason) if status else None)
    k = doc["kpis"]
    shown = "; ".join(
        f"{name} {k[name]['value']} ({k[name]['quality']})"
        for name in ("first_time_success_onboarding_rate", "failed_release_gate_frequency")
    )
    summary = f"kpi week ending {end}: program status {doc['program_status']}; {shown}\n"
    if not expected:
        summary += "note: no inventory (--inventory or SDETKIT_INVENTORY): missing repositories are not tracked\n"
    deliver(DocumentReport("kpi", doc), OutputSettings("json", target), sys.stdout, summary)
    return EXIT_OK
