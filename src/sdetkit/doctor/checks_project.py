"""Project checks: pyproject.toml, sdetkit's config, docs files, CI, test discovery."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sdetkit.doctor.base import CheckFunction, DoctorContext, DoctorFinding, fail, ok, skip, warn
from sdetkit.run.process import query

_NAME = re.compile(r"^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$", re.IGNORECASE)
CI_FILES = (
    ".gitlab-ci.yml",
    "azure-pipelines.yml",
    ".circleci/config.yml",
    "Jenkinsfile",
    ".travis.yml",
    "bitbucket-pipelines.yml",
    ".woodpecker.yml",
    ".buildkite/pipeline.yml",
)
CANONICAL = "sdetkit gate fast --format json --stable-json --out build/gate-fast.json"


def pyproject_valid(ctx: DoctorContext) -> DoctorFinding:
    """PEP 621 [project], PEP 735 [dependency-groups] and a declared [build-system]."""
    if ctx.facts_error and ctx.facts_error.startswith("pyproject.toml"):
        return fail(
            ctx.facts_error, 'fix the file at the line named; `python -c "import tomllib"` parses it the same way'
        )
    if ctx.facts is None or "pyproject.toml" not in ctx.facts.present:
        return skip("no pyproject.toml")
    problems = _project_problems(ctx.facts.pyproject)
    if problems:
        return fail(
            f"pyproject.toml: {problems[0]}",
            "see https://packaging.python.org/en/latest/specifications/pyproject-toml/",
        )
    if not isinstance(ctx.facts.pyproject.get("build-system"), dict):
        return warn(
            "pyproject.toml declares no [build-system]; installers fall back to legacy setuptools",
            '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"',
        )
    return ok("pyproject.toml is valid")


def _project_problems(data: Any) -> list[str]:
    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    problems: list[str] = []
    bs = data.get("build-system")
    if isinstance(bs, dict):
        if not isinstance(bs.get("requires"), list):
            problems.append("[build-system] requires must be a list of requirements")
        if "build-backend" in bs and not isinstance(bs["build-backend"], str):
            problems.append("[build-system] build-backend must be a string")
    project = data.get("project")
    if isinstance(project, dict):
        dynamic = project.get("dynamic", [])
        name = project.get("name")
        if not isinstance(name, str) or not _NAME.match(name):
            problems.append(f"[project] name {name!r} is missing or not a valid distribution name")
        if "version" not in project and "version" not in dynamic:
            problems.append("[project] has no version and does not list it in dynamic")
        rp = project.get("requires-python")
        if rp is not None:
            try:
                SpecifierSet(str(rp))
            except InvalidSpecifier:
                problems.append(f"[project] requires-python {rp!r} is not a valid version specifier")
        reqs = list(project.get("dependencies", []))
        for extra, items in (project.get("optional-dependencies") or {}).items():
            reqs += list(items) if isinstance(items, list) else [f"<{extra} is not a list>"]
        groups = data.get("dependency-groups", {})
        for group, items in groups.items() if isinstance(groups, dict) else []:
            for item in items if isinstance(items, list) else []:
                if isinstance(item, dict):
                    if item.get("include-group") not in groups:
                        problems.append(
                            f"[dependency-groups] {group} includes unknown group {item.get('include-group')!r}"
                        )
                else:
                    reqs.append(item)
        for r in reqs:
            try:
                Requirement(str(r))
            except InvalidRequirement as exc:
                problems.append(f"invalid requirement {r!r}: {exc}")
    elif project is not None:
        problems.append("[project] must be a table")
    return problems


def sdetkit_config(ctx: DoctorContext) -> DoctorFinding:
    error = ctx.facts_error or ctx.plan_error
    if error and ("sdetkit" in error or ctx.plan_error):
        return fail(error, "fix the [tool.sdetkit] table (see the README's configuration section)")
    if ctx.facts is None:
        return skip("the project's configuration could not be read")
    if not ctx.facts.gates:
        return ok("no sdetkit configuration; discovered steps only")
    return ok("sdetkit configuration is valid")


def _first(root: Path, names: tuple[str, ...], folders: tuple[str, ...] = ("",)) -> str | None:
    for folder in folders:
        base = root / folder if folder else root
        if not base.is_dir():
            continue
        existing = {p.name.lower(): p.name for p in base.iterdir() if p.is_file()}
        for name in names:
            for candidate in (name.lower(), *(name.lower() + s for s in (".md", ".rst", ".txt"))):
                if candidate in existing:
                    return f"{folder}/{existing[candidate]}" if folder else existing[candidate]
    return None


def file_check(names: tuple[str, ...], what: str, fix: str, folders: tuple[str, ...] = ("",)) -> CheckFunction:
    """A check that one of ``names`` (any extension) is in one of ``folders`` of the project."""

    def run(ctx: DoctorContext) -> DoctorFinding:
        found = _first(ctx.root, names, folders)
        return ok(f"{found}") if found else fail(f"no {what}", fix)

    return run


def ci_config(ctx: DoctorContext) -> DoctorFinding:
    found = [f for f in CI_FILES if (ctx.root / f).is_file()]
    workflows = ctx.root / ".github" / "workflows"
    if workflows.is_dir():
        found += sorted(f".github/workflows/{p.name}" for p in workflows.iterdir() if p.suffix in {".yml", ".yaml"})
    if not found:
        return fail(
            "no CI configuration (GitHub Actions, GitLab CI, CircleCI, Azure, Jenkins, ...)",
            f"add a CI job that runs: python -m {CANONICAL}",
        )
    runs = [f for f in found if "sdetkit gate" in (ctx.root / f).read_text("utf-8", errors="replace")]
    if not runs:
        return warn(f"CI ({', '.join(found[:3])}) does not run the canonical path", f"add to CI: python -m {CANONICAL}")
    return ok(f"{runs[0]} runs sdetkit's gates")


def tests_discoverable(ctx: DoctorContext) -> DoctorFinding:
    """pytest's collection finds more than zero tests, within its own timeout."""
    if not ctx.has_tests_step:
        return skip("no tests step is planned")
    from sdetkit.gate.plan import NO_RUNNER

    unplanned = dict(ctx.tools_missing).get("tests", "")
    if unplanned.startswith(NO_RUNNER):  # test files exist and nothing would run them: never a pass
        return fail(unplanned, "declare the command CI runs the tests with in [tool.sdetkit.gate.fast.steps.tests]")
    if ctx.env is None or "pytest" not in ctx.env.modules:
        return skip("pytest is not installed (see tools.installed)")
    argv = [
        ctx.env.python,
        "-m",
        "pytest",
        "--collect-only",
        "-q",
        "-o",
        "addopts=",
        "-p",
        "no:cacheprovider",
        "--color=no",
    ]
    res = query(argv, ctx.root, env=ctx.environ, timeout=60)
    text = res.stdout.decode("utf-8", "replace")
    if res.exit_code is None:
        return fail(
            f"test collection did not finish: {res.stderr}",
            "look for slow imports or side effects at import time in the tests",
        )
    count = sum(1 for ln in text.splitlines() if "::" in ln)
    if res.exit_code not in (0, 5):
        error = next(
            (ln for ln in text.splitlines() if ln.startswith(("ERROR", "E "))), f"pytest exited {res.exit_code}"
        )
        return fail(f"test collection failed: {error.strip()[:300]}", f"{ctx.env.python} -m pytest --collect-only -q")
    if count == 0:
        return fail("pytest collects no tests", "check testpaths and python_files in the pytest configuration")
    return ok(f"pytest collects {count} tests")
