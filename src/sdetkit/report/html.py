"""Self-contained HTML executive report: inline CSS and inline SVG charts, no scripts, no external URLs."""

from __future__ import annotations

import re
from collections.abc import Mapping
from html import escape
from typing import Any

from sdetkit.report import markdown as content
from sdetkit.report.charts import CHARTS

_STATUSES = ("green", "amber", "red")

_CSS = """
:root { --fg: #1d2330; --muted: #5b6472; --line: #d9dee7; --head: #f0f3f7;
  --green: #2e8b57; --amber: #b87800; --red: #c0392b; --grey: #6b7280; }
* { box-sizing: border-box; }
body { margin: 0; background: #f5f7fa; color: var(--fg);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 980px; margin: 0 auto; padding: 2rem 2.25rem 3rem; background: #fff; }
h1 { font-size: 1.6rem; margin: 0 0 .5rem; line-height: 1.25; }
h2 { font-size: 1.15rem; margin: 2rem 0 .6rem; padding-bottom: .25rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1rem; margin: 1rem 0 .3rem; }
p { margin: .4rem 0; }
.meta { color: var(--muted); font-size: .9rem; }
.empty { color: var(--muted); font-style: italic; }
.status { font-size: 1.05rem; }
.badge { display: inline-block; padding: .1rem .7rem; border-radius: 999px; color: #fff;
  background: var(--grey); font-weight: 700; letter-spacing: .05em; margin-right: .4rem; }
.badge.green { background: var(--green); } .badge.amber { background: var(--amber); }
.badge.red { background: var(--red); }
table { width: 100%; border-collapse: collapse; font-size: .92rem; font-variant-numeric: tabular-nums; }
th, td { text-align: left; vertical-align: top; padding: .35rem .6rem; border-bottom: 1px solid var(--line); }
th { background: var(--head); font-weight: 600; }
.num { text-align: right; white-space: nowrap; }
.tag-better { color: var(--green); font-weight: 600; } .tag-worse { color: var(--red); font-weight: 600; }
.tag-unchanged, .tag-no { color: var(--muted); }
.tag-high::before, .tag-medium::before, .tag-low::before { content: ""; display: inline-block; width: .7em;
  height: .7em; border-radius: 2px; margin-right: .45em; background: var(--grey); }
.tag-high::before { background: var(--red); } .tag-medium::before { background: #e69f00; }
.tag-low::before { background: var(--green); }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(380px, 1fr)); gap: 1rem; }
figure.chart { margin: 0; padding: .5rem; border: 1px solid var(--line); border-radius: 6px; }
figure.chart svg { display: block; width: 100%; height: auto; }
figcaption { color: var(--muted); font-size: .85rem; text-align: center; margin-top: .3rem; }
@page { margin: 14mm; }
@media print {
  body { background: #fff; font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; }
  tr, figure.chart, .status { break-inside: avoid; }
  .charts { display: block; }
  figure.chart { max-width: 150mm; margin: 0 auto 4mm; }  /* one per row: chart text stays legible */
  .badge, .tag-high::before, .tag-medium::before, .tag-low::before {
    -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


def _e(value: Any) -> str:
    return escape(str(value), quote=True)


def _table(table: content.Table) -> str:
    if not table.rows:
        return f'<p class="empty">{_e(table.empty)}</p>'

    def cell(tag: str, col: int, text: str, row_tag: str = "") -> str:
        classes = ["num"] if col in table.numeric else []
        if row_tag and col in table.tag_columns:
            classes.append(f"tag-{re.sub(r'[^a-z]', '', row_tag)}")
        attr = f' class="{" ".join(classes)}"' if classes else ""
        return f"<{tag}{attr}>{_e(text)}</{tag}>"

    head = "".join(cell("th", i, h) for i, h in enumerate(table.headers))
    tags = table.tags or ("",) * len(table.rows)
    body = "\n".join(
        "<tr>" + "".join(cell("td", i, text, tag) for i, text in enumerate(row)) + "</tr>"
        for row, tag in zip(table.rows, tags, strict=True)
    )
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>"


def inline_svg(svg: str, chart_id: str, label: str) -> str:
    """SVG text made fit to sit inside an HTML page: prolog removed and ids made unique per chart.

    matplotlib numbers its element ids the same way in every file (``figure_1``, ``axes_1``), so
    four charts in one page would repeat them; prefixing every id and every reference to one keeps
    the page valid and each chart's clip paths pointing at its own definitions. Returns "" when
    the text holds no ``<svg`` element.
    """
    start = svg.find("<svg")
    if start < 0:
        return ""
    prefix = f"chart-{chart_id}-"

    def fix(tag: re.Match[str]) -> str:  # only inside tags: chart text stays exactly as drawn
        text = re.sub(r'(\s)id="([^"]*)"', rf'\1id="{prefix}\2"', tag.group(0))
        text = re.sub(r"url\(#([^)]*)\)", rf"url(#{prefix}\1)", text)
        return re.sub(r'href="#([^"]*)"', rf'href="#{prefix}\1"', text)

    body = re.sub(r"<[^>]+>", fix, svg[start:].strip())
    return f'<svg role="img" aria-label="{_e(label)}"{body[len("<svg") :]}'


def _figure(chart_id: str, caption: str, svg: str | None) -> str:
    safe_id = re.sub(r"[^A-Za-z0-9_-]", "-", chart_id)
    inner = inline_svg(svg or "", safe_id, caption) or '<p class="empty">Chart not available.</p>'
    return f'<figure class="chart" id="chart-{safe_id}">\n{inner}\n<figcaption>{_e(caption)}</figcaption>\n</figure>'


def _charts(charts: Mapping[str, str]) -> str:
    # Known charts in report order first, any others after them by id, so the page is stable.
    order = [*CHARTS, *sorted(set(charts) - set(CHARTS))]
    figures = "\n".join(_figure(cid, CHARTS.get(cid, cid), charts.get(cid)) for cid in order)
    return f'<div class="charts">\n{figures}\n</div>'


def _section(section_id: str, heading: str, *body: str) -> str:
    return f'<section id="{section_id}">\n<h2>{_e(heading)}</h2>\n' + "\n".join(body) + "\n</section>"


def _movement(model: Mapping[str, Any]) -> list[str]:
    out = []
    for heading, labels in content.movement(model):
        out.append(f"<h3>{_e(heading)} ({len(labels)})</h3>")
        items = "".join(f"<li>{_e(label)}</li>" for label in labels)
        out.append(f"<ul>{items}</ul>" if items else f'<p class="empty">None this {content.period_noun(model)}.</p>')
    return out


def render(model: Mapping[str, Any], charts: Mapping[str, str]) -> str:
    """The whole report as one HTML5 page; ``charts`` maps chart id to SVG text (see charts.all_charts).

    Model text is escaped; the SVG is inlined as markup, so it must come from charts.all_charts
    (or be as trusted), never from user input.
    """
    title = content.title(model)
    state = content.status(model)
    reason, summary, counts = content.decision_lines(model)
    badge = state if state in _STATUSES else "unknown"
    sections = [
        _section(
            "decision",
            "Decision",
            f'<p class="status"><span class="badge {badge}">{_e(state.upper())}</span>{_e(reason)}</p>',
            f"<p>{_e(summary)}</p>",
            f'<p class="meta">{_e(counts)}</p>',
        ),
        _section("kpis", "Headline KPIs", _table(content.kpi_table(model))),
        _section("risk", "Risk tiers", _table(content.risk_table(model))),
        _section("movement", "Turned red and recovered", *_movement(model)),
        *(_section(sid, heading, _table(table)) for sid, heading, table in content.table_sections(model)),
        _section("streak", "Reporting streak", f"<p>{_e(content.streak_text(model))}</p>"),
        _section("charts", "Charts", _charts(charts)),
    ]
    header = "\n".join(
        [f"<h1>{_e(title)}</h1>", *(f'<p class="meta">{_e(x)}</p>' for x in content.context_lines(model))]
    )
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{_e(title)}</title>",
            f"<style>{_CSS}</style>",
            "</head>",
            "<body>",
            "<main>",
            f"<header>\n{header}\n</header>",
            *sections,
            "</main>",
            "</body>",
            "</html>",
            "",
        ]
    )
