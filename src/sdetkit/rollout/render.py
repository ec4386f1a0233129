"""``rollout status`` as text (terminals, CI logs) and Markdown (a pull request, a review page),
both from the ``sdetkit.rollout.status`` document."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

_MARK = {"met": "met", "not_met": "NOT MET", "unknown": "unknown"}
_ICON = {"met": "✅", "not_met": "❌", "unknown": "❔"}
_CHECKPOINT = {"met": "met", "not_due": "not yet due", "unknown": "unknown (see the criteria)"}


def checkpoint_words(c: Mapping[str, Any]) -> str:
    """A checkpoint's status in words ("late by 12 days, met on 2026-03-14")."""
    if c["status"] == "late":
        met_on = f", met on {c['met_on']}" if c.get("met_on") else ", still not met"
        return f"late by {c['days_late']} day{'s' if c['days_late'] != 1 else ''}{met_on}"
    words = _CHECKPOINT[c["status"]]
    return f"{words} ({c['met_on']})" if c["status"] == "met" and c.get("met_on") else words


def headline(doc: Mapping[str, Any]) -> str:
    """One line: the stage reached and what the judged stage's exit needs."""
    reached = doc["stage_reached"] or "none (the evaluation's entry criteria are not met)"
    e = doc["judged_exit"]
    verdict = "complete" if doc["ok"] else "not complete"
    return f"stage reached: {reached}; {doc['judged_stage']} exit {verdict} ({e['met']} of {e['total']} criteria met)"


def text(doc: Mapping[str, Any]) -> str:
    """The terminal form."""
    p = doc["program"]
    lines = [f"rollout status: {p['name']} ({p['lane']}), as of {doc['as_of']}, day {doc['day']}", headline(doc)]
    if doc["blocking"]:
        lines.append(f"next stage ({doc['next_stage']}) blocked by: {', '.join(doc['blocking'])}")
    for stage in ("evaluation", "pilot", "production"):
        lines += ["", stage]
        for c in (c for c in doc["criteria"] if c["stage"] == stage):
            lines.append(f"  {c['gate']:<5} {_MARK[c['status']]:<8} {c['id']}: {c['measured']}")
            if c["missing"]:
                lines.append(f"{'':16}{'why' if c['status'] == 'unknown' else 'missing'}: {c['missing']}")
    lines += ["", "checkpoints"]
    lines += [f"  day {c['day']} ({c['due']}): {checkpoint_words(c)}" for c in doc["checkpoints"]]
    lines += ["", "failure modes"]
    for s in doc["signals"]:
        lines.append(f"  {s['status']:<7} {s['failure_mode']}: {s['detail']}")
        if s["status"] == "raised":
            lines.append(f"{'':10}mitigation: {s['mitigation']}")
    return "\n".join(lines) + "\n"


def _cell(value: str) -> str:
    return value.replace("|", "\\|").replace("\n", " ")


def markdown(doc: Mapping[str, Any]) -> str:
    """The Markdown form."""
    p = doc["program"]
    lines = [
        f"### Rollout status: {_cell(p['name'])}",
        "",
        f"As of {doc['as_of']} (day {doc['day']}, lane {p['lane']}): {headline(doc)}.",
    ]
    if doc["blocking"]:
        lines.append(f"Next stage ({doc['next_stage']}) blocked by: {', '.join(f'`{b}`' for b in doc['blocking'])}.")
    lines += ["", "| stage | gate | criterion | status | measured | missing |", "|---|---|---|---|---|---|"]
    for c in doc["criteria"]:
        lines.append(
            f"| {c['stage']} | {c['gate']} | {_cell(c['title'])} | {_ICON[c['status']]} {c['status']} "
            f"| {_cell(c['measured'])} | {_cell(c['missing'] or '')} |"
        )
    lines += ["", "| checkpoint | due | status |", "|---|---|---|"]
    lines += [f"| day {c['day']} | {c['due']} | {checkpoint_words(c)} |" for c in doc["checkpoints"]]
    lines += ["", "| failure mode | status | detail | mitigation |", "|---|---|---|---|"]
    lines += [
        f"| {s['failure_mode']} | {s['status']} | {_cell(s['detail'])} | {_cell(s['mitigation'])} |"
        for s in doc["signals"]
    ]
    return "\n".join(lines) + "\n"
