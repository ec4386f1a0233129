"""The evidence store: one code path over SQLite (embedded default) and PostgreSQL (shared).

SQL is written once with ``?`` placeholders and portable types (TEXT, INTEGER, BIGINT); the
PostgreSQL driver gets ``%s``. Booleans are stored as 0/1 and times as ISO 8601 UTC text, which
sorts correctly in both databases. Migrations are numbered and applied in place, each in its own
transaction under a lock, so a store made by an older sdetkit is upgraded and one made by a newer
sdetkit is refused rather than damaged.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

from sdetkit.errors import InputError, UsageError

# Each migration upgrades the store from version N-1 to N. Never edit one that has shipped.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE runs (
            run_id TEXT PRIMARY KEY,
            repo_id TEXT NOT NULL,
            team TEXT NOT NULL,
            lane TEXT NOT NULL,
            commit_sha TEXT,
            branch TEXT,
            ci_run_url TEXT,
            started_at TEXT,
            finished_at TEXT,
            source_timestamp TEXT NOT NULL,
            evidence_window_end TEXT NOT NULL,
            gate_fast_ok INTEGER,
            gate_release_ok INTEGER,
            doctor_ok INTEGER,
            decision_ok INTEGER,
            release_confidence_ok INTEGER NOT NULL,
            failed_steps TEXT NOT NULL,
            failed_steps_count INTEGER NOT NULL,
            sdetkit_version TEXT,
            schema_versions TEXT NOT NULL,
            ingested_at TEXT NOT NULL
        )""",
        "CREATE INDEX runs_window ON runs (evidence_window_end)",
        "CREATE INDEX runs_repo_time ON runs (repo_id, source_timestamp)",
        """CREATE TABLE reports (
            kind TEXT NOT NULL,
            window_start TEXT NOT NULL,
            window_end TEXT NOT NULL,
            schema_version TEXT NOT NULL,
            written_at TEXT NOT NULL,
            PRIMARY KEY (kind, window_start, window_end)
        )""",
    ),
    (
        # Version 2: incidents (rollbacks, failures and when they were triaged) feed the rollback
        # and time-to-triage KPIs; the audit status lets the Regulated lane be reported on.
        """CREATE TABLE incidents (
            incident_id TEXT PRIMARY KEY,
            repo_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            opened_at TEXT NOT NULL,
            triaged_at TEXT,
            note TEXT NOT NULL
        )""",
        "CREATE INDEX incidents_opened ON incidents (opened_at)",
        "ALTER TABLE runs ADD COLUMN audit_status TEXT",
    ),
    (
        # Version 3: which repository each ingested artifact belongs to, so the same evidence
        # cannot be counted for a second repository by a later ingest.
        """CREATE TABLE artifacts (
            sha256 TEXT PRIMARY KEY,
            repo_id TEXT NOT NULL,
            run_id TEXT NOT NULL
        )""",
    ),
)
VERSION = len(MIGRATIONS)

COLUMNS = (
    "run_id", "repo_id", "team", "lane", "commit_sha", "branch", "ci_run_url", "started_at", "finished_at",
    "source_timestamp", "evidence_window_end", "gate_fast_ok", "gate_release_ok", "doctor_ok", "decision_ok",
    "release_confidence_ok", "failed_steps", "failed_steps_count", "sdetkit_version", "schema_versions",
    "ingested_at", "audit_status",
)  # fmt: skip

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


class Run(NamedTuple):
    """One stored run: one repository's evidence at one time (``None``: that artifact was absent)."""

    run_id: str
    repo_id: str
    team: str
    lane: str
    commit_sha: str | None
    branch: str | None
    ci_run_url: str | None
    started_at: str | None
    finished_at: str | None
    source_timestamp: str
    evidence_window_end: str
    gate_fast_ok: bool | None
    gate_release_ok: bool | None
    doctor_ok: bool | None
    decision_ok: bool | None
    release_confidence_ok: bool
    failed_steps: tuple[str, ...]
    failed_steps_count: int
    sdetkit_version: str | None
    schema_versions: str
    ingested_at: str
    audit_status: str | None


class Owner(NamedTuple):
    team: str
    lane: str


class Incident(NamedTuple):
    incident_id: str
    repo_id: str
    kind: str  # "rollback" or "failure"
    opened_at: str
    triaged_at: str | None
    note: str


_BOOLS = {"gate_fast_ok", "gate_release_ok", "doctor_ok", "decision_ok", "release_confidence_ok"}


def _row(run: Run) -> tuple[Any, ...]:
    values = run._asdict()
    values["failed_steps"] = json.dumps(list(run.failed_steps))
    for key in _BOOLS:
        if values[key] is not None:
            values[key] = int(values[key])
    return tuple(values[c] for c in COLUMNS)


def _run(row: Sequence[Any]) -> Run:
    values = dict(zip(COLUMNS, row, strict=True))
    values["failed_steps"] = tuple(json.loads(values["failed_steps"]))
    for key in _BOOLS:
        if values[key] is not None:
            values[key] = bool(values[key])
    return Run(**values)


def default_location(cwd: Path | None = None) -> Path:
    """``.sdetkit/portfolio.sqlite3`` at the top of the current project (its git work tree), else here."""
    here = (cwd or Path.cwd()).absolute()
    for folder in (here, *here.parents):
        if (folder / ".git").exists():
            return folder / ".sdetkit" / "portfolio.sqlite3"
    return here / ".sdetkit" / "portfolio.sqlite3"


def resolve(db: str | None) -> str:
    """The store's location: ``--db``, else ``SDETKIT_DB``, else the per-project SQLite file."""
    return db or os.environ.get("SDETKIT_DB") or str(default_location())


def is_postgres(url: str) -> bool:
    return url.startswith(("postgresql://", "postgres://"))


def describe(url: str) -> str:
    """The location without a password, for messages and reports."""
    if not is_postgres(url):
        return f"sqlite:{url}"
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    host = parts.hostname or "localhost"
    port = f":{parts.port}" if parts.port else ""
    user = f"{parts.username}@" if parts.username else ""
    return f"postgresql://{user}{host}{port}{parts.path}"


class Store:
    """An open store. Use :func:`open_store`; every write is one transaction."""

    def __init__(self, conn: Any, url: str, postgres: bool) -> None:
        self.conn = conn
        self.url = url
        self.postgres = postgres
        self.name = describe(url)

    def sql(self, text: str) -> str:
        return text.replace("?", "%s") if self.postgres else text

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        """A write transaction. SQLite takes its write lock up front (``BEGIN IMMEDIATE``) so that
        concurrent writers queue on the busy timeout instead of failing half-way."""
        cur = self.conn.cursor()
        try:
            cur.execute("BEGIN IMMEDIATE" if not self.postgres else "BEGIN")
            yield cur
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise
        finally:
            cur.close()

    def query(self, text: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        cur = self.conn.cursor()
        try:
            cur.execute(self.sql(text), tuple(params))
            rows = [tuple(r) for r in cur.fetchall()]
        finally:
            cur.close()
        return rows

    # -- runs ---------------------------------------------------------------------------------------

    def add_runs(self, runs: Iterable[Run], batch: int = 5000, artifacts: Sequence[tuple[str, str, str]] = ()) -> int:
        """Store runs, skipping any already stored (same run id); returns how many were new.
        ``artifacts`` are ``(sha256, repo_id, run_id)``: an artifact already stored for another
        repository is an error. All of them land, or none do."""
        insert = self.sql(_INSERT_RUN)
        new = 0
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
            chunk: list[tuple[Any, ...]] = []
            for run in runs:
                chunk.append(_row(run))
                if len(chunk) >= batch:
                    new += self._insert(cur, insert, chunk)
                    chunk = []
            if chunk:
                new += self._insert(cur, insert, chunk)
        return new

    @staticmethod
    def _insert(cur: Any, insert: str, chunk: list[tuple[Any, ...]]) -> int:
        # Both drivers sum the rows executemany changed; rows skipped by DO NOTHING are not counted.
        cur.executemany(insert, chunk)
        return max(int(cur.rowcount), 0)

    def runs_between(self, start: str, end: str) -> list[Run]:
        """Runs whose evidence window ends in ``[start, end]`` (YYYY-MM-DD, inclusive)."""
        rows = self.query(
            _SELECT_RUNS + " WHERE evidence_window_end >= ? AND evidence_window_end <= ?",
            (start, end),
        )
        return [_run(r) for r in rows]

    def first_runs(self, until: str) -> list[Run]:
        """Each repository's first run with evidence up to ``until`` (YYYY-MM-DD)."""
        rows = self.query(
            _SELECT_FIRST_RUNS,
            (until,),
        )
        firsts: dict[str, Run] = {}
        for run in sorted((_run(r) for r in rows), key=lambda r: r.run_id):
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
        return int(self.query("SELECT COUNT(*) FROM runs")[0][0])

    def first_evidence_date(self) -> str | None:
        value = self.query("SELECT MIN(evidence_window_end) FROM runs")[0][0]
        return str(value) if value is not None else None

    # -- incidents ----------------------------------------------------------------------------------

    def add_incident(self, incident: Incident) -> bool:
        """Store an incident once; returns whether it was new (rows skipped by DO NOTHING count 0)."""
        insert = self.sql(
            "INSERT INTO incidents (incident_id, repo_id, kind, opened_at, triaged_at, note) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (incident_id) DO NOTHING"
        )
        with self.transaction() as cur:
            cur.execute(insert, tuple(incident))
            return int(cur.rowcount) == 1

    def incidents_between(self, start: str, end: str) -> list[Incident]:
        """Incidents opened on a day in ``[start, end]``."""
        rows = self.query(
            "SELECT incident_id, repo_id, kind, opened_at, triaged_at, note FROM incidents "
            "WHERE opened_at >= ? AND opened_at < ?",
            (start, end + "T99"),  # "T99" sorts after any time on the end day
        )
        return [Incident(*r) for r in rows]

    def incident_count(self) -> int:
        return int(self.query("SELECT COUNT(*) FROM incidents")[0][0])

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
                        "INSERT INTO reports (kind, window_start, window_end, schema_version, written_at) "
                        "VALUES (?, ?, ?, ?, ?)"
                    ),
                    (kind, start, end, version, now),
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

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _connect_sqlite(path: str, create: bool) -> Any:
    import sqlite3

    target = Path(path)
    if target.exists() and not target.is_file():
        raise InputError(f"{path}: the store is not a file")
    if not target.exists():
        if not create:
            raise InputError(f"{path}: no evidence store here yet (run `sdetkit portfolio ingest` first, or pass --db)")
        target.parent.mkdir(parents=True, exist_ok=True)
    try:
        # isolation_level=None: we issue BEGIN/COMMIT ourselves, so a transaction means one thing.
        conn = sqlite3.connect(path, timeout=60.0, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")  # readers don't block the writer, nor it them
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
    except sqlite3.DatabaseError as exc:
        raise InputError(f"{path}: not a usable SQLite evidence store: {exc}") from exc
    return conn


def _connect_postgres(url: str) -> Any:
    try:
        import psycopg
    except ImportError as exc:
        raise UsageError("a PostgreSQL store needs psycopg: pip install 'sdetkit[postgres]'") from exc
    try:
        # autocommit: transactions are opened explicitly, exactly as on SQLite.
        return psycopg.connect(url, connect_timeout=10, autocommit=True)
    except psycopg.Error as exc:
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(f"{describe(url)}: cannot connect to the PostgreSQL store: {detail}") from exc


def _migrate(store: Store) -> None:
    upto = len(MIGRATIONS)
    with store.transaction() as cur:
        if store.postgres:
            # Two processes opening a new store at once must not both create its tables.
            cur.execute("SELECT pg_advisory_xact_lock(4242424242)")
        cur.execute("CREATE TABLE IF NOT EXISTS sdetkit_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        cur.execute(store.sql("SELECT value FROM sdetkit_meta WHERE key = ?"), ("schema_version",))
        row = cur.fetchone()
        current = int(row[0]) if row else 0
        if current > VERSION:
            raise InputError(
                f"{store.name}: this evidence store has schema version {current}, made by a newer sdetkit; "
                f"this sdetkit knows up to version {VERSION}: upgrade sdetkit (the store was not changed)"
            )
        for version in range(current + 1, upto + 1):
            for statement in MIGRATIONS[version - 1]:
                cur.execute(statement)
        if upto > current:
            cur.execute(
                store.sql(
                    "INSERT INTO sdetkit_meta (key, value) VALUES (?, ?) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
                ),
                ("schema_version", str(upto)),
            )


def open_store(db: str | None, *, create: bool = True) -> Store:
    """Open (and create or upgrade) the store at ``db`` (see :func:`resolve`); use it as a context
    manager, which closes it.

    ``create=False`` is for readers: a missing SQLite file is an error, not a new empty store.
    """
    url = resolve(db)
    postgres = is_postgres(url)
    store = Store(_connect_postgres(url) if postgres else _connect_sqlite(url, create), url, postgres)
    try:
        _migrate(store)
    except BaseException:
        store.close()
        raise
    return store


def schema_version(store: Store) -> int:
    return int(store.query("SELECT value FROM sdetkit_meta WHERE key = 'schema_version'")[0][0])
