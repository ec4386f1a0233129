"""The doctor's score."""

from __future__ import annotations


def test_doctor_score_weights_failures_fully_and_warnings_half() -> None:
    from sdetkit.doctor.base import Check, CheckResult, Finding, Severity, score
    from sdetkit.doctor.base import CheckStatus as CS

    def result(sev: Severity, status: CS) -> CheckResult:
        return CheckResult(Check("x", "c", sev, "t", lambda _ctx: Finding(status, "")), Finding(status, ""))

    results = [result(Severity.HIGH, CS.PASS), result(Severity.MEDIUM, CS.FAIL), result(Severity.LOW, CS.WARN)]
    assert score(results) == round(100 * (1 - 3.5 / 11))
    assert score([result(Severity.HIGH, CS.SKIP)]) == 0
