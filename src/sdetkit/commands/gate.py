"""``sdetkit gate fast`` and ``sdetkit gate release``: discover the repository's checks (and, for
release, the release checks), run them in parallel, write evidence."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from sdetkit import __version__
from sdetkit.errors import EXIT_FAILED, EXIT_OK, InputError
from sdetkit.evidence import gate as artifact
from sdetkit.evidence.atomic import check_writable, emit
from sdetkit.formats import markdown, text
from sdetkit.formats.progress import Progress
from sdetkit.model import GateReport, RepoFacts, Status, StepResult, StepSpec, Verdict
from sdetkit.plan import Plan, PlanOptions, build
from sdetkit.repo import config, environment, git
from sdetkit.run import side_effects
from sdetkit.run.cache import StepCache, cache_root, tool_dir
from sdetkit.run.execute import StepExecutor
from sdetkit.run.process import ProcessRunner
from sdetkit.run.scheduler import schedule
from sdetkit.run.stepenv import prepare_bytecode, step_environ
from sdetkit.settings import GateSettings
from sdetkit.steps.base import NotChosen, PlanContext
from sdetkit.verdict import DRY_RUN_REASON, reduce

if TYPE_CHECKING:
    from sdetkit.release.context import ReleaseContext


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


def _workspace(settings: GateSettings, root: Path, out: Path | None) -> tuple[_Workspace, config.ProjectFacts]:
    """Resolve the repository, its configuration and its environment once."""
    top = git.toplevel(root)
    facts = config.load(root)
    croot = cache_root(os.environ)
    python, source = environment.choose_interpreter(root, top, settings.python, os.environ)
    env = environment.probe(python, source, root, os.environ, croot / "probes")
    tools = tool_dir(croot, root)
    ws = _Workspace(root, top, _state(top, out, env), env, step_environ(env, tools), croot, tools)
    return ws, facts


def _state(top: Path, out: Path | None, env: environment.Environment) -> git.GitState:
    """The work tree's state, this run's own outputs and the tools' environment aside."""
    own = [out, _sbom_path(out)] if out else []
    return git.state(top, _inside(top, own), _inside(top, [Path(env.prefix)]))


def run(settings: GateSettings) -> int:
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
    gate_config = facts.gate(settings.profile)
    extra: list[StepSpec] = []
    extra_not_chosen: list[NotChosen] = []
    if settings.profile == "release":  # imported here: the fast gate's start-up does not pay for it
        from sdetkit.release import plan as release_plan

        extra, extra_not_chosen = release_plan.specs(root, facts.pyproject)
    options = PlanOptions(settings.only, settings.skip, settings.timeout)
    plan = build(ctx, gate_config, options, extra, extra_not_chosen)
    display_python = _display_python(ws.env.python, root)

    if settings.list_steps:
        skipped = {r.spec.id: r.message for r in plan.decided}
        environment_line = f"{display_python} ({ws.env.source})"
        sys.stdout.write(text.render_plan(plan.all_specs, skipped, plan.not_chosen, environment_line))
        return EXIT_OK

    jobs = settings.jobs or gate_config.jobs or os.cpu_count() or 1
    if settings.dry_run:
        results = [StepResult(s, Status.SKIPPED, message="dry run: not run") for s in plan.run]
        extra_fields: dict[str, object] = {"dry_run": True, "version": None, "dists": [], "sbom": None}
    else:
        results, extra_fields = _execute(plan, settings, ws, jobs, out, facts)
    report = _report(settings, ws, plan, results, jobs, started_at, time.monotonic() - started)
    report = report._replace(extra=extra_fields if settings.profile == "release" else {})
    if settings.dry_run:
        report = report._replace(verdict=Verdict(False, (), DRY_RUN_REASON))

    fmt, stable = settings.output.format, settings.output.stable_json
    rendered = _render(report, fmt, stable, display_python)
    summary = text.render(report, display_python) if fmt != "text" else ""
    emit(rendered, summary, out, settings.output.out, sys.stdout)
    return EXIT_OK if report.verdict.ok else EXIT_FAILED


def _report(
    settings: GateSettings,
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
        profile=settings.profile,
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


def _execute(
    plan: Plan, settings: GateSettings, ws: _Workspace, jobs: int, out: Path | None, facts: config.ProjectFacts
) -> tuple[list[StepResult], dict[str, object]]:
    """Run the plan; for release also return the version, built files and SBOM location."""
    if not plan.run:
        return [], _release_fields(None, None)
    # With --fix the tree changes during the run, so a key computed at the start would be wrong.
    use_cache = settings.cache and not settings.fix
    base = ""
    if use_cache:
        base = StepCache.base(git.content_fingerprint(ws.state), ws.env.fingerprint, ws.env.python, ws.environ)
    # The release gate's evidence is made by this run: nothing comes from the cache unless --allow-cache.
    read = settings.profile != "release" or settings.allow_cache
    cache = StepCache(ws.cache_root if use_cache else None, base, read)
    runner = ProcessRunner()
    shown = [(str(ws.root), "."), (str(ws.tools), "<cache>"), (str(Path.home()), "~")]
    if ws.top != ws.root:
        shown.append((str(ws.top), "<worktree>"))
    versions = {name: v for name in ("ruff", "mypy", "pytest", "pyright") if (v := ws.env.tool_version(name))}
    # Once per environment change; before any step, so none compiles what the environment has.
    prepare_bytecode(ws.environ, ws.env, ws.tools, ws.top)
    progress = Progress(sys.stderr, len(plan.run), settings.output.format == "text" and sys.stderr.isatty())
    with tempfile.TemporaryDirectory(prefix="sdetkit-") as scratch_dir:
        scratch = Path(scratch_dir)
        rctx = _release_context(ws, facts, runner, scratch, out) if settings.profile == "release" else None
        internal = _internal_runner(rctx) if rctx else None
        executor = StepExecutor(ws.root, runner, cache, ws.environ, ws.tools, scratch, shown, versions, internal)
        try:
            results = schedule(plan.run, executor, jobs, progress, runner.terminate_all)
        finally:
            progress.close()
        if executor.windows:  # a step ran a command in the work tree: did it leave files there?
            after = _state(ws.top, out, ws.env)
            results = side_effects.attribute(ws.state, after, executor.windows, results)
        return results, _release_fields(rctx, out)


def _internal_runner(rctx: ReleaseContext) -> Callable[[StepSpec, Path], StepResult]:
    from sdetkit.release import plan as release_plan

    def run(spec: StepSpec, tmp: Path) -> StepResult:
        return release_plan.BY_PROVIDER[spec.provider].run(spec, rctx, tmp)

    return run


def _sbom_path(out: Path) -> Path:
    return out.parent / "sbom.cdx.json"


def _release_context(
    ws: _Workspace, facts: config.ProjectFacts, runner: ProcessRunner, scratch: Path, out: Path | None
) -> ReleaseContext:
    from importlib.util import find_spec

    from sdetkit.release.checks_version import release_epoch
    from sdetkit.release.context import ReleaseContext

    env = ws.env
    build_python = env.python if "build" in env.modules else sys.executable
    auditor = env.python if "pip_audit" in env.modules else (sys.executable if find_spec("pip_audit") else None)
    environ = dict(ws.environ)
    # Reproducible archives: sdists and wheels take file times from the commit, not the clock.
    epoch = release_epoch(ws.top)
    if epoch:
        environ["SOURCE_DATE_EPOCH"] = epoch
    (scratch / "dist").mkdir()
    project_path = ws.root.relative_to(ws.top).as_posix() if ws.root != ws.top else "."
    return ReleaseContext(
        root=ws.root,
        top=ws.top,
        project_path=project_path,
        state=ws.state,
        facts=facts,
        python=env.python,
        build_python=build_python,
        auditor=auditor,
        environ=environ,
        runner=runner,
        dist=scratch / "dist",
        smoke=scratch / "smoke-venv",
        sbom=_sbom_path(out) if out else None,
    )


def _release_fields(rctx: ReleaseContext | None, out: Path | None) -> dict[str, object]:
    if rctx is None:
        return {"dry_run": False, "version": None, "dists": [], "sbom": None}
    from sdetkit.hashing import file_sha256
    from sdetkit.release import dists
    from sdetkit.release.checks_version import built_version

    built = dists.find(rctx.dist)
    files = [{"file": p.name, "sha256": file_sha256(p), "size": p.stat().st_size} for p in built.files]
    sbom = rctx.sbom.name if rctx.sbom is not None and rctx.sbom.exists() else None
    return {"dry_run": False, "version": built_version(rctx), "dists": files, "sbom": sbom}
