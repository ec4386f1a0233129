"""The 30/60/90-day checkpoints: met, late by how many days (met since, or still open), not yet due, unknown."""

from __future__ import annotations

import datetime as dt

from sdetkit.portfolio.kinds import Stage
from sdetkit.rollout.checkpoints import judge
from sdetkit.rollout.model import CriterionResult, Gate, Result, Status

START = dt.date(2026, 1, 1)


def exits_met_from(days: dict[Stage, int | None], unknown: frozenset[Stage] = frozenset()):  # type: ignore[no-untyped-def]
    """A stage's exit criteria are met from its day (None: never); an unknown stage never is."""
    calls: list[dt.date] = []

    def exits(day: dt.date, stage: Stage) -> list[CriterionResult]:
        calls.append(day)
        first = days.get(stage)
        if stage in unknown:
            status = Status.UNKNOWN
        else:
            status = Status.MET if first is not None and day >= START + dt.timedelta(days=first) else Status.NOT_MET
        return [CriterionResult("c", stage, Gate.EXIT, "t", "t", Result(status, "m"))]

    exits.calls = calls  # type: ignore[attr-defined]
    return exits


def test_met_late_open_unknown_and_not_due() -> None:
    exits = exits_met_from({Stage.EVALUATION: 12, Stage.PILOT: 71, Stage.PRODUCTION: None}, frozenset())
    points = judge(START, START + dt.timedelta(days=95), exits)
    found = [(p.day, p.status, p.days_late, p.met_on) for p in points]
    assert found == [
        (30, "met", None, START + dt.timedelta(days=12)),
        (60, "late", 11, START + dt.timedelta(days=71)),
        (90, "late", 5, None),
    ]
    # Finding the day the pilot was met takes a binary search, not a walk over every day.
    assert len(exits.calls) < 30  # type: ignore[attr-defined]


def test_before_their_day_checkpoints_are_not_due_unless_already_met() -> None:
    exits = exits_met_from({Stage.EVALUATION: 10})
    points = judge(START, START + dt.timedelta(days=20), exits)
    assert [(p.day, p.status) for p in points] == [(30, "met"), (60, "not_due"), (90, "not_due")]


def test_only_unknown_criteria_left_is_unknown_never_met() -> None:
    exits = exits_met_from({Stage.EVALUATION: 1, Stage.PILOT: 1}, frozenset({Stage.PRODUCTION}))
    points = judge(START, START + dt.timedelta(days=100), exits)
    assert [(p.day, p.status) for p in points] == [(30, "met"), (60, "met"), (90, "unknown")]
