"""The whole store as files: one JSON Lines file per table and a manifest (``portfolio export
--out-dir``), the form ``portfolio import`` reads back.

The bytes depend on the stored content only: rows in primary-key order (text compared by code
point on both backends), keys sorted, ASCII JSON, and no time, host or store name in the manifest.
So the same store exports to the same bytes, and so do a SQLite store and a PostgreSQL store
holding the same evidence.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sdetkit.errors import OutputError
from sdetkit.portfolio import migrations
from sdetkit.portfolio.tables import META, Table, evidence_tables

if TYPE_CHECKING:
    from sdetkit.portfolio.store import Store

FORMAT = "sdetkit.portfolio.export"
MANIFEST = "manifest.json"
_FETCH = 5000  # rows held in memory at a time


def line(row: dict[str, Any]) -> bytes:
    """One row as its line in the export: the only way a row is written, so exports compare bytewise."""
    return json.dumps(row, sort_keys=True, separators=(",", ":")).encode("ascii") + b"\n"


def manifest_bytes(doc: dict[str, Any]) -> bytes:
    """The manifest's bytes."""
    return (json.dumps(doc, indent=2, sort_keys=True) + "\n").encode("ascii")


def check_target(target: Path, flag: str = "--out-dir") -> None:
    """Refuse a target that exists and is not an empty folder, before anything is read."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        what = "a folder that is not empty" if target.is_dir() else "not a folder"
        raise OutputError(f"{flag} {target}: {what}; export into a new or empty folder (nothing was written)")


def export_store(db: str | None, out_dir: Path) -> str:
    """``portfolio export --out-dir``: the store at ``db`` into ``out_dir``; returns the summary lines."""
    from sdetkit.portfolio.store import open_store

    check_target(out_dir)  # before the store is opened: a refused export reads nothing
    with open_store(db, create=False) as store:
        doc = export(store, out_dir.absolute())
        name = store.name
    total = sum(t["rows"] for t in doc["tables"].values())
    return (
        f"exported {total} row(s) of {len(doc['tables'])} tables from {name} (schema version "
        f"{doc['schema_version']})\nwrote {out_dir}\n"
    )


def export(store: Store, target: Path) -> dict[str, Any]:
    """Write the store into the folder ``target`` (new or empty) and return the manifest. The files
    are written into a temporary sibling folder renamed into place: ``target`` holds a whole
    export or nothing."""
    check_target(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    try:
        with store.transaction() as cur:
            if store.postgres:
                # One snapshot for every table: rows written while the export runs are all in or all out.
                cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            cur.execute(store.sql(f"SELECT key, value FROM {META} ORDER BY key"))  # noqa: S608
            meta = {str(k): str(v) for k, v in cur.fetchall()}
            tables = {t.name: _write_table(store, cur, t, work) for t in evidence_tables()}
        doc = {
            "format": FORMAT,
            "schema_version": migrations.VERSION,
            "meta": meta,
            "tables": tables,
        }
        _write_file(work / MANIFEST, [manifest_bytes(doc)])
        work.chmod(0o755)  # mkdtemp's 0700 is for the work in progress; the export is an ordinary folder
        # rename() replaces an empty folder in one step; a non-empty one makes it fail, not merge.
        work.replace(target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return doc


def _order(store: Store, table: Table) -> str:
    # Text keys compare by code point: SQLite's default, and PostgreSQL's "C" collation (the
    # database's own collation could order them another way, and the bytes would differ).
    types = {c.name: c.type for c in table.columns}
    return ", ".join(f'{k} COLLATE "C"' if store.postgres and types[k] == "TEXT" else k for k in table.key)


def _write_table(store: Store, cur: Any, table: Table, work: Path) -> dict[str, Any]:
    names = [c.name for c in table.columns]
    # Names come from the migrations' own schema, never from input.
    cur.execute(f"SELECT {', '.join(names)} FROM {table.name} ORDER BY {_order(store, table)}")  # noqa: S608
    digest, rows = hashlib.sha256(), 0

    def lines() -> Any:
        nonlocal rows
        while batch := cur.fetchmany(_FETCH):
            for values in batch:
                data = line(dict(zip(names, values, strict=True)))
                digest.update(data)
                rows += 1
                yield data

    name = f"{table.name}.jsonl"
    _write_file(work / name, lines())
    return {"file": name, "rows": rows, "sha256": digest.hexdigest()}


def _write_file(path: Path, chunks: Any) -> None:
    try:
        with path.open("wb") as f:
            f.writelines(chunks)
            f.flush()
            os.fsync(f.fileno())
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from exc
