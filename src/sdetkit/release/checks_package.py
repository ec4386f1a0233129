"""``metadata``: ``twine check --strict`` on the sdist and the wheel; ``wheel-contents``:
check-wheel-contents on the wheel, with the project's own configuration.

Both tools are sdetkit's own dependencies, so they run from sdetkit's interpreter through the
process runner, and their output is read for the first failure (the rule, the file).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

from sdetkit.model import FirstFailure, Status, StepResult, StepSpec
from sdetkit.release import dists, readme, tool_run
from sdetkit.release.context import Log, ReleaseContext

TOOL_TIMEOUT = 300.0
TWINE = tool_run.OwnTool("twine", "twine", "twine check --strict")
CHECK_WHEEL_CONTENTS = tool_run.OwnTool("check_wheel_contents", "check-wheel-contents", "check-wheel-contents")
# twine prints through rich, which wraps at the console width: wide enough that a docutils message
# stays on one line for the reader below (Log.run drops the padding).
_WIDE = {"COLUMNS": "1000"}
_CHECKING = re.compile(r"^Checking (?P<dist>.+?): (?P<rest>.*)$")
_LOGGED = re.compile(r"^(?P<level>ERROR|WARNING|CRITICAL)\s+(?P<text>\S.*)$")
_DOCUTILS = re.compile(r"^\s*line (?P<line>\d*): (?P<level>[A-Za-z]+): (?P<text>.*)$")
_CWC_FAILED = re.compile(r"^(?P<wheel>\S.*?\.whl): (?P<code>[A-Z]\d{3}): (?P<what>.*?):?$")


class TwineProblem(NamedTuple):
    """One thing ``twine check --strict`` failed a distribution for."""

    dist: str  # the file name of the sdist or wheel
    text: str
    render_line: int | None = None  # the long description's line docutils names
    rendering: bool = False  # the markup does not render (rather than a warning or invalid metadata)


class WheelProblem(NamedTuple):
    """One failed check-wheel-contents check: its code, what it means, the paths in the wheel."""

    code: str
    what: str
    paths: tuple[str, ...]


def read_twine(output: str) -> list[TwineProblem]:
    """The problems ``twine --no-color check --strict`` printed, in its order."""
    problems: list[TwineProblem] = []
    dist = ""
    entry: list[str] = []

    def close() -> None:
        if not entry:
            return
        found = next((m for m in map(_DOCUTILS.match, entry[1:]) if m), None)
        if found:
            text = f"{found['level'].capitalize()}: {found['text'].strip()}"
            problems.append(TwineProblem(dist, text, int(found["line"]) if found["line"] else None, True))
        else:
            problems.append(TwineProblem(dist, entry[0]))
        entry.clear()

    for raw in output.splitlines():
        line = raw.rstrip()
        checking = _CHECKING.match(line)
        if checking:
            close()
            dist = Path(checking["dist"]).name
            line = checking["rest"]  # an exception is logged on the same line: "Checking x: ERROR ..."
        logged = _LOGGED.match(line)
        if logged:
            close()
            entry.append(logged["text"])
        elif entry and (line.startswith(" ") or not line):
            entry.append(line)
        else:
            close()
    close()
    return problems


def _twine_args(built: dists.Built) -> list[str]:
    return ["--no-color", "check", "--strict", str(built.wheel), str(built.sdist)]


def metadata(spec: StepSpec, ctx: ReleaseContext, tmp: Path) -> StepResult:
    """``twine check --strict`` on both distributions; a failure names the file that causes it."""
    log = Log(ctx, [(str(ctx.dist), "<dist>"), (str(tmp), "<tmp>")])
    ran = tool_run.run_on_build(spec, ctx, log, TWINE, _twine_args, tmp, TOOL_TIMEOUT, env=_WIDE, sdist=True)
    if isinstance(ran, StepResult):
        return ran
    found = tool_run.problems(spec, log, TWINE, ran.res, read_twine)
    if isinstance(found, StepResult):
        return found
    first, res = found[0], ran.res
    if first.rendering:
        msg = f"the long description does not render ({first.dist}): {first.text}"
        where = _readme_location(ctx, ctx.dist / first.dist, first.render_line)
    else:
        msg = f"{first.dist}: {first.text}"
        declared_in = readme.metadata_file(ctx.root, ctx.facts)
        where = readme.Location(declared_in) if declared_in else None
    if where is not None:
        log.note(f"first failure: {where.file}{'' if where.line is None else f':{where.line}'}")
    file = where.file if where else first.dist
    return log.result(
        spec, Status.FAILED, msg, FirstFailure(msg, file=file, line=where.line if where else None), res.exit_code
    )


def _readme_location(ctx: ReleaseContext, dist: Path, line: int | None) -> readme.Location | None:
    try:
        description = dists.long_description(dist)
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    return readme.locate(description, line, ctx.root, readme.sources(ctx.root, ctx.facts))


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
    ran = tool_run.run_on_build(spec, ctx, log, CHECK_WHEEL_CONTENTS, lambda b: [str(b.wheel)], ctx.root, TOOL_TIMEOUT)
    if isinstance(ran, StepResult):
        return ran
    found = tool_run.problems(spec, log, CHECK_WHEEL_CONTENTS, ran.res, read_check_wheel_contents)
    if isinstance(found, StepResult):
        return found
    first, res, wheel = found[0], ran.res, ran.wheel
    more = f" (and {len(first.paths) - 1} more)" if len(first.paths) > 1 else ""
    msg = f"{first.paths[0]}: {first.what}{more}" if first.paths else first.what
    return log.result(spec, Status.FAILED, msg, FirstFailure(msg, file=wheel.name, rule=first.code), res.exit_code)
