"""How many times a log shows one failure: retries, reruns and several jobs in one log.

A failure is printed over several kinds of line (a pytest -v progress line, its section, its
summary line), each once per run. Each kind is counted apart, and the failure's occurrences are
the largest count: a progress line, a section and a summary are one run; two summary lines of the
same test are two.
"""

from __future__ import annotations

import re
from collections import Counter

from sdetkit.triage.finding import TriageFinding

# Numbers and addresses that differ between two reports of one failure ("Retry(total=4" then
# "total=3", an object at 0x7f..., a port): left out of the identity of a finding with no location.
_VARYING = re.compile(r"0x[0-9a-fA-F]+|\d+")


def identity(finding: TriageFinding) -> str:
    """What makes two findings one failure: the test it names, else the rule, the location and the message."""
    if finding.test_id:
        return "test " + node(finding.test_id)
    message = finding.message
    if finding.affected_file is None and finding.line is None:
        message = _VARYING.sub("#", message)
    return f"{finding.rule} {finding.affected_file}:{finding.line} {message}"


def node(test: str) -> str:
    """A test id without its file: the name a pytest section title gives it."""
    return test.split("::", 1)[1] if "::" in test else test


class Repeats:
    """Counts each kind of line reporting each failure, and gives the failure's occurrences."""

    def __init__(self) -> None:
        self._kinds: dict[str, Counter[str]] = {}

    def saw(self, failure: str, kind: str) -> int:
        """Note one more line of ``kind`` reporting ``failure``; its occurrences so far."""
        counted = self._kinds.setdefault(failure, Counter())
        counted[kind] += 1
        return max(counted.values())
