"""A store that cannot be trusted is refused by name, on every command, and never written to:
an empty file, another kind of file, another program's database, a store damaged in the middle or
cut short. Driver errors become one line naming the store; a password never shows."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from sdetkit.errors import InputError
from sdetkit.portfolio import faults
from sdetkit.portfolio import store as st
from tests.portfolio_support import jsonl, record, sdetkit

WEEK = ("2026-01-05", "2026-01-11")


def _real_store(path: Path, runs: int = 1500) -> Path:
    """A real store with enough rows to span many pages, made by the real command."""
    days = [f"2026-01-{d:02d}" for d in range(1, 29)]
    rows = [record(f"repo-{i % 300}", days[i % len(days)], ok=i % 5 != 0) | {"source_timestamp":
            f"{days[i % len(days)]}T{i % 24:02d}:{i % 60:02d}:00Z"} for i in range(runs)]  # fmt: skip
    res = sdetkit("portfolio", "ingest", "--db", str(path), "--records", str(jsonl(path.with_suffix(".jsonl"), rows)))
    assert res.code == 0, res.stderr
    return path


def _empty(path: Path) -> str:
    path.write_bytes(b"")
    return "the file is empty (0 bytes), so it is not an evidence store and holds no history"


def _text(path: Path) -> str:
    path.write_text("week,repo,ok\n2026-01-11,payments,true\n")
    return "not an SQLite database, so not an evidence store"


def _foreign(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE bookmarks (url TEXT, title TEXT)")
        conn.execute("INSERT INTO bookmarks VALUES ('https://example.invalid', 'x')")
    conn.close()
    return "not an sdetkit evidence store (its tables: bookmarks); sdetkit does not adopt another database"


def _damaged(path: Path) -> str:
    _real_store(path)
    data = bytearray(path.read_bytes())
    middle = len(data) // 4096 // 2 * 4096
    data[middle : middle + 4096] = bytes(range(256)) * 16  # one page of the runs table overwritten
    path.write_bytes(bytes(data))
    return "the evidence store is damaged (Page "


def _cut_short(path: Path) -> str:
    _real_store(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 4096 // 2 * 4096])
    return "the evidence store is damaged ("


BAD_STORES: dict[str, Callable[[Path], str]] = {
    "empty": _empty,
    "text": _text,
    "foreign": _foreign,
    "damaged": _damaged,
    "cut-short": _cut_short,
}

# Every command family that reads or writes the store; `{out}` is a file it must not write.
COMMANDS = {
    "ingest": ["portfolio", "ingest", "--records", "{records}"],
    "scorecard": ["portfolio", "scorecard", "--window-start", WEEK[0], "--window-end", WEEK[1], "--out", "{out}"],
    "export": ["portfolio", "export", "--window-start", WEEK[0], "--window-end", WEEK[1], "--out", "{out}"],
    "portfolio incident": ["portfolio", "incident", "--repo", "repo-1", "--kind", "rollback", "--opened",
                           "2026-01-06T10:00:00Z"],
    "kpi": ["kpi", "weekly", "--week-ending", WEEK[1], "--out", "{out}"],
    "report": ["report", "weekly", "--week-ending", WEEK[1], "--out-dir", "{outdir}"],
    "incident open": ["incident", "open", "--title", "gate down", "--severity", "sev2", "--repo", "repo-1",
                      "--opened", "2026-01-06T10:00:00Z"],
    "incident list": ["incident", "list"],
    "governance review": ["governance", "review", "--kind", "compatibility", "--notes", "{notes}", "--on",
                          WEEK[1]],
    "governance status": ["governance", "status"],
}  # fmt: skip


@pytest.fixture(scope="module")
def bad_stores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, str, str]]:
    """Each bad store once per module: (file, expected message, its sha256)."""
    made = {}
    for name, make in BAD_STORES.items():
        path = tmp_path_factory.mktemp(name) / "portfolio.sqlite3"
        expected = make(path)
        made[name] = (path, expected, hashlib.sha256(path.read_bytes()).hexdigest())
    return made


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("kind", sorted(BAD_STORES))
def test_a_store_that_cannot_be_trusted_is_one_line_exit_2_and_never_written(
    bad_stores: dict[str, tuple[Path, str, str]], tmp_path: Path, kind: str, command: str
) -> None:
    path, expected, sha = bad_stores[kind]
    notes = tmp_path / "notes.md"
    notes.write_text("# compatibility review\n")
    fill = {
        "records": str(jsonl(tmp_path / "new.jsonl", [record("repo-1", "2026-01-06")])),
        "out": str(tmp_path / "out" / "result.json"),
        "outdir": str(tmp_path / "out"),
        "notes": str(notes),
    }
    args = [a.format(**fill) for a in COMMANDS[command]]
    res = sdetkit(*args, "--db", str(path), cwd=tmp_path)
    assert res.code == 2, (res.stdout, res.stderr)
    lines = res.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("sdetkit: error: "), res.stderr
    assert str(path.name) in lines[0] and expected in lines[0], lines[0]
    assert "internal error" not in res.stderr
    assert hashlib.sha256(path.read_bytes()).hexdigest() == sha, "the bad store was written to"
    assert not (tmp_path / "out").exists(), "an output was written from a store that cannot be trusted"
    assert sorted(p.name for p in path.parent.iterdir() if p.name.startswith(path.name)) in (
        [path.name],
        [path.name, path.name + "-shm", path.name + "-wal"],  # SQLite's own side files of a store it opened
    )


def test_the_damage_names_the_next_step(bad_stores: dict[str, tuple[Path, str, str]]) -> None:
    path, _, _ = bad_stores["damaged"]
    with pytest.raises(faults.StoreFault) as caught:
        st.open_store(str(path), create=False)
    message = str(caught.value)
    assert "`sdetkit portfolio check`" in message and "`sdetkit portfolio import`" in message
    assert "\n" not in message


def test_a_damaged_store_is_still_opened_for_inspection(bad_stores: dict[str, tuple[Path, str, str]]) -> None:
    path, _, sha = bad_stores["damaged"]
    with st.open_store(str(path), create=False, inspect=True) as store:
        assert store.query("PRAGMA quick_check(1)")[0][0] != "ok"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == sha


def test_a_new_store_appears_whole_or_not_at_all(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "portfolio.sqlite3"
    with st.open_store(str(path)) as store:
        assert store.run_count() == 0
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name], "a temporary file was left behind"
    with st.open_store(str(path), create=False) as store:  # what was created is a store
        assert store.run_count() == 0


def test_an_empty_postgres_database_becomes_a_store_but_one_with_other_tables_is_refused(postgres_db: str) -> None:
    import psycopg

    with st.open_store(postgres_db) as store:  # a database with no tables: the store is created in it
        assert store.run_count() == 0
    with psycopg.connect(postgres_db, autocommit=True) as conn:
        conn.execute("DROP TABLE sdetkit_meta")
        conn.execute("CREATE TABLE invoices (id INTEGER)")
    with pytest.raises(InputError, match=r"not an sdetkit evidence store \(its tables: artifacts, "):
        st.open_store(postgres_db)
    with psycopg.connect(postgres_db, autocommit=True) as conn:  # nothing was created or changed
        names = {r[0] for r in conn.execute("SELECT table_name FROM information_schema.tables "
                                            "WHERE table_schema = current_schema()")}  # fmt: skip
    assert "sdetkit_meta" not in names and "invoices" in names


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("to postgresql://app:s3cret@db:5432/x failed", "to postgresql://app:***@db:5432/x failed"),
        ("bad dsn: host=db password=s3cret user=app", "bad dsn: host=db password=*** user=app"),
        ("\n  server closed the connection\n\tThis probably means", "server closed the connection"),
    ],
)  # fmt: skip
def test_a_driver_message_is_one_line_without_a_password(text: str, shown: str) -> None:
    assert faults.scrub(text) == shown


def test_errors_from_our_own_sql_stay_bugs(tmp_path: Path) -> None:
    """Only the store's and the server's faults are exit 2; a mistake in sdetkit's SQL is not."""
    with st.open_store(str(tmp_path / "s.sqlite3")) as store:
        with pytest.raises(sqlite3.OperationalError):
            store.query("SELECT no_such_column FROM runs")
        with pytest.raises(sqlite3.IntegrityError), store.transaction() as cur:
            cur.execute("INSERT INTO sdetkit_meta (key, value) VALUES ('schema_version', '1')")
        assert store.run_count() == 0


def test_a_lock_held_past_the_wait_is_the_stores_fault_not_a_bug(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    with st.open_store(str(path)):
        pass
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the lock
    try:
        waiter = sqlite3.connect(path, timeout=0, isolation_level=None)
        with pytest.raises(sqlite3.OperationalError) as caught:
            waiter.execute("BEGIN IMMEDIATE")
        waiter.close()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    fault = faults.translate(caught.value, f"sqlite:{path}", wrote=True)
    assert fault is not None
    assert str(fault) == (f"sqlite:{path}: another process kept the store locked past the 60 s wait; nothing was "
                          "written to it: run the command again when it has finished")  # fmt: skip


@pytest.mark.parametrize(
    ("committing", "wrote", "said"),
    [
        (True, True, "while committing (server closed the connection unexpectedly); the server did not confirm"),
        (False, True, "(server closed the connection unexpectedly); the transaction was rolled back and nothing"),
        (False, False, "(server closed the connection unexpectedly); nothing was written: run the command again"),
    ],
)
def test_a_lost_postgres_connection_says_what_became_of_the_write(committing: bool, wrote: bool, said: str) -> None:
    psycopg = pytest.importorskip("psycopg")
    lost = psycopg.OperationalError("server closed the connection unexpectedly\n\tThis probably means...")
    fault = faults.translate(lost, "postgresql://app@db/evidence", wrote=wrote, committing=committing)
    assert fault is not None and str(fault).startswith("postgresql://app@db/evidence: lost the connection")
    assert said in str(fault) and "\n" not in str(fault)
    syntax = psycopg.errors.SyntaxError("syntax error at or near SELEC")  # our own SQL: a bug, not the store's
    assert faults.translate(syntax, "postgresql://app@db/evidence", wrote=True) is None
