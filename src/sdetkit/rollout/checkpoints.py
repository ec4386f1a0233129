"""The guide's 30/60/90-day checkpoints, relative to the program's start date.

Each checkpoint is a stage's exit criteria, due on its day. It is ``met`` when they were all met
on the due day (or earlier), ``late`` when they were not (by how many days: until they were met,
or until ``as_of`` while they still are not), ``not_due`` before its day, and ``unknown`` when
only criteria sdetkit cannot judge stand between it and met.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, NamedTuple

from sdetkit.portfolio.kinds import Stage
from sdetkit.rollout.model import CriterionResult, Status

# (day, the stage whose exit criteria are due, the guide's words)
CHECKPOINTS = (
    (30, Stage.EVALUATION, "evaluation complete + KPI baseline payload + DRI assignment"),
    (60, Stage.PILOT, "pilot steady-state + 2 weekly cycles + escalation rehearsal"),
    (90, Stage.PRODUCTION, "4-week portfolio reporting streak + monthly leadership review + release package checklist"),
)


class Checkpoint(NamedTuple):
    """One checkpoint's result."""

    day: int
    due: dt.date
    what: str
    status: str  # met, late, not_due, unknown
    days_late: int | None
    met_on: dt.date | None

    def document(self) -> dict[str, Any]:
        """The JSON form (``checkpoints[]``)."""
        return {
            "day": self.day,
            "due": self.due.isoformat(),
            "what": self.what,
            "status": self.status,
            "days_late": self.days_late,
            "met_on": self.met_on.isoformat() if self.met_on else None,
        }


def _state(results: list[CriterionResult]) -> Status:
    statuses = {r.result.status for r in results}
    if statuses <= {Status.MET}:
        return Status.MET
    return Status.NOT_MET if Status.NOT_MET in statuses else Status.UNKNOWN


def judge(start: dt.date, as_of: dt.date, exits: Callable[[dt.date, Stage], list[CriterionResult]]) -> list[Checkpoint]:
    """Every checkpoint as of ``as_of``; ``exits(day, stage)`` judges a stage's exit criteria on a day."""
    found = []
    for day, stage, what in CHECKPOINTS:
        due = start + dt.timedelta(days=day)
        now = _state(exits(as_of, stage))
        if as_of < due:
            met_on = _first_met(exits, stage, start, as_of) if now == Status.MET else None
            found.append(Checkpoint(day, due, what, "met" if met_on else "not_due", None, met_on))
        elif _state(exits(due, stage)) == Status.MET:
            found.append(Checkpoint(day, due, what, "met", None, _first_met(exits, stage, start, due)))
        elif now == Status.MET:
            met_on = _first_met(exits, stage, due, as_of)
            found.append(Checkpoint(day, due, what, "late", (met_on - due).days, met_on))
        elif now == Status.UNKNOWN:
            found.append(Checkpoint(day, due, what, "unknown", None, None))
        else:
            found.append(Checkpoint(day, due, what, "late", (as_of - due).days, None))
    return found


def _first_met(
    exits: Callable[[dt.date, Stage], list[CriterionResult]], stage: Stage, lo: dt.date, hi: dt.date
) -> dt.date:
    """The first day in ``[lo, hi]`` the stage's exit criteria were all met (they are on ``hi``).
    Evidence only accumulates, so a binary search finds it in a handful of judgements."""
    while lo < hi:
        mid = lo + (hi - lo) // 2
        if _state(exits(mid, stage)) == Status.MET:
            hi = mid
        else:
            lo = mid + dt.timedelta(days=1)
    return hi
