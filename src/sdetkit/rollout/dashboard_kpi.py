"""The KPI payloads a program dashboard shows: the week's and the previous week's.

Each is the program repository's ``docs/kpi-weekly-<date>.json`` when it is there (what the
program reported, validated; committed or not, and it says which), else computed from the
evidence store exactly as ``sdetkit kpi weekly --inventory <program file>`` computes it. A SQLite
store that does not exist yet holds no runs: the KPIs are then null, each saying why.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sdetkit.errors import InputError
from sdetkit.rollout.dashboard import WEEK, WeeklyKpis
from sdetkit.rollout.evidence import Evidence

_DAYS_BEFORE_END = dt.timedelta(days=6)  # a week is its last day and the six before it


def payload_path(day: dt.date) -> str:
    """Where the guide keeps the KPI payload of the week ending ``day`` (from the repository's top)."""
    return f"docs/kpi-weekly-{day.isoformat()}.json"


def _read(evidence: Evidence, day: dt.date) -> WeeklyKpis | None:
    from sdetkit.evidence.load import load

    rel = payload_path(day)
    path = evidence.root / rel
    if not path.exists():
        return None
    doc = load(path, "kpi-weekly")
    if doc["week_ending"] != day.isoformat():
        raise InputError(f"{path}: its week_ending is {doc['week_ending']}, not {day} as its name says")
    found = evidence.files.get(rel)
    return WeeklyKpis(doc, found.describe() if found else rel)


def _computed(evidence: Evidence, db: str | None, days: list[dt.date]) -> dict[dt.date, dict[str, Any]]:
    from sdetkit.portfolio import inventory, kpi
    from sdetkit.portfolio.store import program_store
    from sdetkit.rollout.evidence import store_url

    expected = inventory.of_program(evidence.program)
    with program_store(store_url(evidence.root, db)) as store:  # the store rollout status reads
        return {d: kpi.payload(kpi.gather(store, d - _DAYS_BEFORE_END, d, expected)) for d in days}


def weekly(evidence: Evidence, db: str | None, end: dt.date) -> tuple[WeeklyKpis, WeeklyKpis]:
    """The KPI payloads of the week ending ``end`` and of the week before it."""
    days = [end, end - WEEK]
    found = {d: _read(evidence, d) for d in days}
    missing = [d for d in days if found[d] is None]
    computed = _computed(evidence, db, missing) if missing else {}
    result = [
        found[d] or WeeklyKpis(computed[d], f"computed from the evidence store (there is no {payload_path(d)})")
        for d in days
    ]
    return result[0], result[1]
