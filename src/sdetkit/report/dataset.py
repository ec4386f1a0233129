"""The executive report's dataset: everything the Markdown and HTML renderers show, computed
from the evidence store (never written by hand) as one JSON-like dict (the report "model").

"Red" means the high risk tier of the scorecard contract, and there is one definition of a
repository's state in a period for every part of the report: the tier of its latest run in the
period (the scorecard's rule). The counts, the per-team figures, the decision summary and the
"longest red" list are all read from that one set of latest runs. Only the movement lists look
further (``movement``), at every run inside the period in time order from each repository's last
run before it, so a repository that turned red and recovered inside the period shows in both lists
even though its latest run is not red, and one red at its very first run is "first seen red", not
"turned red".

Periods are weeks (Monday..Sunday when the week ends on a Sunday; any 7 days ending on the given
date otherwise) or calendar months. The reporting streak counts consecutive weeks, ending with the
reported period, in which every expected repository reported (without an inventory: in which any
repository reported).
"""

from __future__ import annotations

import bisect
import calendar
import copy
import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from sdetkit.lanes import LANES
from sdetkit.portfolio import kpi, scorecard
from sdetkit.portfolio.ingest import reassign, to_record
from sdetkit.portfolio.inventory import Expected, expected_in
from sdetkit.portfolio.records import Record
from sdetkit.portfolio.rows import StoredRun
from sdetkit.portfolio.store import Store
from sdetkit.report import parts
from sdetkit.report.movement import longest_red, movement, risk_tier, run_order, tiers_before, who

if TYPE_CHECKING:
    from sdetkit.portfolio.program import Program

STREAK_WEEKS, STREAK_TARGET, SERIES_WEEKS, SERIES_MONTHS = 12, 4, 12, 6
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
        if best is None or run_order(r) > run_order(best):
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


def _streak(
    by_week: Sequence[Mapping[str, StoredRun]], periods: Sequence[Period], expected: Mapping[str, Expected]
) -> dict[str, Any]:
    """Straight weeks, back from the last, in which every repository expected that week reported
    (a repository retired, or not yet active, that week is not expected); the silent ones that
    ended it are named."""
    weeks, silent = 0, []
    for latest, p in zip(reversed(by_week), reversed(periods), strict=True):
        due = expected_in(expected, p.start, p.end)
        silent = sorted(set(due) - set(latest))
        if silent or not (due or latest):
            break
        weeks += 1
    # Only STREAK_WEEKS weeks are read: a streak that long may be longer.
    rule = "every expected repository reporting" if expected else "any repository reporting (no inventory)"
    return {"weeks": weeks, "target": STREAK_TARGET, "met": weeks >= STREAK_TARGET, "capped": weeks == len(by_week),
            "rule": rule, "silent": silent}  # fmt: skip


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _source(in_period: int, stored: int, noun: str, expected: int) -> str:
    """Where the report's data came from. The period's runs come first: that figure is the same
    whenever the report is regenerated, while the store's total grows with every later run."""
    repos = (
        f"{_count(expected, 'repository', 'repositories')} expected"
        if expected
        else "no inventory of expected repositories"
    )
    return f"evidence store: {_count(in_period, 'run', 'runs')} this {noun} ({stored} stored in all), {repos}"


def _groups(card: Mapping[str, Any], key: str) -> list[dict[str, Any]]:
    rows = []
    for name, values in card[key].items():
        row = {"name": name, **values}
        if key == "by_lane":
            row["policy"] = LANES[name].policy
        rows.append(row)
    return rows


def build(
    store: Store,
    kind: str,
    period: Period,
    expected: Mapping[str, Expected],
    today: dt.date | None = None,
    rollout: Mapping[str, Any] | None = None,
    program: Program | None = None,
) -> dict[str, Any]:
    """The report dataset for ``period`` (a week or a month); ``today`` bounds a period still running.

    ``rollout`` is the program's rollout progress (see ``sdetkit.report.rollout`` for its keys),
    copied into the dataset as given; ``None`` when no program file was given. ``program`` is the
    program file, whose settings the incidents, governance and checklist parts read (see ``parts``).
    """
    before = previous(kind, period)
    charted = series_periods(kind, period)
    # The weeks behind the streak and longest-red end with the period, or today while it runs:
    # a month's trailing days that have not happened yet must not break a streak.
    last = min(period.end, today) if today else period.end
    weeks = [week(last - dt.timedelta(days=7 * i)) for i in range(STREAK_WEEKS)][::-1]
    start = min(charted[0].start, weeks[0].start, before.start)
    runs = reassign(store.runs_between(start.isoformat(), period.end.isoformat()), expected)
    ids = sorted(expected_in(expected, period.start, period.end))  # retired or not yet active: not expected

    by_week = _latest_each(runs, weeks)
    # The charted periods themselves, never the streak's weeks: while a week runs, those end today
    # and would mix the previous week's runs into this one's state.
    by_period = _latest_each(runs, charted)
    now_runs = by_period[-1]  # charted ends with the period
    cards = [
        _card([to_record(r) for r in latest.values()], p, sorted(expected_in(expected, p.start, p.end)))
        for p, latest in zip(charted, by_period, strict=True)
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
                expected=sorted(expected_in(expected, p.start, p.end)),
            )
        )

    period_runs = [r for r in runs if period.start.isoformat() <= r.evidence_window_end]
    kpis, kpis_before = kpis_for(period), kpis_for(before)
    missing_ids = card["missing_repos"]
    status, rule = kpi.derive_status(kpis, len(ids), len(missing_ids))

    # One state per repository for the whole report: the tier of its latest run in the period.
    tiers_now = {r: risk_tier(run) for r, run in now_runs.items()}
    last_seen = store.last_seen(period.start.isoformat())
    moved = movement(runs, period, tiers_before(runs, period, last_seen, lambda day: store.runs_between(day, day)))

    def moved_rows(repos: set[str]) -> list[dict[str, Any]]:
        return [{**who(now_runs[r]), "risk": tiers_now[r]} for r in sorted(repos)]

    red_now = {r: now_runs[r] for r, tier in tiers_now.items() if tier == "high"}
    t = card["totals"]
    ship_ready = sum(r["release_confidence_ok"] for r in card["repos"])
    noun = "week" if kind == "weekly" else "month"
    return {
        "kind": kind,
        "title": f"Executive {kind} report, {period.label}",
        "period": {"label": period.label, "start": period.start.isoformat(), "end": period.end.isoformat()},
        "previous_period": {"label": before.label, "start": before.start.isoformat(), "end": before.end.isoformat()},
        "generated_from": _source(len(period_runs), store.run_count(), noun, len(ids)),
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
        "turned_red": moved_rows(moved.turned_red),
        "first_seen_red": moved_rows(moved.first_seen_red),
        "recovered": moved_rows(moved.recovered),
        "longest_red": longest_red(runs, red_now, weeks),
        "top_failing_steps": card["top_failing_steps"],
        "by_team": _groups(card, "by_team"),
        "by_lane": _groups(card, "by_lane"),
        "missing": [
            {
                "repo_id": r,
                "team": expected[r].team,
                "lane": expected[r].lane,
                "risk": None,
                "last_seen": last_seen.get(r),
            }
            for r in missing_ids
        ],
        "rollout": None if rollout is None else copy.deepcopy(dict(rollout)),
        "streak": _streak(by_week, weeks, expected),
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
        **parts.build(store, kind, period.start, period.end, today, expected, program),
        "team_failure_rate": [
            {"name": g["name"], "release_gate_failure_rate_percent": g["release_gate_failure_rate_percent"]}
            for g in _groups(card, "by_team")
        ],
    }
