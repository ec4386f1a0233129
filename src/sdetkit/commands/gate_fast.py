"""``sdetkit gate fast``: discover the repository's checks, run them in parallel, write evidence."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

from sdetkit import __version__
from sdetkit.errors import EXIT_FAILED, EXIT_OK, InputError
from sdetkit.evidence import gate as artifact
from sdetkit.evidence.atomic import check_writable, write_output
from sdetkit.formats import markdown, text
from sdetkit.formats.progress import Progress
from sdetkit.model import GateReport, RepoFacts, StepResult
from sdetkit.plan import Plan, PlanOptions, build
from sdetkit.repo import config, environment, git
from sdetkit.run.cache import StepCache, cache_root, tool_dir
from sdetkit.run.execute import StepExecutor
from sdetkit.run.process import ProcessRunner
from sdetkit.run.scheduler import schedule
from sdetkit.settings import GateFastSettings
from sdetkit.steps.base import PlanContext
from sdetkit.verdict import reduce


def _step_environ(env: environment.Environment, tools: Path) -> dict[str, str]:
    """The environment steps run with: the target environment first on PATH, tool caches and
    bytecode redirected outside the repository, colours off so output stays parseable."""
    environ = dict(os.environ)
    environ["PATH"] = os.pathsep.join([env.scripts, environ.get("PATH", "")])
    if env.is_venv:
        environ["VIRTUAL_ENV"] = env.prefix
    else:
        environ.pop("VIRTUAL_ENV", None)  # sdetkit's own activated venv is not the target's
    # Files tools and test runs would otherwise drop into the repository.
    environ["PYTHONPYCACHEPREFIX"] = str(tools / "pycache")
    environ["HYPOTHESIS_STORAGE_DIRECTORY"] = str(tools / "hypothesis")
    environ.setdefault("COVERAGE_FILE", str(tools / ".coverage"))
    tools.mkdir(parents=True, exist_ok=True)
    environ["NO_COLOR"] = "1"
    for noisy in ("FORCE_COLOR", "PY_COLORS", "CLICOLOR_FORCE", "MYPY_FORCE_COLOR"):
        environ.pop(noisy, None)
    return environ


def _render(report: GateReport, fmt: str, stable: bool, python: str) -> str:
    if fmt == "json":
        return artifact.dumps(artifact.document(report, stable))
    if fmt == "markdown":
        return markdown.render(report)
    return text.render(report, python)


def _display_python(python: str, root: Path) -> str:
    try:
        return os.path.relpath(python, root) if Path(python).is_relative_to(root) else python
    except ValueError:
        return python


def _host() -> str:
    uname = getattr(os, "uname", None)
    return uname().nodename if uname else os.environ.get("COMPUTERNAME", "")


def _inside(top: Path, paths: list[Path]) -> frozenset[str]:
    """``paths`` that lie inside the work tree, relative to its top."""
    return frozenset(p.relative_to(top).as_posix() for p in paths if p != top and p.is_relative_to(top))


class _Workspace(NamedTuple):
    """Where and with what the steps run, resolved once per invocation."""

    root: Path  # the project
    top: Path  # its git work tree
    state: git.GitState
    env: environment.Environment
    environ: dict[str, str]  # what steps run with
    cache_root: Path
    tools: Path  # the project's tool-cache folder under cache_root


def _workspace(settings: GateFastSettings, root: Path, out: Path | None) -> tuple[_Workspace, config.ProjectFacts]:
    top = git.toplevel(root)
    facts = config.load(root)
    croot = cache_root(os.environ)
    python, source = environment.choose_interpreter(root, top, settings.python, os.environ)
    env = environment.probe(python, source, root, os.environ, croot / "probes")
    state = git.state(top, _inside(top, [out] if out else []), _inside(top, [Path(env.prefix)]))
    tools = tool_dir(croot, root)
    return _Workspace(root, top, state, env, _step_environ(env, tools), croot, tools), facts


def run(settings: GateFastSettings) -> int:
    """Plan, run and report one fast gate; the exit code says whether it passed."""
    started = time.monotonic()
    started_at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    root = settings.path.absolute()
    if not root.is_dir():
        raise InputError(f"{settings.path}: no such directory")
    out = settings.output.out.absolute() if settings.output.out else None
    if out is not None:
        check_writable(out)  # before any work, so a bad --out costs nothing

    ws, facts = _workspace(settings, root, out)
    ctx = PlanContext(facts=facts, env=ws.env, path_env=ws.environ["PATH"], fix=settings.fix)
    plan = build(ctx, facts.gate_fast, PlanOptions(settings.only, settings.skip, settings.timeout))
    display_python = _display_python(ws.env.python, root)

    if settings.list_steps:
        skipped = {r.spec.id: r.message for r in plan.decided}
        environment_line = f"{display_python} ({ws.env.source})"
        sys.stdout.write(text.render_plan(plan.all_specs, skipped, plan.not_chosen, environment_line))
        return EXIT_OK

    jobs = settings.jobs or facts.gate_fast.jobs or os.cpu_count() or 1
    results = _execute(plan, settings, ws, jobs)
    report = _report(settings, ws, plan, results, jobs, started_at, time.monotonic() - started)

    fmt, stable = settings.output.format, settings.output.stable_json
    rendered = _render(report, fmt, stable, display_python)
    if out is not None:
        write_output(out, rendered)
        if fmt != "text":
            sys.stdout.write(text.render(report, display_python))
        sys.stdout.write(f"wrote {settings.output.out}\n")
    else:
        sys.stdout.write(rendered)
    return EXIT_OK if report.verdict.ok else EXIT_FAILED


def _report(
    settings: GateFastSettings,
    ws: _Workspace,
    plan: Plan,
    results: list[StepResult],
    jobs: int,
    started_at: str,
    duration: float,
) -> GateReport:
    by_id = {r.spec.id: r for r in results} | {r.spec.id: r for r in plan.decided}
    ordered = tuple(by_id[i] for i in plan.order)
    project_path = ws.root.relative_to(ws.top).as_posix() if ws.root != ws.top else "."
    env = ws.env
    return GateReport(
        profile="fast",
        repo=RepoFacts(str(ws.top), ws.state.commit, ws.state.branch, ws.state.dirty, project_path),
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


def _execute(plan: Plan, settings: GateFastSettings, ws: _Workspace, jobs: int) -> list[StepResult]:
    if not plan.run:
        return []
    # With --fix the tree changes during the run, so a key computed at the start would be wrong.
    use_cache = settings.cache and not settings.fix
    base = ""
    if use_cache:
        base = StepCache.base(git.content_fingerprint(ws.state), ws.env.fingerprint, ws.env.python, ws.environ)
    cache = StepCache(ws.cache_root if use_cache else None, base)
    runner = ProcessRunner()
    shown = [(str(ws.root), "."), (str(ws.tools), "<cache>"), (str(Path.home()), "~")]
    if ws.top != ws.root:
        shown.append((str(ws.top), "<worktree>"))
    versions = {name: v for name in ("ruff", "mypy", "pytest", "pyright") if (v := ws.env.tool_version(name))}
    progress = Progress(sys.stderr, len(plan.run), settings.output.format == "text" and sys.stderr.isatty())
    with tempfile.TemporaryDirectory(prefix="sdetkit-") as scratch:
        executor = StepExecutor(ws.root, runner, cache, ws.environ, ws.tools, Path(scratch), shown, versions)
        try:
            return schedule(plan.run, executor, jobs, progress, runner.terminate_all)
        finally:
            progress.close()
