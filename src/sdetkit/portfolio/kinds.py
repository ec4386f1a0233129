"""The portfolio's closed vocabularies. A module of its own, free of imports, so the CLI can offer
them as choices without loading the portfolio (``sdetkit --help`` stays fast)."""

from __future__ import annotations

from sdetkit.enums import StrEnum


class IncidentKind(StrEnum):
    """What ``sdetkit portfolio incident`` records: a rollback, or a failure (with its triage time)."""

    ROLLBACK = "rollback"
    FAILURE = "failure"


class ProgramStatus(StrEnum):
    """The program status of the KPI payload and the reports, best first."""

    GREEN = "green"
    AMBER = "amber"
    RED = "red"


class Stage(StrEnum):
    """The rollout guide's three stages, in order (a workstream's phase is one of them too)."""

    EVALUATION = "evaluation"
    PILOT = "pilot"
    PRODUCTION = "production"
