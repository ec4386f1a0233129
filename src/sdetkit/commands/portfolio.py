"""``sdetkit portfolio``: ingest evidence into the store, and the versioned scorecard from it."""

from __future__ import annotations

import datetime as dt
import itertools
import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from sdetkit.errors import EXIT_OK, InputError, UsageError
from sdetkit.evidence.atomic import check_writable
from sdetkit.formats.base import DocumentReport
from sdetkit.formats.deliver import deliver
from sdetkit.portfolio.dates import not_future, now, parse_date, parse_time
from sdetkit.portfolio.ingest import Evidence
from sdetkit.portfolio.inventory import Expected
from sdetkit.portfolio.record_rules import Context, iso, not_in_inventory
from sdetkit.portfolio.rows import Owner
from sdetkit.settings import ExportSettings, IncidentSettings, IngestSettings, OutputSettings, ScorecardSettings

_SEMVER_1 = re.compile(r"^1\.\d+\.\d+$")
UNASSIGNED = "unassigned"
UNKNOWN = Owner(UNASSIGNED, "startup")


def _lane(flag_value: str | None) -> str | None:
    from sdetkit.lanes import NAMES

    if flag_value is not None and flag_value not in NAMES:
        raise UsageError(f"--lane {flag_value}: not one of {', '.join(NAMES)}")
    return flag_value


def ingest(settings: IngestSettings) -> int:
    """Validate every input first, then store all runs in one transaction (all or nothing)."""
    from sdetkit.portfolio import ingest as ing
    from sdetkit.portfolio import inventory as inv
    from sdetkit.portfolio.store import open_store

    paths, repo, team, records_file = settings.paths, settings.repo, settings.team, settings.records
    lane = _lane(settings.lane)
    when = parse_time("--at", settings.at) if settings.at else None
    expected = inv.resolve(settings.store.inventory)
    notes: list[str] = []
    if records_file is not None:
        if paths or repo:
            raise UsageError("--records imports normalized records; give artifact folders in a separate call")
        return _ingest_records(records_file, settings.store.db, expected)
    collected = _collect(paths, repo)
    runs, built = [], []
    stamp = now()
    for repo_id, items in collected:
        # Everything that can be wrong with the evidence is found before the store is opened
        # (or created): a failed ingest leaves no trace. The owner is settled once it is open.
        if expected and repo_id not in expected and not (team and lane):
            raise InputError(not_in_inventory(repo_id, expected, "fix the id, add it to the inventory, or pass "
                                              "--team and --lane"))  # fmt: skip
        run = ing.build_run(repo_id, UNKNOWN, items, at=when, ci_run_url=settings.ci_run_url, now=stamp)
        built.append((run, items))
    with open_store(settings.store.db) as store:
        artifacts: list[tuple[str, str, str]] = []
        for run, items in built:
            owner = _owner(run.repo_id, team, lane, expected, store.owner(run.repo_id))
            if owner.team == UNASSIGNED:
                notes.append(
                    f"{run.repo_id}: no team or lane known (not in an inventory, never stored): recorded as team "
                    f"{UNASSIGNED}, lane {owner.lane}; pass --team and --lane"
                )
            runs.append(ing.assign(run, owner))
            artifacts += [(e.sha256, run.repo_id, run.run_id) for e in items]
        new = store.add_runs(runs, artifacts=artifacts)
        name = store.name
    _ingested(len(runs), len({r.repo_id for r in runs}), new, name)
    if when is not None and new < len(runs):
        notes.append("runs already stored keep the time they were first stored with; --at does not re-date them")
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    return EXIT_OK


def _ingest_records(path: Path, db: str | None, expected: Mapping[str, Expected]) -> int:
    """Stream a records file into the store in batches inside one transaction: an invalid record
    anywhere rolls back every batch before it, so the store is unchanged."""
    from sdetkit.portfolio.pipeline import Job, Tally, batches
    from sdetkit.portfolio.store import open_store

    stamp = now()
    tally = Tally()
    # The inventory is checked per record, so the message names the first unknown one's line.
    rows = batches(Job(path, Context(stamp, None, expected or None), expected, stamp), tally)
    # A file whose first batch holds a bad record is refused before the store is opened (or created).
    first = next(rows, None)
    with open_store(db) as store:
        new = store.add_rows(itertools.chain([first] if first else [], rows))
        name = store.name
    _ingested(tally.repos.total(), len(tally.repos), new, name)
    if tally.overruled:
        print(f"note: {tally.overruled} record(s) give a team or lane other than the inventory's (first: "
              f"{tally.first}): the inventory's are recorded, and the lane's policy judged the runs",
              file=sys.stderr)  # fmt: skip
    return EXIT_OK


def _ingested(runs: int, repos: int, new: int, name: str) -> None:
    print(f"ingested {runs} run(s) from {repos} repositor{'y' if repos == 1 else 'ies'} into {name}: "
          f"{new} new, {runs - new} already stored")  # fmt: skip


def _collect(paths: Sequence[Path], repo: str | None) -> list[tuple[str, list[Evidence]]]:
    """Each repository's validated artifacts; the same evidence for two repositories is an error."""
    from sdetkit.portfolio.ingest import collect

    if not paths:
        raise UsageError("give the evidence: artifact files or folders (or --records FILE)")
    if repo is not None:
        groups = [(repo, list(paths))]
    else:
        # Without --repo, each folder is one repository's run, named after the folder.
        for p in paths:
            if not p.is_dir():
                raise UsageError(f"{p}: without --repo, each PATH must be a folder named after its repository")
        groups = [(p.absolute().name, [p]) for p in paths]
    collected = [(repo_id, collect(group)) for repo_id, group in groups]
    seen: dict[str, str] = {}
    for repo_id, items in collected:
        for item in items:
            other = seen.setdefault(item.sha256, repo_id)
            if other != repo_id:
                raise InputError(f"{item.path}: the same evidence is given for {other} and {repo_id}")
    return collected


def _owner(
    repo_id: str, team: str | None, lane: str | None, expected: Mapping[str, Expected], stored: Owner | None
) -> Owner:
    """Team and lane: the flags, else the inventory, else what the store last recorded, else unassigned/startup."""
    listed = expected.get(repo_id)
    base = Owner(listed.team, listed.lane) if listed else stored or UNKNOWN
    return Owner(team or base.team, lane or base.lane)


def scorecard(settings: ScorecardSettings) -> int:
    """The versioned scorecard of a window, from normalized records or the store."""
    from sdetkit.portfolio import inventory as inv
    from sdetkit.portfolio import records, scorecard

    inp, db, out, schema_version = settings.inp, settings.store.db, settings.out, settings.schema_version
    window_start, window_end = settings.window_start, settings.window_end
    if not _SEMVER_1.match(schema_version):
        raise UsageError(f"--schema-version {schema_version}: this sdetkit writes schema 1.x.y (for example 1.0.0)")
    start, end = parse_date("--window-start", window_start), parse_date("--window-end", window_end)
    if start > end:
        raise UsageError(f"--window-start {window_start} is after --window-end {window_end}")
    target = out.absolute() if out else None
    if target is not None:
        check_writable(target)
    expected = inv.resolve(settings.store.inventory)
    due = sorted(inv.expected_in(expected, start, end))  # retired or not yet active: not missing
    if inp is not None and db is not None:
        raise UsageError("--in and --db are two sources: give one")
    not_future(f"the window {start}..{end}", start)
    if inp is not None:
        # Records outside the window are history, not errors; an empty window scores 0.0 (the contract).
        # A record in the original shape, without a window of its own, belongs to this one.
        doc = scorecard.build(records.stream(inp, Context(now(), end)), schema_version, start, end, expected=due)
    else:
        doc = _from_store(db, schema_version, start, end, expected, due, settings.allow_schema_change)
    t = doc["totals"]
    missing = f"; missing {len(doc['missing_repos'])}" if doc["missing_repos"] else ""
    summary = (
        f"portfolio {window_start}..{window_end}: {t['repo_count_reporting']} of {t['repo_count_total']} repositories "
        f"reporting{missing}; risk high {t['high_risk_repo_count']}, medium {t['medium_risk_repo_count']}, low "
        f"{t['low_risk_repo_count']}; release gate failure rate {t['release_gate_failure_rate_percent']}%\n"
    )
    deliver(DocumentReport("scorecard", doc), OutputSettings("json", out), sys.stdout, summary)
    return EXIT_OK


def _from_store(
    db: str | None,
    version: str,
    start: dt.date,
    end: dt.date,
    expected: Mapping[str, Expected],
    due: list[str],
    allow_change: bool,
) -> dict[str, Any]:
    from sdetkit.portfolio import scorecard
    from sdetkit.portfolio.ingest import reassign, to_record
    from sdetkit.portfolio.store import open_store

    with open_store(db, create=False) as store:
        runs = reassign(store.runs_between(start.isoformat(), end.isoformat()), expected)
        last_seen = store.last_seen(start.isoformat())
        doc = scorecard.build([to_record(r) for r in runs], version, start, end, expected=due, last_seen=last_seen)
        frozen = store.claim_window("scorecard", start.isoformat(), end.isoformat(), version, iso(now()), allow_change)
        if frozen is not None:
            raise UsageError(
                f"the window {start}..{end} was reported with scorecard schema {frozen}; a window keeps one schema "
                f"version (pass --allow-schema-change to report it with {version})"
            )
    return doc


def incident(settings: IncidentSettings) -> int:
    """Record a rollback or a failure (and when it was triaged) for the rollback and triage KPIs."""
    import hashlib

    from sdetkit.portfolio import inventory as inv
    from sdetkit.portfolio.rows import Incident
    from sdetkit.portfolio.store import open_store

    repo, kind, opened, triaged = settings.repo, settings.kind.value, settings.opened, settings.triaged
    opened_at = parse_time("--opened", opened)
    triaged_at = parse_time("--triaged", triaged) if triaged else None
    if triaged_at is not None and kind != "failure":
        raise UsageError("--triaged applies to a failure (time to triage); a rollback has none")
    if triaged_at is not None and triaged_at < opened_at:
        raise UsageError(f"--triaged {triaged} is before --opened {opened}")
    for flag, when in (("--opened", opened_at), ("--triaged", triaged_at)):
        if when is not None and when > now() + dt.timedelta(hours=1):
            raise UsageError(f"{flag} {iso(when)} is in the future")
    expected = inv.resolve(settings.store.inventory)
    ident = settings.incident_id or hashlib.sha256(f"{repo}\0{kind}\0{iso(opened_at)}".encode()).hexdigest()[:16]
    record = Incident(ident, repo, kind, iso(opened_at), iso(triaged_at) if triaged_at else None, settings.note)
    with open_store(settings.store.db, create=False) as store:
        # An incident for a repository nobody knows would skew the rates: it must be expected
        # (inventory) or have reported (store).
        if repo not in expected and store.owner(repo) is None:
            known = "the inventory" if expected else "the store"
            raise InputError(f"{repo}: not in {known}; an incident must belong to a known repository")
        new = store.add_incident(record)
        name = store.name
    print(f"incident {ident} ({kind}, {repo}) {'recorded' if new else 'already recorded'} in {name}")
    return EXIT_OK


def export(settings: ExportSettings) -> int:
    """The window's stored runs as normalized records, one JSON object a line: the input the
    guide's ``python scripts/build_portfolio_scorecard.py --in <normalized-input>`` reads. With
    ``--out-dir`` instead, the whole store (:func:`sdetkit.portfolio.dump.export_store`)."""
    import json

    from sdetkit.evidence.atomic import emit
    from sdetkit.portfolio import inventory as inv
    from sdetkit.portfolio import records
    from sdetkit.portfolio.ingest import reassign, to_record
    from sdetkit.portfolio.store import open_store

    window = settings.window_start is not None or settings.window_end is not None
    if settings.out_dir is not None:
        if window or settings.out is not None:
            raise UsageError("--out-dir exports the whole store; --window-start, --window-end and --out export a "
                             "window's runs as records: give one or the other")  # fmt: skip
        from sdetkit.portfolio.dump import export_store

        sys.stdout.write(export_store(settings.store.db, settings.out_dir))
        return EXIT_OK
    if settings.window_start is None or settings.window_end is None:
        raise UsageError("give --window-start and --window-end (a window's runs as records), or --out-dir DIR "
                         "(the whole store, one file per table)")  # fmt: skip
    start = parse_date("--window-start", settings.window_start)
    end = parse_date("--window-end", settings.window_end)
    if start > end:
        raise UsageError(f"--window-start {start} is after --window-end {end}")
    target = settings.out.absolute() if settings.out else None
    if target is not None:
        check_writable(target)
    expected = inv.resolve(settings.store.inventory)
    with open_store(settings.store.db, create=False) as store:
        runs = reassign(store.runs_between(start.isoformat(), end.isoformat()), expected)
    rows = sorted((records.dump(to_record(r)) for r in runs), key=lambda r: (r["source_timestamp"], r["repo_id"]))
    text = "".join(json.dumps(r, sort_keys=True) + "\n" for r in rows)
    summary = f"exported {len(rows)} record(s) of {start}..{end}\n"
    emit(text, summary, target, settings.out, sys.stdout)
    return EXIT_OK
