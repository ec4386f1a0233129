"""Build a gate's plan from the project's facts: pure, no I/O beyond what providers were given.

Discovered steps first, then the repository's own declarations (new steps, replacements, steps
turned off), then the command line's ``--only``/``--skip``. Steps decided without running (turned
off, not selected) are kept as skipped results so the artifact says what was left out and why.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import NamedTuple

from sdetkit.errors import ConfigError, UsageError
from sdetkit.model import MissingTool, Status, StepResult, StepSpec
from sdetkit.repo.config import GateConfig, StepConfig
from sdetkit.steps import CONFIGURED, DEFAULT_PRIORITY, PROVIDERS, kind_priority
from sdetkit.steps.base import NotChosen, PlanContext
from sdetkit.steps.chosen import env_of, not_run_by_ci, unrunnable
from sdetkit.toolenv.planning import PinnedEnv

DEFAULT_TIMEOUT = 600.0


class PlanOptions(NamedTuple):
    """What the command line asks of the plan."""

    only: tuple[str, ...] = ()
    skip: tuple[str, ...] = ()
    timeout: float | None = None


class ProfileSteps(NamedTuple):
    """What a gate profile adds to the discovered steps: its own steps, the ones that do not apply
    (with the reason), and the start priority of its kinds of step."""

    planned: Sequence[StepSpec] = ()
    not_chosen: Sequence[NotChosen] = ()
    kind_priority: Mapping[str, int] = MappingProxyType({})


class Plan(NamedTuple):
    """Steps to run (in start order), steps decided without running, and steps not chosen."""

    run: tuple[StepSpec, ...]
    decided: tuple[StepResult, ...]
    not_chosen: tuple[NotChosen, ...]
    order: tuple[str, ...]  # report order of every planned step id
    # Step id -> the tool environment it runs from (a pinned version other than the installed one).
    tool_envs: Mapping[str, PinnedEnv] = MappingProxyType({})

    @property
    def all_specs(self) -> tuple[StepSpec, ...]:
        """Every planned step, run or decided, in report order."""
        by_id = {s.id: s for s in self.run} | {r.spec.id: r.spec for r in self.decided}
        return tuple(by_id[i] for i in self.order)

    @property
    def missing_tools(self) -> tuple[tuple[str, str], ...]:
        """(step id, how to install its tool, else why it is missing) of every step to run whose
        tool is not installed."""
        found = [(s.id, s.program) for s in self.run if isinstance(s.program, MissingTool)]
        return tuple((sid, missing.install or missing.hint) for sid, missing in found)


def _from_config(ctx: PlanContext, cfg: StepConfig, base: StepSpec | None, source: str) -> StepSpec:
    """A configured step: a replacement of ``base`` or a new one. A command that runs a known tool
    keeps that tool's plumbing and failure parser."""
    if cfg.argv is None:
        if base is None:
            raise ConfigError(f"{source}: step {cfg.id!r} is not a discovered step, so it needs argv")
        spec = base
    else:
        known = next((p for p in PROVIDERS if p.matches(cfg.argv)), None)
        custom = CONFIGURED.plan(ctx, cfg, source)
        if base is not None:
            custom = custom._replace(
                kind=cfg.kind or base.kind,
                reason=f"{base.reason}; command replaced in {source}",
            )
        if known is not None:
            custom = custom._replace(provider=known.name, tool=known.tool, extra=known.extra(ctx, cfg.argv))
        spec = custom
    if cfg.timeout is not None:
        spec = spec._replace(timeout=cfg.timeout)
    if cfg.needs is not None:
        spec = spec._replace(needs=cfg.needs)
    if cfg.kind is not None:
        spec = spec._replace(kind=cfg.kind)
    if cfg.env:
        spec = spec._replace(env=cfg.env)
    return spec


def _with_ci_env(spec: StepSpec, env: tuple[tuple[str, str], ...]) -> StepSpec:
    """``spec`` with the environment its command's source sets (the step's own plumbing wins a clash)."""
    if not env:
        return spec
    own = {k for k, _ in spec.env}
    shown = " ".join(f"{k}={v}" for k, v in env)
    added = tuple((k, v) for k, v in env if k not in own)
    return spec._replace(env=(*added, *spec.env), reason=f"{spec.reason}; with {shown} as its source sets")


def build(ctx: PlanContext, gate: GateConfig, options: PlanOptions, profile: ProfileSteps | None = None) -> Plan:
    """The plan for one gate run: discovered steps, then the profile's own (the release checks),
    then the repository's declarations, then the command line. Raises ConfigError/UsageError on
    invalid declarations or flags."""
    profile = profile or ProfileSteps()
    extra = profile.planned
    specs: dict[str, StepSpec] = {}
    not_chosen: list[NotChosen] = list(profile.not_chosen)
    # The project's own commands that cannot run here are said, never silently dropped.
    not_chosen += unrunnable(ctx.facts)
    providers = list(PROVIDERS)
    for prov in providers:
        found = prov.discover(ctx)
        if found is None:  # the provider has nothing to say about this project
            continue
        if not isinstance(found, NotChosen):
            found = not_run_by_ci(ctx.facts, found, prov.tool, getattr(prov, "subcommand", None)) or found
        if not isinstance(found, NotChosen):
            found = _with_ci_env(found, env_of(ctx.facts, prov.tool, found.origin))
        if isinstance(found, NotChosen):
            not_chosen.append(found)
        else:  # the first provider to plan a step id keeps it: discovery order is trust order
            specs.setdefault(found.id, found)
    specs |= {s.id: s for s in extra}
    _tests_without_runner(ctx, specs, not_chosen)
    decided: dict[str, StepResult] = {}
    declared = {c.id: c for c in gate.steps}
    for cfg in gate.steps:
        if not cfg.enabled:
            base = specs.pop(cfg.id, None)
            if base is None:
                raise ConfigError(f"{gate.source}: step {cfg.id!r} is turned off but no such step was discovered")
            decided[cfg.id] = StepResult(base, Status.SKIPPED, message=f"turned off in {gate.source}")
            continue
        specs[cfg.id] = _from_config(ctx, cfg, specs.get(cfg.id), gate.source)
    not_chosen = [n for n in not_chosen if n.id not in specs and n.id not in decided]

    default_timeout = gate.timeout or DEFAULT_TIMEOUT
    for sid, spec in specs.items():
        cfg_timeout = declared[sid].timeout if sid in declared else None
        # A step's own default (release builds take longer) beats the gate-wide one, not the CLI's.
        specs[sid] = spec._replace(timeout=cfg_timeout or options.timeout or spec.timeout or default_timeout)
    _check_needs(specs, set(decided), gate.source)

    known = set(specs) | set(decided)
    for flag, ids in (("--only", options.only), ("--skip", options.skip)):
        unknown = sorted(set(ids) - known)
        if unknown:
            listed = ", ".join(sorted(known)) or "none"
            raise UsageError(f"{flag}: unknown step {unknown[0]!r} (planned steps: {listed})")
    _select(specs, decided, options)

    order = [p.step_id for p in providers] + [s.id for s in extra] + sorted(declared)
    report_order = tuple(dict.fromkeys(i for i in order if i in specs or i in decided))
    # Start order when several steps are ready: the usually-longest first (the providers and the
    # profile say which kinds those are) keeps the wall time near the slowest step's.
    priority = {**profile.kind_priority, **kind_priority()}
    start = sorted(specs.values(), key=lambda s: (not s.modifies, priority.get(s.kind, DEFAULT_PRIORITY), s.id))
    return Plan(
        tuple(start),
        tuple(decided[i] for i in report_order if i in decided),
        tuple(not_chosen),
        report_order,
    )


# The first words of the error a tests step gets when tests exist and no runner could be planned.
NO_RUNNER = "no test runner could be planned"


def _tests_without_runner(ctx: PlanContext, specs: dict[str, StepSpec], not_chosen: list[NotChosen]) -> None:
    """Test modules nobody runs must not let the gate pass: when the project has test files and no
    provider planned a tests step, plan one that cannot run and says what was found and why. (A
    step the repository declares, or turns off, still replaces it.)"""
    if any(s.kind == "tests" for s in specs.values()):
        return
    from sdetkit.repo.testusage import find_test_files
    from sdetkit.steps.unittest import runner_calls

    found = find_test_files(ctx.facts.root)
    if not found.files:
        return
    why = "; ".join(n.reason for n in not_chosen if n.id == "tests") or "no provider plans tests"
    suites = f", {len(found.unittest_files)} with unittest suites" if found.unittest_files else ""
    hint = (
        f"{NO_RUNNER}: {_count(len(found.files), 'test file')} under {found.where()}{suites}, but {why}; "
        "declare the command in [tool.sdetkit.gate.fast.steps.tests]"
    )
    reason = f"{_count(len(found.files), 'test file')} found and no runner for them"
    # The command the automation runs them with, when it names one: what a person would run.
    other = runner_calls(ctx.facts.evidence).other
    command = other[0][1] if other else ("<no runner>",)
    origin = other[0][0] if other else found.where()
    specs["tests"] = StepSpec("tests", "tests", command[0], command, reason, MissingTool(hint), origin=origin)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _select(specs: dict[str, StepSpec], decided: dict[str, StepResult], options: PlanOptions) -> None:
    """Apply ``--only`` and ``--skip`` in place. ``--only X`` also plans what X needs (so that
    ``--only version`` builds first and reproduces what the full gate saw), and says so in the
    step's reason; a step that needs a ``--skip``-ped one is skipped with it, never run without
    the input it needs."""
    wanted = set(specs) if not options.only else set()
    needed_by: dict[str, str] = {}
    todo = [i for i in options.only if i in specs]
    while todo:
        sid = todo.pop()
        if sid in wanted:
            continue
        wanted.add(sid)
        for need in specs[sid].needs:
            if need in specs and need not in wanted:
                needed_by.setdefault(need, sid)
                todo.append(need)
    for sid, dependent in needed_by.items():
        if sid not in options.only:
            specs[sid] = specs[sid]._replace(reason=f"{specs[sid].reason}; planned because --only {dependent} needs it")
    gone = dict.fromkeys(sorted(set(options.skip) & set(specs)), "skipped by --skip")
    root = {sid: sid for sid in gone}
    changed = True
    while changed:  # a step that needs a skipped one cannot run either
        changed = False
        for sid, spec in specs.items():
            missing = next((n for n in spec.needs if n in gone), None)
            if sid not in gone and missing is not None:
                root[sid] = root[missing]
                why = "" if root[sid] == missing else f" because it needs {root[sid]}"
                gone[sid] = f"skipped: needs {missing}, which --skip left out{why}"
                changed = True
    for sid in list(specs):
        if sid not in wanted:
            decided[sid] = StepResult(specs.pop(sid), Status.SKIPPED, message="not selected (--only)")
        elif sid in gone:
            decided[sid] = StepResult(specs.pop(sid), Status.SKIPPED, message=gone[sid])


def _check_needs(specs: dict[str, StepSpec], off: set[str], source: str) -> None:
    for spec in specs.values():
        for need in spec.needs:
            if need == spec.id:
                raise ConfigError(f"{source}: step {spec.id!r} needs itself")
            if need not in specs and need not in off:
                raise ConfigError(f"{source}: step {spec.id!r} needs {need!r}, which is not a planned step")
    state: dict[str, int] = {}

    def visit(sid: str, path: list[str]) -> None:
        if state.get(sid) == 2 or sid not in specs:
            return
        if state.get(sid) == 1:
            cycle = " -> ".join([*path[path.index(sid) :], sid])
            raise ConfigError(f"{source}: steps depend on each other in a cycle: {cycle}")
        state[sid] = 1
        for need in specs[sid].needs:
            visit(need, [*path, sid])
        state[sid] = 2

    for sid in sorted(specs):
        visit(sid, [])
