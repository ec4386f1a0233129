"""The test count a runner prints decides whether a passing tests step proved anything."""

from __future__ import annotations

import pytest

from sdetkit.model import Status
from sdetkit.steps.testcount import UNKNOWN, RanTests, count, judge


@pytest.mark.parametrize(
    ("output", "ran"),
    [
        ("..\n----\nRan 28 tests in 0.003s\n\nOK\n", 28),
        ("Ran 1 test in 0.001s\n", 1),
        ("===== 3 passed, 1 skipped, 2 warnings in 0.12s =====\n", 3),
        ("1 failed, 2 passed in 1.20s (0:00:01)\n", 3),
        ("5 skipped in 0.10s\n", 0),
        ("==== no tests ran in 0.01s ====\n", 0),
        ("Ran 2 tests in 0.1s\nOK\nRan 3 tests in 0.2s\nOK\n", 5),  # two suites of one make target
        ("compiled 3 files in 0.4s\n", None),  # not pytest's words
        ("", None),
    ],
)  # fmt: skip
def test_the_count_a_runner_printed(output: str, ran: int | None) -> None:
    assert count(output).ran == ran


def test_no_test_ran_fails_and_quotes_what_the_runner_printed() -> None:
    assert count("Ran 0 tests in 0.000s\n\nNO TESTS RAN\n") == RanTests(0, ("Ran 0 tests in 0.000s",))
    assert judge("Ran 0 tests in 0.000s\n\nNO TESTS RAN\n") == (
        Status.FAILED,
        "ran no test: the command printed 'Ran 0 tests in 0.000s'",
    )


def test_no_count_passes_with_a_note_and_a_count_passes_plainly() -> None:
    assert judge("all good\n") == (Status.PASSED, UNKNOWN)
    assert judge("Ran 4 tests in 0.010s\n\nOK\n") == (Status.PASSED, "")
