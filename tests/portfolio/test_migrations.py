"""Migrations on an embedded store, in-process: a new store is at the latest version, an old one
is upgraded in place, a newer one is refused unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest

from sdetkit.errors import InputError
from sdetkit.portfolio import migrations
from sdetkit.portfolio.store import open_store


def test_a_new_store_is_at_the_latest_version(tmp_path: Path) -> None:
    with open_store(str(tmp_path / "s.sqlite3")) as store:
        assert migrations.schema_version(store) == migrations.VERSION == len(migrations.MIGRATIONS)


def test_an_old_store_is_upgraded_in_place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = str(tmp_path / "s.sqlite3")
    with monkeypatch.context() as m:
        m.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:2])
        with open_store(db) as old:
            assert migrations.schema_version(old) == 2
    with open_store(db) as new:
        assert migrations.schema_version(new) == migrations.VERSION
        assert new.query("SELECT COUNT(*) FROM artifacts") == [(0,)]


def test_a_store_from_a_newer_sdetkit_is_refused(tmp_path: Path) -> None:
    db = str(tmp_path / "s.sqlite3")
    with open_store(db) as store, store.transaction() as cur:
        cur.execute("UPDATE sdetkit_meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(InputError, match="schema version 99, made by a newer sdetkit"):
        open_store(db)
