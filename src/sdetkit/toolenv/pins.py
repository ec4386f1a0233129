"""The version a project pins for a tool, and where it pins it.

Sources, most trusted first: the ``rev`` of a known pre-commit hook repository (with the hook's
``additional_dependencies``), because that is the exact version the hook runs; then a lock file
(``uv.lock``, ``poetry.lock``, ``pdm.lock``), because it is what the project's environment resolves
to; then an ``==`` pin in a requirement file, a dependency group, an extra, or tox/nox deps.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from typing import NamedTuple

from sdetkit.ci.model import CiCommand
from sdetkit.repo import requirements
from sdetkit.repo.config import ProjectFacts

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

PRECOMMIT = ".pre-commit-config.yaml"
LOCK_FILES = ("uv.lock", "poetry.lock", "pdm.lock")


class Pin(NamedTuple):
    """A tool's pinned version, the packages its environment needs with it, and ``file:line``."""

    tool: str
    version: str
    deps: tuple[str, ...]
    source: str


def precommit_pins(text: str, repos: Mapping[str, str]) -> list[Pin]:
    """Pins of the hook repositories in ``repos`` (repository name -> the package it pins) in a
    pre-commit configuration's text, with their hooks' ``additional_dependencies``: read through
    :mod:`sdetkit.ci.precommit`, the one reader of that file."""
    from sdetkit.ci import precommit

    found: dict[str, Pin] = {}
    for repo in precommit.repositories(text):
        if repo.name in repos and repo.version and repos[repo.name] not in found:  # a bare commit names none
            package = repos[repo.name]
            found[package] = Pin(package, repo.version, tuple(dict.fromkeys(repo.deps)), f"{PRECOMMIT}:{repo.rev_line}")
    return list(found.values())


def lock_pins(name: str, text: str, tools: frozenset[str]) -> list[Pin]:
    """The locked version of each of ``tools`` in a lock file (all three formats list
    ``[[package]]`` tables with ``name`` and ``version``). An unreadable lock pins nothing."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return []
    lines = text.splitlines()
    pins: list[Pin] = []
    for package in data.get("package", []):
        tool = _canonical(str(package.get("name", "")))
        version = package.get("version")
        if tool in tools and isinstance(version, str):
            where = re.compile(rf"^name\s*=\s*['\"]{re.escape(str(package['name']))}['\"]", re.IGNORECASE)
            number = next((i for i, ln in enumerate(lines, start=1) if where.match(ln.strip())), 0)
            pins.append(Pin(tool, version, (), f"{name}:{number}"))
    return pins


def requirement_pins(facts: ProjectFacts, tools: frozenset[str]) -> list[Pin]:
    """``==`` pins of ``tools`` in what the project declares: inline sets (dependency groups,
    extras, tox and nox deps) before requirement files, then the sets CI installs."""
    from packaging.requirements import InvalidRequirement, Requirement

    from sdetkit.steps import PROVIDERS

    # A type checker resolves imports: pinned inside an inline set (a tox env's or nox session's
    # deps, a dependency group), it gets the set's other packages too (stubs, tomli, plugins), as
    # that environment has them in CI.
    resolving = {p.package for p in PROVIDERS if getattr(p, "sees_project_env", ())}
    sources = requirements.collect(facts)
    declared = [(s.source, s.requirements, True) for s in sources.sets if s.inline and s.install is None]
    declared += [(s.source, s.requirements, True) for s in sources.sets if s.inline and s.install is not None]
    declared += [(where, reqs, False) for where, reqs in sources.files.items()]
    pins: list[Pin] = []
    for where, reqs, inline in declared:
        parsed = []
        for text in reqs:
            try:
                parsed.append((text, Requirement(text)))
            except InvalidRequirement:
                continue
        for text, req in parsed:
            specs = list(req.specifier)
            exact = len(specs) == 1 and specs[0].operator in ("==", "===") and "*" not in specs[0].version
            name = _canonical(req.name)
            if exact and name in tools:
                # Other pinned tools of the set are not its dependencies: each runs from its own environment.
                others = tuple(t for t, r in parsed if _canonical(r.name) not in tools)
                deps = others if inline and name in resolving else ()
                pins.append(Pin(name, specs[0].version, deps, _located(facts, where, text)))
    return pins


def project_pins(facts: ProjectFacts, repos: Mapping[str, str]) -> list[Pin]:
    """Every pin of the tools ``repos`` names (hook repository -> package), most trusted first."""
    tools = frozenset(repos.values())
    found = precommit_pins(facts.evidence.get(PRECOMMIT, ""), repos)
    for name in LOCK_FILES:
        path = facts.root / name
        if path.is_file():
            found += lock_pins(name, path.read_text("utf-8", errors="replace"), tools)
    found += requirement_pins(facts, tools)
    return list(dict.fromkeys(found))


def chosen(pins: list[Pin]) -> dict[str, Pin]:
    """The most trusted pin of each tool."""
    out: dict[str, Pin] = {}
    for pin in pins:
        out.setdefault(pin.tool, pin)
    return out


def for_command(pins: list[Pin], tool: str, command: CiCommand | None) -> Pin | None:
    """The pin of ``tool`` that belongs to the source a step's command comes from (``command``:
    the automation's command it runs, None when it comes from configuration).

    A command and its version come from one source, never a hybrid: a pre-commit hook from a
    pinned repository runs its ``rev`` and nothing else (a bare commit names no version, so no
    pin); any other command (a local hook, tox, nox, a CI job, configuration) runs what the project
    installs, so a hook's rev never pins it: a pin in the command's own file first (a tox env's
    deps), then locks and requirement pins in trust order.
    """
    hook = command.hook if command is not None else None
    if hook is not None and hook.rev_line:
        hook_pin = f"{PRECOMMIT}:{hook.rev_line}"
        return next((p for p in pins if p.tool == tool and p.source == hook_pin), None)
    installed = [p for p in pins if p.tool == tool and not p.source.startswith(f"{PRECOMMIT}:")]
    own = command.origin.file if command is not None else None
    return next((p for p in installed if p.source.rsplit(":", 1)[0] == own), None) or next(iter(installed), None)


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _located(facts: ProjectFacts, where: str, requirement: str) -> str:
    """``file:line`` of ``requirement`` in the file a source name starts with (``pyproject.toml``
    for its tables), else the source name as it is."""
    name = "pyproject.toml" if where.startswith("[") else where.split(" ", 1)[0]
    try:
        lines = (facts.root / name).read_text("utf-8", errors="replace").splitlines()
    except OSError:
        return where
    for number, line in enumerate(lines, start=1):
        if requirement in line:
            return f"{name}:{number}"
    return where
