"""The report's per-repository lists, each cut to its :data:`CAP` most important repositories.

At hundreds of repositories a list of every one that turned red is no longer read, so each list
shows its most important entries, says how many more there are, and the HTML page's appendix
holds it whole. Every per-repository list of the report is one :class:`ReportRepoList` in
:data:`REPO_LISTS`: the order, the cut and the appendix follow from that one entry, so a list
cannot be left uncut or out of the appendix.

"Most important" is by risk at the repository's latest run (high first, a repository without a
run last), then team, then repository id; the longest-red list puts the most weeks red first.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from sdetkit.report.content import DASH, Table, format_value, is_number, period_noun, plain_text, repo_label, rows_of

CAP = 10
_RISK_RANK = {"high": 0, "medium": 1, "low": 2}
Row = Mapping[str, Any]


def _risk_team_repo(row: Row) -> tuple[int, str, str]:
    rank = _RISK_RANK.get(plain_text(row.get("risk")), len(_RISK_RANK))
    return rank, plain_text(row.get("team")), plain_text(row.get("repo_id"))


def _most_weeks(row: Row) -> tuple[float]:
    weeks = row.get("weeks")
    return (-float(weeks) if is_number(weeks) else math.inf,)


Column = tuple[str, Callable[[Row], str]]  # header ("{noun}": the period noun) and cell


def _text(key: str, default: str = DASH) -> Callable[[Row], str]:
    return lambda row: plain_text(row.get(key), default)


_WHO: tuple[Column, ...] = (("repository", _text("repo_id", "")), ("team", _text("team")), ("lane", _text("lane")))


class ReportRepoList(NamedTuple):
    """One per-repository list of the report: the model key it reads and its table's columns."""

    id: str  # "turned-red": the appendix entry is ``appendix-turned-red``
    heading: str
    key: str  # the model list
    columns: tuple[Column, ...]  # after repository, team and lane
    empty: str  # the sentence for an empty list ("{noun}": the period noun)
    first: Callable[[Row], tuple[Any, ...]] = lambda _row: ()  # what orders before risk, team and id
    numeric: frozenset[int] = frozenset()
    risk_column: bool = False  # the last column is the risk tier, and styled by it
    lead: tuple[Column, ...] = _WHO  # the first columns: repository, team and lane, or none for a list of findings

    def rows(self, model: Mapping[str, Any]) -> list[Row]:
        """Every row of the list, most important first."""
        return sorted(rows_of(model.get(self.key)), key=lambda r: (*self.first(r), *_risk_team_repo(r)))

    def complete(self, model: Mapping[str, Any]) -> Table:
        """The whole list as a table (for the appendix)."""
        noun, rows, columns = period_noun(model), self.rows(model), (*self.lead, *self.columns)
        return Table(
            headers=tuple(header.format(noun=noun) for header, _ in columns),
            rows=tuple(tuple(cell(row) for _, cell in columns) for row in rows),
            empty=self.empty.format(noun=noun),
            numeric=self.numeric,
            tags=tuple(plain_text(row.get("risk"), "none") for row in rows) if self.risk_column else (),
            tag_columns=frozenset({len(columns) - 1}) if self.risk_column else frozenset(),
        )

    def shown(self, model: Mapping[str, Any]) -> Table:
        """The list as the report's body shows it: its first :data:`CAP` rows, and how many more."""
        whole = self.complete(model)
        return dataclasses.replace(
            whole, rows=whole.rows[:CAP], tags=whole.tags[:CAP], more=max(len(whole.rows) - CAP, 0), full=self.id
        )

    def labels(self, model: Mapping[str, Any]) -> tuple[list[str], int]:
        """The first :data:`CAP` repositories as "billing (team payments, lane scale)", and how many more."""
        rows = self.rows(model)
        return [repo_label(r) for r in rows[:CAP]], max(len(rows) - CAP, 0)


_RISK: tuple[Column, ...] = (("risk at latest run this {noun}", _text("risk")),)
TURNED_RED = ReportRepoList("turned-red", "Turned red", "turned_red", _RISK, "None this {noun}.", risk_column=True)
# Red at its first run ever: there was no earlier run to turn red from.
FIRST_SEEN_RED = ReportRepoList(
    "first-seen-red", "First seen red", "first_seen_red", _RISK, "None this {noun}.", risk_column=True
)
RECOVERED = ReportRepoList("recovered", "Recovered", "recovered", _RISK, "None this {noun}.", risk_column=True)
LONGEST_RED = ReportRepoList(
    "longest-red",
    "Longest red",
    "longest_red",
    (("weeks red", lambda row: format_value(row.get("weeks"))), ("red since", _text("since", "unknown"))),
    "No repository is red at its latest run this {noun}.",
    _most_weeks,
    numeric=frozenset({3}),
)
MISSING = ReportRepoList(
    "missing", "Missing repositories", "missing", (("last seen", _text("last_seen", "never")),),
    "No repositories missing this {noun}.",
)  # fmt: skip
# Lists of findings rather than repositories: cut and kept whole in the appendix the same way.
SLO_BREACHES = ReportRepoList(
    "slo-breaches", "Response target breaches", "incident_breaches",
    (("incident", _text("incident")), ("severity", _text("severity")), ("target", _text("target")),
     ("breach", _text("detail"))),
    "No response target was missed by incidents opened this {noun}.", lead=(),
)  # fmt: skip
ESCALATION_DRIFT = ReportRepoList(
    "escalation-drift", "Escalation drift", "escalation_drift", (("finding", _text("finding")),),
    "No escalation drift: every severity is as the support model's rules give it.", lead=(),
)  # fmt: skip
CHECKLIST_NONCOMPLIANT = ReportRepoList(
    "checklist-noncompliant", "SHIP decisions without a passing checklist", "checklist_noncompliant",
    (("commit", _text("commit", "none recorded")), ("evidence day", _text("day"))),
    "Every SHIP decision of the lane this {noun} is covered by a passing checklist, or there was none.",
)  # fmt: skip
REPO_LISTS = (
    TURNED_RED, FIRST_SEEN_RED, RECOVERED, LONGEST_RED, MISSING, SLO_BREACHES, ESCALATION_DRIFT, CHECKLIST_NONCOMPLIANT,
)  # fmt: skip


def more_text(count: int) -> str:
    """ "and 67 more"."""
    return f"and {count} more"


def appendix_intro() -> str:
    """What the appendix holds and how the lists above were cut."""
    return (
        f"The lists above show their {CAP} most important repositories: by risk at the latest run "
        "(high first; in Longest red, the most weeks red first), then team, then repository."
    )


def nothing_cut() -> str:
    """The appendix when no list was cut."""
    return f"Every list in this report is complete: none has more than {CAP} repositories."


def cut_lists(model: Mapping[str, Any]) -> list[tuple[ReportRepoList, Table]]:
    """The lists longer than :data:`CAP`, each with its complete table, in report order."""
    return [(repo_list, table) for repo_list in REPO_LISTS if len((table := repo_list.complete(model)).rows) > CAP]
