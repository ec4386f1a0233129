"""Small step specs and results for in-process tests of the pure units."""

from __future__ import annotations

from sdetkit.model import ExternalProgram, Status, StepResult, StepSpec


def spec(sid: str, needs: tuple[str, ...] = (), modifies: bool = False) -> StepSpec:
    return StepSpec(
        id=sid,
        kind="custom",
        tool="t",
        command=("t", sid),
        reason="r",
        program=ExternalProgram("/bin/t"),
        needs=needs,
        modifies=modifies,
    )


def result(sid: str, status: Status) -> StepResult:
    return StepResult(spec(sid), status, exit_code=0 if status is Status.PASSED else 1)
