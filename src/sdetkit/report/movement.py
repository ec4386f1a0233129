"""How repositories moved between risk states: which turned red, which were red from their first
run, which recovered, and how long each red one has been red.

A repository's state before the period is the tier of its last run before the period, however long
ago: a repository silent for a while and red again did not turn red, it was red when last seen.
One with no run before the period has no state to move from: red at its first run, it was first
seen red, not turned red.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple, Protocol

from sdetkit.portfolio import scorecard
from sdetkit.portfolio.ingest import to_record
from sdetkit.portfolio.rows import StoredRun

RED = "high"  # the scorecard's high risk tier is what the report calls red


class PeriodSpan(Protocol):
    """A period (a week or a month): its first and last day."""

    @property
    def start(self) -> dt.date:
        """The first day."""
        ...

    @property
    def end(self) -> dt.date:
        """The last day."""
        ...


def run_order(run: StoredRun) -> tuple[str, str]:
    """When a run happened, for "latest" and "in time order" alike (the run id breaks ties)."""
    return run.source_timestamp, run.run_id


def risk_tier(run: StoredRun) -> str:
    """The run's risk tier by the scorecard's rule."""
    return scorecard.risk(to_record(run))


def who(run: StoredRun) -> dict[str, Any]:
    """The repository, team and lane of a run, as the report's lists show them."""
    return {"repo_id": run.repo_id, "team": run.team, "lane": run.lane}


def _in(runs: Sequence[StoredRun], period: PeriodSpan) -> list[StoredRun]:
    start, end = period.start.isoformat(), period.end.isoformat()
    return [r for r in runs if start <= r.evidence_window_end <= end]


def _keep_latest(found: dict[str, StoredRun], run: StoredRun) -> None:
    best = found.get(run.repo_id)
    if best is None or run_order(run) > run_order(best):
        found[run.repo_id] = run


def tiers_before(
    runs: Sequence[StoredRun],
    period: PeriodSpan,
    last_seen: Mapping[str, str],
    runs_on: Callable[[str], Sequence[StoredRun]],
) -> dict[str, str]:
    """The tier at its last run before ``period`` of each repository that runs in it and ran before.

    ``runs`` are the runs read for the report; ``last_seen`` is each repository's last evidence day
    before the period, for those whose last run lies before the runs read: ``runs_on(day)`` gives
    that day's runs (one call per such day, only for repositories that run in the period).
    """
    start = period.start.isoformat()
    active = {r.repo_id for r in _in(runs, period)}
    latest: dict[str, StoredRun] = {}
    for r in runs:
        if r.evidence_window_end < start and r.repo_id in active:
            _keep_latest(latest, r)
    older = {repo: day for repo, day in last_seen.items() if repo in active and repo not in latest}
    for day in sorted(set(older.values())):
        for r in runs_on(day):
            if older.get(r.repo_id) == day:
                _keep_latest(latest, r)
    return {repo: risk_tier(run) for repo, run in latest.items()}


class RepoMovement(NamedTuple):
    """The repositories that moved inside a period (a repository may be in more than one)."""

    turned_red: set[str]  # not red at the run before, red at this one
    first_seen_red: set[str]  # red at its first run ever
    recovered: set[str]  # red at the run before, not red at this one


def movement(runs: Sequence[StoredRun], period: PeriodSpan, before: Mapping[str, str]) -> RepoMovement:
    """Every run of ``period`` in time order, starting from each repository's tier ``before`` it
    (see :func:`tiers_before`; a repository absent from it is seen for the first time): a
    repository red for a few days in the middle of the period turned red and recovered, although
    neither end of the period shows it."""
    state: dict[str, str] = dict(before)
    moved = RepoMovement(set(), set(), set())
    for run in sorted(_in(runs, period), key=run_order):
        tier, was = risk_tier(run), state.get(run.repo_id)
        if tier == RED and was is None:
            moved.first_seen_red.add(run.repo_id)
        elif tier == RED and was != RED:
            moved.turned_red.add(run.repo_id)
        elif tier != RED and was == RED:
            moved.recovered.add(run.repo_id)
        state[run.repo_id] = tier
    return moved


def longest_red(
    runs: Sequence[StoredRun], red_now: Mapping[str, StoredRun], weeks: Sequence[PeriodSpan]
) -> list[dict[str, Any]]:
    """Each repository red at its latest run of the period (the same set the risk counts read),
    with the date of the first run of its unbroken run of red runs ("since") and how many of the
    charted ``weeks`` that spans, up to the week of its latest run. A red run older than the
    weeks read counts from the first of them, so the figure is at most ``len(weeks)``."""
    horizon = weeks[0].start.isoformat()
    history: dict[str, list[StoredRun]] = {repo: [] for repo in red_now}
    for r in runs:
        latest = red_now.get(r.repo_id)
        if latest is not None and r.evidence_window_end >= horizon and run_order(r) <= run_order(latest):
            history[r.repo_id].append(r)
    starts = [w.start.isoformat() for w in weeks]

    def week_of(day: str) -> int:
        return min(max(bisect.bisect_right(starts, day) - 1, 0), len(weeks) - 1)

    found = []
    for repo in sorted(red_now):
        since = red_now[repo].evidence_window_end
        for r in sorted(history[repo], key=run_order, reverse=True):
            if risk_tier(r) != RED:
                break
            since = min(since, r.evidence_window_end)
        count = week_of(red_now[repo].evidence_window_end) - week_of(since) + 1
        found.append({**who(red_now[repo]), "risk": RED, "weeks": count, "since": since})
    return found
