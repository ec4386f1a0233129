"""Steps a repository declares itself in ``[tool.sdetkit.gate.fast.steps.ID]`` (any language)."""

from __future__ import annotations

from pathlib import Path

from sdetkit.model import ExternalProgram, FirstFailure, MissingTool, Status, StepSpec
from sdetkit.repo.config import StepConfig
from sdetkit.steps.base import PlanContext, generic_first_failure


def resolve_program(ctx: PlanContext, argv0: str) -> ExternalProgram | MissingTool:
    """``python`` is the target interpreter; ``./x`` is relative to the project; names come from the
    target environment's scripts folder, then PATH."""
    if argv0 == "python":
        return ExternalProgram(ctx.env.python)
    if "/" in argv0:
        p = (ctx.facts.root / argv0) if not Path(argv0).is_absolute() else Path(argv0)
        if p.is_file():
            return ExternalProgram(str(p))
        return MissingTool(f"{argv0}: no such file in the project")
    found = ctx.env.find_program(argv0, ctx.path_env)
    if found:
        return ExternalProgram(found)
    return MissingTool(f"program not found: {argv0} (not in {ctx.env.scripts} nor on PATH)")


class ConfiguredSteps:
    """Steps the repository declares itself. They are configured, never discovered, so this is not a
    :class:`~sdetkit.steps.base.StepProvider`: it plans a step from its declaration, and reads the
    result of a command sdetkit knows nothing about (any exit code but 0 is a finding)."""

    name = "custom"
    kind = "custom"

    def plan(self, ctx: PlanContext, cfg: StepConfig, source: str) -> StepSpec:
        """A step exactly as configured."""
        argv = cfg.argv or ("",)
        return StepSpec(
            id=cfg.id,
            kind=cfg.kind or self.kind,
            tool=Path(argv[0]).name,
            command=argv,
            reason=f"declared in {source}",
            program=resolve_program(ctx, argv[0]),
            provider=self.name,
            env=cfg.env,
        )

    def status(self, exit_code: int) -> Status:
        """0 passes; anything else is a finding (the command's meaning is the project's)."""
        return Status.PASSED if exit_code == 0 else Status.FAILED

    def first_failure(self, output: str, root: Path, tmp: Path) -> FirstFailure | None:
        """The generic reading: the first located error line, else the first error-ish one."""
        return generic_first_failure(output)
