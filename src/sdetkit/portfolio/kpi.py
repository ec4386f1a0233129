"""The weekly KPI payload (schema 1.0.0): six KPIs computed from stored runs and incidents.

Each KPI is ``{value, unit, sample_size, quality, source}``. A value the store cannot back is
``null`` and its ``source`` says why; nothing is estimated.

Quality says how much history backs a number:
- ``seed``: the store's evidence is less than two weeks old at the week's end (a baseline), or the
  value is null;
- ``provisional``: less than four weeks of history, or fewer than 5 samples;
- ``stable``: four weeks of history or more and at least 5 samples.

Program status (``green`` / ``amber`` / ``red``) is derived by these rules, first match wins:
1. red: the failed release gate frequency is above 25%, or more than a quarter of the expected
   repositories did not report;
2. amber: there is no release evidence in the week, the failed release gate frequency is above
   10%, any expected repository did not report, or first-time onboarding success is below 80%;
3. green otherwise.
An override (``--status`` with ``--status-reason``) is recorded next to the derived status.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from sdetkit.lanes import LANES
from sdetkit.portfolio.ingest import reassign, utc
from sdetkit.portfolio.inventory import Expected, expected_in
from sdetkit.portfolio.rows import Incident, StoredRun
from sdetkit.portfolio.store import Store

SCHEMA_NAME = "sdetkit.kpi.weekly"
SCHEMA_VERSION = "1.0.0"
NAMES = (
    "first_time_success_onboarding_rate",
    "median_release_decision_time",
    "failed_release_gate_frequency",
    "rollback_rate",
    "mean_time_to_triage_first_failure",
    "docs_to_adoption_conversion",
)
RED_GATE_FAILURE, AMBER_GATE_FAILURE, AMBER_ONBOARDING, RED_MISSING_SHARE = 25.0, 10.0, 80.0, 0.25
STABLE_WEEKS, STABLE_SAMPLES = 4, 5
ONBOARDING_DAYS = 28
# How a source tells users to record what a KPI needs.
OPEN_ROLLBACK = "sdetkit incident open --title T --severity SEV --repo ID --rollback"
OPEN_INCIDENT = "sdetkit incident open --title T --severity SEV --repo ID"
ACK_INCIDENT = "sdetkit incident ack ID --by NAME"


class Inputs(NamedTuple):
    """What the payload is computed from; gathered from the store by the command."""

    start: dt.date
    end: dt.date
    runs: Sequence[StoredRun]  # evidence in [start, end]
    first_runs: Sequence[StoredRun]  # each repository's first run up to end
    incidents: Sequence[Incident]  # opened in [start, end]
    incidents_ever: int
    first_evidence: dt.date | None
    expected: Sequence[str]


def _kpi(value: float | None, unit: str, sample: int, quality: str, source: str) -> dict[str, Any]:
    return {
        "value": None if value is None else round(value, 2),
        "unit": unit,
        "sample_size": sample,
        "quality": "seed" if value is None else quality,
        "source": source,
    }


def _quality(inputs: Inputs, sample: int) -> str:
    if inputs.first_evidence is None or (inputs.end - inputs.first_evidence).days < 7:
        return "seed"
    weeks = (inputs.end - inputs.first_evidence).days // 7 + 1
    return "stable" if weeks >= STABLE_WEEKS and sample >= STABLE_SAMPLES else "provisional"


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _minutes(start: str, end: str) -> float:
    return (utc(end) - utc(start)).total_seconds() / 60.0


def compute(inputs: Inputs) -> dict[str, dict[str, Any]]:
    """The six KPIs for the window."""
    period = f"{inputs.start}..{inputs.end}"

    def q(sample: int) -> str:
        return _quality(inputs, sample)

    def share(hits: int, sample: int, measured: str, unmeasured: str) -> dict[str, Any]:
        """A percentage: ``hits`` of ``sample``; no value (and ``unmeasured`` as its source) without a sample."""
        value = 100.0 * hits / sample if sample else None
        return _kpi(value, "percent", sample, q(sample), measured if sample else unmeasured)

    # Onboarding is judged over repositories whose first run falls in the trailing four weeks, so
    # the rate describes how onboarding goes now, not forever how the first cohort started.
    since = (inputs.end - dt.timedelta(days=ONBOARDING_DAYS - 1)).isoformat()
    firsts = [r for r in inputs.first_runs if r.evidence_window_end >= since]
    onboarded = sum(bool(r.gate_fast_ok) for r in firsts)
    onboarding = share(
        onboarded,
        len(firsts),
        f"repositories first reporting in {since}..{inputs.end}: {onboarded} of {len(firsts)} passed gate fast "
        "on their first run",
        f"no repository first reported in {since}..{inputs.end}",
    )

    releases = [r for r in inputs.runs if r.gate_release_ok is not None]
    failed = sum(not r.gate_release_ok for r in releases)
    frequency = share(
        failed,
        len(releases),
        f"release preflight runs with evidence in {period}: {failed} of {len(releases)} failed",
        f"no release preflight evidence in {period}",
    )

    timed = [_minutes(r.started_at, r.finished_at) for r in releases if r.started_at and r.finished_at]
    decision = _kpi(
        statistics.median(timed) if timed else None,
        "minutes",
        len(timed),
        q(len(timed)),
        f"gate artifacts' run times (first start to last finish) of {len(timed)} release runs in {period}"
        if timed
        else f"no release runs with run times in {period} (--stable-json artifacts carry no times)",
    )

    shipped = sum(r.release_confidence_ok for r in inputs.runs)
    # A rollback counts once per repository it rolled back: the rate is per release-confident run,
    # and an incident that rolled back three repositories undid three releases.
    rolled = [i for i in inputs.incidents if i.kind == "rollback"]
    rollbacks, rollback_incidents = len(rolled), len({i.incident_id for i in rolled})
    if inputs.incidents_ever == 0:
        rollback = _kpi(None, "percent", 0, "seed", f"no incident records in the store (record rollbacks with "
                        f"`{OPEN_ROLLBACK}`)")  # fmt: skip
    elif not shipped:
        rollback = _kpi(None, "percent", 0, "seed", f"no release-confident runs in {period} to roll back")
    else:
        rollback = share(
            rollbacks,
            shipped,
            f"{_count(rollbacks, 'repository', 'repositories')} rolled back by "
            f"{_count(rollback_incidents, 'incident', 'incidents')} opened in {period} (drills not counted) "
            f"per {_count(shipped, 'release-confident run', 'release-confident runs')}",
            "",
        )

    # Time to triage is opened -> acknowledged, once per incident (a rollback has a row per repository).
    acknowledged = {i.incident_id: _minutes(i.opened_at, i.triaged_at) for i in inputs.incidents if i.triaged_at}
    triaged = list(acknowledged.values())
    if inputs.incidents_ever == 0:
        source = f"no incident records in the store (open incidents with `{OPEN_INCIDENT}` and acknowledge them " \
                 f"with `{ACK_INCIDENT}`)"  # fmt: skip
    elif triaged:
        source = f"{_count(len(triaged), 'incident', 'incidents')} opened in {period} and acknowledged, " \
                 "opened to acknowledged (drills not counted)"  # fmt: skip
    else:
        source = f"no acknowledged incidents opened in {period} (acknowledge with `{ACK_INCIDENT}`)"
    triage = _kpi(statistics.fmean(triaged) if triaged else None, "minutes", len(triaged), q(len(triaged)), source)

    docs = _kpi(
        None,
        "percent",
        0,
        "seed",
        "not measured: needs documentation visit counts, which gate evidence does not carry",
    )
    values = (onboarding, decision, frequency, rollback, triage, docs)
    return dict(zip(NAMES, values, strict=True))


def derive_status(kpis: Mapping[str, Mapping[str, Any]], expected: int, missing: int) -> tuple[str, str]:
    """The program status and the rule that produced it."""
    failure = kpis["failed_release_gate_frequency"]["value"]
    onboarding = kpis["first_time_success_onboarding_rate"]["value"]
    if failure is not None and failure > RED_GATE_FAILURE:
        return "red", f"failed release gate frequency {failure}% > {RED_GATE_FAILURE}%"
    if expected and missing / expected > RED_MISSING_SHARE:
        return "red", f"{missing} of {expected} expected repositories did not report"
    if failure is None:
        return "amber", "no release preflight evidence this week"
    if failure > AMBER_GATE_FAILURE:
        return "amber", f"failed release gate frequency {failure}% > {AMBER_GATE_FAILURE}%"
    if missing:
        return "amber", f"{missing} of {expected} expected repositories did not report"
    if onboarding is not None and onboarding < AMBER_ONBOARDING:
        return "amber", f"first-time onboarding success {onboarding}% < {AMBER_ONBOARDING}%"
    return (
        "green",
        f"failed release gate frequency {failure}% <= {AMBER_GATE_FAILURE}%, every expected repository reported",
    )


def payload(inputs: Inputs, override: tuple[str, str] | None = None) -> dict[str, Any]:
    """The whole payload; ``override`` is ``(status, reason)``."""
    kpis = compute(inputs)
    reporting = sorted({r.repo_id for r in inputs.runs})
    missing = sorted(set(inputs.expected) - set(reporting))
    derived, rule = derive_status(kpis, len(inputs.expected), len(missing))
    status = override[0] if override else derived
    lanes: dict[str, dict[str, Any]] = {}
    for run in inputs.runs:
        lanes.setdefault(run.lane, {"repos": set()})["repos"].add(run.repo_id)
    return {
        "schema_name": SCHEMA_NAME,
        "schema_version": SCHEMA_VERSION,
        "ok": status != "red",
        "week_ending": inputs.end.isoformat(),
        "week_start": inputs.start.isoformat(),
        "program_status": status,
        "program_status_derivation": {
            "derived": derived,
            "rule": rule,
            "override": None if override is None else {"status": override[0], "reason": override[1]},
        },
        "kpis": kpis,
        "repos": {"reporting": len(reporting), "expected": len(inputs.expected), "missing": missing},
        "lanes": {
            name: {"repo_count": len(v["repos"]), "kpi_emphasis": list(LANES[name].kpi_emphasis)}
            for name, v in sorted(lanes.items())
        },
    }


def gather(store: Store, start: dt.date, end: dt.date, expected: Mapping[str, Expected]) -> Inputs:
    """Read what the payload needs for ``[start, end]`` from the store, seen through the inventory."""
    first = store.first_evidence_date()
    return Inputs(
        start=start,
        end=end,
        runs=reassign(store.runs_between(start.isoformat(), end.isoformat()), expected),
        first_runs=reassign(store.first_runs(end.isoformat()), expected),
        incidents=store.incidents_between(start.isoformat(), end.isoformat()),
        incidents_ever=store.incident_count(),
        first_evidence=dt.date.fromisoformat(first) if first else None,
        expected=sorted(expected_in(expected, start, end)),  # retired or not yet active: not missing
    )
