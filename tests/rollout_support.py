"""A program repository for the rollout tests: a real git repository with a program file, a SQLite
store at its default place filled through the store API, and evidence files under docs/, some
committed on given days."""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from sdetkit.cli import main
from sdetkit.portfolio.rows import Incident, StoredRun
from sdetkit.portfolio.store import open_store
from tests.conftest import GIT_ENV

PROGRAM = """\
[program]
name = "Release confidence rollout"
start = 2026-01-05
lane = "scale"
baseline = "payments-api"
pilot_size = 3
review_weekday = "monday"
sponsor = { name = "Ana Ruiz", contact = "ana@example.com" }
release_owner = { name = "Bo Chen", contact = "#release" }

[workstreams.reporting]
name = "Portfolio reporting"
dri = "Cy Diaz"
phase = "evaluation"

[[workstreams.reporting.deliverables]]
what = "Week-1 KPI baseline"
due = 2026-01-12
done = 2026-01-12

[[workstreams.reporting.deliverables]]
what = "Weekly scorecard automation"
due = 2026-01-23

[workstreams.onboarding]
name = "Pilot onboarding"
dri = "Di Evans"
phase = "pilot"

[[workstreams.onboarding.deliverables]]
what = "Onboard search-web"
due = 2026-01-21
done = 2026-01-20

[[workstreams.onboarding.deliverables]]
what = "Onboard billing-svc"
due = 2026-02-04

[workstreams.leadership]
name = "Executive communication"
dri = "Eve Fox"
phase = "evaluation"

[[workstreams.leadership.deliverables]]
what = "First weekly executive report"
due = 2026-01-20
done = 2026-01-19

[workstreams.release]
name = "Release gates"
dri = "Flo Gray"
phase = "evaluation"

[workstreams.support]
name = "Support model"
dri = "Gus Hill"
phase = "evaluation"

[[workstreams.support.deliverables]]
what = "Escalation runbook"
due = 2026-02-10

[repos.payments-api]
team = "payments"
lane = "regulated"
owner = "Di Evans"
since = 2026-01-05

[repos.search-web]
team = "search"
lane = "scale"
owner = "Hal Ito"
since = 2026-01-12

[repos.billing-svc]
team = "billing"
lane = "scale"
since = 2026-01-19
"""


def git_on(repo: Path, day: str, *args: str) -> None:
    """``git ARGS`` in ``repo`` as if run at noon (UTC) on ``day``."""
    stamp = f"{day}T12:00:00+00:00"
    env = {**os.environ, **GIT_ENV, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


def commit_on(repo: Path, day: str, *paths: str) -> None:
    """Commit ``paths`` on ``day``."""
    git_on(repo, day, "add", *paths)
    git_on(repo, day, "commit", "-q", "-m", f"evidence of {day}")


def stored_run(repo: str, team: str, lane: str, day: str, *, release_ok: bool = True) -> StoredRun:
    """A complete run (all three artifacts, one commit) with evidence on ``day``."""
    return StoredRun(
        f"{repo}-{day}", repo, team, lane, hashlib.sha256(f"{repo} {day}".encode()).hexdigest()[:40], "main", None,
        f"{day}T10:00:00Z", f"{day}T10:30:00Z", f"{day}T10:30:00Z", day, True, release_ok, True, release_ok,
        release_ok, () if release_ok else ("build",), 0 if release_ok else 1, "0.1.0", "{}", f"{day}T11:00:00Z",
        "passed",
    )  # fmt: skip


def program_repository(root: Path, db: str | None = None) -> Path:
    """A program repository as it stood after the week ending 2026-01-25 (day 20); returns the
    program file. Its store is ``db``, else a SQLite file at the default place. The week's KPI
    payload is not written: the dashboard computes it."""
    root.mkdir(parents=True)
    git_on(root, "2026-01-05", "init", "-q", "-b", "main")
    program = root / "sdetkit-program.toml"
    program.write_text(PROGRAM, encoding="utf-8")
    (root / ".gitignore").write_text(".sdetkit/\n", encoding="utf-8")
    commit_on(root, "2026-01-05", "sdetkit-program.toml", ".gitignore")
    db = db or str(root / ".sdetkit" / "portfolio.sqlite3")
    runs = [
        stored_run("payments-api", "payments", "regulated", "2026-01-09"),
        stored_run("payments-api", "payments", "regulated", "2026-01-16"),
        stored_run("search-web", "search", "scale", "2026-01-16", release_ok=False),
        stored_run("payments-api", "payments", "regulated", "2026-01-23"),
        stored_run("search-web", "search", "scale", "2026-01-23"),
    ]
    with open_store(db) as store:
        store.add_runs(runs)
        store.add_incident(Incident("r1", "payments-api", "rollback", "2026-01-22T09:00:00Z", None, "reverted"))
        store.add_incident(
            Incident("f1", "search-web", "failure", "2026-01-20T09:00:00Z", "2026-01-20T09:45:00Z", "flaky build")
        )
    week = ["--db", db, "--inventory", str(program)]
    payload = str(root / "docs/kpi-weekly-2026-01-18.json")
    assert main(["kpi", "weekly", "--week-ending", "2026-01-18", *week, "--out", payload]) == 0
    commit_on(root, "2026-01-19", "docs/kpi-weekly-2026-01-18.json")
    card = str(root / "docs/artifacts/portfolio-scorecard-2026-01-25.json")
    window = ["--window-start", "2026-01-19", "--window-end", "2026-01-25"]
    assert main(["portfolio", "scorecard", *window, *week, "--out", card]) in (0, 1)
    (root / "docs/executive-weekly-2026-01-25.md").write_text("# Executive weekly\n", encoding="utf-8")
    return program


def count_parses(monkeypatch: pytest.MonkeyPatch, path: Path) -> list[Path]:
    """Count every TOML parse of ``path`` from now on (the list fills as the code parses it)."""
    from sdetkit.repo import config

    real = config.load_toml
    parsed: list[Path] = []

    def counting(given: Path, display: str) -> dict[str, Any]:
        if given.absolute() == path.absolute():
            parsed.append(given)
        return real(given, display)

    monkeypatch.setattr(config, "load_toml", counting)
    return parsed
