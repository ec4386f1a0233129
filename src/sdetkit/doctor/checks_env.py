"""Environment checks: interpreter, virtual environment, tools, declared test dependencies."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sdetkit.doctor.base import DoctorContext, Finding, fail, ok, skip, warn
from sdetkit.repo.config import ProjectFacts

# Test dependency sets, most specific first. `dev` sets are only a fallback: they usually also hold
# tox, pre-commit or docs tools that running the tests does not need.
TEST_GROUPS = ("test", "tests", "testing")
DEV_GROUPS = ("dev",)
TEST_FILES = (
    "requirements-test.txt",
    "requirements-tests.txt",
    "test-requirements.txt",
    "requirements/test.txt",
    "requirements/tests.txt",
)
DEV_FILES = ("requirements-dev.txt", "dev-requirements.txt", "requirements/dev.txt")
# `rev: v0.6.1`, or a frozen commit `rev: 76e4732...  # frozen: v0.11.11` (the comment is the version).
_PRECOMMIT_PIN = re.compile(
    r"repo:\s*\S*/(?P<repo>ruff-pre-commit|mirrors-mypy)\S*\s+rev:\s*['\"]?v?(?P<rev>[\w.]+)['\"]?"
    r"(?:[ \t]*#\s*frozen:\s*v?(?P<frozen>[\w.]+))?"
)
_SHA = re.compile(r"^[0-9a-f]{40}$")


def python_requires(ctx: DoctorContext) -> Finding:
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


def virtualenv(ctx: DoctorContext) -> Finding:
    if ctx.env is None:
        return skip("no Python environment could be probed")
    if ctx.env.is_venv:
        return ok(f"virtual environment {ctx.env.prefix} ({ctx.env.source})")
    return warn(
        f"the gates would run tools from {ctx.env.python} ({ctx.env.source}), which is not a virtual environment",
        "python -m venv .venv && .venv/bin/python -m pip install -e '.[test]' (or your project's install command)",
    )


def tools_installed(ctx: DoctorContext) -> Finding:
    if ctx.plan_error:
        return skip(f"the gate plan could not be built: {ctx.plan_error}")
    if not ctx.tools_missing:
        return ok("every tool the fast gate runs is installed")
    ids = ", ".join(sid for sid, _ in ctx.tools_missing)
    return fail(
        f"tools missing for steps: {ids}",
        "; ".join(dict.fromkeys(h.split("install it with: ")[-1] for _, h in ctx.tools_missing)),
    )


def _requirements(facts_pyproject: Any, root: Path) -> list[tuple[str, str, list[str]]]:
    """(source, install command, requirements) of the declared test dependency sets; the dev ones
    only when no test set is declared."""
    tests = list(_sets(facts_pyproject, root, TEST_GROUPS, TEST_FILES))
    return tests or list(_sets(facts_pyproject, root, DEV_GROUPS, DEV_FILES))


def _sets(
    facts_pyproject: Any, root: Path, names: tuple[str, ...], files: tuple[str, ...]
) -> Iterator[tuple[str, str, list[str]]]:
    groups = facts_pyproject.get("dependency-groups", {})
    for name in names:
        if isinstance(groups.get(name), list):
            yield f"[dependency-groups] {name}", f"pip install --group {name}", _group(groups, name, set())
    extras = facts_pyproject.get("project", {}).get("optional-dependencies", {})
    for name in names:
        if isinstance(extras.get(name), list):
            yield (
                f"[project.optional-dependencies] {name}",
                f"pip install -e '.[{name}]'",
                [str(r) for r in extras[name]],
            )
    poetry_groups = facts_pyproject.get("tool", {}).get("poetry", {}).get("group", {})
    for name in names:
        deps = poetry_groups.get(name, {}).get("dependencies")
        if isinstance(deps, dict):
            yield f"[tool.poetry.group.{name}]", f"poetry install --with {name}", list(deps)
    for rel in files:
        path = root / rel
        if path.is_file():
            lines = [ln.split("#", 1)[0].strip() for ln in path.read_text("utf-8", errors="replace").splitlines()]
            yield rel, f"pip install -r {rel}", [ln for ln in lines if ln and not ln.startswith("-")]


def _group(groups: Any, name: str, seen: set[str]) -> list[str]:
    out: list[str] = []
    seen.add(name)
    for item in groups.get(name, []):
        if isinstance(item, str):
            out.append(item)
        elif (
            isinstance(item, dict) and isinstance(item.get("include-group"), str) and item["include-group"] not in seen
        ):
            out += _group(groups, item["include-group"], seen)
    return out


def test_dependencies(ctx: DoctorContext) -> Finding:
    """Declared test dependencies are importable; a missing one is named with the install command,
    because otherwise the tests step fails with a collection error."""
    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.utils import canonicalize_name

    if ctx.env is None or ctx.facts is None:
        return skip("the environment or pyproject.toml could not be read")
    installed = {canonicalize_name(k): v for k, v in ctx.env.dists.items()}
    marker_env = {
        "python_version": ".".join(ctx.env.version.split(".")[:2]),
        "python_full_version": ctx.env.version,
        "extra": "",
    }
    checked = 0
    for source, command, requirements in _requirements(ctx.facts.pyproject, ctx.root):
        missing: list[str] = []
        for text in requirements:
            try:
                req = Requirement(text)
            except InvalidRequirement:
                continue
            if req.marker is not None and not req.marker.evaluate(marker_env):
                continue
            checked += 1
            have = installed.get(canonicalize_name(req.name))
            if have is None:
                missing.append(req.name)
            elif req.specifier and not req.specifier.contains(have, prereleases=True):
                missing.append(f"{req.name} (have {have}, need {req.specifier})")
        if missing:
            return fail(
                f"{source} declares {', '.join(missing)}, not installed in {ctx.env.python}",
                f"{ctx.env.python} -m {command}" if command.startswith("pip ") else command,
            )
    if checked == 0:
        return skip("no test dependencies declared (dependency groups, test/dev extras or requirements files)")
    return ok(f"{checked} declared test dependencies are installed")


def tool_pins(ctx: DoctorContext) -> Finding:
    """Installed ruff/mypy versions agree with the versions pre-commit pins."""
    if ctx.env is None or ctx.facts is None:
        return skip("the environment or project could not be read")
    text = ctx.facts.evidence.get(".pre-commit-config.yaml", "")
    pins = {
        ("ruff" if m["repo"] == "ruff-pre-commit" else "mypy"): m["frozen"] or m["rev"]
        for m in _PRECOMMIT_PIN.finditer(text)
        if m["frozen"] or not _SHA.match(m["rev"])  # a bare commit SHA names no version
    }
    if not pins:
        return skip("no tool versions pinned in .pre-commit-config.yaml")
    drift = [
        f"{tool} {ctx.env.dists.get(tool)} installed, pre-commit pins {rev}"
        for tool, rev in sorted(pins.items())
        if ctx.env.dists.get(tool) not in (None, rev)
    ]
    if drift:
        fix = " ".join(f"{tool}=={rev}" for tool, rev in sorted(pins.items()))
        return warn("; ".join(drift), f"{ctx.env.python} -m pip install {fix}")
    return ok(", ".join(f"{t} {v}" for t, v in sorted(pins.items())) + " as pinned")
