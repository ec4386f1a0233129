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
from typing import NamedTuple

from sdetkit.errors import InputError
from sdetkit.lanes import NAMES as LANES


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


def load(path: Path) -> dict[str, Expected]:
    """The expected repositories by id; every problem in the file is an error naming it."""
    from sdetkit.repo.config import load_toml

    if not path.is_file():
        raise InputError(f"{path}: inventory file not found")
    data = load_toml(path, str(path))
    from sdetkit.portfolio import program

    if program.is_program(data):
        repos_in_scope = program.parse(data, path.read_text(encoding="utf-8"), path).repos
        return {r.repo_id: r.expected() for r in repos_in_scope.values()}
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
    return found


def location(path: Path | None) -> Path | None:
    """The inventory file: ``--inventory``, else ``SDETKIT_INVENTORY``, else none."""
    if path is None and os.environ.get("SDETKIT_INVENTORY"):
        return Path(os.environ["SDETKIT_INVENTORY"])
    return path


def resolve(path: Path | None) -> dict[str, Expected]:
    """The inventory from ``--inventory``, else ``SDETKIT_INVENTORY``, else none (nothing expected)."""
    found = location(path)
    return load(found) if found is not None else {}
