"""One real ruff tool environment shared by every test that needs one (and by xdist workers: the
environment's own lock makes the second creator reuse the first's)."""

from __future__ import annotations

import os
import platform
import sys
from pathlib import Path

import pytest

from sdetkit.run.process import ProcessRunner
from sdetkit.toolenv import envs

PINNED_RUFF = "0.6.9"  # a single wheel, older than any ruff the project itself installs


@pytest.fixture(scope="session")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache folder whose ``toolenvs`` holds ruff PINNED_RUFF, created once."""
    root = tmp_path_factory.getbasetemp().parent / "toolenvs-shared"
    spec = envs.ToolEnvSpec("ruff", PINNED_RUFF, (), platform.python_version())
    made = envs.ensure(root, spec, sys.executable, "test", ProcessRunner(), os.environ)
    assert isinstance(made, Path), made
    return root


@pytest.fixture
def pinned_cache(shared_cache: Path, tmp_path: Path) -> Path:
    """A per-test cache folder (its own step results) that shares the session's tool environments."""
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "toolenvs").symlink_to(shared_cache / "toolenvs", target_is_directory=True)
    return cache


@pytest.fixture
def cache_dir(pinned_cache: Path) -> Path:
    """The gate's cache folder in these tests: the shared tool environments, its own step results."""
    return pinned_cache
