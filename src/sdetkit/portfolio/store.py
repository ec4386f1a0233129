"""The evidence store: one code path over SQLite (embedded default) and PostgreSQL (shared).

SQL is written once with ``?`` placeholders and portable types (TEXT, INTEGER, BIGINT); the
PostgreSQL driver gets ``%s``. Booleans are stored as 0/1 and times as ISO 8601 UTC text, which
sorts correctly in both databases. Migrations are numbered and applied in place, each in its own
transaction under a lock, so a store made by an older sdetkit is upgraded and one made by a newer
sdetkit is refused rather than damaged.

This module holds the open store and its queries; the schema is in ``migrations``, the row values
in ``rows``, and locating and connecting in ``connection``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sdetkit.errors import InputError
from sdetkit.governance.reviews import GovernanceReview
from sdetkit.portfolio import faults, migrations
from sdetkit.portfolio.connection import (
    connect_new_sqlite,
    connect_postgres,
    connect_sqlite,
    describe,
    is_postgres,
    resolve,
    use_wal,
)
from sdetkit.portfolio.rows import COLUMNS, Owner, StoredRun, from_row, to_row
from sdetkit.portfolio.store_checklists import ChecklistQueries
from sdetkit.portfolio.store_incidents import IncidentQueries

# Built from the constant column list only; every value is a bound parameter.
_SELECT_RUNS = "SELECT " + ", ".join(COLUMNS) + " FROM runs"  # noqa: S608
_SELECT_FIRST_RUNS = (
    _SELECT_RUNS + " WHERE (repo_id, source_timestamp) IN "  # noqa: S608
    "(SELECT repo_id, MIN(source_timestamp) FROM runs WHERE evidence_window_end <= ? GROUP BY repo_id)"
)
_INSERT_RUN = (
    f"INSERT INTO runs ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))}) "  # noqa: S608
    "ON CONFLICT (run_id) DO NOTHING"
)


class Store(IncidentQueries, ChecklistQueries):
    """An open store. Use :func:`open_store`; every write is one transaction. Its incident and
    checklist queries are in :mod:`sdetkit.portfolio.store_incidents` and ``store_checklists``."""

    def __init__(self, conn: Any, url: str, postgres: bool) -> None:
        self.conn = conn
        self.url = url
        self.postgres = postgres
        self.name = describe(url)

    def sql(self, text: str) -> str:
        """``text`` in the driver's placeholder style (``?`` for SQLite, ``%s`` for PostgreSQL)."""
        return text.replace("?", "%s") if self.postgres else text

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        """A write transaction. SQLite takes its write lock up front (``BEGIN IMMEDIATE``) so that
        concurrent writers queue on the busy timeout instead of failing half-way. A driver's error
        is rolled back and becomes one line naming the store (:mod:`sdetkit.portfolio.faults`)."""
        cur = self.conn.cursor()
        committing = False
        try:
            cur.execute("BEGIN IMMEDIATE" if not self.postgres else "BEGIN")
            yield cur
            committing = True
            cur.execute("COMMIT")
        except BaseException as exc:
            faults.rollback(cur)
            fault = faults.translate(exc, self.name, wrote=True, committing=committing)
            if fault is not None:
                raise fault from exc
            raise
        finally:
            cur.close()

    def verify(self) -> None:
        """Refuse a damaged SQLite store before anything reads from or writes to it: SQLite's
        ``PRAGMA quick_check`` (page structure; linear in the file's size, about 0.16 s per 100 MB,
        see docs/performance.md). A report from a store with broken pages could silently leave
        runs out. PostgreSQL keeps its own pages."""
        if self.postgres:
            return
        found = str(self.query("PRAGMA quick_check(1)")[0][0])
        if found != "ok":
            raise faults.damaged(self.name, found)

    def query(self, text: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """The rows one read-only statement returns."""
        cur = self.conn.cursor()
        try:
            cur.execute(self.sql(text), tuple(params))
            rows = [tuple(r) for r in cur.fetchall()]
        except Exception as exc:
            fault = faults.translate(exc, self.name, wrote=False)
            if fault is not None:
                raise fault from exc
            raise
        finally:
            cur.close()
        return rows

    # -- runs ---------------------------------------------------------------------------------------

    def add_runs(
        self, runs: Iterable[StoredRun], batch: int = 5000, artifacts: Sequence[tuple[str, str, str]] = ()
    ) -> int:
        """Store runs, skipping any already stored (same run id); returns how many were new.
        ``artifacts`` are ``(sha256, repo_id, run_id)``: an artifact already stored for another
        repository is an error. All of them land, or none do."""
        with self.transaction() as cur:
            for sha, repo_id, run_id in artifacts:
                cur.execute(self.sql("SELECT repo_id FROM artifacts WHERE sha256 = ?"), (sha,))
                row = cur.fetchone()
                if row is not None and row[0] != repo_id:
                    raise InputError(
                        f"{self.name}: an artifact given for {repo_id} (sha256 {sha[:12]}) was already ingested "
                        f"for {row[0]}; the same evidence cannot count for two repositories (nothing was stored)"
                    )
                cur.execute(
                    self.sql(
                        "INSERT INTO artifacts (sha256, repo_id, run_id) VALUES (?, ?, ?) "
                        "ON CONFLICT (sha256) DO NOTHING"
                    ),
                    (sha, repo_id, run_id),
                )
            chunks = chunked((to_row(run) for run in runs), batch)
            return self._insert_rows(cur, chunks)

    def add_rows(self, batches: Iterable[list[tuple[Any, ...]]]) -> int:
        """Store batches of run rows (:func:`sdetkit.portfolio.rows.to_row` form) in one transaction,
        skipping runs already stored; how many were new. An error from ``batches`` rolls back all."""
        with self.transaction() as cur:
            return self._insert_rows(cur, batches)

    def _insert_rows(self, cur: Any, batches: Iterable[list[tuple[Any, ...]]]) -> int:
        if self.postgres:
            cur.execute("SELECT has_database_privilege(current_database(), 'TEMPORARY')")
            if cur.fetchone()[0]:
                return _copy_rows(cur, batches)
        insert, new = self.sql(_INSERT_RUN), 0
        for chunk in batches:
            # Both drivers sum the rows executemany changed; rows skipped by DO NOTHING are not counted.
            cur.executemany(insert, chunk)
            new += max(int(cur.rowcount), 0)
        return new

    def runs_between(self, start: str, end: str) -> list[StoredRun]:
        """Runs whose evidence window ends in ``[start, end]`` (YYYY-MM-DD, inclusive)."""
        rows = self.query(
            _SELECT_RUNS + " WHERE evidence_window_end >= ? AND evidence_window_end <= ?",
            (start, end),
        )
        return [from_row(r) for r in rows]

    def first_runs(self, until: str) -> list[StoredRun]:
        """Each repository's first run with evidence up to ``until`` (YYYY-MM-DD)."""
        rows = self.query(
            _SELECT_FIRST_RUNS,
            (until,),
        )
        firsts: dict[str, StoredRun] = {}
        for run in sorted((from_row(r) for r in rows), key=lambda r: r.run_id):
            firsts.setdefault(run.repo_id, run)
        return [firsts[k] for k in sorted(firsts)]

    def last_seen(self, before: str) -> dict[str, str]:
        """Each repository's latest evidence date strictly before ``before`` (YYYY-MM-DD)."""
        rows = self.query(
            "SELECT repo_id, MAX(evidence_window_end) FROM runs WHERE evidence_window_end < ? GROUP BY repo_id",
            (before,),
        )
        return {str(r[0]): str(r[1]) for r in rows}

    def owner(self, repo_id: str) -> Owner | None:
        """The team and lane the repository's latest stored run was recorded with."""
        rows = self.query(
            "SELECT team, lane FROM runs WHERE repo_id = ? ORDER BY source_timestamp DESC LIMIT 1", (repo_id,)
        )
        return Owner(str(rows[0][0]), str(rows[0][1])) if rows else None

    def run_count(self) -> int:
        """How many runs are stored."""
        return int(self.query("SELECT COUNT(*) FROM runs")[0][0])

    def first_evidence_date(self) -> str | None:
        """The earliest evidence date stored, ``None`` for an empty store."""
        value = self.query("SELECT MIN(evidence_window_end) FROM runs")[0][0]
        return str(value) if value is not None else None

    # -- reporting windows --------------------------------------------------------------------------

    def claim_window(self, kind: str, start: str, end: str, version: str, now: str, allow_change: bool) -> str | None:
        """Record that ``kind`` for this window is reported with schema ``version``. Returns the
        version it was reported with before when that differs and ``allow_change`` is false (the
        window's schema is frozen); nothing is written then."""
        with self.transaction() as cur:
            cur.execute(
                self.sql("SELECT schema_version FROM reports WHERE kind = ? AND window_start = ? AND window_end = ?"),
                (kind, start, end),
            )
            row = cur.fetchone()
            if row is not None and row[0] != version and not allow_change:
                return str(row[0])
            if row is None:
                cur.execute(
                    self.sql(
                        "INSERT INTO reports (kind, window_start, window_end, schema_version, written_at, "
                        "started_schema_version) VALUES (?, ?, ?, ?, ?, ?)"
                    ),
                    (kind, start, end, version, now, version),
                )
            else:
                cur.execute(
                    self.sql(
                        "UPDATE reports SET schema_version = ?, written_at = ? "
                        "WHERE kind = ? AND window_start = ? AND window_end = ?"
                    ),
                    (version, now, kind, start, end),
                )
        return None

    def changed_windows(self) -> list[tuple[str, str, str, str, str, str]]:
        """Reporting windows reported again with another schema version than they started with
        (``--allow-schema-change``): ``(kind, start, end, started, now reported, written_at)``."""
        rows = self.query(
            "SELECT kind, window_start, window_end, started_schema_version, schema_version, written_at FROM reports "
            "WHERE started_schema_version IS NOT NULL AND started_schema_version <> schema_version "
            "ORDER BY window_start, kind"
        )
        return [(str(a), str(b), str(c), str(d), str(e), str(f)) for a, b, c, d, e, f in rows]

    # -- governance reviews -------------------------------------------------------------------------

    def add_review(self, review: GovernanceReview) -> bool:
        """Store a review once; returns whether it was new (the same kind, day and notes is one review)."""
        import json

        row = (*review[:3], json.dumps(list(review.reviewers)), json.dumps(list(review.decisions)), *review[5:])
        insert = self.sql(
            "INSERT INTO governance_reviews (review_id, kind, reviewed_on, reviewers, decisions, notes_sha256, "
            "notes_file, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (review_id) DO NOTHING"
        )
        with self.transaction() as cur:
            cur.execute(insert, row)
            return int(cur.rowcount) == 1

    def reviews(self, until: str) -> list[GovernanceReview]:
        """Reviews held on a day up to ``until`` (YYYY-MM-DD), oldest first."""
        import json

        rows = self.query(
            "SELECT review_id, kind, reviewed_on, reviewers, decisions, notes_sha256, notes_file, recorded_at "
            "FROM governance_reviews WHERE reviewed_on <= ? ORDER BY reviewed_on, review_id",
            (until,),
        )
        return [
            GovernanceReview(
                str(r[0]), str(r[1]), str(r[2]), tuple(json.loads(r[3])), tuple(json.loads(r[4])), *map(str, r[5:])
            )
            for r in rows
        ]

    def close(self) -> None:
        """Close the connection (leaving the ``with`` block does this)."""
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _copy_rows(cur: Any, batches: Iterable[list[tuple[Any, ...]]]) -> int:
    """PostgreSQL: each batch COPYed into a temporary table, then moved into ``runs`` by one INSERT
    that skips runs already stored. COPY has no ON CONFLICT, and this is 1.6x the rows a second of
    executemany's pipelined INSERTs for 5,000-row batches (measured on the test server)."""
    columns = ", ".join(COLUMNS)
    cur.execute("CREATE TEMPORARY TABLE IF NOT EXISTS runs_in (LIKE runs) ON COMMIT DROP")
    new = 0
    for chunk in batches:
        with cur.copy(f"COPY runs_in ({columns}) FROM STDIN") as copy:
            for row in chunk:
                copy.write_row(row)
        cur.execute(f"INSERT INTO runs ({columns}) SELECT {columns} FROM runs_in ON CONFLICT (run_id) DO NOTHING")  # noqa: S608
        new += max(int(cur.rowcount), 0)
        cur.execute("TRUNCATE runs_in")
    return new


def chunked(rows: Iterable[tuple[Any, ...]], size: int) -> Iterator[list[tuple[Any, ...]]]:
    """``rows`` in lists of ``size`` (the last may be shorter): one write to the store each."""
    chunk: list[tuple[Any, ...]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def open_store(db: str | None, *, create: bool = True, inspect: bool = False) -> Store:
    """Open (and create or upgrade) the store at ``db`` (see :func:`resolve`); use it as a context
    manager, which closes it.

    ``create=False`` is for readers: a missing SQLite file is an error, not a new empty store. A
    file that exists is never adopted: it must already be an sdetkit store (an empty file or
    another program's database is an error naming it). A PostgreSQL database becomes a store only
    when it holds no tables yet.

    ``inspect=True`` is for ``portfolio check``: an existing sdetkit store is opened as it is,
    damaged or at an older schema version, and nothing is checked, upgraded or written.
    """
    url = resolve(db)
    postgres = is_postgres(url)
    if not postgres and create and not inspect and not Path(url).exists():
        _create_sqlite(Path(url))
    store = Store(connect_postgres(url) if postgres else connect_sqlite(url), url, postgres)
    try:
        recorded = migrations.recorded_version(store)  # an sdetkit store, or refused before anything is written
        if not inspect:
            store.verify()
            if not postgres:
                faults.guarded(store.name, use_wal, store.conn)
            migrations.migrate(store, recorded=recorded)
    except BaseException:
        store.close()
        raise
    return store


def _create_sqlite(target: Path) -> None:
    """Make a new SQLite store at ``target`` atomically: built beside it under a temporary name,
    then linked into place, so an interrupted creation never leaves an empty or half-made file
    where the store belongs. When another process creates it first, theirs is kept."""
    import os
    import uuid

    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.new")
    try:
        with Store(connect_new_sqlite(str(temp)), str(temp), False) as new:
            migrations.migrate(new, new=True)  # closing checkpoints the WAL into the file
        try:
            os.link(temp, target)
        except FileExistsError:
            pass  # created by a concurrent first ingest: one store, theirs
        except OSError:
            if not target.exists():  # a file system without hard links
                temp.replace(target)
    finally:
        for leftover in (temp, temp.with_name(temp.name + "-wal"), temp.with_name(temp.name + "-shm")):
            leftover.unlink(missing_ok=True)


@contextmanager
def program_store(url: str) -> Iterator[Store]:
    """The store at ``url`` (already resolved) opened for reading; a SQLite file that does not exist
    yet reads as an empty store at the current schema, held in memory, so nothing is created. A
    program is judged before anything was ingested: no runs is evidence of nothing, not an error,
    and callers read both the same way. The empty store's ``name`` says it was not created yet."""
    if is_postgres(url) or Path(url).exists():
        with open_store(url, create=False) as store:
            yield store
        return
    import sqlite3

    with Store(sqlite3.connect(":memory:", isolation_level=None), url, False) as empty:
        empty.name = f"{empty.name} (not created yet: no runs)"
        migrations.migrate(empty, new=True)
        yield empty
