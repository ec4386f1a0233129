"""How many tests a passing tests step ran, from the count its runner prints.

A test run that exits 0 proves nothing when it ran no test (a test script without
``unittest.main()``, a discovery pattern that matches nothing), so a tests step is judged by its
count as well as its exit code: unittest and nose2 print ``Ran N tests``, pytest its summary line
(``3 passed, 1 skipped in 0.12s``, ``no tests ran``). Several counts (a make target or tox running
more than one suite) add up. Plain text only.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from sdetkit.model import Status

_UNITTEST = re.compile(r"^Ran (?P<n>\d+) tests? in \S+$")
# pytest's summary: "==== 3 passed, 1 skipped in 0.12s ====" or, with -q, "3 passed in 0.12s".
_PYTEST = re.compile(r"^=*\s*(?P<counts>\d+ \w+(?:, \d+ \w+)*|no tests ran) in [\d.]+s\b.*?=*$")
_PYTEST_COUNT = re.compile(r"(\d+) (\w+)")
# The outcomes of tests that ran; pytest's other words (skipped, deselected, warnings) count none.
_RAN = frozenset({"passed", "failed", "error", "errors", "xfailed", "xpassed"})
_PYTEST_WORDS = _RAN | {"skipped", "deselected", "warning", "warnings", "rerun"}
UNKNOWN = "exit 0; the command printed no test count, so how many tests ran is unknown"


class RanTests(NamedTuple):
    """How many tests the output says ran, and the lines that said it (None: no count printed)."""

    ran: int | None
    said: tuple[str, ...] = ()


def count(output: str) -> RanTests:
    """The tests the runners in ``output`` say they ran, summed over every count line."""
    ran: int | None = None
    said: list[str] = []
    for raw in output.splitlines():
        line = raw.strip()
        found = _count_of(line)
        if found is not None:
            ran = (ran or 0) + found
            said.append(line.strip("= "))
    return RanTests(ran, tuple(said))


def _count_of(line: str) -> int | None:
    """The tests one output line says ran, or None when it is no count line."""
    m = _UNITTEST.match(line)
    if m:
        return int(m["n"])
    m = _PYTEST.match(line)
    if m is None:
        return None
    items = _PYTEST_COUNT.findall(m["counts"])
    if not all(word in _PYTEST_WORDS for _, word in items):  # "3 files in 2s" is not pytest's
        return None
    return sum(int(n) for n, word in items if word in _RAN)


def judge(output: str) -> tuple[Status, str]:
    """A passing tests step's status and message by its count: failed when it ran no test, passed
    with a note when it printed no count, passed without a note otherwise."""
    found = count(output)
    if found.ran is None:
        return Status.PASSED, UNKNOWN
    if found.ran == 0:
        return Status.FAILED, f"ran no test: the command printed {'; '.join(repr(s) for s in found.said)}"
    return Status.PASSED, ""


__all__ = ["UNKNOWN", "RanTests", "count", "judge"]
