"""The whole-store export: deterministic bytes (the same store twice, and any text a row can hold
read back and written again), written whole or not at all."""

from __future__ import annotations

import json
import sqlite3
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sdetkit.cli import main
from sdetkit.errors import OutputError
from sdetkit.portfolio import dump, migrations, restore
from sdetkit.portfolio.store import Store, open_store
from sdetkit.portfolio.tables import evidence_tables
from tests.portfolio_support import jsonl, record

_INCIDENT = (
    "INSERT INTO incident_log (incident_id, title, severity, opened_at, follow_ups, rollback, drill) "
    "VALUES (?, ?, NULL, ?, ?, ?, 0)"
)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_the_same_store_exports_the_same_bytes_in_code_point_order(db: str, tmp_path: Path) -> None:
    rows = [record("api", "2026-11-17"), record("web", "2026-11-18")]
    assert main(["portfolio", "ingest", "--db", db, "--records", str(jsonl(tmp_path / "r.jsonl", rows))]) == 0
    # Keys a language's collation orders otherwise than code points do (case, punctuation, accents).
    ids = ["b", "B", "a-1", "a_1", "\u00e9", "Z"]
    with open_store(db, create=False) as store:
        with store.transaction() as cur:
            for ident in ids:
                cur.execute(store.sql(_INCIDENT), (ident, "t", "2026-11-17T10:00:00Z", "[]", 0))
        one = dump.export(store, tmp_path / "one")
        dump.export(store, tmp_path / "two")
    assert _files(tmp_path / "one") == _files(tmp_path / "two")
    lines = (tmp_path / "one" / "incident_log.jsonl").read_text().splitlines()
    assert [json.loads(line)["incident_id"] for line in lines] == sorted(ids)
    assert set(one["tables"]) == {t.name for t in evidence_tables()}
    assert one["tables"]["runs"]["rows"] == 2 and one["meta"]["schema_version"] == str(one["schema_version"])


def test_a_refused_target_reads_nothing_and_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputError, match="not a folder"):
        dump.check_target(tmp_path / "file")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


# Any text a row may hold (NUL and lone surrogates excepted: no backend stores them).
TEXT = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=30)


@settings(max_examples=40, deadline=None)
@given(teams=st.lists(TEXT, min_size=1, max_size=5), notes=TEXT)
def test_any_text_exports_imports_and_exports_to_the_same_bytes(teams: list[str], notes: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        with Store(sqlite3.connect(":memory:", isolation_level=None), ":memory:", False) as store:
            migrations.migrate(store, new=True)
            with store.transaction() as cur:
                for i, team in enumerate(teams):
                    cur.execute(_INCIDENT, (f"{team}{i}", notes, "2026-11-17T10:00:00Z", json.dumps([team]), i % 2))
            dump.export(store, root / "first")
        checked = restore.read_manifest(root / "first")
        with open_store(str(root / "copy.sqlite3")) as copy:
            restore.load(copy, checked)
            dump.export(copy, root / "second")
        assert _files(root / "first") == _files(root / "second")


def test_a_postgresql_collation_does_not_change_the_order(postgres_db: str, tmp_path: Path) -> None:
    ids = ["b", "B", "a-1", "a_1", "\u00e9", "Z"]
    with open_store(postgres_db) as store:
        with store.transaction() as cur:
            # A language's collation, as a database created with a locale would have it.
            cur.execute('ALTER TABLE incident_log ALTER COLUMN incident_id TYPE TEXT COLLATE "und-x-icu"')
            for ident in ids:
                cur.execute(store.sql(_INCIDENT), (ident, "t", "2026-11-17T10:00:00Z", "[]", 0))
        by_language = [str(r[0]) for r in store.query("SELECT incident_id FROM incident_log ORDER BY incident_id")]
        assert by_language != sorted(ids)  # the collation does order them otherwise
        dump.export(store, tmp_path / "out")
    lines = (tmp_path / "out" / "incident_log.jsonl").read_text().splitlines()
    assert [json.loads(line)["incident_id"] for line in lines] == sorted(ids)
