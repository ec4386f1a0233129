"""The store's tables as the migrations make them, and as a given store has them.

The expected shape is never written down a second time: it is read from a fresh in-memory SQLite
store that :data:`migrations.MIGRATIONS` were applied to, so ``portfolio check``, ``export`` and
``import`` follow every new migration without being edited.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, NamedTuple

from sdetkit.portfolio import migrations

if TYPE_CHECKING:
    from sdetkit.portfolio.store import Store

META = "sdetkit_meta"  # the store's own bookkeeping (schema version), not evidence

# Columns holding booleans as 0/1 (NULL where a value may be unknown): the schema's INTEGER type
# does not say which integers are flags, so this is the one place that does.
BOOLEANS: dict[str, tuple[str, ...]] = {
    "runs": ("gate_fast_ok", "gate_release_ok", "doctor_ok", "decision_ok", "release_confidence_ok"),
    "incident_log": ("rollback", "drill"),
    "release_checklists": ("ok",),
}


class Column(NamedTuple):
    """One column: its name, declared type (TEXT, INTEGER or BIGINT), whether NULL is allowed, and
    its position in the primary key (0: not part of it)."""

    name: str
    type: str
    nullable: bool
    pk: int


class Table(NamedTuple):
    """One table: its name and columns in declaration order."""

    name: str
    columns: tuple[Column, ...]

    @property
    def key(self) -> tuple[str, ...]:
        """The primary key's columns, in key order."""
        return tuple(c.name for c in sorted((c for c in self.columns if c.pk), key=lambda c: c.pk))


@functools.cache
def expected() -> tuple[Table, ...]:
    """Every table the migrations create (``sdetkit_meta`` included), sorted by name."""
    import sqlite3

    from sdetkit.portfolio.store import Store

    with Store(sqlite3.connect(":memory:", isolation_level=None), ":memory:", False) as fresh:
        migrations.migrate(fresh, new=True)
        names = [str(r[0]) for r in fresh.query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return tuple(
            Table(
                name,
                tuple(
                    # A key column is never NULL (PostgreSQL's rule; SQLite's TEXT keys would allow it).
                    Column(str(r[0]), str(r[1]).upper(), not r[2] and not r[3], int(r[3]))
                    for r in fresh.query("SELECT name, type, \"notnull\", pk FROM pragma_table_info(?) ORDER BY cid",
                                         (name,))
                ),
            )
            for name in names
        )  # fmt: skip


def evidence_tables() -> tuple[Table, ...]:
    """The tables that hold evidence: every table but ``sdetkit_meta``."""
    return tuple(t for t in expected() if t.name != META)


def present(store: Store) -> dict[str, set[str]]:
    """The tables the store has, each with its column names."""
    if store.postgres:
        rows = store.query(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema()"
        )
    else:
        rows = store.query(
            "SELECT m.name, p.name FROM sqlite_master AS m JOIN pragma_table_info(m.name) AS p WHERE m.type = 'table'"
        )
    found: dict[str, set[str]] = {}
    for table, column in rows:
        found.setdefault(str(table), set()).add(str(column))
    return found


def count(store: Store, table: Table) -> int:
    """How many rows ``table`` holds."""
    # The name comes from the migrations' own schema, never from input.
    return int(store.query(f"SELECT COUNT(*) FROM {table.name}")[0][0])  # noqa: S608


def occupied(store: Store) -> dict[str, int]:
    """The evidence tables that hold rows, with their counts (empty: a store nothing was stored in)."""
    counts = {t.name: count(store, t) for t in evidence_tables()}
    return {name: n for name, n in counts.items() if n}
