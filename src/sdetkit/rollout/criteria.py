"""A criterion of the rollout guide: which stage and gate it belongs to, what it demands, and the
judge that reads the evidence. The criteria themselves are in ``criteria_<stage>.py``; ``ALL``
lists them in the guide's order."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from sdetkit.portfolio.kinds import Stage
from sdetkit.rollout.evidence import View
from sdetkit.rollout.model import CriterionResult, Gate, Result, Status, met, not_met


class Criterion(NamedTuple):
    """One row of the guide, machine-checked."""

    id: str
    stage: Stage
    gate: Gate
    title: str
    threshold: str
    judge: Callable[[View], Result]
    completes: Stage | None = None  # set when the criterion is "that stage's exit is complete"

    def evaluate(self, view: View) -> CriterionResult:
        """This criterion's result on ``view``."""
        result = self.judge(view)
        return CriterionResult(self.id, self.stage, self.gate, self.title, self.threshold, result, self.completes)


def stage_complete(stage: Stage) -> Callable[[View], Result]:
    """A judge: every exit criterion of ``stage`` is met (an unknown one is not)."""

    def judge(view: View) -> Result:
        results = view.exit_results(stage)
        done = [r for r in results if r.result.status == Status.MET]
        measured = f"{len(done)} of {len(results)} {stage} exit criteria met"
        if len(done) == len(results):
            return met(measured)
        blocking = [r for r in results if r.result.status != Status.MET]
        names = ", ".join(f"{r.id} ({r.result.status})" for r in blocking)
        return not_met(measured, f"the {stage} exit criteria not met yet: {names}")

    return judge
