"""The environment steps run with."""

from __future__ import annotations

import os
from pathlib import Path

from sdetkit.repo.environment import Environment


def step_environ(env: Environment, tools: Path) -> dict[str, str]:
    """The environment steps run with: the target environment first on PATH, tool caches and
    bytecode redirected outside the repository, colours off so output stays parseable."""
    environ = dict(os.environ)
    environ["PATH"] = os.pathsep.join([env.scripts, environ.get("PATH", "")])
    if env.is_venv:
        environ["VIRTUAL_ENV"] = env.prefix
    else:
        environ.pop("VIRTUAL_ENV", None)  # sdetkit's own activated venv is not the target's
    # Files tools and test runs would otherwise drop into the repository.
    environ["PYTHONPYCACHEPREFIX"] = str(tools / "pycache")
    environ["HYPOTHESIS_STORAGE_DIRECTORY"] = str(tools / "hypothesis")
    environ.setdefault("COVERAGE_FILE", str(tools / ".coverage"))
    tools.mkdir(parents=True, exist_ok=True)
    environ["NO_COLOR"] = "1"
    for noisy in ("FORCE_COLOR", "PY_COLORS", "CLICOLOR_FORCE", "MYPY_FORCE_COLOR"):
        environ.pop(noisy, None)
    return environ
