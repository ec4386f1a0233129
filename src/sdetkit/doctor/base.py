"""Doctor checks: what they see, what they return, how results become a score and a verdict."""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NamedTuple

from sdetkit.doctor.severity import Severity as Severity  # noqa: PLC0414 - re-exported for the checks
from sdetkit.repo.config import ProjectFacts
from sdetkit.repo.environment import Environment
from sdetkit.repo.git import GitState

WEIGHT = {Severity.INFO: 0, Severity.LOW: 1, Severity.MEDIUM: 3, Severity.HIGH: 7, Severity.CRITICAL: 15}


class CheckStatus(str, enum.Enum):
    """What a check concluded; a skipped check counts neither for nor against the score."""

    PASS = "pass"  # noqa: S105 - a check status, not a password
    WARN = "warn"
    FAIL = "fail"
    SKIP = "skip"


class DoctorContext(NamedTuple):
    """What every check may look at. ``facts``/``env``/``state`` are None when they could not be read
    (the checks that need them then say why)."""

    root: Path
    facts: ProjectFacts | None
    facts_error: str | None
    env: Environment | None
    state: GitState | None
    environ: dict[str, str]
    tools_missing: tuple[tuple[str, str], ...]  # (step id, install hint) of the fast plan
    plan_error: str | None
    has_tests_step: bool


class DoctorFinding(NamedTuple):
    """What a check found. ``severity`` overrides the check's own for this finding: one check can
    find a blocking problem or a minor one (a missing dependency the tests import, or one they do
    not), and the score and the verdict must weigh what was found, not the worst it could be."""

    status: CheckStatus
    message: str
    fix: str = ""
    severity: Severity | None = None


# What a check is: a function of what the doctor read, returning what it found.
CheckFunction = Callable[[DoctorContext], DoctorFinding]


class DoctorCheck(NamedTuple):
    """One doctor check: its id (``--only``/``--skip``), category, severity, title and the function
    that looks at a :class:`DoctorContext` and returns a :class:`DoctorFinding`."""

    id: str
    category: str
    severity: Severity
    title: str
    run: CheckFunction


class CheckResult(NamedTuple):
    """A check and what it found in this run."""

    check: DoctorCheck
    finding: DoctorFinding

    @property
    def severity(self) -> Severity:
        """The finding's severity when it names one, else the check's."""
        return self.finding.severity or self.check.severity


def score(results: Sequence[CheckResult]) -> int:
    """0-100, weighted by severity: a failure costs its full weight, a warning half."""
    return score_of([(r.severity, r.finding.status) for r in results])


def score_of(outcomes: Sequence[tuple[Severity, CheckStatus]]) -> int:
    """:func:`score` of ``(severity, status)`` pairs (also how a written artifact is re-checked)."""
    total = sum(WEIGHT[sev] for sev, status in outcomes if status is not CheckStatus.SKIP)
    if total == 0:
        return 0
    lost = sum(
        WEIGHT[sev] * (1.0 if status is CheckStatus.FAIL else 0.5)
        for sev, status in outcomes
        if status in (CheckStatus.FAIL, CheckStatus.WARN)
    )
    return round(100 * (1 - lost / total))


def verdict(outcomes: Sequence[tuple[str, Severity, CheckStatus]], fail_on: Severity) -> tuple[bool, str]:
    """``(ok, reason)`` of ``(check id, severity, status)`` triples: ok when a check ran and none
    failed at or above ``fail_on``. The doctor command and the artifact re-check both use it."""
    blockers = [cid for cid, sev, status in outcomes if status is CheckStatus.FAIL and sev.rank >= fail_on.rank]
    ran = [cid for cid, _, status in outcomes if status is not CheckStatus.SKIP]
    if not ran:
        return False, "no check ran"
    if blockers:
        return False, f"{len(blockers)} check(s) failed at or above {fail_on.value}: {', '.join(blockers)}"
    return True, f"{len(ran)} checks ran, none failed at or above {fail_on.value}"


def ok(f: str = "") -> DoctorFinding:
    """A pass, with what was seen."""
    return DoctorFinding(CheckStatus.PASS, f)


def fail(message: str, fix: str, severity: Severity | None = None) -> DoctorFinding:
    """A failure, with how to fix it."""
    return DoctorFinding(CheckStatus.FAIL, message, fix, severity)


def warn(message: str, fix: str, severity: Severity | None = None) -> DoctorFinding:
    """A warning (half a failure's weight), with how to fix it."""
    return DoctorFinding(CheckStatus.WARN, message, fix, severity)


def skip(message: str) -> DoctorFinding:
    """The check could not apply here, and why."""
    return DoctorFinding(CheckStatus.SKIP, message)
