"""Checklist compliance, the Regulated lane's KPI beside rollback rate: of the SHIP decisions of
Regulated-lane repositories whose checklist fell due in a period, the share whose repository and
commit a passing release checklist result names, checked by the period's end.

A decision's checklist is due :data:`DUE_DAYS` after its evidence day: the package is checked at the
latest at the next weekly review, and it needs the week's report, so a week's own decisions cannot
have theirs when its report is written. Judging them then would be a false alarm every week; they
are counted as awaiting instead. Computed here only; the reports show it next to the lane's
emphasis (it is not part of the weekly KPI payload, whose six KPIs are fixed).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import NamedTuple

from sdetkit.portfolio.rows import StoredRun
from sdetkit.portfolio.store_checklists import StoredChecklist

LANE = "regulated"


DUE_DAYS = 7


class ChecklistCompliance(NamedTuple):
    """The figure (percent, None without a decision to judge), its sample, the decisions no passing
    checklist covers, how many decisions are not due yet, and where the figure came from."""

    value: float | None
    compliant: int
    decisions: int
    non_compliant: tuple[StoredRun, ...]
    source: str
    awaiting: int = 0


def checklist_compliance(
    runs: Sequence[StoredRun], checklists: Sequence[StoredChecklist], start: dt.date, end: dt.date
) -> ChecklistCompliance:
    """Judge the SHIP decisions (``decision_ok`` true) of Regulated-lane runs whose checklist fell
    due in ``[start, end]`` (evidence :data:`DUE_DAYS` days earlier) against the checklist results
    checked on or before ``end``; ``runs`` must reach back that far."""
    first, last = (start - dt.timedelta(days=DUE_DAYS)).isoformat(), (end - dt.timedelta(days=DUE_DAYS)).isoformat()
    ships = sorted((r for r in runs if r.decision_ok is True and r.lane == LANE),
                   key=lambda r: (r.repo_id, r.source_timestamp, r.run_id))  # fmt: skip
    passing = [c for c in checklists if c.ok and c.checked_at[:10] <= end.isoformat()]

    def covered(r: StoredRun) -> bool:
        return any(c.covers(r.repo_id, r.commit_sha) for c in passing)

    decisions = [r for r in ships if first <= r.evidence_window_end <= last]
    awaiting = sum(last < r.evidence_window_end <= end.isoformat() and not covered(r) for r in ships)
    missing = tuple(r for r in decisions if not covered(r))
    decided = f"decided {first}..{last}, due by {end}"
    if not decisions:
        source = f"no SHIP decision of a {LANE}-lane repository had its checklist due in {start}..{end} ({decided})"
        return ChecklistCompliance(None, 0, 0, (), source, awaiting)
    compliant = len(decisions) - len(missing)
    return ChecklistCompliance(
        round(100.0 * compliant / len(decisions), 2),
        compliant,
        len(decisions),
        missing,
        f"{compliant} of {len(decisions)} SHIP decisions of {LANE}-lane repositories ({decided}) are covered by "
        f"a passing release checklist result (their repository and commit)",
        awaiting,
    )
