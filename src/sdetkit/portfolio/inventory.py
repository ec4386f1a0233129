"""The inventory: which repositories are expected to report, with their team and lane.

A TOML file with one table per repository, so a program file can later hold the same table::

    [repos.payments-api]
    team = "payments"
    lane = "regulated"

Expected repositories that did not report in a window are listed as missing, never silently absent.
A program file (:mod:`sdetkit.portfolio.program`, recognised by its ``[program]`` table) is accepted
too: its repositories in scope are the expected set.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from sdetkit.errors import InputError
from sdetkit.lanes import NAMES as LANES

if TYPE_CHECKING:
    from sdetkit.portfolio.program import Program


class Expected(NamedTuple):
    """A repository expected to report, and (from a program file) the days it is expected on."""

    repo_id: str
    team: str
    lane: str
    active_from: dt.date | None = None  # None: from the start
    retired_on: dt.date | None = None  # None: still active


def covers(e: Expected, start: dt.date, end: dt.date) -> bool:
    """Whether ``e`` is expected to report for the window ``[start, end]``: active for all of it.
    A repository that becomes active inside the window, or is retired before its end, is not:
    silence from it is not a gap."""
    return (e.active_from is None or e.active_from <= start) and (e.retired_on is None or e.retired_on > end)


def expected_in(expected: Mapping[str, Expected], start: dt.date, end: dt.date) -> dict[str, Expected]:
    """The repositories of ``expected`` that are expected to report for ``[start, end]``."""
    return {k: e for k, e in expected.items() if covers(e, start, end)}


class InventoryFile(NamedTuple):
    """An inventory file as read: the expected repositories, and the program when it is a program file
    (so a command that needs both reads the file once)."""

    expected: dict[str, Expected]
    program: Program | None


def of_program(program: Program) -> dict[str, Expected]:
    """The repositories a program file has in scope, as the expected set."""
    return {r.repo_id: r.expected() for r in program.repos.values()}


def load(path: Path) -> dict[str, Expected]:
    """The expected repositories by id; every problem in the file is an error naming it."""
    return read(path).expected


def read(path: Path) -> InventoryFile:
    """The inventory (or program) file at ``path``, parsed once; every problem is an error naming it."""
    from sdetkit.repo.config import load_toml

    if path.is_dir():
        raise InputError(f"{path}: is a directory, not an inventory file")
    if not path.is_file():
        raise InputError(f"{path}: inventory file not found")
    data = load_toml(path, str(path))
    from sdetkit.portfolio import program

    if program.is_program(data):
        parsed = program.parse(data, path.read_text(encoding="utf-8"), path)
        return InventoryFile(of_program(parsed), parsed)
    unknown = sorted(set(data) - {"repos"})
    if unknown:
        raise InputError(f"{path}: unknown table or key {unknown[0]!r} (an inventory has only [repos.ID] tables)")
    repos = data.get("repos")
    if not isinstance(repos, dict) or not repos:
        raise InputError(f"{path}: no repositories: add a [repos.ID] table with team and lane for each")
    found: dict[str, Expected] = {}
    for repo_id, entry in repos.items():
        where = f"{path}: repos.{repo_id}"
        if not isinstance(entry, dict):
            raise InputError(f"{where}: expected a table with team and lane")
        extra = sorted(set(entry) - {"team", "lane"})
        if extra:
            raise InputError(f"{where}: unknown key {extra[0]!r} (known: team, lane)")
        team, lane = entry.get("team"), entry.get("lane")
        if not isinstance(team, str) or not team.strip():
            raise InputError(f"{where}: team must be a non-empty string")
        if lane not in LANES:
            raise InputError(f"{where}: lane {lane!r} is not one of {', '.join(LANES)}")
        found[repo_id] = Expected(repo_id, team, str(lane))
    return InventoryFile(found, None)


def location(path: Path | None) -> Path | None:
    """The inventory file: ``--inventory``, else ``SDETKIT_INVENTORY``, else none."""
    if path is None and os.environ.get("SDETKIT_INVENTORY"):
        return Path(os.environ["SDETKIT_INVENTORY"])
    return path


def resolve(path: Path | None) -> dict[str, Expected]:
    """The inventory from ``--inventory``, else ``SDETKIT_INVENTORY``, else none (nothing expected)."""
    return resolve_file(path).expected


def resolve_file(path: Path | None) -> InventoryFile:
    """The inventory file from ``--inventory``, else ``SDETKIT_INVENTORY``, read once; none given:
    nothing is expected and there is no program."""
    found = location(path)
    return read(found) if found is not None else InventoryFile({}, None)
