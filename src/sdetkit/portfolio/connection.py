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


def connect_sqlite(path: str, create: bool) -> Any:
    """A SQLite connection in WAL mode; a missing file is created only when ``create``."""
    import sqlite3

    target = Path(path)
    if target.exists() and not target.is_file():
        raise InputError(f"{path}: the store is not a file")
    if not target.exists():
        if not create:
            # The path may have come from --db, $SDETKIT_DB or the default: name what to check, not a flag to add.
            raise InputError(
                f"{path}: no evidence store here yet (`sdetkit portfolio ingest` creates it; "
                "check --db and $SDETKIT_DB if it should exist)"
            )
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


def connect_postgres(url: str) -> Any:
    """A PostgreSQL connection; a missing driver is a usage error, a refused connection an input error."""
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
