"""``deps.tests``: the packages the tests need are installed in the target environment.

The sources are every set the project declares for its tests (``repo/requirements.py``), the dev
sets only when there is none. A missing package blocks (high) only when the tests need it
(``doctor/testneeds.py``): otherwise a release would be held back by a package no test touches.
Anything else missing, or installed at another version, is a low warning with its install command.
Orchestration and release tools are never test dependencies unless the tests import them.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Iterable, Mapping
from typing import NamedTuple

from sdetkit.doctor.base import DoctorContext, DoctorFinding, Severity, fail, ok, skip, warn
from sdetkit.doctor.testneeds import ORCHESTRATION, import_names, reason
from sdetkit.repo import requirements, testusage
from sdetkit.repo.environment import Environment
from sdetkit.repo.requirements import ReqSet
from sdetkit.run.process import query

# Run in the target interpreter (not sdetkit's): which of the tests' imports it can resolve, and
# which modules its installed distributions provide (``packages_distributions``, Python 3.10+).
_PROBE = r"""
import importlib.util, json, os, re, sys
sys.path[:] = [p for p in sys.path if p not in ("", os.getcwd())]
modules, dists = json.loads(sys.argv[1])
found = []
for m in modules:
    try:
        if importlib.util.find_spec(m) is not None:
            found.append(m)
    except (ImportError, ValueError):
        pass
provides = {}
try:
    from importlib.metadata import packages_distributions
    for module, owners in packages_distributions().items():
        for owner in owners:
            name = re.sub(r"[-_.]+", "-", owner).lower()
            if name in dists:
                provides.setdefault(name, []).append(module)
except Exception:
    pass
print(json.dumps({"importable": found, "provides": provides}))
"""
NOTHING_DECLARED = (
    "no test dependencies declared (dependency groups, extras, requirements files, tox or nox test "
    "environments, files CI installs)"
)


class _Entry(NamedTuple):
    text: str
    name: str
    canonical: str
    have: str | None
    satisfied: bool
    source: ReqSet


def _entries(sets: Iterable[ReqSet], env: Environment) -> list[_Entry]:
    """Each declared requirement once (its first source), markers evaluated for the target."""
    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.utils import canonicalize_name
    from packaging.version import InvalidVersion

    installed = {canonicalize_name(k): v for k, v in env.dists.items()}
    marker_env = {"python_version": ".".join(env.version.split(".")[:2]), "python_full_version": env.version}
    seen: dict[str, _Entry] = {}
    for rs in sets:
        for text in rs.requirements:
            try:
                req = Requirement(text)
            except InvalidRequirement:
                continue  # a URL, a path or a variable: nothing to compare with
            canonical = canonicalize_name(req.name)
            if canonical in seen or (req.marker is not None and not req.marker.evaluate({**marker_env, "extra": ""})):
                continue
            have = installed.get(canonical)
            try:
                good = have is not None and (not req.specifier or req.specifier.contains(have, prereleases=True))
            except InvalidVersion:
                good = have is not None
            seen[canonical] = _Entry(text, req.name, canonical, have, good, rs)
    return list(seen.values())


def _probe(ctx: DoctorContext, modules: list[str], dists: list[str]) -> tuple[set[str], dict[str, list[str]]]:
    """(importable modules, modules each distribution provides) as the target interpreter sees them;
    empty when it cannot be asked (then only the declared names speak)."""
    if ctx.env is None or not (modules or dists):
        return set(), {}
    res = query([ctx.env.python, "-c", _PROBE, json.dumps([modules, dists])], ctx.root, env=ctx.environ, timeout=60)
    try:
        data = json.loads(res.stdout) if res.exit_code == 0 else {}
        return set(data.get("importable", [])), dict(data.get("provides", {}))
    except ValueError:
        return set(), {}


def _fix(python: str, missing: Iterable[_Entry]) -> str:
    """The commands that install the sets ``missing`` come from, each once."""
    commands: dict[str, None] = {}
    inline: dict[str, list[str]] = {}
    for e in missing:
        if e.source.install is None:
            inline.setdefault(e.source.source, []).append(shlex.quote(e.text))
        elif e.source.install.startswith("pip "):
            commands[f"{python} -m {e.source.install}"] = None
        else:
            commands[e.source.install] = None
    commands.update({f"{python} -m pip install {' '.join(reqs)}": None for reqs in inline.values()})
    return " && ".join(commands)


def _describe(e: _Entry, why: str | None) -> str:
    notes = [] if e.have is None else [f"{e.have} installed, {e.text[len(e.name) :].strip()} declared"]
    notes += [why] if why else []
    return f"{e.name} ({'; '.join(notes)})" if notes else e.name


def _by_source(items: list[tuple[_Entry, str | None]]) -> str:
    groups: dict[str, list[str]] = {}
    for e, why in items:
        groups.setdefault(e.source.source, []).append(_describe(e, why))
    return "; ".join(f"{', '.join(names)} from {source}" for source, names in groups.items())


def _minor(items: list[tuple[_Entry, str | None]], where: str) -> str:
    """What is not as declared but does not block: missing and unneeded, or at another version."""
    missing = [(e, why) for e, why in items if e.have is None]
    other = [(e, why) for e, why in items if e.have is not None]
    parts = [f"not installed{where}, not needed by the tests: {_by_source(missing)}"] if missing else []
    parts += [f"installed at another version{'' if missing else where}: {_by_source(other)}"] if other else []
    return "; ".join(parts)


def test_dependencies(ctx: DoctorContext) -> DoctorFinding:
    """Declared test dependencies are installed; a missing one the tests need is named with the
    install command, because otherwise the tests step fails with a collection or setup error."""
    if ctx.env is None or ctx.facts is None:
        return skip("the environment or pyproject.toml could not be read")
    sets = requirements.collect(ctx.facts).sets
    chosen = [s for s in sets if s.role == "test"] or [s for s in sets if s.role == "dev"]
    entries = _entries(chosen, ctx.env)
    if not entries:
        return skip(NOTHING_DECLARED)
    unmet = [e for e in entries if not e.satisfied]
    tools = sorted(e.name for e in unmet if e.canonical in ORCHESTRATION)
    if unmet:
        usage = testusage.scan(ctx.facts)
        names = {e.canonical: import_names(e.name, e.canonical) for e in unmet}
        asked = sorted(m for m in usage.imports if any(m.lower() in n for n in names.values()))
        importable, provides = _probe(ctx, asked, sorted(e.canonical for e in unmet if e.have is not None))
        blocking: list[tuple[_Entry, str | None]] = []
        minor: list[tuple[_Entry, str | None]] = []
        for e in unmet:
            mine = import_names(e.name, e.canonical, provides.get(e.canonical, ()))
            why = reason(e.canonical, mine, usage, _installed(ctx.env.dists))
            imported = (why or "").startswith("the tests import")
            if e.canonical in ORCHESTRATION and not imported:
                continue
            if e.canonical in ORCHESTRATION:
                tools.remove(e.name)
            # Another installed distribution may provide the module (psycopg2-binary for psycopg2).
            provided = imported and any(m in importable for m in asked if m.lower() in mine)
            (blocking if e.have is None and why and not provided else minor).append((e, why))
        fix = _fix(ctx.env.python, [e for e, _ in blocking + minor])
        if blocking:
            also = f". Also {_minor(minor, '')}" if minor else ""
            need = _by_source(blocking)
            return fail(f"not installed in {ctx.env.python}, and the tests need them: {need}{also}", fix)
        if minor:
            return warn(_minor(minor, f" in {ctx.env.python}"), fix, Severity.LOW)
    counted = [e for e in entries if e.name not in tools]
    sources = list(dict.fromkeys(e.source.source for e in entries))
    where = ", ".join(sources[:3]) + (f" and {len(sources) - 3} more" if len(sources) > 3 else "")
    if not counted:
        return skip(
            f"{where} declares only orchestration and release tools ({', '.join(tools)}), "
            "which running the tests does not need"
        )
    note = f"; not installed, not needed to run the tests: {', '.join(tools)}" if tools else ""
    return ok(f"{len(counted)} declared test dependencies are installed ({where}){note}")


def _installed(dists: Mapping[str, str]) -> set[str]:
    from packaging.utils import canonicalize_name

    return {canonicalize_name(k) for k in dists}
