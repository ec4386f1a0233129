"""The incident workflow's steps as pure checks: each takes the stored record and what the user
gave, and returns what to record, or raises one line saying what is out of order. Nothing here
reads the clock or the store; the command passes both in."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from sdetkit.errors import UsageError
from sdetkit.incidents.model import AttachedEvidence, IncidentRecord, IncidentUpdate


class IncidentChange(NamedTuple):
    """What one step records on a stored incident."""

    steps: dict[str, Any]
    updates: tuple[IncidentUpdate, ...] = ()
    evidence: tuple[AttachedEvidence, ...] = ()


def _text(flag: str, value: str | None, what: str) -> str:
    if value is None or not value.strip():
        raise UsageError(f"{flag}: {what}")
    return value.strip()


def _not_before(record: IncidentRecord, flag: str, at: str) -> None:
    """``at`` comes after every step already recorded (steps happen in order)."""
    steps = [
        ("opened", record.opened_at),
        ("acknowledged", record.acknowledged_at),
        ("mitigation planned", record.mitigation_at),
        *(("last updated", u.at) for u in record.updates[-1:]),
    ]
    for name, when in steps:
        if when is not None and at < when:
            raise UsageError(f"{flag} {at} is before {record.incident_id} was {name} ({when}): times must be in order")


def _open(record: IncidentRecord, what: str) -> None:
    if record.resolved_at is not None:
        raise UsageError(f"{record.incident_id} was resolved at {record.resolved_at}: it cannot be {what}")


def opening(record: IncidentRecord) -> IncidentRecord:
    """A new record as given to ``incident open``, checked."""
    _text("--title", record.title, "an incident needs a title (what is happening)")
    if not record.repos:
        raise UsageError("--repo: name at least one affected repository")
    if len(set(record.repos)) != len(record.repos):
        raise UsageError(f"--repo: a repository is given twice ({', '.join(record.repos)})")
    return record


def acknowledge(record: IncidentRecord, at: str, by: str | None) -> IncidentChange:
    """``incident ack``: who took it, and when."""
    who = _text("--by", by, "say who acknowledged it")
    _open(record, "acknowledged")
    if record.acknowledged_at is not None:
        raise UsageError(f"{record.incident_id} was already acknowledged at {record.acknowledged_at}")
    _not_before(record, "--at", at)
    return IncidentChange({"acknowledged_at": at}, (IncidentUpdate(at, who, "acknowledged"),))


def update(
    record: IncidentRecord,
    at: str,
    by: str | None,
    text: str | None,
    mitigation: str | None,
    evidence: Sequence[AttachedEvidence],
) -> IncidentChange:
    """``incident update``: a status update, a mitigation plan, evidence, or several of them."""
    who = _text("--by", by, "say who gives the update")
    _open(record, "updated")
    if not (text or mitigation or evidence):
        raise UsageError("give the update: --text, --mitigation or --evidence")
    _not_before(record, "--at", at)
    steps: dict[str, Any] = {}
    if mitigation is not None:
        plan = _text("--mitigation", mitigation, "say what the mitigation plan is")
        if record.mitigation_at is not None:
            raise UsageError(f"{record.incident_id} has a mitigation plan since {record.mitigation_at}")
        if record.acknowledged_at is None:
            raise UsageError(f"{record.incident_id} is not acknowledged: `sdetkit incident ack` it before planning")
        steps = {"mitigation_at": at, "mitigation": plan}
    said = text.strip() if text and text.strip() else f"mitigation planned: {mitigation}" if mitigation else ""
    said = said or "evidence attached: " + ", ".join(e.path or e.sha256[:12] for e in evidence)
    return IncidentChange(steps, (IncidentUpdate(at, who, said),), tuple(evidence))


def resolve(
    record: IncidentRecord, at: str, by: str | None, root_cause: str | None, follow_ups: Sequence[str]
) -> IncidentChange:
    """``incident resolve``: when, why it happened, and what follows."""
    cause = _text("--root-cause", root_cause, "an incident is resolved with its root cause")
    who = _text("--by", by, "say who resolved it")
    _open(record, "resolved again")
    _not_before(record, "--at", at)
    follow = tuple(_text("--follow-up", f, "a follow-up must say what is to be done") for f in follow_ups)
    steps = {"resolved_at": at, "root_cause": cause, "follow_ups": follow}
    return IncidentChange(steps, (IncidentUpdate(at, who, f"resolved: {cause}"),))
