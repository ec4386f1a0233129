"""The version a project pins for a tool, and where it pins it.

Sources, most trusted first: the ``rev`` of a known pre-commit hook repository (with the hook's
``additional_dependencies``), because that is the exact version the hook runs; then a lock file
(``uv.lock``, ``poetry.lock``, ``pdm.lock``), because it is what the project's environment resolves
to; then an ``==`` pin in a requirement file, a dependency group, an extra, or tox/nox deps. A tox
env or nox session that names a tool without ``==`` installs the newest version the index offers:
that is an unpinned pin (``spec``), used only by the commands of that env or session.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, NamedTuple

from sdetkit.ci.model import CiCommand
from sdetkit.repo import requirements
from sdetkit.repo.config import ProjectFacts

if TYPE_CHECKING:
    from packaging.requirements import Requirement

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

PRECOMMIT = ".pre-commit-config.yaml"
LOCK_FILES = ("uv.lock", "poetry.lock", "pdm.lock")
# The lock file a lock tool installs from (`uv run`, `uv sync`, `poetry install`, `pdm sync`).
LOCK_OF = {"uv": "uv.lock", "poetry": "poetry.lock", "pdm": "pdm.lock"}
_ENV_SET = re.compile(r"^\S.* \[(?:testenv|env|tool\.tox\.env)|^noxfile\.py session ")


class Pin(NamedTuple):
    """A tool's pinned version, the packages its environment needs with it, and ``file:line``.

    ``owner`` names the tox env or nox session whose deps hold it (``tox.ini [testenv:mypy]``);
    ``spec`` is the requirement as written when it pins no version (``mypy``, ``ruff>=0.5``): the
    env installs the newest version that matches, so ``version`` is empty."""

    tool: str
    version: str
    deps: tuple[str, ...]
    source: str
    owner: str = ""
    spec: str = ""


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
    """Pins of ``tools`` in what the project declares: inline sets (dependency groups, extras, tox
    and nox deps) before requirement files, then the sets CI installs. ``==`` pins everywhere; in
    a tox env's or nox session's sets also a tool named without ``==`` (installed at the newest)."""
    from sdetkit.steps import PROVIDERS

    # A type checker resolves imports: in a tox env or nox session (or an inline set), it gets the
    # env's other packages too (stubs, tomli, plugins, its dependency groups), as CI has them.
    resolving = {p.package for p in PROVIDERS if getattr(p, "sees_project_env", ())}
    sources = requirements.collect(facts)
    declared = [(s.source, s.requirements, True) for s in sources.sets if s.inline and s.install is None]
    declared += [(s.source, s.requirements, True) for s in sources.sets if s.inline and s.install is not None]
    declared += [(where, reqs, False) for where, reqs in sources.files.items()]
    declared += [(s.source, s.requirements, False) for s in sources.sets if not s.inline and owner_of(s.source)]
    parsed_sets = [(where, _parsed(reqs), inline) for where, reqs, inline in declared]
    env_others: dict[str, list[str]] = {}
    for where, parsed, _ in parsed_sets:
        if owner := owner_of(where):
            env_others.setdefault(owner, []).extend(t for t, r in parsed if _canonical(r.name) not in tools)
    pins: list[Pin] = []
    for where, parsed, inline in parsed_sets:
        owner = owner_of(where)
        for text, req in parsed:
            name = _canonical(req.name)
            if name not in tools or req.url:
                continue
            specs = list(req.specifier)
            exact = len(specs) == 1 and specs[0].operator in ("==", "===") and "*" not in specs[0].version
            # Other pinned tools of the set are not its dependencies: each runs from its own environment.
            others = (
                tuple(dict.fromkeys(env_others[owner]))
                if owner
                else tuple(t for t, r in parsed if _canonical(r.name) not in tools)
            )
            deps = others if (inline or owner) and name in resolving else ()
            located = _located(facts, where, text)
            if exact:
                pins.append(Pin(name, specs[0].version, deps, located, owner))
            elif owner:
                pins.append(Pin(name, "", deps, located, owner, text))
    return pins


def _parsed(reqs: tuple[str, ...]) -> list[tuple[str, Requirement]]:
    from packaging.requirements import InvalidRequirement, Requirement

    out = []
    for text in reqs:
        try:
            out.append((text, Requirement(text)))
        except InvalidRequirement:
            continue
    return out


def owner_of(where: str) -> str:
    """The tox env or nox session a requirement set belongs to (``tox.ini [testenv:mypy]``), from
    the set's name (its deps, or a file/group/extra it installs: ``X (tox.ini [testenv:mypy] deps)``);
    empty for any other set."""
    inner = where[where.rindex(" (") + 2 : -1] if where.endswith(")") and " (" in where else where
    inner = inner.removesuffix(" deps")
    return inner if _ENV_SET.match(inner) else ""


def command_owner(command: CiCommand) -> str | None:
    """The name :func:`owner_of` gives the sets of the tox env or nox session a command comes
    from, as a pattern over set owners; None for any other command."""
    kind, file = command.origin.kind, command.origin.file
    if kind == "nox" and command.context.startswith("nox session "):
        return re.escape(f"noxfile.py session {command.context.removeprefix('nox session ')}") + "$"
    if kind == "tox" and command.context.startswith("tox env "):
        name = re.escape(command.context.removeprefix("tox env "))
        base = (
            r"\[testenv\]|env_run_base\]"
            if name in ("testenv", "env_run_base")
            else rf"\[testenv:{name}\]|env\.{name}\]"
        )
        return rf"^{re.escape(file)} .*(?:{base})$"
    return None


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

    A command and its version come from one source, never a hybrid:

    - a hook of a pinned pre-commit repository runs its ``rev`` (a bare commit names none);
    - a tox env's or nox session's command runs what that env installs: its own deps (``==``, or
      the newest when unpinned) and the groups and files it installs; no lock, no other pin;
    - a CI line that runs through a lock's tool (``uv run X``, ``poetry run X``, or in a job that
      ran ``uv sync``/``poetry install``/``pdm install``) runs that lock's version;
    - any other CI line runs what the project's requirement sets pin (never a lock);
    - a command from configuration runs what the project installs: locks, then requirement pins.
    """
    hook = command.hook if command is not None else None
    if hook is not None and hook.rev_line:
        hook_pin = f"{PRECOMMIT}:{hook.rev_line}"
        return next((p for p in pins if p.tool == tool and p.source == hook_pin), None)
    mine = [p for p in pins if p.tool == tool and not p.source.startswith(f"{PRECOMMIT}:")]
    env = command_owner(command) if command is not None else None
    if env is not None:
        own = [p for p in mine if p.owner and re.match(env, p.owner)]
        found = next((p for p in own if not p.spec), None) or next(iter(own), None)
        if found is not None or not command or not command.via:
            return found
    mine = [p for p in mine if not p.spec]
    if command is None:
        return next(iter(mine), None)
    if command.via:
        lock = f"{LOCK_OF[command.via]}:"
        return next((p for p in mine if p.source.startswith(lock)), None)
    declared = [p for p in mine if not p.source.startswith(tuple(f"{n}:" for n in LOCK_FILES))]
    file = command.origin.file
    return next((p for p in declared if p.source.rsplit(":", 1)[0] == file), None) or next(iter(declared), None)


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _located(facts: ProjectFacts, where: str, requirement: str) -> str:
    """``file:line`` of ``requirement`` in the file a source name starts with (``pyproject.toml``
    for its tables), looked for from its env's section on (``[testenv:mypy]``) and as a whole
    entry first (``deps = mypy``, not the ``mypy`` of ``env_list``), else the source name as it is."""
    name = "pyproject.toml" if where.startswith("[") else where.split(" ", 1)[0]
    try:
        lines = (facts.root / name).read_text("utf-8", errors="replace").splitlines()
    except OSError:
        return where
    owner = owner_of(where)
    header = owner.split(" ", 1)[1] if " [" in owner else ""
    start = next((i for i, line in enumerate(lines) if line.strip() == header), 0)
    order = [*range(start, len(lines)), *range(start)]

    def entry(line: str) -> str:
        text = line.split(" #", 1)[0].strip()
        return re.sub(r"^deps\s*=\s*", "", text).strip("\"', ")

    found = next((i for i in order if entry(lines[i]) == requirement), None)
    if found is None:
        found = next((i for i in order if requirement in lines[i]), None)
    return where if found is None else f"{name}:{found + 1}"
