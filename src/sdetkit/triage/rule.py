"""What a triage rule is: everything about one kind of failure line, declared in one value.

A rule names its pattern and classification, the words the prefilter looks for, the next command
and the fix, and, where a tool prints a failure over several lines, how the lines around a match
shape the finding (``refine``), which later lines complete it (``follow``), which header line
names its file (``header``), which pytest section title is itself the failure (``section``) and
which group makes a match a repeat of a failure already read (``same_failure``) and which later
line shows the failure was recovered from (``undone_by``: a retry that then went on). The extractor
only calls these; it knows no rule by name.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple

from sdetkit.triage.finding import TriageFinding

CAUSAL, WEAK, WRAPPER = 1, 2, 3


class Seen(NamedTuple):
    """What a rule may read of the log around its match."""

    before: list[str]  # the cleaned lines just before the matched one, oldest first
    tools: frozenset[str]  # the ``log_names`` of all rules that appeared anywhere so far


class SectionTitle(NamedTuple):
    """A pytest section whose title is itself the failure (``ERROR collecting tests/x.py``)."""

    pattern: re.Pattern[str]  # over the title; its ``file`` group is the affected file
    message: str  # str.format template over the pattern's groups


# (rule, the match's groups, the log so far) -> the rule to build the finding with. May add groups.
Refine = Callable[["Rule", dict[str, str], Seen], "Rule"]
# (the rule's last finding, a later line) -> (the finding completed, keep following) or None if the
# line is not a continuation of it.
Follow = Callable[[TriageFinding, str], "tuple[TriageFinding, bool] | None"]


class Rule(NamedTuple):
    """One kind of failure line. The first rule whose pattern matches a line reads it."""

    id: str
    tool: str
    classification: str
    pattern: re.Pattern[str]
    next: str  # str.format template over the pattern's named groups (and ``file``, ``test``, ``tool``)
    tier: int = CAUSAL
    words: tuple[bytes, ...] = ()  # byte regexes the prefilter searches; every line the rule reads has one
    fix: str = ""
    refine: Refine | None = None
    follow: Follow | None = None
    header: re.Pattern[str] | None = None  # a line naming (group ``file``) the file of the findings after it
    section: SectionTitle | None = None
    same_failure: str | None = None  # a group whose value, already reported, makes the match a repeat
    log_names: tuple[str, ...] = ()  # tools printing this same shape; the ones named in the log decide
    undone_by: re.Pattern[str] | None = None  # a later line showing the step went on: the finding is dropped
    # Rules whose earlier finding, still standing, this line only follows from (pip's "No matching
    # distribution" after retries that never got through): the line is then that failure's wrapper.
    consequence_of: tuple[str, ...] = ()


def rule(
    rule_id: str,
    tool: str,
    classification: str,
    pattern: str,
    nxt: str,
    tier: int = CAUSAL,
    *,
    words: tuple[bytes, ...],
    fix: str,
    refine: Refine | None = None,
    follow: Follow | None = None,
    header: re.Pattern[str] | None = None,
    section: SectionTitle | None = None,
    same_failure: str | None = None,
    log_names: tuple[str, ...] = (),
    undone_by: str | None = None,
    consequence_of: tuple[str, ...] = (),
) -> Rule:
    """A rule from its pattern's source; a rule always says which words reach it and how to fix it."""
    return Rule(
        rule_id, tool, classification, re.compile(pattern), nxt, tier, words, fix,
        refine, follow, header, section, same_failure, log_names, re.compile(undone_by) if undone_by else None,
        consequence_of,
    )  # fmt: skip
