"""``sdetkit gate fast`` and ``sdetkit gate release``: the stages of :mod:`sdetkit.gate` in order,
workspace -> plan -> execute -> report."""

from __future__ import annotations

import os
import sys
import time

from sdetkit.errors import EXIT_FAILED, EXIT_OK, InputError
from sdetkit.formats import text
from sdetkit.formats.deliver import preflight
from sdetkit.gate import execute, report, workspace
from sdetkit.gate.plan import PlanOptions, ProfileSteps, build
from sdetkit.gate.profiles import kind_priority, profile
from sdetkit.model import Verdict
from sdetkit.settings import GateSettings
from sdetkit.steps.base import PlanContext
from sdetkit.steps.chosen import alternatives
from sdetkit.verdict import DRY_RUN_REASON


def run(settings: GateSettings) -> int:
    """Plan, run and report one gate; the exit code says whether it passed."""
    started = time.monotonic()
    started_at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    root = settings.path.absolute()
    if not root.is_dir():
        raise InputError(f"{settings.path}: no such directory")
    out = preflight(settings.output)  # before any work, so a bad --out costs nothing

    ws = workspace.resolve(root, settings.python, out)
    gate_profile = profile(settings.profile)
    ctx = PlanContext(facts=ws.facts, env=ws.env, path_env=ws.environ["PATH"], fix=settings.fix)
    gate_config = ws.facts.gate(settings.profile)
    own = gate_profile.steps(ws)
    contributed = ProfileSteps(own.planned, own.not_chosen, kind_priority())
    plan = build(ctx, gate_config, PlanOptions(settings.only, settings.skip, settings.timeout), contributed)
    plan = execute.pin_tools(plan, ws, settings.use_installed_tools)
    python = report.display_python(ws.env.python, root)

    if settings.list_steps:
        skipped = {r.spec.id: r.message for r in plan.decided}
        env = f"{python} ({ws.env.source})"
        passed = alternatives(ws.facts, plan.all_specs)
        sys.stdout.write(text.render_plan(plan.all_specs, skipped, plan.not_chosen, env, passed))
        return EXIT_OK

    jobs = settings.jobs or gate_config.jobs or os.cpu_count() or 1
    if settings.dry_run:
        done = execute.dry_run(plan, gate_profile)
    else:
        done = execute.execute(plan, settings, gate_profile, ws, jobs)
    gate_report = report.build_report(settings, ws, plan, done.results, jobs, started_at, time.monotonic() - started)
    gate_report = gate_report._replace(extra=done.fields)
    if settings.dry_run:
        gate_report = gate_report._replace(verdict=Verdict(False, (), DRY_RUN_REASON))
    report.write(gate_report, settings, python)
    return EXIT_OK if gate_report.verdict.ok else EXIT_FAILED
