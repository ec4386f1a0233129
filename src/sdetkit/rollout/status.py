"""The whole evaluation: every criterion, the stage reached, the checkpoints and the signals.

The stage reached is the highest stage whose entry criteria are all met. A stage is judged by its
exit criteria: all met (an ``unknown`` one is not met) is what ``rollout status`` exits 0 on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

from sdetkit.portfolio.kinds import Stage
from sdetkit.portfolio.program import Program
from sdetkit.rollout import checkpoints, criteria_evaluation, criteria_pilot, criteria_production, signals
from sdetkit.rollout.checkpoints import Checkpoint
from sdetkit.rollout.criteria import Criterion
from sdetkit.rollout.evidence import Evidence, View
from sdetkit.rollout.model import CriterionResult, Gate, Status
from sdetkit.rollout.signals import Signal

SCHEMA_NAME = "sdetkit.rollout.status"
SCHEMA_VERSION = "1.0.0"
STAGES = (Stage.EVALUATION, Stage.PILOT, Stage.PRODUCTION)
ALL: tuple[Criterion, ...] = (*criteria_evaluation.CRITERIA, *criteria_pilot.CRITERIA, *criteria_production.CRITERIA)


def _judge(view: View, stage: Stage, gate: Gate) -> list[CriterionResult]:
    return [c.evaluate(view) for c in ALL if c.stage == stage and c.gate == gate]


def _exits(view: View, stage: Stage) -> list[CriterionResult]:
    return _judge(view, stage, Gate.EXIT)


def view_at(evidence: Evidence, as_of: dt.date) -> View:
    """The evidence as it stood at the end of ``as_of``."""
    return View(evidence, as_of, _exits)


class RolloutStatus(NamedTuple):
    """The program judged on one day."""

    evidence: Evidence
    as_of: dt.date
    criteria: list[CriterionResult]
    reached: Stage | None  # None: the evaluation's entry criteria are not all met
    judged: Stage
    checkpoints: list[Checkpoint]
    signals: list[Signal]

    def of(self, stage: Stage, gate: Gate) -> list[CriterionResult]:
        """The results of one stage's entry or exit criteria."""
        return [c for c in self.criteria if c.stage == stage and c.gate == gate]

    @property
    def ok(self) -> bool:
        """Whether the judged stage's exit criteria are all met."""
        return all(c.result.status == Status.MET for c in self.of(self.judged, Gate.EXIT))

    @property
    def next_stage(self) -> Stage | None:
        """The stage after the one reached (evaluation when none is), None after production."""
        if self.reached is None:
            return Stage.EVALUATION
        i = STAGES.index(self.reached)
        return STAGES[i + 1] if i + 1 < len(STAGES) else None

    def blocking(self) -> list[CriterionResult]:
        """What stands between the program and the next stage: the next stage's entry criteria
        and the current stage's exit criteria that are not met, in the guide's order. "The current
        stage is complete" is left out: its exit criteria are listed themselves."""
        return [
            c
            for c in self.toward_next()
            if c.result.status != Status.MET and (c.completes is None or c.completes != self.reached)
        ]

    def toward_next(self) -> list[CriterionResult]:
        """The current stage's exit criteria, then the next stage's entry criteria."""
        wanted = self.of(self.reached, Gate.EXIT) if self.reached is not None else []
        return wanted + (self.of(self.next_stage, Gate.ENTRY) if self.next_stage is not None else [])


def evaluate(evidence: Evidence, as_of: dt.date, stage: Stage | None = None) -> RolloutStatus:
    """Judge every criterion on ``as_of``; ``stage`` is the stage judged (default: the one reached)."""
    view = view_at(evidence, as_of)
    # Exit criteria are judged once per view (entry criteria such as "evaluation complete" read them).
    exits = {r.id: r for s in STAGES for r in view.exit_results(s)}
    merged = [c.evaluate(view) if c.gate == Gate.ENTRY else exits[c.id] for c in ALL]
    reached = None
    for s in STAGES:
        if all(r.result.status == Status.MET for r in merged if r.stage == s and r.gate == Gate.ENTRY):
            reached = s
    views: dict[dt.date, View] = {as_of: view}

    def exits_on(day: dt.date, s: Stage) -> list[CriterionResult]:
        if day not in views:
            views[day] = view_at(evidence, day)
        return views[day].exit_results(s)

    points = checkpoints.judge(evidence.program.start, as_of, exits_on)
    return RolloutStatus(
        evidence, as_of, merged, reached, stage or reached or Stage.EVALUATION, points, signals.judge(view, reached)
    )


def document(status: RolloutStatus, store: str) -> dict[str, Any]:
    """The ``sdetkit.rollout.status`` document."""
    p = status.evidence.program
    blocking = status.blocking()
    exits = status.of(status.judged, Gate.EXIT)
    return {
        "schema_name": SCHEMA_NAME,
        "schema_version": SCHEMA_VERSION,
        "ok": status.ok,
        "program": {"name": p.name, "file": p.path.name, "start": p.start.isoformat(), "lane": p.lane.value},
        "store": store,
        "as_of": status.as_of.isoformat(),
        "day": (status.as_of - p.start).days,
        "stage_reached": status.reached.value if status.reached else None,
        "next_stage": status.next_stage.value if status.next_stage else None,
        "judged_stage": status.judged.value,
        "judged_exit": {
            "met": sum(c.result.status == Status.MET for c in exits),
            "total": len(exits),
        },
        "blocking": [c.id for c in blocking],
        "criteria": [c.document() for c in status.criteria],
        "checkpoints": [c.document() for c in status.checkpoints],
        "signals": [s.document() for s in status.signals],
    }


def summary(status: RolloutStatus) -> dict[str, Any]:
    """The short form the executive reports show in their Rollout section."""
    wanted = status.toward_next()
    blocking = status.blocking()
    first = blocking[0] if blocking else None
    return {
        "stage": status.reached.value if status.reached else None,
        "next_stage": status.next_stage.value if status.next_stage else None,
        "criteria_met": sum(c.result.status == Status.MET for c in wanted),
        "criteria_total": len(wanted),
        "next_blocking": {"id": first.id, "title": first.title, "missing": first.result.missing or ""}
        if first
        else None,
        "checkpoints": [
            {"day": c.day, "due": c.due.isoformat(), "status": c.status, "days_late": c.days_late}
            for c in status.checkpoints
        ],
    }


REVIEW_LAG = dt.timedelta(days=1)  # a week is reviewed on the day after it ends (its review day)


def judged_on(period_end: dt.date, today: dt.date) -> dt.date:
    """The day a report or dashboard for a period judges the rollout: the day after the period, when
    it is reviewed and its own cycle (the scorecard, KPI payload and report, which exist only once it
    has ended) has been written and committed; today, for a period that ended today. The same period
    regenerated later gives the same judgement."""
    return min(today, period_end + REVIEW_LAG)


def program_summary(
    program: Program | None,
    db: str,
    period_end: dt.date,
    today: dt.date,
    writing: Sequence[Path] = (),
) -> dict[str, Any] | None:
    """The :func:`summary` of ``program`` (the report's inventory, already read), for a report on the
    period ending ``period_end`` (judged on :func:`judged_on`); ``writing`` are the report's own
    files, which count as present. None when the inventory is a plain one or not given (the reports
    then say the stage is not tracked)."""
    from sdetkit.rollout import docs
    from sdetkit.rollout.evidence import of_program

    if program is None:
        return None
    found, _ = of_program(program, db, today)
    found = found._replace(files=docs.writing(found.files, found.root, writing, today))
    as_of = max(judged_on(period_end, today), found.program.start)
    return {**summary(evaluate(found, as_of)), "as_of": as_of.isoformat()}
