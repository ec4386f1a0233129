"""Stage four of the gate: reduce the results to a verdict, render the report, write it."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from sdetkit import __version__
from sdetkit.evidence import gate as artifact
from sdetkit.evidence.atomic import emit
from sdetkit.formats import markdown, text
from sdetkit.gate.plan import Plan
from sdetkit.gate.workspace import Workspace
from sdetkit.model import GateReport, RepoFacts, StepResult
from sdetkit.settings import GateSettings
from sdetkit.verdict import reduce


def display_python(python: str, root: Path) -> str:
    """The interpreter as shown to a person: relative to the project when it lies inside it."""
    try:
        return os.path.relpath(python, root) if Path(python).is_relative_to(root) else python
    except ValueError:
        return python


def _host() -> str:
    uname = getattr(os, "uname", None)
    return uname().nodename if uname else os.environ.get("COMPUTERNAME", "")


def build_report(
    settings: GateSettings,
    ws: Workspace,
    plan: Plan,
    results: list[StepResult],
    jobs: int,
    started_at: str,
    duration: float,
) -> GateReport:
    """The report: every planned step's result in report order, the verdict, and the run record."""
    by_id = {r.spec.id: r for r in results} | {r.spec.id: r for r in plan.decided}
    ordered = tuple(by_id[i] for i in plan.order)
    env = ws.env
    return GateReport(
        profile=settings.profile,
        repo=RepoFacts(str(ws.top), ws.state.commit, ws.state.branch, ws.state.dirty, ws.project_path),
        results=ordered,
        verdict=reduce(ordered),
        only=settings.only,
        skip=settings.skip,
        run={
            "started_at": started_at,
            "duration_s": round(duration, 3),
            "host": _host(),
            "sdetkit_version": __version__,
            "python": {"path": env.python, "version": env.version, "source": env.source},
            "jobs": jobs,
            "cache": settings.cache and not settings.fix,
            "not_chosen": [{"id": n.id, "reason": n.reason} for n in plan.not_chosen],
            "steps": {
                r.spec.id: {"duration_s": round(r.duration, 3), "tool_version": r.tool_version, "cached": r.cached}
                for r in ordered
            },
        },
    )


def _render(report: GateReport, fmt: str, stable: bool, python: str) -> str:
    if fmt == "json":
        return artifact.dumps(artifact.document(report, stable))
    if fmt == "markdown":
        return markdown.render(report)
    return text.render(report, python)


def write(report: GateReport, settings: GateSettings, python: str) -> None:
    """Render in the asked format to ``--out`` or stdout (with the text summary beside a file)."""
    out = settings.output.out.absolute() if settings.output.out else None
    fmt, stable = settings.output.format, settings.output.stable_json
    rendered = _render(report, fmt, stable, python)
    summary = text.render(report, python) if fmt != "text" else ""
    emit(rendered, summary, out, settings.output.out, sys.stdout)
