"""Escalation drift and practice, judged from the incident log: severities that disagree with the
support model's rules for an incident's facts, teams that choose differently for the same facts,
and which steps of the workflow an incident went through by a day."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence

from sdetkit.incidents.model import IncidentRecord
from sdetkit.incidents.support import SupportModel

Facts = tuple[tuple[str, ...], bool, int]  # lanes affected, rollback, repositories affected


def facts(r: IncidentRecord) -> Facts:
    """What the support model's rules read of an incident."""
    return tuple(sorted(r.lanes)), r.rollback, len(r.repos)


def describe(f: Facts) -> str:
    """Facts in words."""
    lanes, rollback, repos = f
    where = f"lane {', '.join(lanes)}" if lanes else "no lane"
    return f"{where}, {'a rollback' if rollback else 'no rollback'}, {repos} repositor{'y' if repos == 1 else 'ies'}"


def disagreements(records: Sequence[IncidentRecord], model: SupportModel) -> list[str]:
    """Incidents whose recorded severity is not what the rules give for their facts."""
    found = []
    for r in records:
        if r.severity is None:
            continue
        ruled, rule = model.severity_for(r.lanes, r.rollback, len(r.repos))
        if ruled != r.severity:
            found.append(f"{r.incident_id} recorded {r.severity}, the rules give {rule}")
    return found


def team_splits(records: Sequence[IncidentRecord], team_of: Callable[[IncidentRecord], str | None]) -> list[str]:
    """For each set of facts, the teams whose severity choices differ (a team is the owner of the
    incident's first repository)."""
    chosen: dict[Facts, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for r in records:
        team = team_of(r)
        if r.severity is not None and team is not None:
            chosen[facts(r)][team].add(r.severity.value)
    found = []
    for f, teams in sorted(chosen.items()):
        if len({s for severities in teams.values() for s in severities}) > 1 and len(teams) > 1:
            picks = "; ".join(f"{team} chose {', '.join(sorted(s))}" for team, s in sorted(teams.items()))
            found.append(f"for {describe(f)}: {picks}")
    return found


def missing_steps(r: IncidentRecord, day: str) -> list[str]:
    """The workflow steps ``r`` had not gone through by the end of ``day`` (YYYY-MM-DD)."""

    def by(when: str | None) -> bool:
        return when is not None and when[:10] <= day

    steps = [
        ("acknowledged", by(r.acknowledged_at)),
        ("evidence attached", any(by(e.attached_at) for e in r.evidence)),
        ("mitigation planned", by(r.mitigation_at)),
        ("resolved with a root cause", by(r.resolved_at) and bool(r.root_cause)),
    ]
    return [name for name, done in steps if not done]
