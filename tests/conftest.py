"""Shared fixtures: real temporary git repositories and a real `sdetkit` subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from sdetkit.evidence import schemas
from tests.portfolio_support import db  # noqa: F401 - fixtures shared by the store and report tests
from tests.services import chromium_bin, postgres_db, postgres_server, private_postgres  # noqa: F401

# tests/ mirrors src/: tests/<package>/test_<module>.py test one module in process. The end-to-end
# tests (the CLI or real tools in subprocesses) live in tests/commands/ or are marked slow; both get
# the e2e marker, so `pytest -m "not e2e"` runs the fast units alone.
_E2E = pytest.mark.e2e


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "commands" in item.path.parts or item.get_closest_marker("slow"):
            item.add_marker(_E2E)


# Fixed identity and dates make commit hashes, and so golden artifacts, reproducible.
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.invalid",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.invalid",
    "GIT_AUTHOR_DATE": "2026-01-01T00:00:00+00:00",
    "GIT_COMMITTER_DATE": "2026-01-01T00:00:00+00:00",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_SYSTEM": os.devnull,
}

HEALTHY: dict[str, str] = {
    "pyproject.toml": """
        [project]
        name = "pkg"
        version = "0.1.0"

        [tool.ruff]
        line-length = 100

        [tool.ruff.format]

        [tool.mypy]
        files = ["src"]
        strict = true

        [tool.pytest.ini_options]
        testpaths = ["tests"]
        pythonpath = ["src"]
    """,
    "src/pkg/__init__.py": """
        def add(a: int, b: int) -> int:
            return a + b
    """,
    "tests/test_add.py": """
        from pkg import add


        def test_add() -> None:
            assert add(1, 2) == 3
    """,
    ".gitignore": "build/\n",
}


def git(repo: Path, *args: str) -> str:
    out = subprocess.run(
        ["git", *args], cwd=repo, env={**os.environ, **GIT_ENV}, capture_output=True, text=True, check=False
    )
    assert out.returncode == 0, f"git {' '.join(args)} in {repo}: exit {out.returncode}: {out.stderr.strip()}"
    return out.stdout


def write_files(root: Path, files: Mapping[str, str]) -> None:
    for rel, body in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(body).lstrip("\n"), encoding="utf-8")


@pytest.fixture
def make_repo(tmp_path: Path) -> Callable[..., Path]:
    """A committed git repository with the given files (``HEALTHY`` when none given)."""

    def make(files: Mapping[str, str] | None = None, name: str = "repo", commit: bool = True) -> Path:
        repo = tmp_path / name
        repo.mkdir()
        git(repo, "init", "-q", "-b", "main")
        write_files(repo, HEALTHY if files is None else files)
        if commit:
            git(repo, "add", "-A")
            git(repo, "commit", "-q", "--allow-empty", "-m", "init")
        return repo

    return make


@dataclass
class GateRun:
    code: int
    stdout: str
    stderr: str
    artifact: dict[str, Any] | None
    raw: bytes | None

    def step(self, sid: str) -> dict[str, Any]:
        assert self.artifact is not None
        return next(s for s in self.artifact["steps"] if s["id"] == sid)


def validate(doc: dict[str, Any]) -> None:
    """Every artifact a test writes must validate against the shipped schema."""
    jsonschema.validate(doc, json.loads(schemas.text("gate-fast")))


@pytest.fixture
def cache_dir(tmp_path: Path) -> Path:
    return tmp_path / "cache"


@pytest.fixture
def run_gate(cache_dir: Path, tmp_path: Path) -> Callable[..., GateRun]:
    """Run ``python -m sdetkit gate fast`` for real, with the test environment's tools."""

    def run(repo: Path, *args: str, python: str | None = sys.executable, out: Path | None = None) -> GateRun:
        target = out or tmp_path / "out" / "gate-fast.json"
        argv = [sys.executable, "-m", "sdetkit", "gate", "fast", str(repo)]
        if python:
            argv += ["--python", python]
        wants_out = not any(a in ("--list-steps",) for a in args) and "--out" not in args
        if wants_out:
            argv += ["--format", "json", "--out", str(target)]
        argv += list(args)
        env = {**os.environ, "SDETKIT_CACHE_DIR": str(cache_dir)}
        env.pop("VIRTUAL_ENV", None)
        proc = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=300, check=False)
        raw = target.read_bytes() if wants_out and target.exists() else None
        doc = json.loads(raw) if raw else None
        if doc is not None:
            validate(doc)
        return GateRun(proc.returncode, proc.stdout, proc.stderr, doc, raw)

    return run


def tree_state(repo: Path) -> str:
    """Every file git can see, ignored ones included, with its content hash: proves nothing changed."""
    listing = git(repo, "ls-files", "--cached", "--others", "-z")
    files = sorted(f for f in listing.split("\0") if f)
    status = git(repo, "status", "--porcelain", "--ignored", "--untracked-files=all")
    hashes = git(repo, "hash-object", *files) if files else ""
    return status + hashes
