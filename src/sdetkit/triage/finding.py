"""The one value every triage reader produces: a failure found in a log, a JUnit report or a gate artifact."""

from __future__ import annotations

from typing import NamedTuple


class TriageFinding(NamedTuple):
    """One failure, located and classified, with the command that reproduces it.

    ``fix`` is what to change: the rule's hint, made exact by ``sdetkit.triage.fixes`` where it can be.
    """

    rule: str
    tier: int
    classification: str
    tool: str
    message: str
    affected_file: str | None
    line: int | None
    test_id: str | None
    next_command: str
    source: str  # "file:line" of the evidence
    position: int  # line number used for ordering (a test's section, not its summary line)
    excerpt: str
    fix: str = ""
    occurrences: int = 1  # how many times the log shows this same failure (retries, several jobs)
