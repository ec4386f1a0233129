"""What ``incident open`` tells the user: who must be told and by when (the escalation chain as
the program file names it), the severity's targets, and whether the model's rules agree with the
severity chosen."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sdetkit.incidents.model import IncidentRecord
from sdetkit.incidents.support import DEFAULT_SUPPORT, ROLE_NAMES, SupportModel, notices, spoken
from sdetkit.portfolio.ingest import utc

if TYPE_CHECKING:
    from sdetkit.portfolio.program import Person, Program


def _named(person: Person | tuple[str, str] | None) -> str | None:
    if person is None:
        return None
    name, contact = person
    return f"{name} ({contact})" if contact else name


def people(program: Program | None, model: SupportModel) -> dict[str, str]:
    """Who holds each role of the escalation chain, as the program file names them."""
    if program is None:
        return {}
    found = {
        "release_owner": _named(program.release_owner),
        "sponsor": _named(program.sponsor),
        "platform_lead": _named(model.platform_lead),
    }
    streams = [w for w in program.workstreams if model.workstream in (None, w.workstream_id)]
    if streams:
        found["workstream_dri"] = f"{streams[0].dri} ({streams[0].workstream_id})"
    return {role: who for role, who in found.items() if who}


def briefing(program: Program | None, record: IncidentRecord, now: dt.datetime | None = None) -> str:
    """The lines printed when ``record`` is opened (``now``: when, so that a deadline an incident
    opened late has already missed says so instead of reading as still ahead)."""
    model = program.support if program is not None else DEFAULT_SUPPORT
    if record.severity is None:
        return ""
    target = model.target(record.severity)
    told = notices(model, record.severity, utc(record.opened_at), people(program, model))
    lines = [f"{record.severity}: {target.definition}"]
    late = " (already past: tell them now)"
    lines += [f"tell by {n.by}{late if now and utc(n.by) < now else ''}: {ROLE_NAMES[n.role]} {n.who}" for n in told]
    lines.append(
        f"targets: acknowledge within {spoken(target.acknowledge_within)}, update every "
        f"{spoken(target.update_every)}, resolve within {spoken(target.resolve_within)}"
    )
    ruled, rule = model.severity_for(record.lanes, record.rollback, len(record.repos))
    if ruled != record.severity:
        lines.append(f"note: the support model's rules give {rule}; recorded as {record.severity}")
    source = f"the support model of {program.path}" if program is not None else "the default support model"
    return "\n".join(lines) + f"\n({source})\n"
