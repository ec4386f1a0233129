"""The guide's four failure modes, each raised from evidence with the guide's mitigation."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from typing import Any, NamedTuple

from sdetkit.incidents.model import IncidentRecord
from sdetkit.portfolio.kinds import Stage
from sdetkit.rollout.docs import KPI, SCORECARD, show
from sdetkit.rollout.evidence import View


class Signal(NamedTuple):
    """One failure mode: ``raised``, ``clear`` or ``unknown``, with what was seen."""

    id: str
    failure_mode: str
    signal: str
    mitigation: str
    status: str
    detail: str

    def document(self) -> dict[str, Any]:
        """The JSON form (``signals[]``)."""
        return self._asdict()


def scope_too_broad(view: View, stage: Stage | None) -> tuple[str, str]:
    size = view.program.pilot_size
    active = sorted(k for k, r in view.program.repos.items() if view.active(r, view.as_of, view.as_of))
    if size is None:
        return "unknown", f"{len(active)} active repositories; no approved pilot size (program.pilot_size)"
    if stage == Stage.PRODUCTION:
        return "clear", f"the pilot is over; {len(active)} active repositories"
    if len(active) > size:
        return "raised", f"{len(active)} active repositories in the pilot, approved size {size}"
    return "clear", f"{len(active)} active repositories, approved size {size}"


def _some(items: list[str], most: int, sep: str) -> str:
    return sep.join(items[:most]) + (f" and {len(items) - most} more" if len(items) > most else "")


def no_clear_ownership(view: View, stage: Stage | None) -> tuple[str, str]:
    overdue = [
        f"{w.workstream_id}: {d.what!r} due {d.due}"
        for w in view.program.workstreams
        for d in w.deliverables
        if d.due < view.as_of and (d.done is None or d.done > view.as_of)
    ]
    unowned = sorted(k for k, r in view.program.repos.items() if not r.owner and view.active(r, view.as_of, view.as_of))
    parts = []
    if overdue:
        parts.append(f"{len(overdue)} deliverable(s) past due ({_some(overdue, 3, '; ')})")
    if unowned:
        parts.append(f"{len(unowned)} active repositories with no owner ({_some(unowned, 5, ', ')})")
    if parts:
        return "raised", "; ".join(parts)
    return "clear", "no deliverable past due; every active repository has an owner"


def _versions_by_month(view: View, pattern: Any) -> list[str]:
    months: dict[str, set[str]] = defaultdict(set)
    for day, f in view.files(pattern).items():
        doc = view.json(f)
        if isinstance(doc, dict) and isinstance(doc.get("schema_version"), str):
            months[day.strftime("%Y-%m")].add(doc["schema_version"])
    return [f"{m}: {', '.join(sorted(v))}" for m, v in sorted(months.items()) if len(v) > 1]


def _disagreeing_payloads(view: View) -> list[str]:
    found = []
    for f in view.files(KPI).values():
        versions = [sha for sha, day in f.commits if day <= view.as_of]
        if len(versions) < 2:
            continue
        values = set()
        for sha in versions:
            raw = show(view.evidence.root, sha, f.rel)
            try:
                values.add(json.dumps(json.loads(raw or b"null").get("kpis"), sort_keys=True))
            except (ValueError, AttributeError):
                values.add(f"unreadable {sha}")
        if len(values) > 1:
            found.append(f"{f.rel} was committed in {len(versions)} versions whose KPI values differ")
    return found


def data_inconsistency(view: View, stage: Stage | None) -> tuple[str, str]:
    problems = [f"scorecard schema changed inside a month ({m})" for m in _versions_by_month(view, SCORECARD)]
    problems += [f"KPI payload schema changed inside a month ({m})" for m in _versions_by_month(view, KPI)]
    problems += _disagreeing_payloads(view)
    problems += [
        f"the {kind} of {start}..{end} was reported with schema {now} after it started with {started} "
        f"(--allow-schema-change, {written[:10]})"
        for kind, start, end, started, now, written in view.evidence.changed_windows
        if written[:10] <= view.as_of.isoformat()
    ]
    if problems:
        return "raised", "; ".join(problems)
    return "clear", (
        "one schema version per month for scorecards and KPI payloads; no week's payload was rewritten; "
        "no reporting window changed schema version in the store"
    )


def escalation_drift(view: View, stage: Stage | None) -> tuple[str, str]:
    from sdetkit.incidents.drift import disagreements, team_splits

    judged = [i for i in view.incidents() if i.severity is not None]
    if not judged:
        return "clear", "no incident with a severity recorded"
    repos = view.program.repos

    def team(i: IncidentRecord) -> str | None:
        return repos[i.repos[0]].team if i.repos and i.repos[0] in repos else None

    found = disagreements(judged, view.program.support) + team_splits(judged, team)
    if found:
        return "raised", "; ".join(found)
    return "clear", f"{len(judged)} incident(s) with a severity, each as the support model's rules give it"


# (id, failure mode, the guide's signal, the guide's mitigation, what raises it)
SIGNALS: tuple[tuple[str, str, str, str, Callable[[View, Stage | None], tuple[str, str]]], ...] = (
    (
        "scope-too-broad",
        "Scope too broad",
        "Too many repos in initial pilot",
        "Limit to highest-impact services first",
        scope_too_broad,
    ),
    (
        "no-clear-ownership",
        "No clear ownership",
        "Repeated missed commitments",
        "Assign DRI per workstream and publish weekly",
        no_clear_ownership,
    ),
    (
        "data-inconsistency",
        "Data inconsistency",
        "KPI disputes every week",
        "Freeze schema for reporting window",
        data_inconsistency,
    ),
    (
        "escalation-drift",
        "Escalation drift",
        "Severity decisions differ by team",
        "Enforce one support model + monthly calibration",
        escalation_drift,
    ),
)


def judge(view: View, stage: Stage | None) -> list[Signal]:
    """Every failure-mode signal on ``view``, given the stage reached."""
    found = []
    for ident, mode, signal, mitigation, raise_ in SIGNALS:
        status, detail = raise_(view, stage)
        found.append(Signal(ident, mode, signal, mitigation, status, detail))
    return found
