"""Helpers for the evidence-store tests: one store fixture per backend, a real `sdetkit` subprocess,
real gate evidence from a temporary repository, and that evidence re-timed into other weeks."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

import pytest

PYTHON = sys.executable  # the tools (ruff, mypy, pytest) of the test environment run the gates


class Result(NamedTuple):
    code: int
    stdout: str
    stderr: str


def sdetkit(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> Result:
    res = subprocess.run(
        [sys.executable, "-m", "sdetkit", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    return Result(res.returncode, res.stdout, res.stderr)


@pytest.fixture(params=["sqlite", "postgres"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new empty store on each backend: a SQLite path, or a fresh PostgreSQL database's URL."""
    if request.param == "sqlite":
        return str(tmp_path / "store" / "portfolio.sqlite3")
    url: str = request.getfixturevalue("postgres_db")
    return url


def real_evidence(repo: Path, env: dict[str, str]) -> Path:
    """Run the real gates on ``repo`` and return its ``build/`` folder of artifacts."""
    out = repo / "build"
    for cmd in (
        ["gate", "fast", "--python", PYTHON, "--format", "json", "--out", "build/gate-fast.json"],
        # The release check that needs no package build: quick, and still real. (The audit needs
        # the built package installed: build and install-smoke cost 20 s of CPU a repository.)
        ["gate", "release", "--python", PYTHON, "--only", "clean-tree", "--format", "json",
         "--out", "build/release-preflight.json"],
        ["doctor", "--python", PYTHON, "--format", "json", "--out", "build/doctor.json"],
    ):  # fmt: skip
        res = sdetkit(*cmd, cwd=repo, env=env)
        assert res.code in (0, 1), res.stderr
    return out


def retime(src: Path, dst: Path, when: dt.datetime, decide: bool = True) -> Path:
    """Copy the gate evidence in ``src`` to ``dst`` as if the gates had run at ``when``, then make
    the decision from the copies (as CI would): valid, distinct evidence for another week."""
    dst.mkdir(parents=True)
    for offset, name in ((-30, "gate-fast.json"), (-20, "doctor.json"), (-15, "release-preflight.json")):
        doc = json.loads((src / name).read_text())
        doc["run"]["started_at"] = (when + dt.timedelta(minutes=offset)).strftime("%Y-%m-%dT%H:%M:%SZ")
        doc["run"]["duration_s"] = 120.0
        (dst / name).write_text(json.dumps(doc, indent=2))
    if decide:
        res = sdetkit("decide", "--fast", str(dst / "gate-fast.json"), "--release",
                      str(dst / "release-preflight.json"), "--doctor", str(dst / "doctor.json"),
                      "--format", "json", "--out", str(dst / "decision.json"))  # fmt: skip
        assert res.code in (0, 1), res.stderr
    return dst


def jsonl(path: Path, records: Sequence[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def record(repo: str, day: str, *, ok: bool = True, team: str = "t", lane: str = "startup") -> dict[str, Any]:
    """A normalized record (bulk import format)."""
    return {
        "repo_id": repo, "team": team, "lane": lane, "gate_fast_ok": ok, "gate_release_ok": ok, "doctor_ok": ok,
        "failed_steps_count": 0 if ok else 2, "failed_steps": [] if ok else ["build", "tests"],
        "evidence_window_end": day, "source_timestamp": f"{day}T12:00:00Z",
    }  # fmt: skip
