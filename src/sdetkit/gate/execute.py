"""Stage three of the gate: run the plan (the cache, the scheduler, the profile's internal checks)."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import NamedTuple

from sdetkit import steps
from sdetkit.formats.progress import Progress
from sdetkit.gate.plan import Plan
from sdetkit.gate.profiles import GateProfile, RunSetup
from sdetkit.gate.workspace import Workspace, tree_state
from sdetkit.model import Status, StepResult, StepSpec
from sdetkit.repo import git
from sdetkit.run import side_effects
from sdetkit.run.cache import StepCache
from sdetkit.run.executor import StepExecutor
from sdetkit.run.process import ProcessRunner
from sdetkit.run.scheduler import schedule
from sdetkit.run.stepenv import prepare_bytecode
from sdetkit.settings import GateSettings
from sdetkit.toolenv.planning import apply_pins, interpreters, prepare, resolved, unavailable


class Executed(NamedTuple):
    """The step results (in completion order) and the profile's artifact fields."""

    results: list[StepResult]
    fields: dict[str, object]


def pin_tools(plan: Plan, ws: Workspace, use_installed: bool) -> Plan:
    """The plan with each pinned tool's version: a step whose installed tool differs from the
    project's pin runs from a tool environment (created by :func:`execute`), unless
    ``use_installed`` (``--use-installed-tools``) keeps the installed one."""
    specs = (*plan.run, *(r.spec for r in plan.decided))
    pinned, tool_envs = apply_pins(specs, ws.facts, ws.env, ws.cache_root, use_installed)
    run, decided = pinned[: len(plan.run)], pinned[len(plan.run) :]
    results = tuple(r._replace(spec=s) for r, s in zip(plan.decided, decided, strict=True))
    return plan._replace(run=run, decided=results, tool_envs=tool_envs)


def must_run(specs: tuple[StepSpec, ...], cache: StepCache) -> frozenset[str]:
    """The steps that run even when the cache holds their result: those that write a file (a
    variable both steps set, as ``COVERAGE_FILE``) a step needing them reads, when that step itself
    runs. A stored pass of the tests step has no coverage data: the coverage step must not read
    nothing and ask for ``--no-cache``; the measured tests run again instead."""
    by_id = {s.id: s for s in specs}
    out: set[str] = set()
    for later in specs:
        if cache.get(later) is not None:  # served from the cache: it reads nothing this run
            continue
        out.update(n for n in later.needs if n in by_id and set(by_id[n].env) & set(later.env))
    return frozenset(out)


def dry_run(plan: Plan, profile: GateProfile) -> Executed:
    """Nothing runs: every step is skipped, and the profile says nothing was produced."""
    results = [StepResult(s, Status.SKIPPED, message="dry run: not run") for s in plan.run]
    return Executed(results, profile.fields(None, dry_run=True))


def execute(plan: Plan, settings: GateSettings, profile: GateProfile, ws: Workspace, jobs: int) -> Executed:
    """Run the plan; the profile's internal checks run in-process, everything else as processes."""
    out = settings.output.target
    if not plan.run:
        return Executed([], profile.fields(None, dry_run=False))
    use_cache = settings.uses_cache
    base = ""
    if use_cache:
        base = StepCache.base(git.content_fingerprint(ws.state), ws.env.fingerprint, ws.env.python, ws.environ)
    cache = StepCache(ws.cache_root if use_cache else None, base, profile.reads_cache(settings))
    cache = StepCache(cache.root, base, cache.read, must_run(plan.run, cache))
    runner = ProcessRunner()
    # Before any step: the pinned versions' environments, each distinct one once, in parallel.
    failed = prepare(plan.tool_envs, ws.cache_root, ws.env.python, runner, ws.environ, jobs)
    if failed:
        plan = plan._replace(run=tuple(unavailable(s, failed[s.id]) if s.id in failed else s for s in plan.run))
    # An unpinned tool's version is known once its environment exists (the cache key names it).
    plan = plan._replace(run=resolved(plan.run, plan.tool_envs, ws.cache_root))
    shown = [(str(ws.root), "."), (str(ws.tools), "<cache>"), (str(Path.home()), "~")]
    if ws.top != ws.root:
        shown.append((str(ws.top), "<worktree>"))
    versions = {tool: v for tool, package in steps.tool_packages().items() if (v := ws.env.tool_version(package))}
    # Once per environment change; before any step, so none compiles what the environment has.
    prepare_bytecode(ws.environ, ws.env, ws.tools, ws.top)
    progress = Progress(sys.stderr, len(plan.run), settings.output.format == "text" and sys.stderr.isatty())
    with tempfile.TemporaryDirectory(prefix="sdetkit-") as scratch_dir:
        scratch = Path(scratch_dir)
        internal = profile.internal_runner(RunSetup(ws, runner, scratch, out))
        executor = StepExecutor(
            ws.root, runner, cache, ws.environ, ws.tools, scratch, shown, versions, internal, python=ws.env.python
        )
        executor.pythons = interpreters(plan.tool_envs)
        try:
            results = schedule(plan.run, executor, jobs, progress, runner.terminate_all)
        finally:
            progress.close()
        if executor.windows:  # a step ran a command in the work tree: did it leave files there?
            after = tree_state(ws.top, out, ws.env)
            results = side_effects.attribute(ws.state, after, executor.windows, results)
        return Executed(results, profile.fields(internal, dry_run=False))
