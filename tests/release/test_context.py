"""What a failed release command's result says: the cause, not the wrapper around it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sdetkit.model import INTERNAL, StepSpec
from sdetkit.release.context import Log, failed_run
from sdetkit.run.process import ProcessResult
from tests.release.test_tool_run import ScriptedRunner, _context

SPEC = StepSpec("build", "release", "build", ("python", "-m", "build"), "test", INTERNAL, timeout=120.0)


def _failed(tmp_path: Path, output: str) -> str:
    log = Log(_context(tmp_path, ScriptedRunner(ProcessResult(1, output, 0.1)), []), [])
    return failed_run(SPEC, log, ProcessResult(1, output, 0.1), "python -m build").message


def test_a_build_requirement_that_cannot_be_installed_names_the_requirement(tmp_path: Path) -> None:
    """The real `python -m build`, offline, on a project whose build backend cannot be found: pip's
    error is relayed with "< ", after it come build's traceback and its one-line wrapper."""
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["sdetkit-no-such-backend>=1"]\nbuild-backend = "nothing"\n'
        '[project]\nname = "p"\nversion = "0.1"\n'
    )
    empty = tmp_path / "no-wheels"
    empty.mkdir()
    env = {**os.environ, "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(empty), "PIP_CONFIG_FILE": os.devnull}
    run = subprocess.run([sys.executable, "-m", "build", "--wheel", str(project)], capture_output=True, text=True,
                         env=env, check=False, timeout=300)  # fmt: skip
    assert run.returncode != 0
    message = _failed(tmp_path, run.stdout + run.stderr)
    assert message == "python -m build failed: ERROR: No matching distribution found for sdetkit-no-such-backend>=1"


def test_output_that_is_not_relayed_keeps_its_last_error(tmp_path: Path) -> None:
    assert _failed(tmp_path, "building\nerror: invalid command 'bdist_wheel'\n") == (
        "python -m build failed: error: invalid command 'bdist_wheel'"
    )
