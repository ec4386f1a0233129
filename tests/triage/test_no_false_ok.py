"""Never a false OK (issue 14): passing output with one failure signal planted anywhere is never ok.

Random mixtures of passing output (full of scary words), CI prefixes and one planted line that
proves the job failed: triage must report it (so ``ok`` is false), at the planted line when no
rule explains it; the same mixture without the planted line must stay ok.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sdetkit.triage.rules import RULES
from sdetkit.triage.signals import FAILED, SIGNALS
from tests.triage.support import triage_text
from tests.triage.test_prefixes import PREFIXED
from tests.triage.test_rules import EXAMPLES as RULE_EXAMPLES
from tests.triage.test_signals import EXAMPLES

PASSING = (
    "collected 42 items",
    "tests/test_errors.py::test_error_message_names_the_file PASSED            [ 10%]",
    "tests/test_retry.py::test_failed_upload_is_retried PASSED                 [ 20%]",
    "tests/test_kill.py::test_killed_worker_is_replaced XFAIL (flaky on CI)    [ 30%]",
    "  /w/src/app/compat.py:12: DeprecationWarning: error_callback is deprecated",
    "Warning: Attempt 1 failed. Retrying in 10 seconds",
    "Successfully installed failure-detector-0.3 errorhandler-2.1",
    "  py311: OK (4.02=setup[1.10]+cmd[2.92] seconds)",
    "make: [Makefile:12: clean] Error 1 (ignored)",
    "$ echo 'no errors found, 0 failed'",
    "Killed 2 stale workers before the run",
    "=========== 41 passed, 2 xfailed, 1 xpassed, 3 warnings in 4.02s ===========",
    "Job succeeded",
)
FAILURE_SIGNALS = [s.id for s in SIGNALS if s.outcome == FAILED]
PLAIN_PREFIXES = [p for name, p in PREFIXED.items() if name != "error-annotation"]

mixtures = st.lists(st.tuples(st.sampled_from(PASSING), st.sampled_from(["", *PLAIN_PREFIXES])), max_size=25)


def _log(lines: list[tuple[str, str]]) -> str:
    return "".join(prefix + line + "\n" for line, prefix in lines)


@settings(max_examples=60, deadline=None)
@given(lines=mixtures.filter(bool))
def test_passing_output_alone_stays_ok(lines: list[tuple[str, str]]) -> None:
    assert triage_text(_log(lines)) == []


@pytest.mark.parametrize("signal_id", FAILURE_SIGNALS)
@settings(max_examples=25, deadline=None)
@given(lines=mixtures, at=st.integers(min_value=0), prefix=st.sampled_from(["", *PLAIN_PREFIXES]))
def test_one_planted_signal_is_never_ok(signal_id: str, lines: list[tuple[str, str]], at: int, prefix: str) -> None:
    at %= len(lines) + 1
    planted = EXAMPLES[signal_id].splitlines()[-1]
    head = _log(lines[:at]) + prefix + planted + "\n"
    found = triage_text(head + _log(lines[at:]))
    assert found, "a log that shows a failure was ok"
    assert (found[0].rule, found[0].source) == (signal_id, f"ci.log:{head.count(chr(10))}")


@pytest.mark.parametrize("rule_id", list(RULE_EXAMPLES))
@settings(max_examples=15, deadline=None)
@given(lines=mixtures, at=st.integers(min_value=0), prefix=st.sampled_from(["", *PLAIN_PREFIXES]))
def test_one_planted_rule_failure_is_never_ok(rule_id: str, lines: list[tuple[str, str]], at: int, prefix: str) -> None:
    """Each class a rule explains, planted in passing output, is found (so ``ok`` is false)."""
    at %= len(lines) + 1
    planted = "".join(prefix + line + "\n" for line in RULE_EXAMPLES[rule_id][0].splitlines())
    undo = next(r.undone_by for r in RULES if r.id == rule_id)
    if undo is not None:  # a retry the step went on from is no failure: plant none of the lines that show it did
        lines = [(line, p) for line, p in lines if not undo.search(line)]
    found = triage_text(_log(lines[:at]) + planted + _log(lines[at:]))
    assert rule_id in [f.rule for f in found], f"{rule_id} planted, found {[f.rule for f in found]}"
