"""Read back an export (``portfolio import DIR``): every file is checked against the manifest and
the schema before the store is touched, then every row is stored in one transaction.

A problem is one line naming the file (and line) and what is wrong; nothing is stored then.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from sdetkit.errors import InputError
from sdetkit.evidence.load import open_input
from sdetkit.portfolio import migrations
from sdetkit.portfolio.dump import FORMAT, MANIFEST
from sdetkit.portfolio.tables import META, Column, Table, count, evidence_tables, occupied

if TYPE_CHECKING:
    from sdetkit.portfolio.store import Store

MAX_LINE = 8 * 1024 * 1024  # bytes; the largest row sdetkit writes is far smaller
_MAX_MANIFEST = 1024 * 1024
_INT_RANGE = {"INTEGER": 2**31, "BIGINT": 2**63}  # PostgreSQL's limits, the narrower backend's
_HEX = frozenset("0123456789abcdef")


class Entry(NamedTuple):
    """A table as the manifest lists it."""

    table: Table
    path: Path
    rows: int
    sha256: str


class Export(NamedTuple):
    """A checked export folder: its store metadata and one entry per evidence table."""

    meta: dict[str, str]
    entries: tuple[Entry, ...]


def read_manifest(folder: Path) -> Export:
    """The export's manifest, checked: the format, this sdetkit's schema version, and one entry for
    every evidence table (no more, no fewer)."""
    where = folder / MANIFEST
    if not folder.is_dir():
        raise InputError(f"{folder}: not a folder (give the folder `sdetkit portfolio export --out-dir` wrote)")
    with open_input(where, "a store export's manifest", f"missing; {folder} is not a store export") as f:
        data = f.read(_MAX_MANIFEST + 1)
    if len(data) > _MAX_MANIFEST:
        raise InputError(f"{where}: larger than {_MAX_MANIFEST} bytes; not a store export's manifest")
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"{where}: not valid JSON: {exc}") from exc
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise InputError(f"{where}: not a store export's manifest (its format must be {FORMAT!r})")
    _keys(where, "the manifest", doc, {"format", "schema_version", "meta", "tables"})
    version, meta, listed = doc["schema_version"], doc["meta"], doc["tables"]
    if type(version) is not int:
        raise InputError(f"{where}: schema_version must be an integer")
    if version < migrations.VERSION:
        raise InputError(
            f"{where}: exported at schema version {version}; this sdetkit imports version {migrations.VERSION}. "
            "Import it with the sdetkit that exported it, open that store once with this sdetkit (which upgrades "
            "it), and export it again (nothing was stored)"
        )
    if version > migrations.VERSION:
        raise InputError(
            f"{where}: exported at schema version {version}, made by a newer sdetkit; this sdetkit knows up to "
            f"version {migrations.VERSION}: upgrade sdetkit (nothing was stored)"
        )
    if not isinstance(meta, dict) or not all(isinstance(v, str) for v in meta.values()):
        raise InputError(f"{where}: meta must map names to text")
    if meta.get("schema_version") != str(version):
        raise InputError(f"{where}: meta's schema_version disagrees with the manifest's ({version})")
    if not isinstance(listed, dict):
        raise InputError(f"{where}: tables must map each table to its file")
    known = {t.name: t for t in evidence_tables()}
    for name in sorted(set(listed) - set(known)):
        raise InputError(f"{where}: lists table {name!r}, which this store does not have")
    for name in sorted(set(known) - set(listed)):
        raise InputError(f"{where}: does not list table {name!r}; the export is incomplete")
    return Export(dict(meta), tuple(_entry(where, folder, known[name], listed[name]) for name in sorted(known)))


def _entry(where: Path, folder: Path, table: Table, item: Any) -> Entry:
    what = f"table {table.name}"
    if not isinstance(item, dict):
        raise InputError(f"{where}: {what} must be an object with file, rows and sha256")
    _keys(where, what, item, {"file", "rows", "sha256"})
    file, rows, sha = item["file"], item["rows"], item["sha256"]
    if file != f"{table.name}.jsonl":  # a fixed name: the manifest cannot point outside the folder
        raise InputError(f"{where}: {what}'s file must be {table.name}.jsonl, not {file!r}")
    if type(rows) is not int or rows < 0:
        raise InputError(f"{where}: {what}'s rows must be a count (a whole number, 0 or more)")
    if not isinstance(sha, str) or len(sha) != 64 or not set(sha) <= _HEX:
        raise InputError(f"{where}: {what}'s sha256 must be 64 lowercase hex digits")
    return Entry(table, folder / file, rows, sha)


def _keys(where: Path | str, what: str, doc: dict[str, Any], allowed: set[str]) -> None:
    if missing := sorted(allowed - set(doc)):
        raise InputError(f"{where}: {what} lacks {', '.join(missing)}")
    if extra := sorted(set(doc) - allowed):
        raise InputError(f"{where}: {what} has {', '.join(extra)}, which it must not have")


def rows(entry: Entry) -> Iterator[tuple[Any, ...]]:
    """The rows of one file as column values in table order, each checked; the file's sha256 and row
    count are compared with the manifest's when it has been read to its end."""
    table, path = entry.table, entry.path
    columns = table.columns
    names = {c.name for c in columns}
    key_at = [i for i, c in enumerate(columns) if c.pk]
    keys: set[tuple[Any, ...]] = set()
    digest, number = hashlib.sha256(), 0
    with open_input(path, "a table's rows", "missing (the manifest lists it)") as f:
        while data := f.readline(MAX_LINE + 1):
            number += 1
            at = f"{path}:{number}"
            if len(data) > MAX_LINE:
                raise InputError(f"{at}: longer than {MAX_LINE} bytes; not a line of a store export")
            if not data.endswith(b"\n"):
                raise InputError(f"{at}: truncated (the file ends in the middle of a line)")
            digest.update(data)
            row = _parse(at, data)
            if missing := sorted(names - set(row)):
                raise InputError(f"{at}: lacks column(s) {', '.join(missing)} of table {table.name}")
            if extra := sorted(set(row) - names):
                raise InputError(f"{at}: has column(s) {', '.join(extra)}, which table {table.name} does not have")
            values = tuple(_value(at, c, row[c.name]) for c in columns)
            key = tuple(values[i] for i in key_at)
            if key in keys:
                shown = " ".join(f"{columns[i].name}={v}" for i, v in zip(key_at, key, strict=True))
                raise InputError(f"{at}: a second row with the key {shown} of table {table.name}")
            keys.add(key)
            yield values
    if digest.hexdigest() != entry.sha256:
        raise InputError(f"{path}: sha256 {digest.hexdigest()} is not the manifest's {entry.sha256}; the file changed")
    if number != entry.rows:
        raise InputError(f"{path}: {number} row(s), the manifest says {entry.rows}")


def _parse(at: str, data: bytes) -> dict[str, Any]:
    try:
        row = json.loads(data, object_pairs_hook=_no_duplicates)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"{at}: not valid JSON: {exc}") from exc
    if not isinstance(row, dict):
        raise InputError(f"{at}: not a JSON object (one row a line)")
    return row


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    row = dict(pairs)
    if len(row) != len(pairs):
        raise ValueError("a key appears twice")
    return row


def _value(at: str, column: Column, value: Any) -> Any:
    if value is None:
        if not column.nullable:
            raise InputError(f"{at}: {column.name} is null; the column requires a value")
        return None
    if column.type == "TEXT":
        if not isinstance(value, str):
            raise InputError(f"{at}: {column.name} must be text, not {type(value).__name__}")
        # Both backends store UTF-8 text; PostgreSQL refuses NUL, and a lone surrogate is no text.
        if "\x00" in value or (not value.isascii() and not _utf8(value)):
            raise InputError(f"{at}: {column.name} holds a NUL or invalid character")
        return value
    limit = _INT_RANGE[column.type]
    if type(value) is not int:
        raise InputError(f"{at}: {column.name} must be an integer, not {type(value).__name__}")
    if not -limit <= value < limit:
        raise InputError(f"{at}: {column.name} {value} is out of range for {column.type}")
    return value


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def refuse_filled(store: Store) -> None:
    """Refuse a store that holds any evidence: an import adds to nothing, so a restore never mixes."""
    if filled := occupied(store):
        held = ", ".join(f"{name} {n}" for name, n in sorted(filled.items()))
        raise InputError(
            f"{store.name}: not empty (rows: {held}); import only into a new or empty store (nothing was changed)"
        )


def load(store: Store, export: Export, batch: int = 5000) -> dict[str, int]:
    """Store every row of ``export`` in one transaction (all or nothing) and return the row count of
    each table, checked against the manifest before the transaction commits."""
    with store.transaction() as cur:
        refuse_filled(store)  # again, inside the transaction: a writer may have come first
        for key, value in sorted(export.meta.items()):
            if key != "schema_version":  # the store's own, equal to the export's (checked)
                cur.execute(
                    store.sql(
                        f"INSERT INTO {META} (key, value) VALUES (?, ?) "  # noqa: S608
                        "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
                    ),
                    (key, value),
                )
        for entry in export.entries:
            names = [c.name for c in entry.table.columns]
            insert = store.sql(
                f"INSERT INTO {entry.table.name} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"  # noqa: S608
            )
            chunk: list[tuple[Any, ...]] = []
            for values in rows(entry):  # read and checked again: the file may have changed since
                chunk.append(values)
                if len(chunk) >= batch:
                    cur.executemany(insert, chunk)
                    chunk = []
            if chunk:
                cur.executemany(insert, chunk)
        counts = {entry.table.name: count(store, entry.table) for entry in export.entries}
        for entry in export.entries:
            if counts[entry.table.name] != entry.rows:
                raise InputError(
                    f"{store.name}: table {entry.table.name} holds {counts[entry.table.name]} row(s) after the "
                    f"import, the manifest says {entry.rows} (nothing was stored)"
                )
    return counts
