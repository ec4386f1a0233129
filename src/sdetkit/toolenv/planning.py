"""Run each pinned tool at its pinned version: the plan's steps point at a tool environment when
the installed version differs from the project's pin (or the tool is missing), and those
environments are created before any step runs."""

from __future__ import annotations

import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import NamedTuple

from sdetkit import steps
from sdetkit.model import ExternalProgram, InternalCheck, MissingTool, StepSpec
from sdetkit.repo.config import ProjectFacts
from sdetkit.repo.environment import Environment
from sdetkit.run.process import ProcessRunner
from sdetkit.toolenv import envs, overlay
from sdetkit.toolenv.pins import PRECOMMIT, Pin, for_command, project_pins


class PinnedEnv(NamedTuple):
    """The tool environment a step runs from, and where its pin is (named when creation fails)."""

    spec: envs.ToolEnvSpec
    source: str
    # The interpreter the tool is pointed at to see the project's packages beside its own extras
    # (see sdetkit.toolenv.overlay); None when it runs isolated, as a pre-commit hook does.
    overlay: Path | None = None


def newest_source(where: str, version: str | None) -> str:
    """How an unpinned tool's version is shown: where the env names it, and what the newest was."""
    return f"{where} (unpinned, newest: {version})" if version else f"{where}, unpinned"


def _unpinned_where(pin: Pin) -> str:
    """``tox.ini:42 [testenv:mypy] deps``: the line and the env whose deps name the tool."""
    section = pin.owner.split(" ", 1)[1] if " " in pin.owner else pin.owner
    return f"{pin.source} {section} deps"


def pinned_repos() -> dict[str, str]:
    """Pre-commit hook repository -> the package it pins, for every provider whose pins are read."""
    found: dict[str, str] = {}
    for p in steps.PROVIDERS:
        for repo in p.precommit_repos:
            found.setdefault(repo, p.package)
    return found


def same_version(installed: str, pinned: str) -> bool:
    """Whether two version strings name the same version (``1.0`` is ``1.0.0``)."""
    from packaging.version import InvalidVersion, Version

    try:
        return Version(installed) == Version(pinned)
    except InvalidVersion:
        return installed == pinned


def apply_pins(
    specs: tuple[StepSpec, ...],
    facts: ProjectFacts,
    env: Environment,
    cache_root: Path,
    use_installed: bool,
) -> tuple[tuple[StepSpec, ...], dict[str, PinnedEnv]]:
    """``specs`` with the version each pinned tool runs at, and the environments of the steps that
    run a pinned version other than the installed one (by step id)."""
    pins = project_pins(facts, pinned_repos())
    commands = {str(c.origin): c for c in facts.automation}
    providers = {p.name: p for p in steps.PROVIDERS}
    out: list[StepSpec] = []
    needed: dict[str, PinnedEnv] = {}
    for spec in specs:
        prov = providers.get(spec.provider)
        pin = for_command(pins, prov.package, commands.get(spec.origin)) if prov is not None else None
        if prov is None or pin is None or isinstance(spec.program, InternalCheck):
            out.append(spec)
            continue
        installed = env.tool_version(prov.package)
        if pin.spec:
            out.append(_unpinned(spec, pin, prov, installed, cache_root, env, use_installed, needed))
            continue
        if installed is not None and same_version(installed, pin.version):
            out.append(spec._replace(tool_version=pin.version, version_source=f"pinned in {pin.source}"))
        elif use_installed:
            why = f"installed; differs from {pin.version} pinned in {pin.source} (--use-installed-tools)"
            out.append(spec._replace(tool_version=installed, version_source=why))
        else:
            tool_env = envs.ToolEnvSpec(prov.package, pin.version, pin.deps, env.version)
            folder = envs.env_dir(cache_root, tool_env)
            program = _program(folder, getattr(prov, "script", None))
            # A pre-commit hook runs the tool isolated, with only its additional_dependencies: so does
            # the gate. Any other pin installs the tool beside the project's packages and the extras
            # its tox env or nox session lists, and it sees both, through an overlay interpreter.
            isolated = pin.source.startswith(PRECOMMIT)
            sees = () if isolated else getattr(prov, "sees_project_env", ())
            ovl = None if isolated or not sees else overlay.overlay_dir(cache_root, folder, env.python)
            needed[spec.id] = PinnedEnv(tool_env, pin.source, ovl)
            pinned = f"pinned in {pin.source}"
            moved = spec._replace(program=program, extra=(*spec.extra, *sees))
            out.append(moved._replace(tool_version=pin.version, version_source=pinned))
    return tuple(out), needed


def _unpinned(
    spec: StepSpec,
    pin: Pin,
    prov: steps.StepProvider,
    installed: str | None,
    cache_root: Path,
    env: Environment,
    use_installed: bool,
    needed: dict[str, PinnedEnv],
) -> StepSpec:
    """A step whose tox env or nox session installs its tool unpinned: it runs the newest version
    the index offers, from a tool environment resolved again once a day (recorded in ``needed``)."""
    where = _unpinned_where(pin)
    if use_installed and installed is not None:
        why = f"installed; CI installs the newest {pin.spec} ({where}) (--use-installed-tools)"
        return spec._replace(tool_version=installed, version_source=why)
    plain = envs.ToolEnvSpec(prov.package, "", pin.deps, env.version, pin.spec)
    tool_env = envs.resolution(cache_root, plain, time.time())
    folder = envs.env_dir(cache_root, tool_env)
    needed[spec.id] = PinnedEnv(tool_env, where)
    got = envs.installed_version(folder) if envs.is_complete(folder) else None
    program = _program(folder, getattr(prov, "script", None))
    moved = spec._replace(program=program, extra=(*spec.extra, *getattr(prov, "sees_project_env", ())))
    return moved._replace(tool_version=got or "", version_source=newest_source(where, got))


def resolved(specs: tuple[StepSpec, ...], needed: Mapping[str, PinnedEnv], cache_root: Path) -> tuple[StepSpec, ...]:
    """``specs`` with the version each unpinned tool environment resolved to, once it exists."""
    out = []
    for spec in specs:
        pinned = needed.get(spec.id)
        if pinned is None or not pinned.spec.spec:
            out.append(spec)
            continue
        got = envs.installed_version(envs.env_dir(cache_root, pinned.spec))
        out.append(
            spec._replace(tool_version=got or spec.tool_version, version_source=newest_source(pinned.source, got))
        )
    return tuple(out)


def _program(folder: Path, script: str | None) -> ExternalProgram:
    """The tool's program in its environment: its script, else the environment's Python."""
    if script is not None:
        return ExternalProgram(str(envs.scripts_dir(folder) / script))
    return ExternalProgram(str(envs.interpreter(folder)))


def interpreters(needed: Mapping[str, PinnedEnv]) -> dict[str, str]:
    """Step id -> the interpreter its tool is pointed at instead of the target's (its overlay)."""
    return {sid: str(envs.interpreter(p.overlay)) for sid, p in needed.items() if p.overlay is not None}


def prepare(
    needed: Mapping[str, PinnedEnv],
    cache_root: Path,
    python: str,
    runner: ProcessRunner,
    environ: Mapping[str, str],
    jobs: int,
) -> dict[str, str]:
    """Create the distinct environments the steps need, in parallel; step id -> why its
    environment could not be created."""
    distinct = {p.spec: p.source for p in needed.values()}
    if not distinct:
        return {}

    def make(item: tuple[envs.ToolEnvSpec, str]) -> tuple[envs.ToolEnvSpec, str | None]:
        made = envs.ensure(cache_root, item[0], python, item[1], runner, environ)
        return item[0], made.message if isinstance(made, envs.ToolEnvFailure) else None

    with ThreadPoolExecutor(max_workers=max(1, min(jobs, len(distinct)))) as pool:
        failed = {spec: why for spec, why in pool.map(make, distinct.items()) if why is not None}
    out = {sid: failed[p.spec] for sid, p in needed.items() if p.spec in failed}
    for sid, p in needed.items():
        if p.overlay is not None and sid not in out:
            made = overlay.ensure_overlay(cache_root, envs.env_dir(cache_root, p.spec), python, runner, environ)
            if isinstance(made, envs.ToolEnvFailure):
                out[sid] = made.message
    return out


def unavailable(spec: StepSpec, why: str) -> StepSpec:
    """The step, made an error that says why its pinned version could not be installed."""
    return spec._replace(program=MissingTool(why))


__all__ = [
    "Pin",
    "PinnedEnv",
    "apply_pins",
    "interpreters",
    "pinned_repos",
    "prepare",
    "resolved",
    "same_version",
    "unavailable",
]
