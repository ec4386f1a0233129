"""The report's "Release checklists" part: the checklist results recorded in the period, and
checklist compliance (:mod:`sdetkit.portfolio.compliance`) shown beside the Regulated lane's other
emphasized KPI, with each SHIP decision no passing checklist covers named.

Dataset keys: ``checklists`` (results and the figure) and ``checklist_noncompliant`` (a list the
report cuts, see :mod:`sdetkit.report.lists`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sdetkit.report.content import DASH, Table, format_value, period_noun, plain_text, rows_of
from sdetkit.report.lists import CHECKLIST_NONCOMPLIANT

if TYPE_CHECKING:
    from sdetkit.portfolio.inventory import Expected
    from sdetkit.portfolio.store import Store


def part(store: Store, start: dt.date, end: dt.date, expected: Mapping[str, Expected]) -> dict[str, Any]:
    """The dataset keys for ``[start, end]``: results checked in it, and compliance of its decisions."""
    from sdetkit.lanes import LANES, LaneName
    from sdetkit.portfolio.compliance import DUE_DAYS, LANE, checklist_compliance
    from sdetkit.portfolio.ingest import reassign

    recorded = store.checklists(end.isoformat())
    since = start - dt.timedelta(days=DUE_DAYS)  # decisions whose checklist fell due in the period
    runs = reassign(store.runs_between(since.isoformat(), end.isoformat()), expected)
    found = checklist_compliance(runs, recorded, start, end)
    regulated = {k for k, e in expected.items() if e.lane == LANE} | {r.repo_id for r in runs if r.lane == LANE}
    return {
        "checklists": {
            "results": [
                {
                    "train": c.train,
                    "version": c.version,
                    "checked_at": c.checked_at,
                    "ok": c.ok,
                    "failing": list(c.failing),
                }
                for c in recorded
                if start.isoformat() <= c.checked_at[:10]
            ],
            "compliance": {
                "value": found.value,
                "compliant": found.compliant,
                "decisions": found.decisions,
                "source": found.source,
                "awaiting": found.awaiting,
            },
            "regulated_repos": len(regulated),
            "lane": LANE,
            "lane_emphasis": list(LANES[LaneName(LANE)].kpi_emphasis),
        },
        "checklist_noncompliant": [
            {"repo_id": r.repo_id, "team": r.team, "lane": r.lane, "commit": r.commit_sha, "day": r.evidence_window_end}
            for r in found.non_compliant
        ],
    }


def results_table(model: Mapping[str, Any]) -> Table:
    """The checklist results recorded in the period."""
    part_ = model.get("checklists") or {}
    rows = tuple(
        (
            plain_text(r.get("train")),
            plain_text(r.get("version")),
            plain_text(r.get("checked_at")),
            "passed" if r.get("ok") is True else "failed",
            ", ".join(map(str, r.get("failing") or [])) or DASH,
        )
        for r in rows_of(part_.get("results"))
    )
    empty = f"No release checklist result was recorded this {period_noun(model)}."
    return Table(("train", "version", "checked at", "result", "failing items"), rows, empty)


def compliance_line(model: Mapping[str, Any]) -> str:
    """The lane's emphasized KPIs: its payload KPIs from the headline, then checklist compliance
    (computed for the report, not a payload KPI), with where the figure came from."""
    part_ = model.get("checklists")
    if not isinstance(part_, Mapping):
        return "No checklist data."
    c = part_.get("compliance") or {}
    lane = plain_text(part_.get("lane")).capitalize()
    if part_.get("regulated_repos") == 0:
        return f"No repository is in the {lane} lane: checklist compliance does not apply."
    headline = {k.get("id"): k for k in rows_of(model.get("kpis"))}
    shown = [
        f"{str(name).replace('_', ' ')} {format_value(headline[name].get('value'), headline[name].get('unit'))}"
        for name in part_.get("lane_emphasis") or []
        if name in headline
    ]
    shown.append(f"checklist compliance {format_value(c.get('value'), '%')}")
    awaiting = c.get("awaiting") or 0
    later = f" {awaiting} more awaiting their checklist (not due yet)." if awaiting else ""
    return f"{lane} lane KPI emphasis: {'; '.join(shown)}. Checklist compliance: {plain_text(c.get('source'))}.{later}"


def blocks(model: Mapping[str, Any]) -> list[str | Table]:
    """The section: the compliance line, the results recorded, and the decisions not covered (cut)."""
    return [
        compliance_line(model),
        results_table(model),
        f"### {CHECKLIST_NONCOMPLIANT.heading}",
        CHECKLIST_NONCOMPLIANT.shown(model),
    ]
