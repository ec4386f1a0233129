"""The values a rollout evaluation is made of: a criterion's result, a checkpoint, a signal."""

from __future__ import annotations

from typing import Any, NamedTuple

from sdetkit.enums import StrEnum
from sdetkit.portfolio.kinds import Stage


class Status(StrEnum):
    """A criterion's result. ``unknown`` is never counted as met: the evidence it needs is not kept."""

    MET = "met"
    NOT_MET = "not_met"
    UNKNOWN = "unknown"


class Gate(StrEnum):
    """Whether a criterion lets a stage begin (entry) or says it is done (exit)."""

    ENTRY = "entry"
    EXIT = "exit"


class Result(NamedTuple):
    """What one criterion found: its status, the measured value, the evidence it read and, when
    not met, what is missing in one actionable sentence."""

    status: Status
    measured: str
    evidence: tuple[str, ...] = ()
    missing: str | None = None


class CriterionResult(NamedTuple):
    """A criterion of the guide with its result."""

    id: str
    stage: Stage
    gate: Gate
    title: str
    threshold: str
    result: Result
    completes: Stage | None = None  # "that stage's exit criteria are all met": derived from them

    def document(self) -> dict[str, Any]:
        """The JSON form (``criteria[]`` of the rollout-status document)."""
        r = self.result
        return {
            "id": self.id,
            "stage": self.stage.value,
            "gate": self.gate.value,
            "title": self.title,
            "threshold": self.threshold,
            "status": r.status.value,
            "measured": r.measured,
            "evidence": list(r.evidence),
            "missing": r.missing,
        }


def met(measured: str, *evidence: str) -> Result:
    """A met result."""
    return Result(Status.MET, measured, tuple(evidence))


def not_met(measured: str, missing: str, *evidence: str) -> Result:
    """A result that is not met, with what is missing."""
    return Result(Status.NOT_MET, measured, tuple(evidence), missing)


def unknown(reason: str, *evidence: str) -> Result:
    """A criterion sdetkit cannot judge from the evidence it keeps; ``reason`` says why."""
    return Result(Status.UNKNOWN, "not measured", tuple(evidence), reason)
