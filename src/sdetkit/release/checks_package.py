"""``metadata`` and ``wheel-contents``: what twine check --strict and check-wheel-contents catch."""

from __future__ import annotations

import io
import re
from collections import defaultdict
from pathlib import Path

from sdetkit.model import FirstFailure, Status, StepResult, StepSpec
from sdetkit.release import dists
from sdetkit.release.context import Log, ReleaseContext

CONTENT_TYPES = ("text/plain", "text/x-rst", "text/markdown")
# Top-level names that are never meant to be installed as packages (check-wheel-contents W005).
COMMON_TOPLEVEL = frozenset(
    {
        "tests",
        "test",
        "testing",
        "docs",
        "doc",
        "src",
        "lib",
        "examples",
        "example",
        "benchmarks",
        "scripts",
        "tools",
        "util",
        "utils",
        "data",
        "build",
        "dist",
    }
)
_CONTENT_TYPE = re.compile(r"^\s*([a-z]+/[a-z0-9.+-]+)\s*(;.*)?$", re.IGNORECASE)


def _wheel(spec: StepSpec, ctx: ReleaseContext, log: Log) -> tuple[dists.Built, Path] | StepResult:
    built = dists.find(ctx.dist)
    if built.wheel is None:
        return log.result(spec, Status.ERROR, "no wheel was built")
    return built, built.wheel


def metadata(spec: StepSpec, ctx: ReleaseContext, tmp: Path) -> StepResult:
    """Core metadata validates, the long description has a valid content type and renders."""
    from packaging.metadata import ExceptionGroup, Metadata

    log = Log(ctx, [])
    found = _wheel(spec, ctx, log)
    if isinstance(found, StepResult):
        return found
    _, wheel = found
    try:
        raw, headers = dists.wheel_metadata(wheel)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        return log.result(spec, Status.FAILED, f"unreadable wheel metadata: {exc}")
    problems: list[str] = []
    try:
        Metadata.from_email(raw, validate=True)
    except ExceptionGroup as group:
        problems += [f"core metadata: {e}" for e in group.exceptions]
    except Exception as exc:  # packaging raises several types for malformed input
        problems.append(f"core metadata: {exc}")
    content_type = headers.get("Description-Content-Type")
    body = headers.get_payload() if isinstance(headers.get_payload(), str) else ""
    if not str(body).strip() and not headers.get("Description"):
        problems.append("no long description (set project.readme)")
    kind = "text/x-rst"
    if content_type:
        m = _CONTENT_TYPE.match(content_type)
        if not m or m[1].lower() not in CONTENT_TYPES:
            problems.append(f"Description-Content-Type {content_type!r} is not one of {', '.join(CONTENT_TYPES)}")
        else:
            kind = m[1].lower()
    if str(body).strip() and kind == "text/x-rst":
        rendered, warnings = _render_rst(str(body))
        if rendered is None:
            first = warnings.strip().splitlines()[0] if warnings.strip() else "rendering failed"
            problems.append(f"the long description (reStructuredText) does not render: {first}")
    log.note(
        f"checked {wheel.name}: Metadata-Version {headers.get('Metadata-Version')}, {content_type or 'no content type'}"
    )
    if problems:
        for p in problems:
            log.note(p)
        return log.result(spec, Status.FAILED, problems[0], FirstFailure(problems[0], file=wheel.name))
    return log.result(spec, Status.PASSED)


def _render_rst(body: str) -> tuple[str | None, str]:
    import readme_renderer.rst

    stream = io.StringIO()
    out = readme_renderer.rst.render(body, stream=stream)
    return out, stream.getvalue()


def wheel_contents(spec: StepSpec, ctx: ReleaseContext, tmp: Path) -> StepResult:
    """No bytecode, no duplicates, no stray top-level packages, modules importable, all from the sdist."""
    log = Log(ctx, [])
    found = _wheel(spec, ctx, log)
    if isinstance(found, StepResult):
        return found
    built, wheel = found
    names = dists.wheel_names(wheel)
    problems: list[tuple[str, str]] = []  # (rule, message)
    seen: set[str] = set()
    for n in names:
        if n in seen:
            problems.append(("W001-dup", f"{n} appears twice in the archive"))
        seen.add(n)
    problems += [("W001", f"{n} is compiled bytecode") for n in names if n.endswith((".pyc", ".pyo"))]
    by_hash: dict[str, list[str]] = defaultdict(list)
    for n, digest in dists.wheel_file_hashes(wheel).items():
        # Package markers are often identical on purpose (a licence header, `py.typed`).
        if n.rsplit("/", 1)[-1] not in {"__init__.py", "py.typed"}:
            by_hash[digest].append(n)
    problems += [("W002", f"duplicate files: {', '.join(sorted(g))}") for g in by_hash.values() if len(g) > 1]
    tops = {n.split("/", 1)[0] for n in names if "/" in n and not n.split("/", 1)[0].endswith((".dist-info", ".data"))}
    loose = [n for n in names if "/" not in n and not n.endswith((".py", ".so", ".pyd", ".pth"))]
    problems += [("W003", f"{n} is not a module but sits at the top of site-packages") for n in loose]
    problems += [
        ("W005", f"{t}/ is a common name that should not be installed as a package")
        for t in sorted(tops & COMMON_TOPLEVEL)
    ]
    for t in sorted(tops):
        if not t.isidentifier() and any(n.startswith(t + "/") and n.endswith(".py") for n in names):
            problems.append(("W004", f"{t}/ holds modules but is not an importable name"))
    if not dists.top_level(names):
        problems.append(("W008", "the wheel contains no importable module or package"))
    if built.sdist is not None:
        problems += _missing_from_sdist(names, dists.sdist_names(built.sdist))
    log.note(f"checked {len(names)} files in {wheel.name}")
    if problems:
        for rule, msg in problems:
            log.note(f"{rule}: {msg}")
        rule, msg = problems[0]
        return log.result(spec, Status.FAILED, msg, FirstFailure(msg, file=wheel.name, rule=rule))
    return log.result(spec, Status.PASSED)


def _missing_from_sdist(wheel_names: list[str], sdist_names: list[str]) -> list[tuple[str, str]]:
    """Modules the wheel ships that the sdist does not contain (so the sdist cannot rebuild it)."""
    suffixes = {"/".join(n.split("/")[1:]) for n in sdist_names}  # drop the pkg-version/ prefix
    suffixes |= {s.split("/", 1)[1] for s in list(suffixes) if s.startswith("src/")}
    missing = []
    for n in wheel_names:
        packaged = n.endswith(".py") and not n.split("/", 1)[0].endswith((".dist-info", ".data"))
        if packaged and n not in suffixes and not any(s.endswith("/" + n) for s in suffixes):
            missing.append(("W010", f"{n} is in the wheel but not in the sdist"))
    return missing
