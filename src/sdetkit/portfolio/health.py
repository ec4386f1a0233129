"""``portfolio check``: is this store whole? Its pages (SQLite), its schema against the migrations,
its row counts, and rows that point at nothing or disagree with themselves.

Each check reads what it can and turns a read that fails into a finding: this is the one command
meant to look at a damaged store, so a broken page is a result, not an error.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from sdetkit.errors import SdetkitError
from sdetkit.portfolio import migrations, tables

if TYPE_CHECKING:
    from sdetkit.portfolio.store import Store

SCHEMA_NAME = "sdetkit.portfolio.check"
SCHEMA_VERSION = "1.0.0"

# Rows whose incident_id must be an incident of incident_log, and artifacts whose run must be stored.
_PARENTS = (
    ("incident_scope", "incident_id", "incident_log", "incident_id"),
    ("incident_updates", "incident_id", "incident_log", "incident_id"),
    ("incident_evidence", "incident_id", "incident_log", "incident_id"),
    ("artifacts", "run_id", "runs", "run_id"),
)
_UNREADABLE = (SdetkitError, sqlite3.Error)  # a driver's error, or the store's one-line form of it

Finding = dict[str, str]


def check(store: Store) -> dict[str, Any]:
    """The health document of ``store``; ``ok`` is true when no finding was made."""
    findings: list[Finding] = []
    integrity = _integrity(store, findings)
    recorded = _guarded(findings, "migrations", tables.META, lambda: migrations.schema_version(store))
    if recorded is not None and recorded != migrations.VERSION:
        problem = f"records version {recorded}; this sdetkit's migrations end at {migrations.VERSION}"
        findings.append(_finding("migrations", tables.META, "schema_version", problem))
    have = _guarded(findings, "migrations", "", lambda: tables.present(store)) or {}
    whole: list[tables.Table] = []
    for table in tables.expected():
        if table.name not in have:
            findings.append(_finding("migrations", table.name, "", "table missing (the migrations create it)"))
            continue
        lacking = [c.name for c in table.columns if c.name not in have[table.name]]
        for name in lacking:
            findings.append(_finding("migrations", table.name, name, "column missing (the migrations create it)"))
        if not lacking:
            whole.append(table)
    counts: dict[str, int] = {}
    for table in whole:
        n = _guarded(findings, "counts", table.name, partial(tables.count, store, table))
        if n is not None:
            counts[table.name] = n
    names = {t.name for t in whole}
    for child, column, parent, key in _PARENTS:
        if {child, parent} <= names:
            _guarded(findings, "orphans", child, partial(_orphans, store, findings, child, column, parent, key))
    if "runs" in names:
        _guarded(findings, "consistency", "runs", partial(_failed_steps, store, findings))
    for table in whole:
        for column in tables.BOOLEANS.get(table.name, ()):
            _guarded(findings, "consistency", table.name, partial(_booleans, store, findings, table, column))
    return {
        "schema_name": SCHEMA_NAME,
        "schema_version": SCHEMA_VERSION,
        "ok": not findings,
        "store": store.name,
        "backend": "postgresql" if store.postgres else "sqlite",
        "integrity": integrity,
        "migrations": {"recorded": recorded, "expected": migrations.VERSION},
        "counts": dict(sorted(counts.items())),
        "findings": findings,
    }


def text(doc: dict[str, Any]) -> str:
    """The document as lines for a terminal: the verdict first, then each finding."""
    n = len(doc["findings"])
    lines = [f"{doc['store']}: {'healthy' if doc['ok'] else f'{n} problem(s) found'}"]
    lines.append(f"integrity: {doc['integrity']['result']} ({doc['integrity']['detail']})")
    m = doc["migrations"]
    lines.append(f"migrations: schema version {m['recorded']} (this sdetkit: {m['expected']})")
    lines.append("rows: " + ", ".join(f"{k} {v}" for k, v in doc["counts"].items()))
    for f in doc["findings"]:
        where = (f["table"] or "the store's file") + (f" [{f['key']}]" if f["key"] else "")
        lines.append(f"problem ({f['check']}): {where}: {f['problem']}")
    return "\n".join(lines) + "\n"


def _finding(kind: str, table: str, key: str, problem: str) -> Finding:
    return {"check": kind, "table": table, "key": key, "problem": problem}


def _guarded(findings: list[Finding], kind: str, table: str, read: Callable[[], Any]) -> Any:
    """``read()``, or None with a finding when the store cannot be read there."""
    try:
        return read()
    except _UNREADABLE as exc:
        cause = exc.__cause__ or exc  # the driver's own words, not the one-line advice to run this check
        detail = str(cause).strip().splitlines()[0] if str(cause).strip() else type(cause).__name__
        findings.append(_finding(kind, table, "", f"cannot be read: {detail}"))
        return None


def _integrity(store: Store, findings: list[Finding]) -> dict[str, str]:
    if store.postgres:
        # The server owns its pages (and their checksums); what we can check is that it answers
        # and that every table reads, which the checks below do.
        return {"result": "not-checked", "detail": "PostgreSQL checks its own pages; every table was read"}
    try:
        rows = store.query("PRAGMA integrity_check")
    except _UNREADABLE as exc:
        findings.append(_finding("integrity", "", "", f"PRAGMA integrity_check failed: {exc.__cause__ or exc}"))
        return {"result": "damaged", "detail": "PRAGMA integrity_check failed"}
    problems = [str(r[0]) for r in rows if str(r[0]) != "ok"]
    for problem in problems:
        findings.append(_finding("integrity", "", "", problem))
    if problems:
        return {"result": "damaged", "detail": f"PRAGMA integrity_check: {len(problems)} problem(s)"}
    return {"result": "ok", "detail": "PRAGMA integrity_check"}


def _key(table: tables.Table) -> str:
    return ", ".join(table.key)


def _table(name: str) -> tables.Table:
    return next(t for t in tables.expected() if t.name == name)


def _describe(table: tables.Table, row: tuple[Any, ...]) -> str:
    return " ".join(f"{k}={v}" for k, v in zip(table.key, row, strict=False))


def _orphans(store: Store, findings: list[Finding], child: str, column: str, parent: str, key: str) -> None:
    table = _table(child)
    # Names come from the constants above and the migrations' schema, never from input.
    rows = store.query(
        f"SELECT {_key(table)}, {column} FROM {child} WHERE {column} IS NULL OR {column} NOT IN "  # noqa: S608
        f"(SELECT {key} FROM {parent} WHERE {key} IS NOT NULL) ORDER BY {_key(table)}"
    )
    for row in rows:
        findings.append(_finding("orphans", child, _describe(table, row),
                                 f"{column} {row[-1]} is not in {parent}"))  # fmt: skip


def _failed_steps(store: Store, findings: list[Finding]) -> None:
    for run_id, steps, n in store.query("SELECT run_id, failed_steps, failed_steps_count FROM runs ORDER BY run_id"):
        try:
            listed = json.loads(steps)
        except (TypeError, ValueError):
            listed = None
        if not isinstance(listed, list):
            findings.append(_finding("consistency", "runs", f"run_id={run_id}", "failed_steps is not a JSON list"))
        elif len(listed) != n:
            problem = f"failed_steps lists {len(listed)} step(s), failed_steps_count says {n}"
            findings.append(_finding("consistency", "runs", f"run_id={run_id}", problem))


def _booleans(store: Store, findings: list[Finding], table: tables.Table, column: str) -> None:
    rows = store.query(
        f"SELECT {_key(table)}, {column} FROM {table.name} "  # noqa: S608
        f"WHERE {column} IS NOT NULL AND {column} NOT IN (0, 1) ORDER BY {_key(table)}"
    )
    for row in rows:
        findings.append(_finding("consistency", table.name, _describe(table, row),
                                 f"{column} is {row[-1]!r}; a boolean is stored as 0 or 1"))  # fmt: skip
