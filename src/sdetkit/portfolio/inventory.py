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

import os
from pathlib import Path
from typing import NamedTuple

from sdetkit.errors import InputError
from sdetkit.lanes import NAMES as LANES


class Expected(NamedTuple):
    repo_id: str
    team: str
    lane: str


def load(path: Path) -> dict[str, Expected]:
    """The expected repositories by id; every problem in the file is an error naming it."""
    from sdetkit.repo.config import load_toml

    if not path.is_file():
        raise InputError(f"{path}: inventory file not found")
    data = load_toml(path, str(path))
    from sdetkit.portfolio import program

    if program.is_program(data):
        repos_in_scope = program.parse(data, path.read_text(encoding="utf-8"), path).repos
        return {r.repo_id: Expected(r.repo_id, r.team, r.lane.value) for r in repos_in_scope.values()}
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


def resolve(path: Path | None) -> dict[str, Expected]:
    """The inventory from ``--inventory``, else ``SDETKIT_INVENTORY``, else none (nothing expected)."""
    if path is None and os.environ.get("SDETKIT_INVENTORY"):
        path = Path(os.environ["SDETKIT_INVENTORY"])
    return load(path) if path is not None else {}
