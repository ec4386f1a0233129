"""Which of the project's own commands a step runs: the most trusted one that can run here.

Candidates are the automation's commands for the step's tool (see :mod:`sdetkit.ci`), most
trusted source first. A command that cannot run on this machine, or that its automation does not
run by default, is passed over with the reason, and so is every less trusted one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

from sdetkit.ci.files import selected, tracked
from sdetkit.ci.model import CiCommand
from sdetkit.ci.shell import UNKNOWN_VALUE
from sdetkit.model import StepSpec
from sdetkit.repo.config import ProjectFacts
from sdetkit.steps.base import NotChosen, PlanContext

# Kinds of step a project's configuration alone may plan only when its CI runs the tool (or has no
# CI at all): a check no CI runs would fail a gate its CI passes. Tests are run wherever test files
# exist (CI often runs them through actions the gate cannot read).
CI_ONLY_KINDS = frozenset({"lint", "format", "typecheck"})
# Files whose mere presence means the project has CI (even when none of their lines runs a tool).
_CI_FILES = (".pre-commit-config.yaml", "tox.ini", "tox.toml", "noxfile.py", ".gitlab-ci.yml", ".github/workflows/")


def candidates(facts: ProjectFacts, tool: str, sub: str | None = None) -> list[CiCommand]:
    """The automation's commands for ``tool`` (``sub``: only those running that subcommand)."""
    return [c for c in facts.automation if c.tool == tool and (sub is None or c.args[:1] == (sub,))]


def choose(
    ctx: PlanContext, tool: str, usable: Callable[[CiCommand], bool] = lambda c: True, sub: str | None = None
) -> CiCommand | None:
    """The most trusted runnable, run-by-default candidate that ``usable`` accepts."""
    return next((c for c in candidates(ctx.facts, tool, sub) if c.runnable and c.default and usable(c)), None)


def hook_files(ctx: PlanContext, command: CiCommand) -> tuple[str, ...] | None:
    """The files a pre-commit hook's command is given, or None when it is not a hook that takes files."""
    if command.hook is None or not command.hook.pass_filenames:
        return None
    return selected(ctx.facts.root, command.hook, tracked(ctx.facts.root))


class HookParts(NamedTuple):
    """What a step takes from an automation command: its arguments, the files a hook passes, why."""

    args: tuple[str, ...]
    files: tuple[str, ...]
    why: str


def ci_parts(
    ctx: PlanContext, step_id: str, command: CiCommand, drop: frozenset[str] = frozenset(), skip: int = 0
) -> HookParts | NotChosen:
    """``command``'s arguments (the first ``skip`` left out, the options in ``drop`` and what
    cannot be passed on here removed) and its hook's files, or why the step is not planned (a hook
    that selects no tracked file)."""
    files = hook_files(ctx, command)
    if files == ():
        return NotChosen(step_id, f"the {command.context} at {command.origin} selects no tracked file")
    shown = f" on the {len(files)} files the hook selects" if files else ""
    why = f"{command.context} runs {' '.join(command.argv)}{shown}"
    return HookParts(kept_args(ctx, command.args[skip:], drop), files or (), why)


def kept_args(ctx: PlanContext, args: tuple[str, ...], drop: frozenset[str] = frozenset()) -> tuple[str, ...]:
    """``args`` without what cannot be passed on here: tox ``{...}`` and shell ``$`` substitutions,
    and the options in ``drop`` (``--opt`` or ``--opt=value``)."""
    return tuple(a for a in args if "{" not in a and "$" not in a and a.split("=", 1)[0] not in drop)


def origin_of(facts: ProjectFacts, tool: str, file: str, args: Sequence[str]) -> str:
    """The full origin (``file:line (kind)``) of the automation's ``tool ARGS`` command written in
    ``file``, so listings can tell it from the candidates passed over; just ``file`` if not found."""
    found = next((c for c in candidates(facts, tool) if c.origin.file == file and c.args == tuple(args)), None)
    return str(found.origin) if found is not None else file


def env_of(facts: ProjectFacts, tool: str, origin: str) -> tuple[tuple[str, str], ...]:
    """What the source of the automation's ``tool`` command at ``origin`` sets in its environment (tox
    ``set_env``, nox ``session.env``): a step running that command runs with it."""
    found = next((c for c in candidates(facts, tool) if str(c.origin) == origin), None)
    return found.env if found is not None else ()


def passed_over(facts: ProjectFacts, tool: str, sub: str | None, origin: str) -> list[str]:
    """Each candidate the step did not run (its origin is ``origin``), with why, for listings."""
    out = []
    found = candidates(facts, tool, sub)
    at = next((i for i, c in enumerate(found) if str(c.origin) == origin), None)
    for i, c in enumerate(found):
        if i == at or not c.runnable:  # what cannot run here is listed as not planned instead
            continue
        if not c.default:
            why = c.off or "not run by default"
        elif at is None or i < at:
            why = "names nothing the step can check here"
        elif c.origin.trust > found[at].origin.trust:
            why = f"a less trusted source than {found[at].origin}"
        else:
            why = f"{found[at].origin} comes first"
        out.append(f"{c.describe()} - {why}")
    return out


def alternatives(facts: ProjectFacts, specs: tuple[StepSpec, ...]) -> dict[str, list[str]]:
    """Step id -> the automation's commands for its tool that the step passed over, with why."""
    from sdetkit.steps import PROVIDERS

    out: dict[str, list[str]] = {}
    for spec in specs:
        provider = next((p for p in PROVIDERS if p.name == spec.provider), None)
        if provider is not None:
            sub = getattr(provider, "subcommand", None)
            out[spec.id] = passed_over(facts, provider.tool, sub, spec.origin)
    return out


def unrunnable(facts: ProjectFacts) -> list[NotChosen]:
    """Every automation command that cannot run on this machine, as not planned with the reason."""
    return [
        NotChosen(c.tool, f"{c.describe()} - cannot run here: {c.why_not}") for c in facts.automation if not c.runnable
    ]


def _gate_runs(facts: ProjectFacts, step_id: str) -> bool:
    """Whether the project's CI runs sdetkit's own gate with the step ``step_id`` in it (the gate then
    plans from the configuration exactly as here)."""
    for c in facts.automation:
        if c.tool != "sdetkit" or c.args[:1] != ("gate",) or not c.default:
            continue
        picked: dict[str, set[str]] = {"--only": set(), "--skip": set()}
        for flag, value in zip(c.args, c.args[1:], strict=False):
            if flag in picked:
                picked[flag] |= set(value.split(","))
        if step_id not in picked["--skip"] and (not picked["--only"] or step_id in picked["--only"]):
            return True
    return False


def not_run_by_ci(facts: ProjectFacts, spec: StepSpec, tool: str, sub: str | None) -> NotChosen | None:
    """Why a check planned from the configuration alone is left out: the project has CI sources and
    none of them runs its tool (None: it stays planned)."""
    if spec.kind not in CI_ONLY_KINDS or not spec.origin.endswith(" (config)"):
        return None
    name = f"{tool} {sub}" if sub else tool
    ran = [c for c in candidates(facts, tool, sub) if c.default]
    unknown = [c for c in ran if c.why_not.endswith(UNKNOWN_VALUE)]
    if unknown and not any(c.runnable for c in ran):
        # CI names its files through a value the gate cannot know: the configuration's files are
        # another scope (often the whole tree), not what CI checks.
        return NotChosen(
            spec.id,
            f"CI runs {name} at {unknown[0].origin} on files not known here ({unknown[0].why_not}); "
            f"the files configured in {spec.origin.removesuffix(' (config)')} are not run in their place",
        )
    sources = sorted(n for n in facts.evidence if facts.automation or n.startswith(_CI_FILES))
    if not sources or any(c.default for c in candidates(facts, tool, sub)) or _gate_runs(facts, spec.id):
        return None
    where = spec.origin.removesuffix(" (config)")
    shown = ", ".join(sources[:8]) + (f" and {len(sources) - 8} more" if len(sources) > 8 else "")
    return NotChosen(
        spec.id,
        f"configured in {where}, but none of the project's CI sources runs {name} (checked: {shown}); "
        "declare it in [tool.sdetkit.gate.fast.steps] to run it",
    )
