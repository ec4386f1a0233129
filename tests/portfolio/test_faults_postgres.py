"""A PostgreSQL store whose server goes away: the connection lost in the middle of an ingest is one
line without the password, the transaction is rolled back, and running the ingest again stores
every run exactly once -- also with four writers at once and the server killed under them."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from sdetkit.portfolio import store as st
from tests.portfolio_support import jsonl, record, sdetkit
from tests.services import PrivateServer

PASSWORD = "never-in-a-message"  # noqa: S105 - a test server with trust authentication


def _with_password(url: str) -> str:
    return url.replace("postgres@", f"postgres:{PASSWORD}@", 1)  # trust authentication ignores it


def _records(prefix: str, count: int, shared: int = 0) -> list[dict[str, Any]]:
    """``count`` runs of this writer's own repositories, then ``shared`` runs every writer sends."""
    own = [record(f"{prefix}-{i % 97}", f"2026-02-{1 + i % 27:02d}") | {"source_timestamp":
           f"2026-02-{1 + i % 27:02d}T{i % 24:02d}:{i % 60:02d}:{(i // 60) % 60:02d}Z", "failed_steps_count": 0,
           "failed_steps": []} for i in range(count)]  # fmt: skip
    common = [record(f"shared-{i % 13}", "2026-03-02") | {"source_timestamp": f"2026-03-02T10:{i % 60:02d}:"
              f"{i // 60:02d}Z"} for i in range(shared)]  # fmt: skip
    return own + common


def _inserting(url: str, at_least: int, stop: threading.Event) -> bool:
    """Wait until ``at_least`` sessions of this database are storing runs (or ``stop`` is set).

    Only this database: the shared test server runs other tests' ingests at the same time."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        while not stop.is_set():
            busy = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
                "AND (query LIKE 'INSERT INTO runs%' OR query LIKE 'COPY runs_in%')"
            ).fetchone()
            if busy is not None and busy[0] >= at_least:
                return True
            time.sleep(0.01)
    return False


# The ingest's 7,000th row waits on an advisory lock the test holds: the first batch of 5,000 rows
# is then written inside the ingest's open transaction, and the test cuts the connection at a moment
# it chose, not at whatever moment a poll happened to see (a fast ingest could finish first).
_HOLD_AT_ROW = """
CREATE SEQUENCE test_rows;
CREATE FUNCTION test_hold() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF nextval('test_rows') = 7000 THEN PERFORM pg_advisory_xact_lock(4242); END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER test_hold BEFORE INSERT ON runs FOR EACH ROW EXECUTE FUNCTION test_hold();
"""


def _held_ingest(conn: Any, stop: threading.Event) -> int | None:
    """The backend of this database's ingest once it waits on the test's advisory lock."""
    while not stop.is_set():
        row = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' "
            "AND wait_event = 'advisory' AND pid <> pg_backend_pid()"
        ).fetchone()
        if row is not None:
            return int(row[0])
        time.sleep(0.01)
    return None


def _stored(url: str) -> list[tuple[str, str]]:
    with st.open_store(url, create=False) as store:
        return [(str(a), str(b)) for a, b in store.query("SELECT repo_id, source_timestamp FROM runs")]


def _assert_one_line_fault(stderr: str) -> str:
    lines = stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("sdetkit: error: postgresql://postgres@127.0.0.1:"), stderr
    assert PASSWORD not in stderr and "internal error" not in stderr and "Pipeline" not in stderr, stderr
    return lines[0]


def test_a_connection_lost_mid_ingest_is_rolled_back_and_a_retry_stores_it(postgres_db: str, tmp_path: Path) -> None:
    import psycopg

    url = _with_password(postgres_db)
    records = jsonl(tmp_path / "runs.jsonl", _records("svc", 40000))
    with st.open_store(url):
        pass
    stop = threading.Event()
    with psycopg.connect(postgres_db, autocommit=True) as conn:
        conn.execute(_HOLD_AT_ROW)
        conn.execute("SELECT pg_advisory_lock(4242)")
        proc = subprocess.Popen([sys.executable, "-m", "sdetkit", "portfolio", "ingest", "--db", url, "--records",
                                 str(records)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
        try:
            pid = _held_ingest(conn, stop)
            assert pid is not None, "the ingest never reached its 7,000th row"
            assert conn.execute("SELECT pg_terminate_backend(%s)", (pid,)).fetchone() == (True,)
            out, err = proc.communicate(timeout=300)
        finally:
            stop.set()
            proc.kill()
            conn.execute("SELECT pg_advisory_unlock_all()")
        conn.execute("DROP TRIGGER test_hold ON runs")
    assert proc.returncode == 2, (out, err)
    line = _assert_one_line_fault(err)
    assert "lost the connection to the PostgreSQL store" in line and "rolled back" in line, line
    assert _stored(postgres_db) == [], "a batch written before the connection was lost was kept"
    again = sdetkit("portfolio", "ingest", "--db", url, "--records", str(records))
    assert again.code == 0, again.stderr
    assert again.stdout.endswith(": 40000 new, 0 already stored\n"), again.stdout
    stored = _stored(postgres_db)
    assert len(stored) == len(set(stored)) == 40000


def test_four_writers_and_a_server_killed_under_them_store_every_run_exactly_once(
    private_postgres: PrivateServer, tmp_path: Path
) -> None:
    server = private_postgres
    url = _with_password(server.url)
    files = [jsonl(tmp_path / f"w{w}.jsonl", _records(f"w{w}", 15000, shared=600)) for w in range(4)]
    expected = {(r["repo_id"], r["source_timestamp"]) for w in range(4) for r in _records(f"w{w}", 15000, shared=600)}
    with st.open_store(url):
        pass
    argv = [sys.executable, "-m", "sdetkit", "portfolio", "ingest", "--db", url, "--records"]
    writers = [subprocess.Popen([*argv, str(f)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for f in files]  # fmt: skip
    stop = threading.Event()
    try:
        assert _inserting(server.url, 2, stop), "the writers never reached their INSERTs"
        server.kill()
        results = [w.communicate(timeout=300) for w in writers]
    finally:
        stop.set()
        for w in writers:
            w.kill()
    codes = [w.returncode for w in writers]
    assert 2 in codes, f"no writer was interrupted by the kill: {codes}"
    assert set(codes) <= {0, 2}, results
    for code, (_, err) in zip(codes, results, strict=True):
        if code == 2:
            line = _assert_one_line_fault(err)
            assert "the PostgreSQL store" in line or "cannot connect" in line, line
    server.start()
    for f in files:  # the retry: every writer again, whatever it said
        res = sdetkit("portfolio", "ingest", "--db", url, "--records", str(f))
        assert res.code == 0, res.stderr
    stored = _stored(server.url)
    assert len(stored) == len(set(stored)), "a run was stored twice"
    assert set(stored) == expected, f"{len(expected - set(stored))} runs missing, {len(set(stored) - expected)} extra"


@pytest.mark.parametrize("command", [["portfolio", "scorecard", "--window-start", "2026-02-02", "--window-end",
                                      "2026-02-08"], ["kpi", "weekly", "--week-ending", "2026-02-08"]])  # fmt: skip
def test_a_server_that_is_down_is_one_line_exit_2(private_postgres: PrivateServer, command: list[str]) -> None:
    url = _with_password(private_postgres.url)
    with st.open_store(url):
        pass
    private_postgres.kill()
    res = sdetkit(*command, "--db", url)
    assert res.code == 2, res
    line = _assert_one_line_fault(res.stderr)
    assert "cannot connect to the PostgreSQL store" in line, line
