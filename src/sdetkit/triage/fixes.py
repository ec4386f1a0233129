"""Exact fixes for findings, where the log and the project decide them together.

The extractor stays blind to the repository (it reads logs only, fast); the command layer calls
:func:`complete` once per finding with what it knows of the project. A missing module becomes the
distribution that provides it and the command that installs the dependency set declaring it; a
missing tool that is a Python distribution the same. Anything else keeps the rule's own fix.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from packaging.utils import canonicalize_name

from sdetkit.doctor.testneeds import IMPORT_NAMES, import_names
from sdetkit.repo import requirements
from sdetkit.repo.config import ProjectFacts
from sdetkit.repo.requirements import ReqSet
from sdetkit.triage import registry
from sdetkit.triage.finding import TriageFinding
from sdetkit.triage.rules_native import PY_TOOLS

# Files whose presence makes a folder a Python project (what ``--project`` defaults to).
PROJECT_FILES = ("pyproject.toml", "setup.py", "setup.cfg", "requirements.txt")
MISSING_MODULE = "missing-module"
_GROUP = re.compile(r"--group (?P<name>\S+)$")
_EXTRA = re.compile(r"-e '\.\[(?P<name>[^\]]+)\]'$")


class Project(NamedTuple):
    """What the fixes need of the project triage runs in: its declared dependency sets."""

    root: Path
    sets: tuple[ReqSet, ...]  # test sets first: the failing command is most often the tests'
    uv: bool  # a uv project (uv.lock): its sets are installed with ``uv sync``


def project(facts: ProjectFacts) -> Project:
    """The project's dependency sets, read by the same readers ``doctor`` uses."""
    found = list(requirements.collect(facts).sets)
    reader = requirements.Reader(facts.root, facts.pyproject)
    deps = facts.pyproject.get("project", {}).get("dependencies", [])
    if isinstance(deps, list) and deps:
        found.append(ReqSet("[project] dependencies", "pip install -e .", tuple(map(str, deps)), "main", inline=True))
    if (facts.root / "requirements.txt").is_file():
        found.append(
            ReqSet("requirements.txt", "pip install -r requirements.txt", reader.file("requirements.txt"), "main")
        )
    order = {"test": 0, "main": 1, "dev": 2}
    found.sort(key=lambda s: order.get(s.role, 3))
    return Project(facts.root, tuple(found), (facts.root / "uv.lock").is_file())


def is_project(path: Path) -> bool:
    """Whether ``path`` is the root of a Python project."""
    return any((path / name).is_file() for name in PROJECT_FILES)


def complete(finding: TriageFinding, where: Project | None) -> TriageFinding:
    """The finding with its fix made exact where the log (and the project, if any) decide it."""
    if finding.classification == "missing tool or module" and finding.rule != MISSING_MODULE:
        tool = _group(finding.rule, "module", finding)  # the tool the shell or make could not find
        dist = _tool_dist(tool, where) if tool else None
        if tool and dist:
            return finding._replace(fix=_install_fix(dist, f"the tool {tool}", where))
    # Only an import failure's context is read: a test failure's lines before it are another matter.
    importing = finding.classification in ("missing tool or module", "test collection/import error")
    module = _group(MISSING_MODULE, "module", finding, context=importing)
    if module and where is not None and _own(module, where.root):
        # The project's own package: no distribution to install; the failing environment lacks the project.
        return finding._replace(
            fix=f"{module} is this project's own package: install the project where the command runs "
            f"(python -m pip install -e .) or run it from the project's root (in a container image: copy "
            f"the package into it)"
        )
    if module:
        return finding._replace(fix=_install_fix(_module_dist(module, where), f"module {module}", where))
    return finding


def _own(module: str, root: Path) -> bool:
    """Whether ``module`` is a package or module of the project at ``root`` (flat or src layout)."""
    return any((base / module).is_dir() or (base / f"{module}.py").is_file() for base in (root, root / "src"))


def _group(rule_id: str, group: str, finding: TriageFinding, context: bool = True) -> str | None:
    """A group of rule ``rule_id``'s pattern in the finding's message, or in its excerpt when
    ``context`` (a collection error's section holds the import error; its rule read the title)."""
    rule = next((r for r in registry.all_rules() if r.id == rule_id), None)
    if rule is None:
        return None
    for text in (finding.message, *(reversed(finding.excerpt.splitlines()) if context else ())):
        m = rule.pattern.search(text)
        if m and m.groupdict().get(group):
            return m[group]
    return None


@lru_cache(maxsize=1)
def _provided() -> Mapping[str, list[str]]:
    """Module -> distributions, as the environment triage runs in has them installed (read once)."""
    from importlib.metadata import packages_distributions

    return packages_distributions()


@lru_cache(maxsize=1)
def _scripts() -> Mapping[str, str]:
    """Console script -> its distribution, in the environment triage runs in (read once)."""
    from importlib.metadata import entry_points

    return {ep.name: str(ep.dist.name) for ep in entry_points(group="console_scripts") if ep.dist is not None}


def _req_name(text: str) -> str | None:
    m = re.match(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)", text)
    return m[1] if m else None


def _module_dist(module: str, where: Project | None) -> str:
    """The distribution that provides ``module``: the running environment's, else the project's
    declared one, else the well-known exceptions, else the module's own name."""
    owners = _provided().get(module)
    if owners:
        return owners[0]
    lower = module.lower()
    for s in where.sets if where else ():
        for req in s.requirements:
            name = _req_name(req)
            if name and lower in import_names(name, canonicalize_name(name)):
                return name
    for dist, modules in IMPORT_NAMES.items():  # the first listed wins (opencv-python before -headless)
        if lower in modules and not dist.startswith(lower + "-"):  # psycopg2 is a distribution of its own
            return dist
    return module


def _tool_dist(tool: str, where: Project | None) -> str | None:
    """The distribution that provides command ``tool``, if it is a Python one."""
    if tool in _scripts():
        return _scripts()[tool]
    for s in where.sets if where else ():
        for req in s.requirements:
            name = _req_name(req)
            if name and canonicalize_name(name) == canonicalize_name(tool):
                return name
    return PY_TOOLS.get(tool)  # a distribution's renamed executable (pytest-3) keeps its rule's fix


def _install_fix(dist: str, what: str, where: Project | None) -> str:
    if where is None:
        return f"install {dist} (it provides {what}): python -m pip install {dist}"
    wanted = canonicalize_name(dist)
    declaring = [s for s in where.sets if any(canonicalize_name(_req_name(r) or "") == wanted for r in s.requirements)]
    if declaring:
        s = declaring[0]
        return f"install {dist} (it provides {what}), declared in {s.source}: {_install(s, where.uv)}"
    by_command = {(s.install or s.source): s.source for s in where.sets}  # a set CI installs is listed once
    candidates = ", ".join(list(by_command.values())[:4]) or "pyproject.toml"
    return (
        f"declare {dist} (it provides {what}) in the dependency set the failing command installs "
        f"(candidates: {candidates}), then install that set"
    )


def _install(s: ReqSet, uv: bool) -> str:
    """The command that installs set ``s``, the way the project installs (uv or pip)."""
    command = s.install or "pip install " + " ".join(f"'{r}'" for r in s.requirements)
    if uv:
        for pattern, flag in ((_GROUP, "--group"), (_EXTRA, "--extra")):
            m = pattern.search(command)
            if m:
                return f"uv sync {flag} {m['name']}"
        if command == "pip install -e .":
            return "uv sync"
        return "uv " + command
    if command.startswith("pip "):
        command = "python -m " + command
    return command + (" (pip >= 25.1)" if _GROUP.search(command) else "")
