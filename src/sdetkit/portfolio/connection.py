"""Where the store is and how to reach it: the default SQLite file, ``--db``/``SDETKIT_DB``, and
one connection per driver (SQLite embedded, PostgreSQL shared) set up the same way."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sdetkit.errors import InputError, UsageError


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
    """Whether ``url`` names a PostgreSQL store (anything else is a SQLite file)."""
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


SQLITE_HEADER = b"SQLite format 3\x00"


def connect_sqlite(path: str) -> Any:
    """A SQLite connection in WAL mode to an existing file that is an SQLite database. A missing
    file, an empty one or another kind of file is an error naming it: sdetkit creates a store only
    where nothing exists (:func:`sdetkit.portfolio.store.open_store`), never over a file."""
    target = Path(path)
    if target.exists() and not target.is_file():
        raise InputError(f"{path}: the store is not a file")
    if not target.exists():
        # The path may have come from --db, $SDETKIT_DB or the default: name what to check, not a flag to add.
        raise InputError(
            f"{path}: no evidence store here yet (`sdetkit portfolio ingest` creates it; "
            "check --db and $SDETKIT_DB if it should exist)"
        )
    check_sqlite_file(target)
    # No journal mode yet: setting it writes to the file, and the file may still turn out not to be
    # an sdetkit store (see use_wal).
    return _sqlite(path)


def connect_new_sqlite(path: str) -> Any:
    """A connection to a new SQLite file at ``path``, which must not exist (the store is built there
    before it is moved into place)."""
    conn = _sqlite(path)
    use_wal(conn)
    return conn


def use_wal(conn: Any) -> None:
    """WAL mode, once the file is known to be an sdetkit store: readers don't block the writer, nor
    it them (a no-op for a store already in WAL mode, as every store sdetkit makes is)."""
    conn.execute("PRAGMA journal_mode=WAL")


def _sqlite(path: str) -> Any:
    import sqlite3

    try:
        # isolation_level=None: we issue BEGIN/COMMIT ourselves, so a transaction means one thing.
        conn = sqlite3.connect(path, timeout=60.0, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA synchronous=NORMAL")
        # 128 MiB of page cache (SQLite's default is 2 MiB; pages are taken only as they are read):
        # a bulk ingest into a big store touches key-index pages all over the file, and each page
        # pushed out of the cache mid-transaction is written to the WAL again. 1 GiB of records:
        # 372 s with 2 MiB, 294 s with 64 MiB, 125 s with 128 MiB at 194 MB peak (docs/performance.md).
        conn.execute("PRAGMA cache_size=-131072")
        conn.execute("PRAGMA foreign_keys=ON")
    except sqlite3.DatabaseError as exc:
        from sdetkit.portfolio.faults import translate

        raise translate(exc, describe(path), wrote=False) or InputError(f"{path}: not a usable SQLite evidence "
                                                                        f"store: {exc}") from exc  # fmt: skip
    return conn


def check_sqlite_file(target: Path) -> None:
    """Refuse a file that cannot be an evidence store: empty, or not an SQLite database at all."""
    try:
        with target.open("rb") as f:
            head = f.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise InputError(f"{target}: cannot read the evidence store: {exc.strerror or exc}") from exc
    if not head:
        raise InputError(
            f"{target}: the file is empty (0 bytes), so it is not an evidence store and holds no history; sdetkit "
            "creates a store only where no file exists: restore the store from a backup (`sdetkit portfolio "
            "import`) or remove the empty file to start a new one"
        )
    if head != SQLITE_HEADER:
        raise InputError(f"{target}: not an SQLite database, so not an evidence store (check --db and $SDETKIT_DB)")


def connect_postgres(url: str) -> Any:
    """A PostgreSQL connection; a missing driver is a usage error, a refused connection an input error."""
    try:
        import psycopg
    except ImportError as exc:
        raise UsageError("a PostgreSQL store needs psycopg: pip install 'sdetkit[postgres]'") from exc
    from sdetkit.portfolio.faults import quiet_driver_logs, scrub

    quiet_driver_logs()
    try:
        # autocommit: transactions are opened explicitly, exactly as on SQLite.
        return psycopg.connect(url, connect_timeout=10, autocommit=True)
    except psycopg.Error as exc:
        detail = scrub(str(exc)) or type(exc).__name__
        raise InputError(f"{describe(url)}: cannot connect to the PostgreSQL store: {detail}") from exc
