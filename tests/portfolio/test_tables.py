"""The expected schema is the migrations' own: a store opened on either backend has exactly its
tables and columns, and every evidence table has a primary key to order an export by."""

from __future__ import annotations

from sdetkit.portfolio import tables
from sdetkit.portfolio.store import open_store


def test_a_new_store_has_exactly_the_tables_and_columns_the_migrations_make(db: str) -> None:
    with open_store(db) as store:
        assert tables.present(store) == {t.name: {c.name for c in t.columns} for t in tables.expected()}
        assert tables.occupied(store) == {}


def test_every_table_has_a_key_and_meta_is_not_evidence() -> None:
    assert all(t.key for t in tables.expected())
    assert tables.META not in {t.name for t in tables.evidence_tables()}
    runs = next(t for t in tables.expected() if t.name == "runs")
    by_name = {c.name: c for c in runs.columns}
    assert runs.key == ("run_id",) and not by_name["run_id"].nullable  # a key is never NULL, on any backend
    assert by_name["commit_sha"].nullable and by_name["failed_steps_count"].type == "INTEGER"
    assert set(tables.BOOLEANS) <= {t.name for t in tables.expected()}
    for name, columns in tables.BOOLEANS.items():
        table = next(t for t in tables.expected() if t.name == name)
        assert {c.type for c in table.columns if c.name in columns} == {"INTEGER"}
