"""Turn one repository's evidence (gate fast, release preflight, doctor, decision) into one run.

Every artifact is validated against its shipped schema before anything is stored. The run id is a
hash of the repository id and the artifacts' bytes, so ingesting the same evidence again stores
nothing new. The lane decides, as policy, whether the run counts as release-confident.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from sdetkit.errors import InputError
from sdetkit.lanes import audit_status, blockers
from sdetkit.portfolio import record_rules
from sdetkit.portfolio.record_rules import iso
from sdetkit.portfolio.records import Record
from sdetkit.portfolio.rows import Owner, StoredRun

# schema_name -> (shipped schema, role in a run)
KINDS = {
    "sdetkit.gate.fast": ("gate-fast", "fast"),
    "sdetkit.gate.release": ("gate-release", "release"),
    "sdetkit.doctor": ("doctor", "doctor"),
    "sdetkit.decision": ("decision", "decision"),
}
MAX_FOLDER_FILES = 200
CANONICAL = ("gate-fast.json", "release-preflight.json", "doctor.json", "decision.json")


class Evidence(NamedTuple):
    role: str
    path: Path
    doc: Mapping[str, Any]
    sha256: str


def utc(text: str) -> dt.datetime:
    stamp = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return stamp.replace(tzinfo=dt.timezone.utc) if stamp.tzinfo is None else stamp.astimezone(dt.timezone.utc)


def _read(path: Path, explicit: bool) -> Evidence | None:
    from sdetkit.evidence.load import check, parse_json, read_text

    text = read_text(path)
    try:
        doc = parse_json(text, str(path))
    except InputError:
        # In a folder, a broken file is ours to report only if it is (or claims to be) evidence.
        if explicit or path.name in CANONICAL or '"sdetkit.' in text:
            raise
        return None
    name = doc.get("schema_name") if isinstance(doc, dict) else None
    if name not in KINDS:
        if explicit or path.name in CANONICAL:  # named like evidence: it must be evidence
            found = f"schema_name {name}" if isinstance(name, str) else "no schema_name"
            raise InputError(f"{path}: not an sdetkit evidence artifact ({found}; expected one of "
                             f"{', '.join(sorted(KINDS))})")  # fmt: skip
        return None  # a folder may hold other JSON files (coverage, package metadata): not ours
    schema, role = KINDS[str(name)]
    check(doc, path, schema)
    return Evidence(role, path, doc, hashlib.sha256(text.encode("utf-8")).hexdigest())


def collect(paths: Sequence[Path]) -> list[Evidence]:
    """The artifacts in ``paths`` (files, or folders searched two levels deep), one per role."""
    found: list[Evidence] = []
    for path in paths:
        if path.is_dir():
            files = sorted(p for p in (*path.glob("*.json"), *path.glob("*/*.json")) if p.is_file())
            if len(files) > MAX_FOLDER_FILES:
                raise InputError(f"{path}: more than {MAX_FOLDER_FILES} JSON files; pass the artifacts themselves")
            items = [e for e in (_read(f, explicit=False) for f in files) if e is not None]
            if not items:
                raise InputError(f"{path}: no sdetkit evidence artifacts in this folder or its subfolders")
            found += items
        elif path.exists():
            found += [e for e in (_read(path, explicit=True),) if e is not None]
        else:
            raise InputError(f"{path}: no such file or folder")
    roles: dict[str, Evidence] = {}
    for item in found:
        if item.role in roles and roles[item.role].sha256 != item.sha256:
            raise InputError(f"{item.path}: a second {item.role} artifact for one run (first: {roles[item.role].path})")
        roles.setdefault(item.role, item)
    if "fast" not in roles and "release" not in roles:
        where = ", ".join(str(p) for p in paths)
        raise InputError(f"{where}: no gate fast or release preflight artifact: a run needs gate evidence")
    return [roles[r] for r in ("fast", "release", "doctor", "decision") if r in roles]


def _times(items: Iterable[Evidence]) -> tuple[dt.datetime | None, dt.datetime | None]:
    starts, ends = [], []
    for item in items:
        run = item.doc.get("run")
        if isinstance(run, Mapping) and isinstance(run.get("started_at"), str):
            try:
                start = utc(run["started_at"])
            except ValueError as exc:
                raise InputError(f"{item.path}: run.started_at {run['started_at']!r} is not an ISO 8601 time") from exc
            starts.append(start)
            ends.append(start + dt.timedelta(seconds=float(run.get("duration_s") or 0)))
    return (min(starts), max(ends)) if starts else (None, None)


def _check_at(at: dt.datetime, items: Sequence[Evidence], now: dt.datetime) -> None:
    """``--at`` dates evidence written without run times. It may not date a run before an artifact
    that carries its own time was made (back-dated evidence would count for weeks it did not
    exist in), nor in the future."""
    if at > now + dt.timedelta(hours=1):
        raise InputError(f"--at {iso(at)} is in the future (now {iso(now)})")
    for item in items:
        started = _times([item])[0]
        if started is not None and at < started:
            raise InputError(
                f"{item.path}: --at {iso(at)} is before this artifact's own run time ({iso(started)}): evidence "
                "cannot be dated before it was made (leave --at out: the artifact carries its time)"
            )


def build_run(
    repo_id: str,
    owner: Owner,
    items: Sequence[Evidence],
    *,
    at: dt.datetime | None,
    ci_run_url: str | None,
    now: dt.datetime,
) -> StoredRun:
    """One run from validated artifacts. ``at`` overrides the evidence time (for back-filling
    evidence written with ``--stable-json``, which leaves times out)."""
    by_role = {e.role: e for e in items}
    fast, release = by_role.get("fast"), by_role.get("release")
    doctor, decision = by_role.get("doctor"), by_role.get("decision")
    if decision is not None:
        inputs = decision.doc.get("inputs", {})
        for role, gate in (("fast", fast), ("release", release)):
            made_from = (inputs.get(role) or {}).get("sha256")
            if gate is not None and made_from != gate.sha256:
                raise InputError(f"{decision.path}: this decision was made from a different {role} artifact "
                                 f"than {gate.path} (sha256 differs)")  # fmt: skip
    # The decision time runs from the first gate's start to the last gate's finish; the doctor
    # is not on that path, but its time still dates the evidence.
    started, finished = _times(e for e in items if e.role in ("fast", "release"))
    if at is not None:
        _check_at(at, items, now)
    stamp = at or finished or _times(items)[1]
    if stamp is None:
        paths = ", ".join(str(e.path) for e in items)
        raise InputError(f"{paths}: no run times in the evidence (written with --stable-json?): pass --at TIME")
    if stamp > now + dt.timedelta(hours=1):
        raise InputError(f"{items[0].path}: evidence time {iso(stamp)} is in the future (now {iso(now)})")
    commits = {str(e.doc["commit"]) for e in (fast, release) if e is not None and e.doc.get("commit")}
    commit = next(iter(sorted(commits))) if len(commits) == 1 else None
    failed = sorted({str(s) for e in (fast, release) if e is not None for s in e.doc.get("failed_steps", [])})
    fast_ok = bool(fast.doc["ok"]) if fast else None
    release_ok = bool(release.doc["ok"]) if release else None
    doctor_ok = bool(doctor.doc["ok"]) if doctor else None
    audit = audit_status(release.doc if release else None)
    decision_ok = bool(decision.doc["ok"]) if decision else None
    confident = _confident(owner.lane, fast_ok, release_ok, doctor_ok, audit, len(commits) == 1, decision_ok)
    version = next(
        (str(e.doc["run"]["sdetkit_version"]) for e in items if isinstance(e.doc.get("run"), Mapping)),
        None,
    )
    digest = hashlib.sha256("\0".join([repo_id, *sorted(e.sha256 for e in items)]).encode()).hexdigest()
    branch = next((str(e.doc["branch"]) for e in (fast, release) if e is not None and e.doc.get("branch")), None)
    return StoredRun(
        run_id=digest,
        repo_id=repo_id,
        team=owner.team,
        lane=owner.lane,
        commit_sha=commit,
        branch=branch,
        ci_run_url=ci_run_url,
        started_at=iso(started) if started else None,
        finished_at=iso(finished) if finished else None,
        source_timestamp=iso(stamp),
        evidence_window_end=stamp.astimezone(dt.timezone.utc).date().isoformat(),
        gate_fast_ok=fast_ok,
        gate_release_ok=release_ok,
        doctor_ok=doctor_ok,
        decision_ok=decision_ok,
        release_confidence_ok=confident,
        failed_steps=tuple(failed),
        failed_steps_count=len(failed),
        sdetkit_version=version,
        schema_versions=json.dumps({e.doc["schema_name"]: e.doc["schema_version"] for e in items}, sort_keys=True),
        ingested_at=iso(now),
        audit_status=audit,
    )


def _confident(
    lane: str,
    fast_ok: bool | None,
    release_ok: bool | None,
    doctor_ok: bool | None,
    audit: str | None,
    one_commit: bool,
    decision_ok: bool | None,
) -> bool:
    """Release confidence under ``lane``'s policy: its required evidence passed, on one commit,
    and the decision (when there is one) says SHIP."""
    found = blockers(lane, fast_ok=fast_ok, release_ok=release_ok, doctor_ok=doctor_ok, audit=audit)
    return not found and one_commit and decision_ok is not False


def assign(run: StoredRun, owner: Owner) -> StoredRun:
    """``run`` owned by ``owner``, with the owner's lane policy applied to its stored evidence."""
    if (owner.team, owner.lane) == (run.team, run.lane):
        return run
    if run.schema_versions != "{}":
        confident = _confident(owner.lane, run.gate_fast_ok, run.gate_release_ok, run.doctor_ok,
                               run.audit_status, run.commit_sha is not None, run.decision_ok)  # fmt: skip
    else:  # a normalized record: the new lane's verdict, keeping a "false" the record stated itself
        gates = _gates(run)
        stated_false = record_rules.confident(run.lane, *gates) and not run.release_confidence_ok
        confident = record_rules.confident(owner.lane, *gates) and not stated_false
    return run._replace(team=owner.team, lane=owner.lane, release_confidence_ok=confident)


def reassign(runs: Iterable[StoredRun], expected: Mapping[str, Any]) -> list[StoredRun]:
    """The runs as the inventory sees them: its team and lane win over those recorded at ingest."""
    return [
        assign(judged(r), Owner(listed.team, listed.lane)) if (listed := expected.get(r.repo_id)) else judged(r)
        for r in runs
    ]


def judged(run: StoredRun) -> StoredRun:
    """A run stored from a normalized record, as its lane's policy judges it now: a stored
    ``release_confidence_ok: true`` that the gates do not give (taken on trust by sdetkit before
    records were judged) does not count. Runs from artifacts were judged from their evidence."""
    if run.schema_versions != "{}" or not run.release_confidence_ok:
        return run
    return run if record_rules.confident(run.lane, *_gates(run)) else run._replace(release_confidence_ok=False)


def _gates(run: StoredRun) -> tuple[bool, bool, bool, str | None]:
    """What a record run's lane verdict is made of: its three gates and its audit."""
    return bool(run.gate_fast_ok), bool(run.gate_release_ok), bool(run.doctor_ok), run.audit_status


def from_record(record: Record, now: dt.datetime) -> StoredRun:
    """A stored run from a normalized record (bulk import); its id is the hash of its content."""
    # The audit joined the record later: a record without one keeps the id it always had.
    fields: list[Any] = list(record if record.audit is not None else record[:-1])
    day = fields[_DAY_AT] = record.evidence_window_end.isoformat()
    stamp = fields[_STAMP_AT] = iso(record.source_timestamp)
    content = json.dumps(fields)
    return StoredRun(
        run_id=hashlib.sha256(content.encode()).hexdigest(),
        repo_id=record.repo_id,
        team=record.team,
        lane=record.lane,
        commit_sha=None,
        branch=None,
        ci_run_url=None,
        started_at=None,
        finished_at=None,
        source_timestamp=stamp,
        evidence_window_end=day,
        gate_fast_ok=record.gate_fast_ok,
        gate_release_ok=record.gate_release_ok,
        doctor_ok=record.doctor_ok,
        decision_ok=None,
        release_confidence_ok=record.release_confidence_ok,
        failed_steps=record.failed_steps,
        failed_steps_count=record.failed_steps_count,
        sdetkit_version=None,
        schema_versions="{}",
        ingested_at=_iso_once(now),
        audit_status=record.audit,
    )


_DAY_AT = Record._fields.index("evidence_window_end")
_STAMP_AT = Record._fields.index("source_timestamp")


@functools.lru_cache(maxsize=1)
def _iso_once(now: dt.datetime) -> str:
    """:func:`iso` of the one ingest time every run of a bulk import shares, formatted once."""
    return iso(now)


def to_record(run: StoredRun) -> Record:
    """The scorecard's view of a run: absent evidence is not passing evidence."""
    return Record(
        repo_id=run.repo_id,
        team=run.team,
        lane=run.lane,
        gate_fast_ok=bool(run.gate_fast_ok),
        gate_release_ok=bool(run.gate_release_ok),
        doctor_ok=bool(run.doctor_ok),
        failed_steps_count=run.failed_steps_count,
        evidence_window_end=dt.date.fromisoformat(run.evidence_window_end),
        source_timestamp=utc(run.source_timestamp),
        release_confidence_ok=run.release_confidence_ok,
        failed_steps=run.failed_steps,
        audit=run.audit_status,
    )
