"""Expensive test inputs built once per test session, however many xdist workers need them."""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest


def built_once(factory: pytest.TempPathFactory, name: str, build: Callable[[Path], None]) -> Path:
    """The folder ``name``, filled by ``build`` the first time any worker of this session asks for
    it; later callers (other workers included) wait for that build and reuse it read-only.

    A module-scoped fixture is built once per worker that runs a test of the module, and xdist
    spreads a module's tests over its workers, so the same real gate evidence was made twice."""
    base = factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # this session's folder, which all its workers share
    folder = base / name
    with (base / f"{name}.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not (folder / ".complete").exists():
            shutil.rmtree(folder, ignore_errors=True)  # a build that failed half-way
            folder.mkdir()
            build(folder)
            (folder / ".complete").touch()
    return folder
