"""``sdetkit incident``: open, acknowledge, update and resolve incidents; show, list and export
the log; report adherence to the support model. Every input is checked before the store is
written: a bad one is one line, exit 2, and nothing recorded."""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from sdetkit.errors import EXIT_OK, InputError, UsageError
from sdetkit.evidence.atomic import check_writable, emit
from sdetkit.incidents.model import AttachedEvidence, IncidentRecord, log_document
from sdetkit.portfolio.dates import now, parse_date, parse_time
from sdetkit.portfolio.record_rules import iso
from sdetkit.settings import IncidentLogSettings

if TYPE_CHECKING:
    from sdetkit.incidents.steps import IncidentChange
    from sdetkit.portfolio.inventory import Expected
    from sdetkit.portfolio.program import Program
    from sdetkit.portfolio.store import Store

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_HEX = re.compile(r"^[0-9a-fA-F]{7,63}$")


def _at(flag: str, given: str | None) -> str:
    """The step's time: given (not in the future), else now."""
    current = now()
    if given is None:
        return iso(current)
    when = parse_time(flag, given)
    if when > current + dt.timedelta(hours=1):
        raise UsageError(f"{flag} {iso(when)} is in the future")
    return iso(when)


def _deliver(settings: IncidentLogSettings, text: str, records: Sequence[IncidentRecord]) -> int:
    out = settings.output
    target = out.target
    if target is not None:
        check_writable(target)
    if out.format == "json":
        doc = json.dumps(log_document(list(records)), indent=2, sort_keys=True) + "\n"
        emit(doc, text, target, out.out, sys.stdout)
    else:
        emit(text, "", target, out.out, sys.stdout)
    return EXIT_OK


def _program(settings: IncidentLogSettings) -> tuple[Program | None, dict[str, Expected]]:
    """The program file whose support model applies (--program, else --inventory when it is a
    program file, else ./sdetkit-program.toml when there is one) and the repositories expected,
    each file parsed once."""
    from sdetkit.portfolio import inventory, program

    listed = inventory.resolve_file(settings.store.inventory)
    if settings.program is not None:
        return program.load(settings.program), listed.expected
    if listed.program is not None:
        return listed.program, listed.expected
    default = Path(program.FILE_NAME)
    return (program.load(default) if default.is_file() else None), listed.expected


def _evidence(store: Store, given: Sequence[str], at: str) -> tuple[AttachedEvidence, ...]:
    """Each ``--evidence``: a stored artifact's sha256, or an sdetkit artifact file that validates."""
    from sdetkit.evidence.load import check, kinds, read_json
    from sdetkit.hashing import file_sha256

    found: dict[str, AttachedEvidence] = {}
    # Some tools print a sha256 in capitals (PowerShell's Get-FileHash); the store keeps lowercase.
    for item in (g.lower() if _SHA256.match(g.lower()) else g for g in given):
        if _SHA256.match(item):
            if not store.artifact_stored(item):
                raise InputError(
                    f"--evidence {item}: no artifact with this sha256 in {store.name} (ingest it, or give the file)"
                )
            found.setdefault(item, AttachedEvidence(item, None, at))
            continue
        path = Path(item)
        if not path.is_file():
            if _HEX.match(item):  # the 12-digit short form `incident show` prints, say
                raise UsageError(
                    f"--evidence {item}: a sha256 has 64 hex digits, this has {len(item)}; nor is it a file"
                )
            raise UsageError(f"--evidence {item}: neither a stored artifact's sha256 nor a file")
        doc = read_json(path)
        name = doc.get("schema_name") if isinstance(doc, dict) else None
        kind = kinds().get(name) if isinstance(name, str) else None
        if kind is None:
            raise InputError(f"{path}: not an sdetkit artifact (no known schema_name); attach evidence sdetkit wrote")
        check(doc, path, kind)
        sha = file_sha256(path)
        found.setdefault(sha, AttachedEvidence(sha, item, at))
    return tuple(found.values())


def _scope(store: Store, expected: Mapping[str, Expected], repos: Sequence[str]) -> tuple[str, ...]:
    """The lanes of ``repos``, which must each be known (inventory or store), in the order given."""
    lanes: list[str] = []
    for repo in repos:
        listed, owner = expected.get(repo), store.owner(repo)
        if listed is None and owner is None:
            known = "the inventory" if expected else "the store"
            raise InputError(f"--repo {repo}: not in {known}; an incident must belong to a known repository")
        lane = listed.lane if listed is not None else owner.lane if owner is not None else ""
        if lane and lane not in lanes:
            lanes.append(lane)
    return tuple(lanes)


def _next_id(store: Store, opened: str) -> str:
    day = opened[:10]
    taken = {r.incident_id for r in store.incident_records(day, day)}
    n = len(taken) + 1
    while f"INC-{day}-{n}" in taken:
        n += 1
    return f"INC-{day}-{n}"


def open_incident(settings: IncidentLogSettings) -> int:
    """``incident open``."""
    from sdetkit.incidents import steps
    from sdetkit.portfolio.store import open_store

    if settings.severity is None:
        raise UsageError("--severity: give one of sev1, sev2, sev3, sev4")
    opened = _at("--opened", settings.at)
    program, expected = _program(settings)  # a broken program file is an error before anything is written
    with open_store(settings.store.db, create=False) as store:
        lanes = _scope(store, expected, settings.repos)
        record = steps.opening(
            IncidentRecord(
                settings.incident_id or _next_id(store, opened),
                settings.title or "",
                settings.severity,
                opened,
                tuple(settings.repos),
                tuple(settings.lanes) or lanes,
                rollback=settings.rollback,
                drill=settings.drill,
                evidence=_evidence(store, settings.evidence, opened),
            )
        )
        if not store.add_incident_record(record):
            raise UsageError(f"--id {record.incident_id}: an incident with this id is already recorded")
        name = store.name
    kind = "drill" if record.drill else "incident"
    text = f"{kind} {record.incident_id} ({record.severity}, {', '.join(record.repos)}) opened in {name}\n"
    from sdetkit.incidents.notify import briefing

    return _deliver(settings, text + briefing(program, record, now()), [record])


def _change(settings: IncidentLogSettings, what: str) -> int:
    from sdetkit.incidents import steps
    from sdetkit.portfolio.store import open_store

    at = _at("--at", settings.at)
    with open_store(settings.store.db, create=False) as store:
        record = _stored(store, settings.incident_id)
        change: IncidentChange
        if what == "acknowledged":
            change = steps.acknowledge(record, at, settings.by)
        elif what == "updated":
            evidence = _evidence(store, settings.evidence, at)
            change = steps.update(record, at, settings.by, settings.text, settings.mitigation, evidence)
        else:
            change = steps.resolve(record, at, settings.by, settings.root_cause, settings.follow_ups)
        store.record_incident_step(record.incident_id, change.steps, change.updates, change.evidence)
        after = _stored(store, record.incident_id)
    return _deliver(settings, f"{after.incident_id} {what} at {at}: now {after.state}\n", [after])


def _stored(store: Store, incident_id: str | None) -> IncidentRecord:
    record = store.incident_record(incident_id or "")
    if record is None:
        raise InputError(f"{incident_id}: no such incident in {store.name} (`sdetkit incident list` shows them)")
    return record


def ack_incident(settings: IncidentLogSettings) -> int:
    """``incident ack``."""
    return _change(settings, "acknowledged")


def update_incident(settings: IncidentLogSettings) -> int:
    """``incident update``."""
    return _change(settings, "updated")


def resolve_incident(settings: IncidentLogSettings) -> int:
    """``incident resolve``."""
    return _change(settings, "resolved")


def show_incident(settings: IncidentLogSettings) -> int:
    """``incident show``."""
    from sdetkit.incidents.render import detail
    from sdetkit.portfolio.store import open_store

    with open_store(settings.store.db, create=False) as store:
        record = _stored(store, settings.incident_id)
    return _deliver(settings, detail(record), [record])


def _period(settings: IncidentLogSettings) -> tuple[dt.date | None, dt.date | None]:
    start = parse_date("--period-start", settings.period_start) if settings.period_start else None
    end = parse_date("--period-end", settings.period_end) if settings.period_end else None
    if start and end and start > end:
        raise UsageError(f"--period-start {start} is after --period-end {end}")
    return start, end


def _selected(settings: IncidentLogSettings) -> list[IncidentRecord]:
    from sdetkit.incidents.render import select
    from sdetkit.portfolio.store import open_store

    start, end = _period(settings)
    repo = settings.repos[0] if settings.repos else None
    with open_store(settings.store.db, create=False) as store:
        records = store.incident_records()
    return select(records, settings.state, settings.severity, repo, start, end)


def list_incident(settings: IncidentLogSettings) -> int:
    """``incident list``."""
    from sdetkit.incidents.render import listing

    records = _selected(settings)
    return _deliver(settings, listing(records), records)


def export_incident(settings: IncidentLogSettings) -> int:
    """``incident export``: one record a line (JSON Lines), oldest first."""
    records = _selected(settings)
    target = settings.output.target
    if target is not None:
        check_writable(target)
    text = "".join(json.dumps(r.document(), sort_keys=True) + "\n" for r in records)
    emit(text, f"exported {len(records)} incident(s)\n", target, settings.output.out, sys.stdout)
    return EXIT_OK


def slo_incident(settings: IncidentLogSettings) -> int:
    """``incident slo``: adherence per severity for a period; exit 1 when a target was breached."""
    from sdetkit.errors import EXIT_FAILED
    from sdetkit.incidents import slo
    from sdetkit.incidents.support import DEFAULT_SUPPORT
    from sdetkit.portfolio.store import open_store

    start, end = _period(settings)
    if start is None or end is None:
        raise UsageError("give the period: --period-start and --period-end")
    program, _ = _program(settings)
    model = program.support if program is not None else DEFAULT_SUPPORT
    with open_store(settings.store.db, create=False) as store:
        records = store.incident_records(start.isoformat(), end.isoformat())
    doc = slo.adherence(records, model, start, end, now())
    out = settings.output
    if out.target is not None:
        check_writable(out.target)
    rendered = json.dumps(doc, indent=2, sort_keys=True) + "\n" if out.format == "json" else slo.text(doc)
    emit(rendered, slo.text(doc) if out.format == "json" else "", out.target, out.out, sys.stdout)
    return EXIT_OK if doc["ok"] else EXIT_FAILED
