"""The executive report's dataset: everything the Markdown and HTML renderers show, computed
from the evidence store (never written by hand) as one JSON-like dict (the report "model").

"Red" means the high risk tier of the scorecard contract. Periods are weeks (Monday..Sunday when
the week ends on a Sunday; any 7 days ending on the given date otherwise) or calendar months.
The reporting streak counts consecutive weeks, ending with the reported period, in which every
expected repository reported (without an inventory: in which any repository reported).
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from sdetkit.lanes import LANES
from sdetkit.portfolio import kpi, scorecard
from sdetkit.portfolio.ingest import reassign, to_record
from sdetkit.portfolio.inventory import Expected
from sdetkit.portfolio.records import Record
from sdetkit.portfolio.rows import StoredRun
from sdetkit.portfolio.store import Store

STREAK_WEEKS, STREAK_TARGET, SERIES_WEEKS, SERIES_MONTHS, LONGEST_RED = 12, 4, 12, 6, 5
SCHEMA = "1.0.0"


class Period(NamedTuple):
    start: dt.date
    end: dt.date
    label: str


def week(end: dt.date) -> Period:
    return Period(end - dt.timedelta(days=6), end, f"week ending {end}")


def month(year: int, number: int) -> Period:
    last = calendar.monthrange(year, number)[1]
    return Period(dt.date(year, number, 1), dt.date(year, number, last), f"{calendar.month_name[number]} {year}")


def parse_month(text: str) -> Period:
    year, _, number = text.partition("-")
    if not (year.isdigit() and number.isdigit() and len(year) == 4 and len(number) == 2):
        raise ValueError("expected YYYY-MM, such as 2026-11")
    if not 1 <= int(number) <= 12:
        raise ValueError(f"there is no month {number}")
    return month(int(year), int(number))


def previous(kind: str, period: Period) -> Period:
    if kind == "weekly":
        return week(period.start - dt.timedelta(days=1))
    before = period.start - dt.timedelta(days=1)
    return month(before.year, before.month)


def series_periods(kind: str, period: Period) -> list[Period]:
    """The charted periods, oldest first, ending with ``period``."""
    found = [period]
    for _ in range((SERIES_WEEKS if kind == "weekly" else SERIES_MONTHS) - 1):
        found.append(previous(kind, found[-1]))
    return found[::-1]


def _latest_each(runs: Sequence[StoredRun], periods: Sequence[Period]) -> list[dict[str, StoredRun]]:
    """Per period (consecutive, oldest first), each repository's latest run in it: one pass."""
    starts = [p.start.isoformat() for p in periods]
    end = periods[-1].end.isoformat()
    chosen: list[dict[str, StoredRun]] = [{} for _ in periods]
    for r in runs:
        day = r.evidence_window_end
        i = bisect.bisect_right(starts, day) - 1
        if i < 0 or day > end:
            continue
        best = chosen[i].get(r.repo_id)
        if best is None or (r.source_timestamp, r.run_id) > (best.source_timestamp, best.run_id):
            chosen[i][r.repo_id] = r
    return chosen


def _card(records: Sequence[Record], period: Period, expected: Sequence[str]) -> dict[str, Any]:
    return scorecard.build(records, SCHEMA, period.start, period.end, expected=expected)


def _direction(now: float | None, before: float | None) -> str:
    if now is None or before is None:
        return "none"
    return "up" if now > before else "down" if now < before else "flat"


def _headline(
    card: Mapping[str, Any], card_before: Mapping[str, Any], kpis: Mapping[str, Any], kpis_before: Mapping[str, Any]
) -> list[dict[str, Any]]:
    t, tb = card["totals"], card_before["totals"]

    def row(key: str, label: str, unit: str, better: str, now: Any, before: Any) -> dict[str, Any]:
        return {"id": key, "label": label, "value": now, "unit": unit, "previous": before,
                "direction": _direction(now, before), "better": better}  # fmt: skip

    def from_card(key: str, label: str, unit: str, better: str) -> dict[str, Any]:
        now = t[key] if t["repo_count_reporting"] else None
        before = tb[key] if tb["repo_count_reporting"] else None
        return row(key, label, unit, better, now, before)

    def from_kpi(key: str, label: str, unit: str, better: str, scale: float = 1.0) -> dict[str, Any]:
        now, before = kpis[key]["value"], kpis_before[key]["value"]
        now = None if now is None else round(now * scale, 2)
        before = None if before is None else round(before * scale, 2)
        found = row(key, label, unit, better, now, before)
        if now is None:
            found["note"] = kpis[key]["source"]
        return found

    return [
        from_card("release_confidence_rate_percent", "Release confidence rate", "%", "up"),
        from_card(
            "release_gate_failure_rate_percent", "Release gate failure rate (latest run per repository)", "%", "down"
        ),
        from_card("high_risk_repo_count", "High-risk repositories", "", "down"),
        row(
            "repo_count_reporting",
            "Repositories reporting",
            "",
            "up",
            t["repo_count_reporting"],
            tb["repo_count_reporting"],
        ),
        from_kpi("median_release_decision_time", "Median release decision time", "s", "down", scale=60.0),
        from_kpi("first_time_success_onboarding_rate", "First-time onboarding success", "%", "up"),
        from_kpi("failed_release_gate_frequency", "Failed release gate frequency (every release run)", "%", "down"),
        from_kpi("rollback_rate", "Rollback rate", "%", "down"),
        from_kpi("mean_time_to_triage_first_failure", "Mean time to triage a failure", "s", "down", scale=60.0),
    ]


def _who(run: StoredRun) -> dict[str, Any]:
    return {"repo_id": run.repo_id, "team": run.team, "lane": run.lane}


def _longest_red(by_week: Sequence[Mapping[str, StoredRun]]) -> list[dict[str, Any]]:
    red_now = [r for r in by_week[-1].values() if scorecard.risk(to_record(r)) == "high"]
    found = []
    for run in red_now:
        count, since = 0, run.evidence_window_end
        for latest in reversed(by_week):
            r = latest.get(run.repo_id)
            if r is None or scorecard.risk(to_record(r)) != "high":
                break
            # "since": the date of the red evidence in the earliest week of the unbroken red run.
            count, since = count + 1, min(since, r.evidence_window_end)
        found.append({**_who(run), "weeks": count, "since": since})
    found.sort(key=lambda f: (-f["weeks"], f["repo_id"]))
    return found[:LONGEST_RED]


def _streak(by_week: Sequence[Mapping[str, StoredRun]], expected: Sequence[str]) -> dict[str, Any]:
    weeks = 0
    for latest in reversed(by_week):
        complete = set(expected) <= set(latest) if expected else bool(latest)
        if not complete:
            break
        weeks += 1
    # Only STREAK_WEEKS weeks are read: a streak that long may be longer.
    rule = "every expected repository reporting" if expected else "any repository reporting (no inventory)"
    return {"weeks": weeks, "target": STREAK_TARGET, "met": weeks >= STREAK_TARGET, "capped": weeks == len(by_week),
            "rule": rule}  # fmt: skip


def _groups(card: Mapping[str, Any], key: str) -> list[dict[str, Any]]:
    rows = []
    for name, values in card[key].items():
        row = {"name": name, **values}
        if key == "by_lane":
            row["policy"] = LANES[name].policy
        rows.append(row)
    return rows


def build(
    store: Store, kind: str, period: Period, expected: Mapping[str, Expected], today: dt.date | None = None
) -> dict[str, Any]:
    """The report dataset for ``period`` (a week or a month); ``today`` bounds a period still running."""
    before = previous(kind, period)
    charted = series_periods(kind, period)
    # The weeks behind the streak and longest-red end with the period, or today while it runs:
    # a month's trailing days that have not happened yet must not break a streak.
    last = min(period.end, today) if today else period.end
    weeks = [week(last - dt.timedelta(days=7 * i)) for i in range(STREAK_WEEKS)][::-1]
    start = min(charted[0].start, weeks[0].start, before.start)
    runs = reassign(store.runs_between(start.isoformat(), period.end.isoformat()), expected)
    ids = sorted(expected)

    by_week = _latest_each(runs, weeks)
    by_period = by_week if kind == "weekly" else _latest_each(runs, charted)
    now_runs, before_runs = by_period[-1], by_period[-2]  # charted ends with: before, period
    cards = [
        _card([to_record(r) for r in latest.values()], p, ids) for p, latest in zip(charted, by_period, strict=True)
    ]
    card, card_before = cards[-1], cards[-2]

    first = store.first_evidence_date()
    firsts = reassign(store.first_runs(period.end.isoformat()), expected)
    incidents_ever = store.incident_count()

    def kpis_for(p: Period) -> dict[str, Any]:
        start, end = p.start.isoformat(), p.end.isoformat()
        return kpi.compute(
            kpi.Inputs(
                start=p.start,
                end=p.end,
                runs=[r for r in runs if start <= r.evidence_window_end <= end],
                first_runs=[r for r in firsts if r.evidence_window_end <= end],
                incidents=store.incidents_between(start, end),
                incidents_ever=incidents_ever,
                first_evidence=dt.date.fromisoformat(first) if first else None,
                expected=ids,
            )
        )

    kpis, kpis_before = kpis_for(period), kpis_for(before)
    missing_ids = card["missing_repos"]
    status, rule = kpi.derive_status(kpis, len(ids), len(missing_ids))

    tiers_now = {r: scorecard.risk(to_record(run)) for r, run in now_runs.items()}
    tiers_before = {r: scorecard.risk(to_record(run)) for r, run in before_runs.items()}
    # Turned red: high now and not high in the previous period, which includes not reporting then.
    turned_red = [
        _who(now_runs[r]) for r in sorted(tiers_now) if tiers_now[r] == "high" and tiers_before.get(r) != "high"
    ]
    recovered = [
        _who(now_runs[r]) for r in sorted(tiers_now) if tiers_now[r] != "high" and tiers_before.get(r) == "high"
    ]

    last_seen = store.last_seen(period.start.isoformat())
    t = card["totals"]
    ship_ready = sum(r["release_confidence_ok"] for r in card["repos"])
    noun = "week" if kind == "weekly" else "month"
    return {
        "kind": kind,
        "title": f"Executive {kind} report, {period.label}",
        "period": {"label": period.label, "start": period.start.isoformat(), "end": period.end.isoformat()},
        "previous_period": {"label": before.label, "start": before.start.isoformat(), "end": before.end.isoformat()},
        "generated_from": f"evidence store ({store.run_count()} runs), {len(ids)} repositories expected"
        if ids
        else f"evidence store ({store.run_count()} runs), no inventory of expected repositories",
        "decision": {
            "program_status": status,
            "status_reason": f"derived: {rule}",
            "summary": f"{ship_ready} of {t['repo_count_reporting']} reporting repositories are ready to ship this "
            f"{noun}; {t['high_risk_repo_count']} high risk; {len(missing_ids)} missing.",
            "ship_ready": ship_ready,
            "reporting": t["repo_count_reporting"],
            "expected": len(ids),
        },
        "kpis": _headline(card, card_before, kpis, kpis_before),
        "risk": {
            "current": {k: t[f"{k}_risk_repo_count"] for k in ("high", "medium", "low")},
            "previous": {
                k: card_before["totals"][f"{k}_risk_repo_count"]
                if card_before["totals"]["repo_count_reporting"]
                else None
                for k in ("high", "medium", "low")
            },
        },
        "turned_red": turned_red,
        "recovered": recovered,
        "longest_red": _longest_red(by_week),
        "top_failing_steps": card["top_failing_steps"],
        "by_team": _groups(card, "by_team"),
        "by_lane": _groups(card, "by_lane"),
        "missing": [
            {"repo_id": r, "team": expected[r].team, "lane": expected[r].lane, "last_seen": last_seen.get(r)}
            for r in missing_ids
        ],
        "streak": _streak(by_week, ids),
        "series": {
            "periods": [p.end.isoformat() for p in charted],
            "release_confidence_rate_percent": [
                c["totals"]["release_confidence_rate_percent"] if c["totals"]["repo_count_reporting"] else None
                for c in cards
            ],
            "risk": {
                tier: [
                    c["totals"][f"{tier}_risk_repo_count"] if c["totals"]["repo_count_reporting"] else None
                    for c in cards
                ]
                for tier in ("high", "medium", "low")
            },
        },
        "team_failure_rate": [
            {"name": g["name"], "release_gate_failure_rate_percent": g["release_gate_failure_rate_percent"]}
            for g in _groups(card, "by_team")
        ],
    }
