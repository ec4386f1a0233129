"""Where the store is: --db, SDETKIT_DB, the project's own file; and how it is named in messages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sdetkit.errors import InputError
from sdetkit.portfolio import connection


def test_the_default_store_is_at_the_top_of_the_git_work_tree(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "a" / "b").mkdir(parents=True)
    assert connection.default_location(tmp_path / "a" / "b") == tmp_path / ".sdetkit" / "portfolio.sqlite3"


def test_db_wins_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SDETKIT_DB", "/from/env.sqlite3")
    assert connection.resolve("/given.sqlite3") == "/given.sqlite3"
    assert connection.resolve(None) == "/from/env.sqlite3"


def test_a_postgres_url_is_described_without_its_password() -> None:
    url = "postgresql://app:secret@db.example.invalid:5433/evidence"
    assert connection.is_postgres(url) and not connection.is_postgres("/x/postgres.sqlite3")
    assert connection.describe(url) == "postgresql://app@db.example.invalid:5433/evidence"
    assert connection.describe("/x/store.sqlite3") == "sqlite:/x/store.sqlite3"


def test_a_reader_never_creates_a_store(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no evidence store here yet"):
        connection.connect_sqlite(str(tmp_path / "none.sqlite3"))
    assert not (tmp_path / "none.sqlite3").exists()
    with pytest.raises(InputError, match="the store is not a file"):
        connection.connect_sqlite(str(tmp_path))


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "the file is empty (0 bytes), so it is not an evidence store"),
        (b"week,repo\n2026-11-22,payments\n", "not an SQLite database, so not an evidence store"),
        (b"\x00" * 4096, "not an SQLite database"),
        (b"SQLite format", "not an SQLite database"),  # a file cut short inside the header
    ],
)
def test_a_file_that_cannot_be_a_store_is_refused_by_name_and_left_as_it_was(
    tmp_path: Path, content: bytes, problem: str
) -> None:
    path = tmp_path / "portfolio.sqlite3"
    path.write_bytes(content)
    with pytest.raises(InputError, match=re.escape(problem)) as caught:
        connection.connect_sqlite(str(path))
    assert str(caught.value).startswith(f"{path}: ") and "\n" not in str(caught.value)
    assert path.read_bytes() == content
