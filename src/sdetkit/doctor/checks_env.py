"""Environment checks: interpreter, virtual environment, installed tools and their pins.

Declared test dependencies are ``testdeps.py``."""

from __future__ import annotations

import re

from sdetkit.doctor.base import DoctorContext, DoctorFinding, fail, ok, skip, warn
from sdetkit.repo.config import ProjectFacts


def pinned_tools() -> dict[str, str]:
    """Pre-commit hook repository -> the package it pins (see
    :func:`sdetkit.toolenv.planning.pinned_repos`)."""
    from sdetkit.toolenv.planning import pinned_repos

    return pinned_repos()


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
    the order the gate trusts its sources: pre-commit hooks, lock files, then ``==`` pins."""
    from sdetkit.toolenv.pins import project_pins

    return [(p.tool, p.version, p.source) for p in project_pins(facts, pinned_tools())]


def tool_pins(ctx: DoctorContext) -> DoctorFinding:
    """Installed versions of the pinned tools (ruff, mypy: see :func:`pinned_tools`) agree with every
    version the project pins (pre-commit hooks, requirement files, tox and nox deps, dependency
    groups), each pin named with where it is."""
    from sdetkit.toolenv.planning import same_version

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
    drift = [(t, v, w) for t, v, w in pins if not same_version(ctx.env.dists[t], v)]
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
