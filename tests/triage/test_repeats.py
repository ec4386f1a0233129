"""One failure shown many times (retries, reruns, several jobs in one log) is one finding with a count."""

from __future__ import annotations

from sdetkit.triage.finding import TriageFinding
from sdetkit.triage.repeats import Repeats, identity
from tests.triage.support import triage_text

RUN = (
    "tests/test_cart.py::test_total FAILED                                     [ 50%]\n"
    "=================================== FAILURES ===================================\n"
    "__________________________________ test_total __________________________________\n"
    "E       assert 11 == 12\n"
    "tests/test_cart.py:9: AssertionError\n"
    "FAILED tests/test_cart.py::test_total - assert 11 == 12\n"
    "========================= 1 failed, 3 passed in 0.12s ==========================\n"
)


def test_the_lines_of_one_run_are_one_occurrence() -> None:
    found = [f for f in triage_text(RUN) if f.rule != "pytest-summary"]
    assert [(f.test_id, f.line, f.occurrences) for f in found] == [("tests/test_cart.py::test_total", 9, 1)]


def test_a_test_failing_in_two_runs_is_counted_twice() -> None:
    found = [f for f in triage_text(RUN + "Re-running the job's tests once more\n" + RUN) if f.tier == 1]
    assert [(f.test_id, f.occurrences) for f in found] == [("tests/test_cart.py::test_total", 2)]


def test_retried_lines_that_differ_only_in_counters_are_one_failure() -> None:
    log = "".join(
        f"curl: (6) Could not resolve host: mirror.example.invalid (attempt {n} of 3, 0x7f{n}a0)\n" for n in (1, 2, 3)
    )
    (f,) = triage_text(log)
    assert (f.classification, f.occurrences, f.source) == ("infrastructure or network", 3, "ci.log:1")


def test_a_collection_error_in_two_environments_is_one_finding() -> None:
    env = (
        "_____________________ ERROR collecting tests/test_api.py ______________________\n"
        "E   ModuleNotFoundError: No module named 'httpx'\n"
        "ERROR tests/test_api.py - ModuleNotFoundError: No module named 'httpx'\n"
    )
    found = [f for f in triage_text(env + env) if f.tier == 1]
    assert [(f.rule, f.affected_file, f.occurrences) for f in found] == [("pytest-collect", "tests/test_api.py", 2)]


def test_different_failures_at_different_places_stay_apart() -> None:
    log = (
        "src/shop/cart.py:3: error: Incompatible return value type  [return-value]\n"
        "src/shop/cart.py:8: error: Incompatible return value type  [return-value]\n"
        "src/shop/cart.py:8: error: Argument 2 has incompatible type  [arg-type]\n"
        "src/shop/cart.py:8: error: Argument 3 has incompatible type  [arg-type]\n"
    )
    found = triage_text(log)
    assert [(f.line, f.occurrences) for f in found] == [(3, 1), (8, 1), (8, 1), (8, 1)]


def test_the_count_is_the_largest_of_each_kind_of_line() -> None:
    repeats = Repeats()
    assert [repeats.saw("t", k) for k in ("progress", "section", "summary", "summary", "progress")] == [1, 1, 1, 2, 2]


def test_identity_ignores_counters_only_without_a_location() -> None:
    def finding(message: str, file: str | None) -> TriageFinding:
        return TriageFinding("r", 1, "c", "t", message, file, 4 if file else None, None, "", "s", 1, "")

    assert identity(finding("retry 1", None)) == identity(finding("retry 2", None))
    assert identity(finding("Argument 1", "a.py")) != identity(finding("Argument 2", "a.py"))
