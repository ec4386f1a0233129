"""``metadata``: what twine check --strict catches; ``wheel-contents``: check-wheel-contents on the
wheel, run from sdetkit's interpreter with the project's own configuration."""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path
from typing import NamedTuple

from sdetkit.model import FirstFailure, Status, StepResult, StepSpec
from sdetkit.release import dists
from sdetkit.release.context import Log, ReleaseContext, failed_run, missing_tool

CONTENT_TYPES = ("text/plain", "text/x-rst", "text/markdown")
TOOL_TIMEOUT = 300.0
_CWC_FAILED = re.compile(r"^(?P<wheel>\S.*?\.whl): (?P<code>[A-Z]\d{3}): (?P<what>.*?):?$")
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


class WheelProblem(NamedTuple):
    """One failed check-wheel-contents check: its code, what it means, the paths in the wheel."""

    code: str
    what: str
    paths: tuple[str, ...]


def read_check_wheel_contents(output: str) -> list[WheelProblem]:
    """The failed checks check-wheel-contents printed, in its order."""
    problems: list[WheelProblem] = []
    current: WheelProblem | None = None
    for raw in output.splitlines():
        line = raw.rstrip()
        m = _CWC_FAILED.match(line)
        if m:
            current = WheelProblem(m["code"], m["what"], ())
            problems.append(current)
        elif current is not None and line.startswith("  ") and line.strip():
            current = current._replace(paths=(*current.paths, line.strip()))
            problems[-1] = current
        else:
            current = None
    return problems


def wheel_contents(spec: StepSpec, ctx: ReleaseContext, tmp: Path) -> StepResult:
    """check-wheel-contents on the wheel, run in the project folder so that its own configuration
    (pyproject.toml, tox.ini, setup.cfg, check-wheel-contents.cfg) applies."""
    log = Log(ctx, [(str(ctx.dist), "<dist>"), (str(ctx.root), "<project>")])
    wheel = dists.find(ctx.dist).wheel
    if wheel is None:
        return log.result(spec, Status.ERROR, "no wheel was built")
    missing = missing_tool("check_wheel_contents", "check-wheel-contents", spec, log)
    if missing is not None:
        return missing
    res = log.run([sys.executable, "-m", "check_wheel_contents", str(wheel)], ctx.root, TOOL_TIMEOUT)
    if res.exit_code == 0:
        return log.result(spec, Status.PASSED)
    problems = read_check_wheel_contents(res.output) if res.exit_code is not None else []
    if not problems:
        return failed_run(spec, log, res, "check-wheel-contents")
    first = problems[0]
    more = f" (and {len(first.paths) - 1} more)" if len(first.paths) > 1 else ""
    msg = f"{first.paths[0]}: {first.what}{more}" if first.paths else first.what
    return log.result(spec, Status.FAILED, msg, FirstFailure(msg, file=wheel.name, rule=first.code), res.exit_code)
