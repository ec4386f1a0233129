"""Environment checks: interpreter, virtual environment, installed tools and their pins.

Declared test dependencies are ``testdeps.py``."""

from __future__ import annotations

import functools
import re

from sdetkit import steps
from sdetkit.doctor.base import DoctorContext, DoctorFinding, fail, ok, skip, warn
from sdetkit.repo import requirements
from sdetkit.repo.config import ProjectFacts


def pinned_tools() -> dict[str, str]:
    """Pre-commit hook repository -> the package it pins, for every provider whose pins are read
    (each names the hook repositories that pin it), in registry order."""
    found: dict[str, str] = {}
    for p in steps.PROVIDERS:
        for repo in p.precommit_repos:
            found.setdefault(repo, p.package)
    return found


@functools.lru_cache(maxsize=8)
def _precommit_pin(repos: tuple[str, ...]) -> re.Pattern[str]:
    # `rev: v0.6.1`, or a frozen commit `rev: 76e4732...  # frozen: v0.11.11` (the comment is the version).
    return re.compile(
        rf"repo:\s*\S*/(?P<repo>{'|'.join(map(re.escape, repos))})\S*\s+rev:\s*['\"]?v?(?P<rev>[\w.]+)['\"]?"
        r"(?:[ \t]*#\s*frozen:\s*v?(?P<frozen>[\w.]+))?"
    )


_SHA = re.compile(r"^[0-9a-f]{40}$")


def python_requires(ctx: DoctorContext) -> DoctorFinding:
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    if ctx.env is None or ctx.facts is None:
        return skip("the environment or pyproject.toml could not be read")
    where, spec = _requires_python(ctx.facts)
    if spec is None:
        return skip("no requires-python ([project], [tool.poetry.dependencies] python, setup.cfg python_requires)")
    try:
        wanted = SpecifierSet(spec)
    except InvalidSpecifier:
        return skip(f"requires-python {spec!r} is not a valid specifier (see pyproject.valid)")
    if wanted.contains(ctx.env.version, prereleases=True):
        return ok(f"Python {ctx.env.version} satisfies {where} {spec}")
    return fail(
        f"Python {ctx.env.version} ({ctx.env.python}) does not satisfy {where} {spec}",
        "create the environment with a matching interpreter, e.g. python3.X -m venv .venv, or pass --python",
    )


def _requires_python(facts: ProjectFacts) -> tuple[str, str | None]:
    data = facts.pyproject
    spec = data.get("project", {}).get("requires-python")
    if isinstance(spec, str):
        return "requires-python", spec
    poetry = data.get("tool", {}).get("poetry", {}).get("dependencies", {}).get("python")
    if isinstance(poetry, str):
        return "poetry python", _poetry_to_pep440(poetry)
    cfg = facts.ini_section("setup.cfg", "options")
    if cfg and cfg.get("python_requires"):
        return "setup.cfg python_requires", cfg["python_requires"].strip()
    return "", None


def _poetry_to_pep440(spec: str) -> str:
    """Poetry's caret and tilde constraints (``^3.9``, ``~3.9``) as PEP 440 ranges."""
    out = []
    for part in (p.strip() for p in spec.split(",")):
        m = re.match(r"^([\^~])(\d+)(?:\.(\d+))?", part)
        if m is None:
            out.append(part)
            continue
        major, minor = int(m[2]), int(m[3] or 0)
        upper = f"{major + 1}" if m[1] == "^" and major > 0 else f"{major}.{minor + 1}"
        out.append(f">={major}.{minor},<{upper}")
    return ",".join(out)


def virtualenv(ctx: DoctorContext) -> DoctorFinding:
    if ctx.env is None:
        return skip("no Python environment could be probed")
    if ctx.env.is_venv:
        return ok(f"virtual environment {ctx.env.prefix} ({ctx.env.source})")
    return warn(
        f"the gates would run tools from {ctx.env.python} ({ctx.env.source}), which is not a virtual environment",
        "python -m venv .venv && .venv/bin/python -m pip install -e '.[test]' (or your project's install command)",
    )


def tools_installed(ctx: DoctorContext) -> DoctorFinding:
    if ctx.plan_error:
        return skip(f"the gate plan could not be built: {ctx.plan_error}")
    if not ctx.tools_missing:
        return ok("every tool the fast gate runs is installed")
    ids = ", ".join(sid for sid, _ in ctx.tools_missing)
    # Each entry is the provider's install command (or, for a declared program, why it is missing).
    return fail(f"tools missing for steps: {ids}", "; ".join(dict.fromkeys(h for _, h in ctx.tools_missing)))


def _pins(facts: ProjectFacts) -> list[tuple[str, str, str]]:
    """(tool, version, where) for every exact pin of a pinned tool (see :func:`pinned_tools`), in
    the order the gate trusts its sources: pre-commit hooks, then tox and nox deps, requirement
    files, dependency groups."""
    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.utils import canonicalize_name

    by_repo = pinned_tools()
    tools = set(by_repo.values())
    found = [
        (by_repo[m["repo"]], m["frozen"] or m["rev"], ".pre-commit-config.yaml")
        for m in _precommit_pin(tuple(by_repo)).finditer(facts.evidence.get(".pre-commit-config.yaml", ""))
        if m["frozen"] or not _SHA.match(m["rev"])  # a bare commit SHA names no version
    ]
    sources = requirements.collect(facts)
    declared = [(s.source, s.requirements) for s in sources.sets if s.inline and s.install is None]
    declared += list(sources.files.items())
    declared += [(s.source, s.requirements) for s in sources.sets if s.inline and s.install is not None]
    for where, reqs in declared:
        for text in reqs:
            try:
                req = Requirement(text)
            except InvalidRequirement:
                continue
            specs = list(req.specifier)
            exact = len(specs) == 1 and specs[0].operator in ("==", "===") and "*" not in specs[0].version
            if exact and canonicalize_name(req.name) in tools:
                found.append((canonicalize_name(req.name), specs[0].version, where))
    return list(dict.fromkeys(found))


def _same(installed: str, pinned: str) -> bool:
    from packaging.version import InvalidVersion, Version

    try:
        return Version(installed) == Version(pinned)
    except InvalidVersion:
        return installed == pinned


def tool_pins(ctx: DoctorContext) -> DoctorFinding:
    """Installed versions of the pinned tools (ruff, mypy: see :func:`pinned_tools`) agree with every
    version the project pins (pre-commit hooks, requirement files, tox and nox deps, dependency
    groups), each pin named with where it is."""
    if ctx.env is None or ctx.facts is None:
        return skip("the environment or project could not be read")
    declared = _pins(ctx.facts)
    pins = [(tool, version, where) for tool, version, where in declared if ctx.env.dists.get(tool)]
    if not declared:
        names = " or ".join(dict.fromkeys(pinned_tools().values()))
        return skip(
            f"no {names} version pinned (.pre-commit-config.yaml, requirement files, tox and nox deps, "
            "dependency groups)"
        )
    if not pins:  # a pinned tool that is not installed is tools.installed's finding, not a drift
        tools = ", ".join(sorted({t for t, _, _ in declared}))
        return skip(f"{tools} pinned but not installed in {ctx.env.python} (see tools.installed)")
    drift = [(t, v, w) for t, v, w in pins if not _same(ctx.env.dists[t], v)]
    if drift:
        first = {t: v for t, v, _ in reversed(pins)}  # the most trusted pin of each tool
        return warn(
            "; ".join(f"{t} {ctx.env.dists[t]} installed, {w} pins {v}" for t, v, w in drift),
            f"{ctx.env.python} -m pip install " + " ".join(f"{t}=={v}" for t, v in sorted(first.items())),
        )
    where: dict[tuple[str, str], list[str]] = {}
    for t, v, w in pins:
        where.setdefault((t, v), []).append(w)
    return ok(", ".join(f"{t} {v} as pinned ({', '.join(ws)})" for (t, v), ws in sorted(where.items())))
