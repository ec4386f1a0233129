"""Cached tool environments: created once with a real pip install, reused, keyed by what they hold."""

from __future__ import annotations

import os
import platform
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

from sdetkit.run.process import ProcessResult, ProcessRunner
from sdetkit.toolenv import envs
from tests.toolenv.conftest import PINNED_RUFF

PY = platform.python_version()


class CountingRunner(ProcessRunner):
    """The real runner, remembering what it ran."""

    def __init__(self) -> None:
        super().__init__()
        self.ran: list[list[str]] = []

    def run(self, argv: Sequence[str], cwd: Path, env: Mapping[str, str], timeout: float | None) -> ProcessResult:
        self.ran.append(list(argv))
        return super().run(argv, cwd, env, timeout)


def test_the_key_changes_with_version_deps_and_python_and_not_with_deps_order() -> None:
    base = envs.ToolEnvSpec("mypy", "1.11.2", ("types-requests", "attrs"), "3.12.1")
    assert base.key == base._replace(deps=("attrs", "types-requests")).key
    others = {
        base._replace(version="1.11.1").key,
        base._replace(deps=("types-requests",)).key,
        base._replace(python_version="3.11.9").key,
        base._replace(package="ruff").key,
    }
    assert base.key not in others and len(others) == 4
    assert envs.env_dir(Path("/c"), base) == Path("/c/toolenvs") / f"mypy-1.11.2-{base.key[:16]}"


@pytest.mark.slow
def test_created_once_then_reused_without_running_pip(shared_cache: Path) -> None:
    spec = envs.ToolEnvSpec("ruff", PINNED_RUFF, (), PY)
    folder = envs.env_dir(shared_cache, spec)
    assert envs.is_complete(folder)
    marker = (folder / envs.MARKER).stat().st_mtime_ns
    runner = CountingRunner()
    assert envs.ensure(shared_cache, spec, sys.executable, "x", runner, os.environ) == folder
    assert runner.ran == []  # reused: neither venv nor pip ran
    assert (folder / envs.MARKER).stat().st_mtime_ns == marker
    version = ProcessRunner().run([str(envs.scripts_dir(folder) / "ruff"), "--version"], folder, os.environ, 60)
    assert version.output.strip() == f"ruff {PINNED_RUFF}"
    # Nothing half-made is left beside it.
    assert not [p for p in folder.parent.iterdir() if ".tmp-" in p.name]


@pytest.mark.slow
def test_a_version_that_does_not_exist_is_one_line_naming_the_pin(tmp_path: Path) -> None:
    spec = envs.ToolEnvSpec("ruff", "0.0.0", (), PY)
    made = envs.ensure(tmp_path, spec, sys.executable, ".pre-commit-config.yaml:3", ProcessRunner(), os.environ)
    assert made == envs.ToolEnvFailure(
        "cannot install ruff==0.0.0 (pinned in .pre-commit-config.yaml:3): "
        "ERROR: No matching distribution found for ruff==0.0.0"
    )
    # Nothing is left that a later run could take for a complete environment.
    assert [p.name for p in (tmp_path / "toolenvs").iterdir()] == [f"{envs.env_dir(tmp_path, spec).name}.lock"]


def test_an_interpreter_that_cannot_start_is_a_failure_not_a_crash(tmp_path: Path) -> None:
    spec = envs.ToolEnvSpec("ruff", PINNED_RUFF, (), PY)
    made = envs.ensure(tmp_path, spec, str(tmp_path / "no-python"), "uv.lock:9", ProcessRunner(), os.environ)
    assert made == envs.ToolEnvFailure(
        f"cannot install ruff=={PINNED_RUFF} (pinned in uv.lock:9): program not found: {tmp_path / 'no-python'}"
    )


def test_a_finished_run_is_reported_from_its_last_error_line() -> None:
    out = "Collecting x\nERROR: Could not find a version\nERROR: No matching distribution found for x==9\n"
    assert envs._last_line(out) == "ERROR: No matching distribution found for x==9"
    assert envs._last_line("only a warning\n") == "only a warning"
