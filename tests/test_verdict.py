"""The verdict: what an empty, skipped, failed or passing plan reduces to."""

from __future__ import annotations

from sdetkit.model import Status
from sdetkit.verdict import reduce
from tests.specs import result


class TestVerdict:
    def test_empty_plan_fails(self) -> None:
        v = reduce([])
        assert (v.ok, v.reason) == (False, "empty plan: no steps were discovered")

    def test_all_skipped_fails(self) -> None:
        v = reduce([result("a", Status.SKIPPED)])
        assert not v.ok and v.reason == "empty plan: every step was skipped"

    def test_failures_are_sorted_and_skips_never_pass(self) -> None:
        v = reduce([result("z", Status.TIMED_OUT), result("a", Status.ERROR), result("m", Status.SKIPPED)])
        assert not v.ok
        assert v.failed_steps == ("a", "z")
        assert v.reason == "2 of 3 steps did not pass: a (error), z (timed_out)"

    def test_pass_with_skip(self) -> None:
        v = reduce([result("a", Status.PASSED), result("b", Status.SKIPPED)])
        assert v.ok and v.reason == "1 of 2 steps passed, 1 skipped"
