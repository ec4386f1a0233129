"""Argument-parsing pieces shared by every command line: the parser class with one-line errors,
sub-command groups, the output and store flags, and turning them into settings."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

from sdetkit import settings as st
from sdetkit.errors import EXIT_USAGE
from sdetkit.formats.registry import names as format_names


def comma_list(value: str) -> list[str]:
    """A comma-separated flag value; an empty entry (``a,,b``, ``,``) is a usage error, never
    silently "none" (which a flag such as ``--repos`` would read as "all")."""
    names = [v.strip() for v in one_line(value).split(",")]
    if not all(names):
        raise argparse.ArgumentTypeError(f"{value!r}: expected names separated by commas, none empty")
    return names


def one_line(value: str) -> str:
    """A flag value that is one line of printable text (a name, a title, ``ROLE=NAME``)."""
    from sdetkit.text import one_line_problem

    if problem := one_line_problem(value.strip()):
        raise argparse.ArgumentTypeError(f"{value!r} {problem}")
    return value


IDS: dict[str, Any] = {"type": comma_list, "action": "append", "default": [], "metavar": "IDS"}  # --only, --skip


def flat(groups: list[list[str]]) -> tuple[str, ...]:
    """Repeated comma-separated id lists as one tuple, first occurrence kept."""
    return tuple(dict.fromkeys(i for g in groups for i in g))


def positive(convert: Callable[[str], float], what: str) -> Callable[[str], Any]:
    """An argparse type: ``convert``'s number, which must be above zero."""

    def parse(value: str) -> float:
        try:
            n = convert(value)
        except ValueError:
            n = 0
        if not n > 0:
            raise argparse.ArgumentTypeError(f"expected {what}, got {value!r}")
        return n

    return parse


def output_flags(p: argparse.ArgumentParser, formats: tuple[str, ...] | None = None) -> None:
    """``--format``, ``--out`` and ``--stable-json``."""
    p.add_argument("--format", choices=formats or format_names(), default="text", help="report format (default: text)")
    p.add_argument("--out", type=Path, metavar="FILE", help="write the report to FILE atomically (parents created)")
    p.add_argument(
        "--stable-json",
        action="store_true",
        help="leave out run-specific facts (times, host, cache hits) so the same tree gives the same bytes",
    )


def store_flags(p: argparse.ArgumentParser) -> None:
    """``--db`` and ``--inventory``: where the evidence is, and who is expected to report."""
    p.add_argument(
        "--db",
        metavar="PATH|URL",
        help="evidence store: a SQLite file or postgresql:// URL (default: $SDETKIT_DB, else "
        ".sdetkit/portfolio.sqlite3 at the top of this project)",
    )
    p.add_argument(
        "--inventory",
        type=Path,
        metavar="FILE",
        help="inventory or program file (TOML) of the repositories expected to report (default: $SDETKIT_INVENTORY)",
    )


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors, like every other sdetkit error."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"sdetkit: error: {message} (see `{self.prog} --help`)\n")


def actions(sub: Any, name: str, dest: str = "action", metavar: str = "ACTION", **kw: Any) -> Any:
    """A command made of sub-commands (``portfolio ingest``), one of which must be given."""
    group = sub.add_parser(name, **kw).add_subparsers(dest=dest, metavar=metavar, parser_class=Parser)
    group.required = True
    return group


def output(a: argparse.Namespace) -> st.OutputSettings:
    """The output flags as settings."""
    return st.OutputSettings(a.format, a.out, a.stable_json)


def store(a: argparse.Namespace) -> st.StoreSettings:
    """The store flags as settings."""
    return st.StoreSettings(a.db, a.inventory)
