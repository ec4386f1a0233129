"""Stage four of the gate: reduce the results to a verdict, render the report, write it."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from sdetkit import __version__
from sdetkit.formats.base import GateOutput
from sdetkit.formats.deliver import deliver
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
            "cache": settings.uses_cache,
            "not_chosen": [{"id": n.id, "reason": n.reason} for n in plan.not_chosen],
            "steps": {
                r.spec.id: {"duration_s": round(r.duration, 3), "tool_version": r.tool_version, "cached": r.cached}
                for r in ordered
            },
        },
    )


def write(report: GateReport, settings: GateSettings, python: str) -> None:
    """Render in the asked format to ``--out`` or stdout (with the text summary beside a file)."""
    deliver(GateOutput(report, settings.output.stable_json, python), settings.output, sys.stdout)
