"""Running the plan: a step whose files a later step reads runs for real when that step runs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import GateRun
from tests.steps.test_coverage import CALC, WORKFLOW


@pytest.mark.slow
def test_a_stored_tests_pass_is_run_again_when_the_coverage_step_reading_its_data_runs(
    make_repo: Callable[..., Path], run_gate: Callable[..., GateRun]
) -> None:
    repo = make_repo({**CALC, ".github/workflows/ci.yml": WORKFLOW.format(under=100)})
    first = run_gate(repo)
    assert (first.step("tests")["status"], first.step("coverage")["status"]) == ("passed", "failed")
    # The tests pass is stored, the coverage failure is not: the second run measures again, so the
    # coverage step reads this run's data instead of finding none.
    again = run_gate(repo)
    assert (again.step("tests")["status"], again.step("tests")["cached"]) == ("passed", False)
    step = again.step("coverage")
    assert step["status"] == "failed"
    assert step["first_failure"]["message"] == "total coverage 89% is below the threshold of 100%"


@pytest.mark.slow
def test_both_passes_stored_are_both_read(make_repo: Callable[..., Path], run_gate: Callable[..., GateRun]) -> None:
    repo = make_repo({**CALC, ".github/workflows/ci.yml": WORKFLOW.format(under=85)})
    assert run_gate(repo).code == 0
    again = run_gate(repo)
    assert (again.code, again.step("tests")["cached"], again.step("coverage")["cached"]) == (0, True, True)
