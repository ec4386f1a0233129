"""Stage one of the gate: where and with what the steps run, resolved once per invocation."""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

from sdetkit.repo import config, environment, git
from sdetkit.run.cache import cache_root, tool_dir
from sdetkit.run.stepenv import step_environ


class Workspace(NamedTuple):
    """The project, its work tree, its state and the environment its tools run in."""

    root: Path  # the project
    top: Path  # its git work tree
    state: git.GitState
    env: environment.Environment
    environ: dict[str, str]  # what steps run with
    cache_root: Path
    tools: Path  # the project's tool-cache folder under cache_root
    facts: config.ProjectFacts

    @property
    def project_path(self) -> str:
        """The project's folder relative to the top of its work tree (``.`` when it is the top)."""
        return self.root.relative_to(self.top).as_posix() if self.root != self.top else "."


def sbom_path(out: Path) -> Path:
    """Where the release gate writes its SBOM: beside the artifact."""
    return out.parent / "sbom.cdx.json"


def _inside(top: Path, paths: list[Path]) -> frozenset[str]:
    """``paths`` that lie inside the work tree, relative to its top."""
    return frozenset(p.relative_to(top).as_posix() for p in paths if p != top and p.is_relative_to(top))


def tree_state(top: Path, out: Path | None, env: environment.Environment) -> git.GitState:
    """The work tree's state, this run's own outputs and the tools' environment aside."""
    own = [out, sbom_path(out)] if out else []
    return git.state(top, _inside(top, own), _inside(top, [Path(env.prefix)]))


def resolve(root: Path, python: str | None, out: Path | None) -> Workspace:
    """Resolve the repository, its configuration and its environment once."""
    top = git.toplevel(root)
    facts = config.load(root)
    croot = cache_root(os.environ)
    interpreter, source = environment.choose_interpreter(root, top, python, os.environ)
    env = environment.probe(interpreter, source, root, os.environ, croot / "probes")
    tools = tool_dir(croot, root)
    return Workspace(root, top, tree_state(top, out, env), env, step_environ(env, tools), croot, tools, facts)
