"""``sdetkit doctor``: is this repository and environment healthy enough for the gates to mean something?"""

from __future__ import annotations

import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from sdetkit import __version__
from sdetkit.doctor.base import CheckResult, CheckStatus, DoctorContext, Severity, score, verdict
from sdetkit.doctor.registry import BY_ID, CHECKS
from sdetkit.errors import EXIT_FAILED, EXIT_OK, InputError, SdetkitError, UsageError
from sdetkit.formats.base import DocumentReport
from sdetkit.formats.deliver import deliver, preflight
from sdetkit.gate.plan import PlanOptions, build
from sdetkit.repo import config, environment, git
from sdetkit.run.cache import cache_root, tool_dir
from sdetkit.run.stepenv import prepare_bytecode, step_environ
from sdetkit.settings import DoctorSettings
from sdetkit.steps.base import PlanContext

SCHEMA_NAME = "sdetkit.doctor"
SCHEMA_VERSION = "1.0.0"


def _context(settings: DoctorSettings, root: Path) -> DoctorContext:
    """Read what the checks look at; anything unreadable becomes an error the checks report."""
    facts = state = env = None
    facts_error = plan_error = None
    try:
        facts = config.load(root)
    except SdetkitError as exc:
        facts_error = str(exc)
    top = root
    try:
        top = git.toplevel(root)
        state = git.state(top)
    except SdetkitError:
        state = None
    croot = cache_root(os.environ)
    environ = dict(os.environ)
    try:
        python, source = environment.choose_interpreter(root, top, settings.python, os.environ)
        env = environment.probe(python, source, root, os.environ, croot / "probes")
        tools = tool_dir(croot, root)
        environ = step_environ(env, tools)
        prepare_bytecode(environ, env, tools, top)  # doctor's checks start the project's pytest too
    except UsageError:
        raise
    except SdetkitError:
        env = None
    missing: tuple[tuple[str, str], ...] = ()
    has_tests = False
    if facts is not None and env is not None:
        try:
            plan = build(PlanContext(facts, env, environ["PATH"]), facts.gate("fast"), PlanOptions())
            missing = plan.missing_tools
            has_tests = any(s.kind == "tests" for s in plan.run)
        except SdetkitError as exc:
            plan_error = str(exc)
    return DoctorContext(root, facts, facts_error, env, state, environ, missing, plan_error, has_tests)


def run(settings: DoctorSettings) -> int:
    started = time.monotonic()
    started_at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    fail_on = settings.fail_on
    for flag, ids in (("--only", settings.only), ("--skip", settings.skip)):
        unknown = sorted(set(ids) - set(BY_ID))
        if unknown:
            raise UsageError(f"{flag}: unknown check {unknown[0]!r} (see sdetkit doctor --list-checks)")
    if settings.list_checks:
        for c in CHECKS:
            sys.stdout.write(f"{c.id:<22} {c.category:<13} {c.severity.value:<9} {c.title}\n")
        return EXIT_OK
    root = settings.path.absolute()
    if not root.is_dir():
        raise InputError(f"{settings.path}: no such directory")
    preflight(settings.output)
    selected = [c for c in CHECKS if (not settings.only or c.id in settings.only) and c.id not in settings.skip]
    ctx = _context(settings, root)
    # Independent checks in parallel: test collection dominates, the rest read files.
    with ThreadPoolExecutor(max_workers=max(1, min(8, len(selected))), thread_name_prefix="sdetkit-doctor") as pool:
        results = [CheckResult(c, f) for c, f in zip(selected, pool.map(lambda c: c.run(ctx), selected), strict=True)]
    doc = document(results, fail_on, ctx, settings.output.stable_json)
    if not settings.output.stable_json:
        doc["run"] = {
            "started_at": started_at,
            "duration_s": round(time.monotonic() - started, 3),
            "sdetkit_version": __version__,
            "python": ctx.env.python if ctx.env else None,
        }
    deliver(DocumentReport("doctor", doc), settings.output, sys.stdout)
    return EXIT_OK if doc["ok"] else EXIT_FAILED


def document(results: list[CheckResult], fail_on: Severity, ctx: DoctorContext, stable: bool) -> dict[str, Any]:
    ok, reason = verdict([(r.check.id, r.severity, r.finding.status) for r in results], fail_on)
    return {
        "schema_name": SCHEMA_NAME,
        "schema_version": SCHEMA_VERSION,
        "ok": ok,
        "reason": reason,
        "score": score(results),
        "fail_on": fail_on.value,
        "failed": sorted(r.check.id for r in results if r.finding.status is CheckStatus.FAIL),
        "commit": ctx.state.commit if ctx.state else None,
        "checks": [
            {
                "id": r.check.id,
                "category": r.check.category,
                "severity": r.severity.value,
                "title": r.check.title,
                "status": r.finding.status.value,
                "message": r.finding.message,
                "fix": r.finding.fix,
            }
            for r in results
        ],
    }
