"""The report's rollout progress, as plain sentences both formats show: the stage the program has
reached, the criteria met toward the next one, what blocks it, and the 30/60/90-day checkpoints due.

It reads the dataset's ``rollout`` key, which is ``None`` when no program file was given, or::

    {"stage": "evaluation" | "pilot" | "production" | None,  # None: evaluation entry not yet met
     "next_stage": "evaluation" | "pilot" | "production" | None,  # None: production reached
     "criteria_met": int, "criteria_total": int,  # the next stage's entry + this stage's exit
     "next_blocking": None | {"id": str, "title": str, "missing": str},
     "checkpoints": [{"day": 30 | 60 | 90, "due": "YYYY-MM-DD",
                      "status": "met" | "late" | "not_due" | "unknown", "days_late": int | None}]}
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sdetkit.report.content import is_number, plain_text, rows_of

NO_PROGRAM = "No program file given (--inventory sdetkit-program.toml): the rollout stage is not tracked."


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


def lines(model: Mapping[str, Any]) -> list[str]:
    """The stage, the criteria count and the blocking criterion; the one sentence without a program file."""
    rollout = progress(model)
    if rollout is None:
        return [NO_PROGRAM]
    return [_stage_line(rollout), _criteria_line(rollout), _blocking_line(rollout)]


def _checkpoint(point: Mapping[str, Any]) -> str:
    name = f"{plain_text(point.get('day'), '?')}-day checkpoint (due {plain_text(point.get('due'), 'unknown')})"
    state, late = plain_text(point.get("status"), "unknown"), point.get("days_late")
    if state == "late" and is_number(late):
        return f"{name}: late by {plain_text(late)} day{'' if late == 1 else 's'}."
    return f"{name}: {state}."


def checkpoints(model: Mapping[str, Any]) -> tuple[str, list[str]] | None:
    """The checkpoints as a sentence and the due ones as items (the items empty when none is due
    yet: the sentence then says when the first is due); ``None`` without a program file."""
    rollout = progress(model)
    if rollout is None:
        return None
    points = rows_of(rollout.get("checkpoints"))
    if not points:
        return "Checkpoints: none given.", []
    due = [p for p in points if p.get("status") != "not_due"]
    if due:
        return "Checkpoints due so far:", [_checkpoint(p) for p in due]
    first = min(points, key=lambda p: plain_text(p.get("due")))
    return (
        f"Checkpoints: none due yet; the first, the {plain_text(first.get('day'), '?')}-day checkpoint, "
        f"is due on {plain_text(first.get('due'), 'an unknown date')}.",
        [],
    )
