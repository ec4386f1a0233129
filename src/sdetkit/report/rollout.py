"""The report's rollout progress, as plain sentences both formats show: the stage the program has
reached, the criteria met toward the next one, what blocks it, and the 30/60/90-day checkpoints due.

It reads the dataset's ``rollout`` key, which is ``None`` when no program file was given, or::

    {"stage": "evaluation" | "pilot" | "production" | None,  # None: evaluation entry not yet met
     "next_stage": "evaluation" | "pilot" | "production" | None,  # None: production reached
     "criteria_met": int, "criteria_total": int,  # the next stage's entry + this stage's exit
     "next_blocking": None | {"id": str, "title": str, "missing": str},
     "checkpoints": [{"day": 30 | 60 | 90, "due": "YYYY-MM-DD",
                      "status": "met" | "late" | "not_due" | "unknown", "days_late": int | None}],
     "as_of": "YYYY-MM-DD"}  # optional: the day the rollout was judged

A checkpoint is due once its due date has come: on or before ``as_of``, or without it the period's
last day. A checkpoint met before then is "met" with a due date still ahead: the report lists it
apart, as met early, never among the checkpoints due.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from sdetkit.report.content import is_number, plain_text, rows_of

NO_PROGRAM = "No program file given (--inventory sdetkit-program.toml): the rollout stage is not tracked."
MET_EARLY = "Checkpoints met before their due date:"
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def progress(model: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The rollout mapping, or ``None`` when the report has none (no program file given)."""
    found = model.get("rollout")
    return found if isinstance(found, Mapping) else None


def _stage_line(rollout: Mapping[str, Any]) -> str:
    stage, after = plain_text(rollout.get("stage")), plain_text(rollout.get("next_stage"))
    if not stage:
        return "Stage reached: none yet; the evaluation entry criteria are not met."
    if not after:
        return f"Stage reached: {stage}, the last stage."
    return f"Stage reached: {stage}; next stage: {after}."


def _criteria_line(rollout: Mapping[str, Any]) -> str:
    met, total = rollout.get("criteria_met"), rollout.get("criteria_total")
    if not (is_number(met) and is_number(total)):
        return "Criteria met: no data."
    stage, after = plain_text(rollout.get("stage")), plain_text(rollout.get("next_stage"))
    # Which criteria the count covers, named from the stages so the reader knows what "of N" means.
    scope = [f"{stage} exit"] if stage else []
    scope += [f"{after} entry"] if after else []
    where = f" ({' and '.join(scope)})" if scope else ""
    return f"Criteria met: {plain_text(met)} of {plain_text(total)}{where}."


def _blocking_line(rollout: Mapping[str, Any]) -> str:
    blocking = rollout.get("next_blocking")
    if not isinstance(blocking, Mapping):
        return "No criterion is blocking."
    title = plain_text(blocking.get("title"), "unnamed criterion")
    ident = plain_text(blocking.get("id"))
    missing = plain_text(blocking.get("missing"), "not stated").rstrip(".")
    return f"Next blocking criterion: {title}{f' ({ident})' if ident else ''}. Missing: {missing}."


def _day(value: Any) -> dt.date | None:
    """A YYYY-MM-DD model value as a date; ``None`` for anything else."""
    if not (isinstance(value, str) and _ISO_DAY.fullmatch(value)):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:  # 2026-02-30
        return None


def _judged_on(model: Mapping[str, Any], rollout: Mapping[str, Any]) -> dt.date | None:
    """The day that decides which checkpoints are due: the day the rollout was judged, else the
    period's last day; ``None`` when the dataset gives neither."""
    period = model.get("period")
    return _day(rollout.get("as_of")) or _day(period.get("end") if isinstance(period, Mapping) else None)


def lines(model: Mapping[str, Any]) -> list[str]:
    """The day the rollout was judged (when given), the stage, the criteria count and the blocking
    criterion; the one sentence without a program file."""
    rollout = progress(model)
    if rollout is None:
        return [NO_PROGRAM]
    as_of = _day(rollout.get("as_of"))
    judged = [f"Rollout as of {as_of.isoformat()}."] if as_of else []
    return [*judged, _stage_line(rollout), _criteria_line(rollout), _blocking_line(rollout)]


def _checkpoint(point: Mapping[str, Any]) -> str:
    name = f"{plain_text(point.get('day'), '?')}-day checkpoint (due {plain_text(point.get('due'), 'unknown')})"
    state, late = plain_text(point.get("status"), "unknown"), point.get("days_late")
    if state == "late" and is_number(late):
        return f"{name}: late by {plain_text(late)} day{'' if late == 1 else 's'}."
    return f"{name}: {state}."


def _met_early(point: Mapping[str, Any], judged_on: dt.date | None) -> bool:
    """Whether a checkpoint was met while its due date is still ahead of ``judged_on``."""
    due = _day(point.get("due"))
    return point.get("status") == "met" and due is not None and judged_on is not None and due > judged_on


def _is_due(point: Mapping[str, Any], judged_on: dt.date | None) -> bool:
    # Late and unknown are only ever judged on or after the due date; "not_due" never is. "met" is
    # the one status given either side of it, so only a met checkpoint's date is read.
    return point.get("status") != "not_due" and not _met_early(point, judged_on)


def checkpoints(model: Mapping[str, Any]) -> list[tuple[str, list[str]]] | None:
    """The checkpoints as blocks of a sentence and its items: the due ones (or, when none is, a
    sentence saying when the first is due, without items), then those met before their due date;
    ``None`` without a program file."""
    rollout = progress(model)
    if rollout is None:
        return None
    points = rows_of(rollout.get("checkpoints"))
    if not points:
        return [("Checkpoints: none given.", [])]
    judged_on = _judged_on(model, rollout)
    due = [p for p in points if _is_due(p, judged_on)]
    if due:
        blocks = [("Checkpoints due so far:", [_checkpoint(p) for p in due])]
    else:
        first = min(points, key=lambda p: plain_text(p.get("due")))
        blocks = [
            (
                f"Checkpoints: none due yet; the first, the {plain_text(first.get('day'), '?')}-day checkpoint, "
                f"is due on {plain_text(first.get('due'), 'an unknown date')}.",
                [],
            )
        ]
    early = [
        f"{plain_text(p.get('day'), '?')}-day checkpoint: met early (due {plain_text(p.get('due'))})."
        for p in points
        if _met_early(p, judged_on)
    ]
    return blocks + ([(MET_EARLY, early)] if early else [])
