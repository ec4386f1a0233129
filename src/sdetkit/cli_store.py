"""Command line of looking after a store: ``portfolio check`` and ``portfolio import`` (the whole-store
``portfolio export --out-dir`` is a mode of ``portfolio export``)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sdetkit import settings as st
from sdetkit.cli_args import output, output_flags, store, store_flags


def add_store_commands(psub: Any) -> None:
    """Add ``check`` and ``import`` to the ``portfolio`` sub-commands ``psub``."""
    check = psub.add_parser(
        "check",
        help="the store's health: integrity, migrations, row counts, orphaned and inconsistent rows",
        description="Exit 0 when the store is healthy, 1 listing each problem found (a damaged SQLite file "
        "included), 2 when the path is not an evidence store.",
    )
    store_flags(check)
    output_flags(check, ("text", "json"))
    imported = psub.add_parser(
        "import",
        help="read a `portfolio export --out-dir` folder into a new or empty store (all rows or none)",
        description="Every file is checked against the manifest and the schema before anything is stored; then "
        "all rows are stored in one transaction. The store must be new or hold no rows.",
    )
    imported.add_argument("folder", type=Path, metavar="DIR", help="the folder `portfolio export --out-dir` wrote")
    store_flags(imported)


# What each of these command lines runs (see cli._COMMANDS).
STORE_COMMANDS: dict[str, tuple[str, Callable[[argparse.Namespace], tuple[object, ...]]]] = {
    "portfolio check": ("store:check", lambda a: st.StoreCheckSettings(store(a), output(a))),
    "portfolio import": ("store:restore", lambda a: st.StoreImportSettings(a.folder, store(a))),
}
