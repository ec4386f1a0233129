"""Steps a repository declares itself in ``[tool.sdetkit.gate.fast.steps.ID]`` (any language)."""

from __future__ import annotations

from pathlib import Path

from sdetkit.model import FirstFailure, Status, StepSpec
from sdetkit.repo.config import StepConfig
from sdetkit.steps.base import NotChosen, PlanContext, generic_first_failure


def resolve_program(ctx: PlanContext, argv0: str) -> tuple[str | None, str]:
    """``python`` is the target interpreter; ``./x`` is relative to the project; names come from the
    target environment's scripts folder, then PATH."""
    if argv0 == "python":
        return ctx.env.python, ""
    if "/" in argv0:
        p = (ctx.facts.root / argv0) if not Path(argv0).is_absolute() else Path(argv0)
        if p.is_file():
            return str(p), ""
        return None, f"{argv0}: no such file in the project"
    found = ctx.env.find_program(argv0, ctx.path_env)
    if found:
        return found, ""
    return None, f"program not found: {argv0} (not in {ctx.env.scripts} nor on PATH)"


class Custom:
    name = "custom"
    step_id = ""
    kind = "custom"
    tool = ""

    def discover(self, ctx: PlanContext) -> StepSpec | NotChosen:
        return NotChosen("", "custom steps come from configuration")

    def plan(self, ctx: PlanContext, cfg: StepConfig, source: str) -> StepSpec:
        """A step exactly as configured."""
        argv = cfg.argv or ("",)
        program, hint = resolve_program(ctx, argv[0])
        return StepSpec(
            id=cfg.id,
            kind=cfg.kind or "custom",
            tool=Path(argv[0]).name,
            command=argv,
            reason=f"declared in {source}",
            program=program,
            missing_hint=hint,
            provider=self.name,
            env=cfg.env,
        )

    def matches(self, argv: tuple[str, ...]) -> bool:
        return True

    def extra(self, ctx: PlanContext, command: tuple[str, ...]) -> tuple[str, ...]:
        return ()

    def status(self, exit_code: int) -> Status:
        return Status.PASSED if exit_code == 0 else Status.FAILED

    def first_failure(self, output: str, root: Path, tmp: Path) -> FirstFailure | None:
        return generic_first_failure(output)
