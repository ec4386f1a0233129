"""What a database driver's error means for the user: one line naming the store and the next step.

The store's reads and writes go through :meth:`Store.query` and :meth:`Store.transaction`, which
hand a driver's error to :func:`translate`. Errors caused by the store or its server (a damaged
SQLite file, a full disk, a lock held too long, a PostgreSQL connection lost or refused, missing
rights) become :class:`StoreFault` (exit 2). Everything else -- a syntax error in our SQL, a
constraint our code should have prevented -- is left alone: it is a bug in sdetkit (exit 3).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

from sdetkit.errors import InputError

# SQLite's primary result codes (https://www.sqlite.org/rescode.html) that come from the file or
# the machine, not from our SQL.
_SQLITE_DAMAGED = {11, 26}  # SQLITE_CORRUPT, SQLITE_NOTADB
_SQLITE_BUSY = {5, 6}  # SQLITE_BUSY, SQLITE_LOCKED: another process held the lock past the timeout
_SQLITE_ENVIRONMENT = {3: "permission denied", 8: "the store is read-only", 10: "disk I/O error",
                       13: "the disk is full", 14: "the file cannot be opened"}  # fmt: skip

# PostgreSQL SQLSTATE classes that come from the server or the connection.
_PG_CONNECTION = ("08", "57")  # connection exception; operator intervention (shutdown, terminate)
_PG_ENVIRONMENT = ("53", "58", "25006", "42501", "57014")  # resources, system, read-only, rights, cancel

T = TypeVar("T")
_SECRET = re.compile(r"(?i)(password\s*=\s*)\S+|(//[^:/@\s]*:)[^@\s]*@")


class StoreFault(InputError):
    """The store or its server failed us (damaged, unreachable, full, locked): exit 2."""


def scrub(text: str) -> str:
    """``text`` on one line without any password a connection string in it might carry."""
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return _SECRET.sub(lambda m: f"{m.group(1)}***" if m.group(1) else f"{m.group(2)}***@", first)


def translate(exc: BaseException, name: str, *, wrote: bool, committing: bool = False) -> StoreFault | None:
    """The fault ``exc`` stands for, or None when it is not the store's (a bug, an interrupt).

    ``wrote``: it happened in a write transaction (rolled back); ``committing``: during COMMIT,
    when a PostgreSQL server may have committed without telling us."""
    sqlite = _sqlite_fault(exc, name, wrote)
    return sqlite if sqlite is not None else _postgres_fault(exc, name, wrote, committing)


def _sqlite_fault(exc: BaseException, name: str, wrote: bool) -> StoreFault | None:
    import sqlite3

    if not isinstance(exc, sqlite3.DatabaseError):
        return None
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    if primary is None and type(exc) is sqlite3.DatabaseError:
        primary = 11  # a bare DatabaseError without a code is how older Pythons report damage
    nothing = "nothing was written to it" if wrote else "nothing was written"
    if primary in _SQLITE_DAMAGED:
        return damaged(name, scrub(str(exc)))
    if primary in _SQLITE_BUSY:
        return StoreFault(f"{name}: another process kept the store locked past the 60 s wait; {nothing}: run the "
                          "command again when it has finished")  # fmt: skip
    if primary in _SQLITE_ENVIRONMENT:
        return StoreFault(f"{name}: {_SQLITE_ENVIRONMENT[primary]} ({scrub(str(exc))}); {nothing}")
    return None


def damaged(name: str, detail: str) -> StoreFault:
    """A damaged SQLite store: what is wrong (SQLite's report on one line), and the next step."""
    detail = " ".join(detail.replace("*** in database main ***", "").split())
    return StoreFault(
        f"{name}: the evidence store is damaged ({detail}); nothing was written to it. See the damage with "
        "`sdetkit portfolio check`, then restore the store from a backup (`sdetkit portfolio import`)"
    )


def _postgres_fault(exc: BaseException, name: str, wrote: bool, committing: bool) -> StoreFault | None:
    try:
        import psycopg
    except ImportError:
        return None
    if not isinstance(exc, psycopg.Error):
        return None
    state = str(getattr(exc, "sqlstate", None) or "")
    detail = scrub(str(exc)) or type(exc).__name__
    lost = isinstance(exc, psycopg.OperationalError) and (not state or state.startswith(_PG_CONNECTION))
    if lost or state.startswith(_PG_CONNECTION):
        if committing:
            return StoreFault(
                f"{name}: lost the connection to the PostgreSQL store while committing ({detail}); the server did "
                "not confirm the commit, so whether it was stored is unknown: run the command again once the "
                "server is back (an ingest stores each run once however often it runs)"
            )
        outcome = "the transaction was rolled back and nothing was stored" if wrote else "nothing was written"
        return StoreFault(f"{name}: lost the connection to the PostgreSQL store ({detail}); {outcome}: run the command "
                          "again once the server is back")  # fmt: skip
    if state.startswith(_PG_ENVIRONMENT):
        outcome = "the transaction was rolled back" if wrote else "nothing was written"
        return StoreFault(f"{name}: the PostgreSQL server refused ({detail}); {outcome}")
    return None


def guarded(name: str, action: Callable[..., T], *args: Any) -> T:
    """``action(*args)``, with a driver's error turned into the store's fault (outside a query)."""
    try:
        return action(*args)
    except Exception as exc:
        fault = translate(exc, name, wrote=False)
        if fault is not None:
            raise fault from exc
        raise


def quiet_driver_logs() -> None:
    """psycopg logs a second line ("error ignored terminating <Pipeline>") when a connection dies
    inside a batch; the fault is reported once, by us."""
    import logging

    logger = logging.getLogger("psycopg")
    if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
        logger.addHandler(logging.NullHandler())
    logger.propagate = False


def rollback(cur: Any) -> None:
    """Roll back, ignoring a connection or file that is already gone (the server rolls back an
    open transaction of a lost connection itself)."""
    import contextlib

    with contextlib.suppress(Exception):  # the original error is the one to report
        cur.execute("ROLLBACK")
