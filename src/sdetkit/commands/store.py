"""``sdetkit portfolio check`` and ``import``: look after a store -- its health, and restoring a
whole-store backup (``portfolio export --out-dir``) or moving it to another backend."""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path

from sdetkit.errors import EXIT_FAILED, EXIT_OK
from sdetkit.evidence.atomic import check_writable, emit
from sdetkit.settings import StoreCheckSettings, StoreImportSettings


def check(settings: StoreCheckSettings) -> int:
    """Report the store's health; exit 1 when anything is wrong with it."""
    from sdetkit.portfolio import health
    from sdetkit.portfolio.store import open_store

    out = settings.output
    if out.target is not None:
        check_writable(out.target)
    # As it is: a damaged store is what this command is for, and checking writes nothing.
    with open_store(settings.store.db, create=False, inspect=True) as store:
        doc = health.check(store)
    view = health.text(doc)
    rendered = json.dumps(doc, indent=2, sort_keys=True) + "\n" if out.format == "json" else view
    emit(rendered, view.splitlines()[0] + "\n" if out.out else "", out.target, out.out, sys.stdout)
    return EXIT_OK if doc["ok"] else EXIT_FAILED


def restore(settings: StoreImportSettings) -> int:
    """Read an export into a new or empty store: everything is checked before the store is written,
    and all rows land in one transaction."""
    from sdetkit.portfolio import restore as rs
    from sdetkit.portfolio.connection import is_postgres, resolve
    from sdetkit.portfolio.store import open_store

    url = resolve(settings.store.db)
    new = not is_postgres(url) and not Path(url).exists()
    if not new:
        with open_store(url, create=False) as store:
            rs.refuse_filled(store)  # said before the export is read, which may take a while
    export = rs.read_manifest(settings.folder)
    for entry in export.entries:
        for _ in rs.rows(entry):
            pass  # each row checked; the file's sha256 and row count at its end
    with _removed_on_failure(Path(url) if new else None), open_store(url, create=new) as store:
        counts = rs.load(store, export)
        name = store.name
    sys.stdout.write(f"imported {sum(counts.values())} row(s) of {len(counts)} tables from {settings.folder} "
                     f"into {name}\n")  # fmt: skip
    return EXIT_OK


@contextlib.contextmanager
def _removed_on_failure(path: Path | None) -> Iterator[None]:
    """A new SQLite store (and the folders made for it) is removed when the import fails: a failed
    import leaves nothing behind."""
    if path is None:
        yield
        return
    made = []
    folder = path.absolute().parent
    while not folder.exists():
        made.append(folder)
        folder = folder.parent
    try:
        yield
    except BaseException:
        for suffix in ("", "-wal", "-shm", "-journal"):
            with contextlib.suppress(OSError):
                Path(f"{path}{suffix}").unlink()
        for folder in made:  # deepest first
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise
