"""The doctor's score."""

from __future__ import annotations

from sdetkit.doctor.base import CheckResult, DoctorCheck, DoctorFinding, score
from sdetkit.doctor.base import CheckStatus as CS
from sdetkit.doctor.severity import Severity


def result(sev: Severity, status: CS) -> CheckResult:
    found = DoctorFinding(status, "")
    return CheckResult(DoctorCheck("x", "c", sev, "t", lambda _ctx: found), found)


def test_doctor_score_weights_failures_fully_and_warnings_half() -> None:
    results = [result(Severity.HIGH, CS.PASS), result(Severity.MEDIUM, CS.FAIL), result(Severity.LOW, CS.WARN)]
    assert score(results) == round(100 * (1 - 3.5 / 11))
    assert score([result(Severity.HIGH, CS.SKIP)]) == 0
