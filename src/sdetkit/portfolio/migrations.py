"""The store's schema: numbered migrations, applied in place under a lock.

Each migration upgrades the store from version N-1 to N in one transaction, so a store made by an
older sdetkit is upgraded and one made by a newer sdetkit is refused rather than damaged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sdetkit.errors import InputError

if TYPE_CHECKING:
    from sdetkit.portfolio.store import Store

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
    (
        # Governance: the monthly compatibility and deprecation reviews, and the schema version each
        # reporting window started with (a window reported again under another version is flagged).
        """CREATE TABLE governance_reviews (
            review_id TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            reviewed_on TEXT NOT NULL,
            reviewers TEXT NOT NULL,
            decisions TEXT NOT NULL,
            notes_sha256 TEXT NOT NULL,
            notes_file TEXT NOT NULL,
            recorded_at TEXT NOT NULL
        )""",
        "CREATE INDEX governance_reviews_on ON governance_reviews (reviewed_on)",
        "ALTER TABLE reports ADD COLUMN started_schema_version TEXT",
        "UPDATE reports SET started_schema_version = schema_version",
    ),
    (
        # Incidents with severities and their handling (acknowledged, mitigation planned, resolved
        # with a root cause; updates; evidence; drills). The rows of ``incidents`` move over: a
        # rollback is resolved when it happened, a triaged failure acknowledged and resolved at
        # its triage time, and the note becomes the title (or "<kind> of <repository>").
        """CREATE TABLE incident_log (
            incident_id TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            severity TEXT,
            opened_at TEXT NOT NULL,
            acknowledged_at TEXT,
            mitigation_at TEXT,
            mitigation TEXT,
            resolved_at TEXT,
            root_cause TEXT,
            follow_ups TEXT NOT NULL,
            rollback INTEGER NOT NULL,
            drill INTEGER NOT NULL
        )""",
        "CREATE INDEX incident_log_opened ON incident_log (opened_at)",
        """CREATE TABLE incident_scope (
            incident_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            name TEXT NOT NULL,
            position INTEGER NOT NULL,
            PRIMARY KEY (incident_id, kind, name)
        )""",
        """CREATE TABLE incident_updates (
            incident_id TEXT NOT NULL,
            position INTEGER NOT NULL,
            at TEXT NOT NULL,
            author TEXT NOT NULL,
            body TEXT NOT NULL,
            PRIMARY KEY (incident_id, position)
        )""",
        """CREATE TABLE incident_evidence (
            incident_id TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            path TEXT,
            attached_at TEXT NOT NULL,
            PRIMARY KEY (incident_id, sha256)
        )""",
        """INSERT INTO incident_log (incident_id, title, severity, opened_at, acknowledged_at, mitigation_at,
            mitigation, resolved_at, root_cause, follow_ups, rollback, drill)
        SELECT incident_id,
            CASE WHEN note <> '' THEN note ELSE kind || ' of ' || repo_id END,
            NULL, opened_at,
            CASE WHEN kind = 'rollback' THEN NULL ELSE triaged_at END,
            NULL, NULL,
            CASE WHEN kind = 'rollback' THEN opened_at ELSE triaged_at END,
            NULL, '[]',
            CASE WHEN kind = 'rollback' THEN 1 ELSE 0 END,
            0
        FROM incidents""",
        "INSERT INTO incident_scope (incident_id, kind, name, position) "
        "SELECT incident_id, 'repo', repo_id, 0 FROM incidents",
        "DROP TABLE incidents",
    ),
    # The release checklist results, so lane policy and checklist compliance read the store.
    (
        """CREATE TABLE release_checklists (
            result_sha256 TEXT PRIMARY KEY,
            train TEXT NOT NULL,
            version TEXT NOT NULL,
            window_start TEXT NOT NULL,
            window_end TEXT NOT NULL,
            checked_at TEXT NOT NULL,
            ok INTEGER NOT NULL,
            repos TEXT NOT NULL,
            failing TEXT NOT NULL
        )""",
        "CREATE INDEX release_checklists_checked ON release_checklists (checked_at)",
    ),
)
VERSION = len(MIGRATIONS)


def migrate(store: Store, *, new: bool = False, recorded: int | None = None) -> None:
    """Bring ``store`` to :data:`VERSION`; refuse (unchanged) a store newer than this sdetkit, and
    a database that is not an sdetkit store. ``new``: the SQLite file was just made for the store;
    ``recorded``: its :func:`recorded_version`, when the caller has just read it. A store already
    at :data:`VERSION` is only read, so opening it writes nothing."""
    upto = len(MIGRATIONS)  # read at call time: tests stand in older migration lists
    current = recorded_version(store, new) if recorded is None else recorded
    if current == upto:
        return
    with store.transaction() as cur:
        if store.postgres:
            # Two processes opening a new store at once must not both create its tables.
            cur.execute("SELECT pg_advisory_xact_lock(4242424242)")
        cur.execute("CREATE TABLE IF NOT EXISTS sdetkit_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        cur.execute(store.sql("SELECT value FROM sdetkit_meta WHERE key = ?"), ("schema_version",))
        row = cur.fetchone()
        current = int(row[0]) if row else 0  # again, under the lock: another process may have migrated it
        _refuse_newer(store, current)
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


def recorded_version(store: Store, new: bool = False) -> int:
    """The schema version the store records; 0 for a database about to become a store (a SQLite
    file made for it, or a PostgreSQL database without tables). Anything else that has no sdetkit
    schema version -- another program's database, a store whose version row is gone -- is refused."""
    tables = set(table_names(store))
    if "sdetkit_meta" not in tables:
        if new or (store.postgres and not tables):
            return 0
        found = f"its tables: {', '.join(sorted(tables)[:5])}" if tables else "it has no tables"
        raise InputError(
            f"{store.name}: not an sdetkit evidence store ({found}); sdetkit does not adopt another database: "
            "give the path or URL of an sdetkit store, or of an empty PostgreSQL database"
        )
    rows = store.query("SELECT value FROM sdetkit_meta WHERE key = ?", ("schema_version",))
    if not rows or not str(rows[0][0]).isdigit():
        raise InputError(f"{store.name}: the store records no schema version (sdetkit_meta was altered); restore "
                         "it from a backup (`sdetkit portfolio import`)")  # fmt: skip
    current = int(rows[0][0])
    _refuse_newer(store, current)
    return current


def _refuse_newer(store: Store, current: int) -> None:
    if current > len(MIGRATIONS):
        raise InputError(
            f"{store.name}: this evidence store has schema version {current}, made by a newer sdetkit; "
            f"this sdetkit knows up to version {len(MIGRATIONS)}: upgrade sdetkit (the store was not changed)"
        )


def table_names(store: Store) -> list[str]:
    """The tables of the store's database (PostgreSQL: in the connection's current schema)."""
    if store.postgres:
        text = "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
    else:
        text = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    return sorted(str(r[0]) for r in store.query(text))


def schema_version(store: Store) -> int:
    """The schema version the store records."""
    return int(store.query("SELECT value FROM sdetkit_meta WHERE key = 'schema_version'")[0][0])
