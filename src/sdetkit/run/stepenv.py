"""The environment steps run with."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from sdetkit.repo.environment import Environment
from sdetkit.run import bytecode


def step_environ(env: Environment, tools: Path) -> dict[str, str]:
    """The environment steps run with: the target environment first on PATH, tool caches and
    bytecode redirected outside the repository. Colours are each step's own (see :func:`for_step`)."""
    environ = dict(os.environ)
    environ["PATH"] = os.pathsep.join([env.scripts, environ.get("PATH", "")])
    if env.is_venv:
        environ["VIRTUAL_ENV"] = env.prefix
    else:
        environ.pop("VIRTUAL_ENV", None)  # sdetkit's own activated venv is not the target's
    # Files tools and test runs would otherwise drop into the repository. Bytecode is redirected only
    # where it is written at all: under PYTHONDONTWRITEBYTECODE a prefix keeps nothing out of the
    # tree and only hides the environment's own bytecode, so every process (and every subprocess a
    # test starts) would compile the standard library and its packages from source (run/bytecode.py).
    if bytecode.writes_bytecode(environ):
        environ["PYTHONPYCACHEPREFIX"] = str(pycache(tools))
    environ["HYPOTHESIS_STORAGE_DIRECTORY"] = str(tools / "hypothesis")
    # COVERAGE_FILE is not redirected: a test that runs coverage itself and looks for its data file
    # where coverage writes it by default would fail here and pass in CI. Data the gate reads is
    # named by its own steps (steps/coverage.py); data files a run leaves in the tree are outputs
    # the cache key ignores (repo/git.py).
    tools.mkdir(parents=True, exist_ok=True)
    return environ


# Variables that force colour on, which a tool's parsed output must not have.
_FORCING = ("FORCE_COLOR", "PY_COLORS", "CLICOLOR_FORCE", "MYPY_FORCE_COLOR")


def for_step(environ: Mapping[str, str], kind: str) -> dict[str, str]:
    """The environment one step runs with. A check's output is read, so its colours are turned off;
    a test run runs the project's own code, which may read the colour variables itself (a test that
    sets FORCE_COLOR and expects colour), so it gets them as CI would: its runner's colour is turned
    off by the runner's own flag instead (pytest's ``--color=no``)."""
    env = dict(environ)
    if kind == "tests":
        return env
    env["NO_COLOR"] = "1"
    for forcing in _FORCING:
        env.pop(forcing, None)
    return env


def pycache(tools: Path) -> Path:
    """The project's bytecode prefix, inside its tool-cache folder (kept between runs)."""
    return tools / "pycache"


def prepare_bytecode(environ: dict[str, str], env: Environment, tools: Path, tree: Path) -> int:
    """Before steps run: link the environment's bytecode into the prefix, when steps get one, so the
    prefix only changes where the project's own bytecode goes. Returns the links made (0 once done)."""
    prefix = pycache(tools)
    if environ.get("PYTHONPYCACHEPREFIX") != str(prefix) or env.cache_tag is None:
        return 0
    roots = bytecode.mirrored_roots(env.sys_path, tree, env.prefix)
    return bytecode.mirror(prefix, roots, bytecode.wanted(env.cache_tag, environ))
