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

from sdetkit.report import content
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


class TableSection(NamedTuple):
    """A section that is one table of the content (or its empty sentence)."""

    id: str
    heading: str
    table: Callable[[Model], Table]

    def markdown(self, model: Model, rendering: Rendering) -> list[list[str]]:
        return [md_table(self.table(model))]

    def html(self, model: Model, rendering: Rendering) -> list[str]:
        return [html_table(self.table(model))]


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


class MovementSection:
    """The repositories that turned red and those that recovered, as two lists."""

    id = "movement"
    heading = "Turned red and recovered"

    def markdown(self, model: Model, rendering: Rendering) -> list[list[str]]:
        blocks: list[list[str]] = []
        for heading, labels in content.movement(model):
            blocks.append([f"### {heading} ({len(labels)})"])
            blocks.append([f"- {md(label)}" for label in labels] or [f"None this {content.period_noun(model)}."])
        return blocks

    def html(self, model: Model, rendering: Rendering) -> list[str]:
        out = []
        for heading, labels in content.movement(model):
            out.append(f"<h3>{e(heading)} ({len(labels)})</h3>")
            items = "".join(f"<li>{e(label)}</li>" for label in labels)
            out.append(
                f"<ul>{items}</ul>" if items else f'<p class="empty">None this {content.period_noun(model)}.</p>'
            )
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
        where = "the HTML version of this report"
        if rendering.html_name:
            where += f": [{md(rendering.html_name)}]({quote(rendering.html_name)})"
        lines = [f"Markdown cannot embed the charts portably; they are in {where}.", ""]
        return [lines + [f"- {caption}" for caption in CHARTS.values()]]

    def html(self, model: Model, rendering: Rendering) -> list[str]:
        return [html_charts(rendering.charts)]


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
    TableSection("kpis", "Headline KPIs", content.kpi_table),
    TableSection("risk", "Risk tiers", content.risk_table),
    MovementSection(),
    TableSection("longest-red", "Longest red", content.longest_red_table),
    TableSection("top-steps", "Top failing steps", content.steps_table),
    TableSection("by-team", "By team", content.team_table),
    TableSection("by-lane", "By lane", content.lane_table),
    TableSection("missing", "Missing repositories", content.missing_table),
    StreakSection(),
    ChartsSection(),
]
