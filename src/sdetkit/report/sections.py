"""The report's sections, in order: each one says, from the report dataset, what it shows in
Markdown and in HTML. Both renderers walk ``SECTIONS``, so a section is written once and appears
in both formats at the same place.

Adding a section: a class with ``id`` (the HTML anchor), ``heading`` and the two methods of
:class:`ReportSection` (a table of :class:`~sdetkit.report.content.Table` is one
:class:`TableSection` entry), listed once in ``SECTIONS``. ``with sections.added(section):``
adds one for a while (a test, a plug-in).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from types import MappingProxyType
from typing import Any, NamedTuple, Protocol
from urllib.parse import quote

from sdetkit.report import checklists, content, governance, incidents, lists, rollout
from sdetkit.report.charts import CHARTS
from sdetkit.report.content import Table
from sdetkit.report.markup import e, html_charts, html_table, md, md_table

Model = Mapping[str, Any]


class Rendering(NamedTuple):
    """What a renderer was given beside the dataset."""

    html_name: str | None = None  # the HTML page's file name, for the Markdown to link to
    charts: Mapping[str, str] = MappingProxyType({})  # chart id -> SVG text, for the HTML page


class ReportSection(Protocol):
    """One section of the report: a heading and its body in both formats."""

    @property
    def id(self) -> str:
        """The HTML ``<section>`` id."""
        ...

    @property
    def heading(self) -> str:
        """The ``##`` / ``<h2>`` heading."""
        ...

    def markdown(self, model: Model, rendering: Rendering) -> list[list[str]]:
        """The Markdown blocks after the heading (a block is its lines; blocks are blank-line separated)."""
        ...

    def html(self, model: Model, rendering: Rendering) -> list[str]:
        """The HTML parts after the heading, one per line."""
        ...


def _html_page(rendering: Rendering, anchor: str = "") -> str:
    """ "the HTML version of this report", with a Markdown link to it (at ``anchor``) when named."""
    where = "the HTML version of this report"
    if rendering.html_name:
        where += f": [{md(rendering.html_name)}]({quote(rendering.html_name)}{f'#{anchor}' if anchor else ''})"
    return where


def _more_md(more: int, list_id: str, rendering: Rendering) -> list[list[str]]:
    """After a cut list: how many more, and where the complete list is."""
    if not more:
        return []
    where = _html_page(rendering, f"appendix-{list_id}")
    return [[f"{lists.more_text(more)}; the complete list is in the appendix of {where}."]]


def _more_html(more: int, list_id: str) -> list[str]:
    if not more:
        return []
    link = f'<a href="#appendix-{e(list_id)}">appendix</a>'
    return [f'<p class="more">{e(lists.more_text(more))}; the complete list is in the {link}.</p>']


class TableSection(NamedTuple):
    """A section that is one table of the content (or its empty sentence); a cut list's table is
    followed by how many rows it left out and where they are."""

    id: str
    heading: str
    table: Callable[[Model], Table]

    def markdown(self, model: Model, rendering: Rendering) -> list[list[str]]:
        table = self.table(model)
        return [md_table(table), *_more_md(table.more, table.full, rendering)]

    def html(self, model: Model, rendering: Rendering) -> list[str]:
        table = self.table(model)
        return [html_table(table), *_more_html(table.more, table.full)]


class BlocksSection(NamedTuple):
    """A section of sentences, subheadings (a sentence starting ``### ``) and tables in order; a
    cut table is followed by how many rows it left out and where they are."""

    id: str
    heading: str
    blocks: Callable[[Model], list[str | Table]]

    def markdown(self, model: Model, rendering: Rendering) -> list[list[str]]:
        out: list[list[str]] = []
        for block in self.blocks(model):
            if isinstance(block, Table):
                out += [md_table(block), *_more_md(block.more, block.full, rendering)]
            else:
                out.append([f"### {md(block[4:])}" if block.startswith("### ") else md(block)])
        return out

    def html(self, model: Model, rendering: Rendering) -> list[str]:
        out: list[str] = []
        for block in self.blocks(model):
            if isinstance(block, Table):
                out += [html_table(block), *_more_html(block.more, block.full)]
            else:
                out.append(f"<h3>{e(block[4:])}</h3>" if block.startswith("### ") else f"<p>{e(block)}</p>")
        return out


_STATUS_ICONS = {"green": "🟢", "amber": "🟠", "red": "🔴"}
_STATUS_BADGES = ("green", "amber", "red")


class DecisionSection:
    """The program status with its reason, the one-sentence summary and the repository counts."""

    id = "decision"
    heading = "Decision"

    def markdown(self, model: Model, rendering: Rendering) -> list[list[str]]:
        reason, summary, counts = content.decision_lines(model)
        icon = _STATUS_ICONS.get(content.status(model), "⚪")
        status = f"**Program status: {icon} {content.status(model).upper()}** — {md(reason.rstrip('.'))}."
        return [[status], [md(summary)], [md(counts)]]

    def html(self, model: Model, rendering: Rendering) -> list[str]:
        reason, summary, counts = content.decision_lines(model)
        state = content.status(model)
        badge = state if state in _STATUS_BADGES else "unknown"
        return [
            f'<p class="status"><span class="badge {badge}">{e(state.upper())}</span>{e(reason)}</p>',
            f"<p>{e(summary)}</p>",
            f'<p class="meta">{e(counts)}</p>',
        ]


class RolloutProgressSection:
    """The rollout stage reached, the criteria met toward the next one, what blocks it, the
    checkpoints due and those met early (one sentence when no program file was given)."""

    id = "rollout"
    heading = "Rollout"

    def markdown(self, model: Model, rendering: Rendering) -> list[list[str]]:
        blocks = [[md(line)] for line in rollout.lines(model)]
        for sentence, items in rollout.checkpoints(model) or []:
            blocks += [[md(sentence)], *([[f"- {md(item)}" for item in items]] if items else [])]
        return blocks

    def html(self, model: Model, rendering: Rendering) -> list[str]:
        out = [f"<p>{e(line)}</p>" for line in rollout.lines(model)]
        for sentence, items in rollout.checkpoints(model) or []:
            out.append(f"<p>{e(sentence)}</p>")
            if items:
                out.append("<ul>" + "".join(f"<li>{e(item)}</li>" for item in items) + "</ul>")
        return out


class RiskTiersSection:
    """The risk tier counts, and the one rule by which every section counts a repository as red."""

    id = "risk"
    heading = "Risk tiers"

    def markdown(self, model: Model, rendering: Rendering) -> list[list[str]]:
        return [md_table(content.risk_table(model)), [md(content.risk_rule(model))]]

    def html(self, model: Model, rendering: Rendering) -> list[str]:
        return [html_table(content.risk_table(model)), f'<p class="meta">{e(content.risk_rule(model))}</p>']


_MOVEMENT = (lists.TURNED_RED, lists.FIRST_SEEN_RED, lists.RECOVERED)


class MovementSection:
    """The repositories that turned red, those red from their first run and those that recovered,
    as three lists (each cut)."""

    id = "movement"
    heading = "Turned red and recovered"

    def markdown(self, model: Model, rendering: Rendering) -> list[list[str]]:
        blocks: list[list[str]] = []
        for repo_list in _MOVEMENT:
            labels, more = repo_list.labels(model)
            blocks.append([f"### {repo_list.heading} ({len(labels) + more})"])
            blocks.append([f"- {md(label)}" for label in labels] or [f"None this {content.period_noun(model)}."])
            blocks += _more_md(more, repo_list.id, rendering)
        return blocks

    def html(self, model: Model, rendering: Rendering) -> list[str]:
        out = []
        for repo_list in _MOVEMENT:
            labels, more = repo_list.labels(model)
            out.append(f"<h3>{e(repo_list.heading)} ({len(labels) + more})</h3>")
            items = "".join(f"<li>{e(label)}</li>" for label in labels)
            out.append(
                f"<ul>{items}</ul>" if items else f'<p class="empty">None this {content.period_noun(model)}.</p>'
            )
            out += _more_html(more, repo_list.id)
        return out


class StreakSection:
    """The reporting streak as a sentence."""

    id = "streak"
    heading = "Reporting streak"

    def markdown(self, model: Model, rendering: Rendering) -> list[list[str]]:
        return [[md(content.streak_text(model))]]

    def html(self, model: Model, rendering: Rendering) -> list[str]:
        return [f"<p>{e(content.streak_text(model))}</p>"]


class ChartsSection:
    """The charts: inline SVG in HTML; in Markdown, which cannot embed them portably, their captions
    and a link to the HTML page."""

    id = "charts"
    heading = "Charts"

    def markdown(self, model: Model, rendering: Rendering) -> list[list[str]]:
        lines = [f"Markdown cannot embed the charts portably; they are in {_html_page(rendering)}.", ""]
        return [lines + [f"- {caption}" for caption in CHARTS.values()]]

    def html(self, model: Model, rendering: Rendering) -> list[str]:
        return [html_charts(rendering.charts)]


class FullListsSection:
    """Every list the report cut, complete: in the HTML page; the Markdown says where each is."""

    id = "appendix"
    heading = "Appendix: full lists"

    @staticmethod
    def _heading(repo_list: lists.ReportRepoList, table: Table) -> str:
        return f"{repo_list.heading}: all {len(table.rows)}"

    def markdown(self, model: Model, rendering: Rendering) -> list[list[str]]:
        cut = lists.cut_lists(model)
        if not cut:
            return [[md(lists.nothing_cut())]]
        blocks = [[md(lists.appendix_intro())]]
        for repo_list, table in cut:
            where = _html_page(rendering, f"appendix-{repo_list.id}")
            blocks += [[f"### {md(self._heading(repo_list, table))}"], [f"The complete list is in {where}."]]
        return blocks

    def html(self, model: Model, rendering: Rendering) -> list[str]:
        cut = lists.cut_lists(model)
        if not cut:
            return [f'<p class="empty">{e(lists.nothing_cut())}</p>']
        out = [f"<p>{e(lists.appendix_intro())}</p>"]
        for repo_list, table in cut:
            heading = e(self._heading(repo_list, table))
            out.append(f'<div id="appendix-{e(repo_list.id)}">\n<h3>{heading}</h3>\n{html_table(table)}\n</div>')
        return out


@contextmanager
def added(*sections: ReportSection, before: str | None = None) -> Iterator[None]:
    """Run the ``with`` block with ``sections`` in the report (before the section with id
    ``before``, else last), then take them out again."""
    ids = [s.id for s in SECTIONS]
    clash = sorted({s.id for s in sections} & set(ids))
    if clash:
        raise ValueError(f"report section {clash[0]!r} is already registered")
    if before is not None and before not in ids:
        raise ValueError(f"no report section {before!r} to add before")
    saved = list(SECTIONS)
    at = ids.index(before) if before is not None else len(ids)
    SECTIONS[at:at] = sections
    try:
        yield
    finally:
        SECTIONS[:] = saved


# Changed in place only (see ``added``): the renderers read it when they render.
SECTIONS: list[ReportSection] = [
    DecisionSection(),
    RolloutProgressSection(),
    TableSection("kpis", "Headline KPIs", content.kpi_table),
    RiskTiersSection(),
    MovementSection(),
    TableSection("longest-red", "Longest red", lists.LONGEST_RED.shown),
    TableSection("top-steps", "Top failing steps", content.steps_table),
    TableSection("by-team", "By team", content.team_table),
    TableSection("by-lane", "By lane", content.lane_table),
    TableSection("missing", "Missing repositories", lists.MISSING.shown),
    BlocksSection("incidents", "Incidents and support", incidents.blocks),
    BlocksSection("governance", "Governance", governance.blocks),
    BlocksSection("checklists", "Release checklists", checklists.blocks),
    StreakSection(),
    ChartsSection(),
    FullListsSection(),
]
