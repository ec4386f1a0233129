"""The report's content as plain text, shared by both formats: formatted values, sentences and
tables of plain strings. The sections (``sections``) turn it into Markdown and HTML, so both
formats always say the same thing in the same order.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeGuard

DASH = "\u2013"  # an en dash: "nothing to show" in a table cell
_ARROWS = {"up": "↑", "down": "↓", "flat": "→", "none": DASH}
_NO_DATA = "no data"


@dataclass(frozen=True)
class Table:
    """One report table as plain strings; ``tags`` give each row a word renderers may style by."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    empty: str  # the sentence shown instead of a table without rows
    numeric: frozenset[int] = frozenset()  # right-aligned columns
    tags: tuple[str, ...] = ()  # one per row, or none at all
    tag_columns: frozenset[int] = frozenset()  # the columns a row's tag styles
    more: int = 0  # rows left out of a cut list (see ``lists``)
    full: str = ""  # the id of the cut list, whose appendix entry holds every row


def is_number(value: Any) -> TypeGuard[float]:
    """Whether ``value`` is a finite number (not a bool)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def rows_of(value: Any) -> list[Mapping[str, Any]]:
    """The mappings of a model list; anything else in it (or a missing list) is left out."""
    return [row for row in value or [] if isinstance(row, Mapping)]


def plain_text(value: Any, default: str = "") -> str:
    """A model value as one line of text (whitespace collapsed); ``default`` for null."""
    return default if value is None else " ".join(str(value).split())


def _plain_number(value: float) -> str:
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _duration(seconds: float) -> str:
    if seconds < 10:
        return f"{_plain_number(seconds)} s"
    minutes, secs = divmod(round(seconds), 60)
    if not minutes:
        return f"{secs} s"
    hours, minutes = divmod(minutes, 60)
    if not hours:
        return f"{minutes} min {secs:02d} s" if secs else f"{minutes} min"
    if hours < 48:
        return f"{hours} h {minutes:02d} min"
    return f"{hours // 24} d {hours % 24} h"


def format_value(value: Any, unit: Any = "") -> str:
    """A model number for people: "66.67%", "21 min", "3"; "no data" for null."""
    if not is_number(value):
        return _NO_DATA
    if unit == "%":
        return f"{_plain_number(value)}%"
    if unit == "s":
        return _duration(float(value))
    return f"{_plain_number(value)} {plain_text(unit)}".rstrip()


def period_noun(model: Mapping[str, Any]) -> str:
    """ "week" or "month", for sentences such as "none this week"."""
    return {"weekly": "week", "monthly": "month"}.get(str(model.get("kind")), "period")


def title(model: Mapping[str, Any]) -> str:
    """The report title, or a generic one when the model has none."""
    return plain_text(model.get("title")) or f"Executive {plain_text(model.get('kind'), 'program')} report"


def _span(period: Any) -> str:
    period = period if isinstance(period, Mapping) else {}
    label = plain_text(period.get("label"), _NO_DATA)
    start, end = period.get("start"), period.get("end")
    return f"{label} ({plain_text(start)} to {plain_text(end)})" if start and end else label


def context_lines(model: Mapping[str, Any]) -> list[str]:
    """Which period the report covers, what it is compared with, and where the data came from."""
    lines = [f"Period: {_span(model.get('period'))}; compared with {_span(model.get('previous_period'))}."]
    if model.get("generated_from"):
        lines.append(f"Source: {plain_text(model.get('generated_from'))}.")
    return lines


def status(model: Mapping[str, Any]) -> str:
    """The program status word in lower case ("green", "amber", "red"), "unknown" when absent."""
    return plain_text((model.get("decision") or {}).get("program_status")).lower() or "unknown"


def decision_lines(model: Mapping[str, Any]) -> tuple[str, str, str]:
    """The status reason, the one-sentence summary and the repository counts line."""
    decision = model.get("decision") or {}
    counts = (
        f"Ready to ship: {format_value(decision.get('ship_ready'))} · "
        f"reporting: {format_value(decision.get('reporting'))} · "
        f"expected: {format_value(decision.get('expected'))}"
    )
    reason = plain_text(decision.get("status_reason"), "no reason given")
    return reason, plain_text(decision.get("summary"), "No summary available."), counts


def trend(kpi: Mapping[str, Any]) -> tuple[str, str]:
    """The arrow for a KPI's direction and whether that is "better", "worse" or "unchanged"."""
    direction, better = kpi.get("direction"), kpi.get("better")
    arrow = _ARROWS.get(str(direction), _ARROWS["none"])
    if direction == "flat":
        return arrow, "unchanged"
    if direction in ("up", "down") and better in ("up", "down"):
        return arrow, "better" if direction == better else "worse"
    return arrow, "no previous value"


def kpi_table(model: Mapping[str, Any]) -> Table:
    """Headline KPIs: value, previous value, trend arrow and assessment."""
    rows, tags = [], []
    for kpi in rows_of(model.get("kpis")):
        arrow, verdict = trend(kpi)
        unit = kpi.get("unit")
        label = plain_text(kpi.get("label")) or plain_text(kpi.get("id"))
        value, previous = format_value(kpi.get("value"), unit), format_value(kpi.get("previous"), unit)
        rows.append((label, value, previous, arrow, verdict, plain_text(kpi.get("note"))))
        tags.append(verdict.split()[0])  # better | worse | unchanged | no
    headers = ("KPI", f"this {period_noun(model)}", "previous", "trend", "assessment", "note")
    return Table(headers, tuple(rows), "No KPIs available.", frozenset({1, 2}), tuple(tags), frozenset({3, 4}))


def _change(now: Any, before: Any) -> str:
    if not (is_number(now) and is_number(before)):
        return DASH
    delta = now - before
    return f"+{_plain_number(delta)}" if delta > 0 else _plain_number(delta)


def risk_table(model: Mapping[str, Any]) -> Table:
    """Repositories per risk tier now and in the previous period, with the change."""
    risk = model.get("risk") or {}
    now, before = risk.get("current") or {}, risk.get("previous") or {}
    tiers = ("high", "medium", "low")
    rows = tuple(
        (tier, format_value(now.get(tier)), format_value(before.get(tier)), _change(now.get(tier), before.get(tier)))
        for tier in tiers
    )
    headers = ("tier", f"this {period_noun(model)}", "previous", "change")
    return Table(headers, rows, "No risk data.", frozenset({1, 2, 3}), tiers, frozenset({0}))


def risk_rule(model: Mapping[str, Any]) -> str:
    """How the report counts a repository's risk: the one rule every section follows."""
    noun = period_noun(model)
    return (
        f"Each repository counts once, at its latest run this {noun}; red means high risk. "
        f"Turned red, first seen red and recovered follow every run of the {noun}, "
        "from each repository's last run before it."
    )


def repo_label(row: Mapping[str, Any]) -> str:
    """ "billing (team payments, lane scale)"; parts the model lacks are left out."""
    where = [f"{key} {plain_text(row.get(key))}" for key in ("team", "lane") if row.get(key)]
    name = plain_text(row.get("repo_id"), "unnamed repository")
    return f"{name} ({', '.join(where)})" if where else name


def steps_table(model: Mapping[str, Any]) -> Table:
    """The steps that failed in the most repositories."""
    rows = tuple(
        (plain_text(r.get("step")), format_value(r.get("repo_count"))) for r in rows_of(model.get("top_failing_steps"))
    )
    return Table(("step", "repositories failing"), rows, f"No failing steps this {period_noun(model)}.", frozenset({1}))


def _group_cells(row: Mapping[str, Any]) -> tuple[str, ...]:
    return (
        format_value(row.get("repo_count_reporting")),
        format_value(row.get("high_risk_repo_count")),
        format_value(row.get("release_gate_failure_rate_percent"), "%"),
        format_value(row.get("release_confidence_rate_percent"), "%"),
    )


_GROUP_HEADERS = ("reporting", "high risk", "gate failure rate", "confidence rate")


def team_table(model: Mapping[str, Any]) -> Table:
    """Per-team reporting count, high-risk count, gate failure rate and confidence rate."""
    rows = tuple((plain_text(r.get("name")), *_group_cells(r)) for r in rows_of(model.get("by_team")))
    empty = f"No team data this {period_noun(model)}."
    return Table(("team", *_GROUP_HEADERS), rows, empty, frozenset({1, 2, 3, 4}))


def lane_table(model: Mapping[str, Any]) -> Table:
    """The same figures per adoption lane, with the policy each lane follows."""
    rows = tuple(
        (plain_text(r.get("name")), plain_text(r.get("policy"), DASH), *_group_cells(r))
        for r in rows_of(model.get("by_lane"))
    )
    empty = f"No lane data this {period_noun(model)}."
    return Table(("lane", "policy", *_GROUP_HEADERS), rows, empty, frozenset({2, 3, 4, 5}))


def streak_text(model: Mapping[str, Any]) -> str:
    """The streak as a sentence, e.g. "3 consecutive weeks ... (target: 4, not met)." or "No streak data."."""
    streak = model.get("streak") or {}
    if not is_number(streak.get("weeks")):
        return "No streak data."
    weeks = _plain_number(streak["weeks"])
    if not is_number(streak.get("target")):
        return f"{weeks} week{'' if weeks == '1' else 's'} in a row."
    target = _plain_number(streak["target"])
    met = "met" if streak.get("met") else "not met"
    span = f"{weeks} or more" if streak.get("capped") else weeks
    silent = streak.get("silent") or []
    # The active repositories whose silence ended the streak: the ones to chase this week.
    broken = f" It broke on {', '.join(map(str, silent))}: expected that week, did not report." if silent else ""
    return (
        f"{span} consecutive week{'' if weeks == '1' else 's'} with "
        f"{streak.get('rule') or 'every expected repository reporting'} "
        f"(target: {target}, {met}).{broken}"
    )
