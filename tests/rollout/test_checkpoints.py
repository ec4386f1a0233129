"""The 30/60/90-day checkpoints: met, late by how many days (met since, or still open), not yet due, unknown."""

from __future__ import annotations

import datetime as dt

from sdetkit.portfolio.kinds import Stage
from sdetkit.rollout.checkpoints import judge
from sdetkit.rollout.model import CriterionResult, Gate, Result, Status

START = dt.date(2026, 1, 1)


class ExitsMetFrom:
    """A stage's exit criteria, met from its day (None: never); an unknown stage never is. Counts
    how many days it was asked about."""

    def __init__(self, days: dict[Stage, int | None], unknown: frozenset[Stage] = frozenset()) -> None:
        self.days, self.unknown, self.calls = days, unknown, 0

    def __call__(self, day: dt.date, stage: Stage) -> list[CriterionResult]:
        self.calls += 1
        first = self.days.get(stage)
        if stage in self.unknown:
            status = Status.UNKNOWN
        else:
            status = Status.MET if first is not None and day >= START + dt.timedelta(days=first) else Status.NOT_MET
        return [CriterionResult("c", stage, Gate.EXIT, "t", "t", Result(status, "m"))]


def test_met_late_open_unknown_and_not_due() -> None:
    exits = ExitsMetFrom({Stage.EVALUATION: 12, Stage.PILOT: 71, Stage.PRODUCTION: None}, frozenset())
    points = judge(START, START + dt.timedelta(days=95), exits)
    found = [(p.day, p.status, p.days_late, p.met_on) for p in points]
    assert found == [
        (30, "met", None, START + dt.timedelta(days=12)),
        (60, "late", 11, START + dt.timedelta(days=71)),
        (90, "late", 5, None),
    ]
    # Finding the day the pilot was met takes a binary search, not a walk over every day.
    assert exits.calls < 30


def test_before_their_day_checkpoints_are_not_due_unless_already_met() -> None:
    exits = ExitsMetFrom({Stage.EVALUATION: 10})
    points = judge(START, START + dt.timedelta(days=20), exits)
    assert [(p.day, p.status) for p in points] == [(30, "met"), (60, "not_due"), (90, "not_due")]


def test_only_unknown_criteria_left_is_unknown_never_met() -> None:
    exits = ExitsMetFrom({Stage.EVALUATION: 1, Stage.PILOT: 1}, frozenset({Stage.PRODUCTION}))
    points = judge(START, START + dt.timedelta(days=100), exits)
    assert [(p.day, p.status) for p in points] == [(30, "met"), (60, "met"), (90, "unknown")]
