"""Environment checks: interpreter, virtual environment, tools, declared test dependencies."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sdetkit.doctor.base import DoctorContext, Finding, fail, ok, skip, warn

TEST_GROUPS = ("test", "tests", "testing", "dev")
REQUIREMENT_FILES = (
    "requirements-test.txt",
    "requirements-tests.txt",
    "test-requirements.txt",
    "requirements-dev.txt",
    "dev-requirements.txt",
    "requirements/test.txt",
    "requirements/tests.txt",
    "requirements/dev.txt",
)
_PRECOMMIT_PIN = re.compile(r"repo:\s*\S*/(?P<repo>ruff-pre-commit|mirrors-mypy)\S*\s+rev:\s*['\"]?v?(?P<rev>[\w.]+)")


def python_requires(ctx: DoctorContext) -> Finding:
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    if ctx.env is None or ctx.facts is None:
        return skip("the environment or pyproject.toml could not be read")
    spec = ctx.facts.pyproject.get("project", {}).get("requires-python")
    if not isinstance(spec, str):
        return skip("pyproject.toml declares no requires-python")
    try:
        wanted = SpecifierSet(spec)
    except InvalidSpecifier:
        return skip(f"requires-python {spec!r} is not a valid specifier (see pyproject.valid)")
    if wanted.contains(ctx.env.version, prereleases=True):
        return ok(f"Python {ctx.env.version} satisfies requires-python {spec}")
    return fail(
        f"Python {ctx.env.version} ({ctx.env.python}) does not satisfy requires-python {spec}",
        "create the environment with a matching interpreter, e.g. python3.X -m venv .venv, or pass --python",
    )


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


def _requirements(facts_pyproject: Any, root: Path) -> Iterator[tuple[str, str, list[str]]]:
    """(source, install command, requirement strings) for every declared test dependency set."""
    groups = facts_pyproject.get("dependency-groups", {})
    for name in TEST_GROUPS:
        if isinstance(groups.get(name), list):
            yield f"[dependency-groups] {name}", f"pip install --group {name}", _group(groups, name, set())
    extras = facts_pyproject.get("project", {}).get("optional-dependencies", {})
    for name in TEST_GROUPS:
        if isinstance(extras.get(name), list):
            yield (
                f"[project.optional-dependencies] {name}",
                f"pip install -e '.[{name}]'",
                [str(r) for r in extras[name]],
            )
    poetry_groups = facts_pyproject.get("tool", {}).get("poetry", {}).get("group", {})
    for name in TEST_GROUPS:
        deps = poetry_groups.get(name, {}).get("dependencies")
        if isinstance(deps, dict):
            yield f"[tool.poetry.group.{name}]", f"poetry install --with {name}", list(deps)
    for rel in REQUIREMENT_FILES:
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
    pins = {("ruff" if m["repo"] == "ruff-pre-commit" else "mypy"): m["rev"] for m in _PRECOMMIT_PIN.finditer(text)}
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
