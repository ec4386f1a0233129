"""Markdown and HTML for the report's pieces: escaping, tables, sections, inline chart figures.

Every section is written with these, so text is escaped the same way wherever it appears.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from html import escape
from typing import Any

from sdetkit.report.charts import CHARTS
from sdetkit.report.content import Table, plain_text

# Backslash-escape what Markdown would read as markup. "_" inside a word is literal in CommonMark,
# so only a "_" at a word edge is escaped and names like release_gate stay readable; likewise "#"
# and ">" only mean something at the start of a line.
_MD_SPECIAL = re.compile(r"[\\`*\[\]<|]|^[#>]|(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")


def md(value: Any) -> str:
    """Model text as literal Markdown: whitespace collapsed, markup characters (and "|") escaped."""
    return _MD_SPECIAL.sub(lambda m: "\\" + m.group(0), plain_text(value))


def md_table(table: Table) -> list[str]:
    """A Markdown table (numeric columns right-aligned), or the table's empty sentence."""
    if not table.rows:
        return [md(table.empty)]
    align = ["---:" if i in table.numeric else "---" for i in range(len(table.headers))]
    lines = ["| " + " | ".join(md(h) for h in table.headers) + " |", "|" + "|".join(align) + "|"]
    lines += ["| " + " | ".join(md(cell) for cell in row) + " |" for row in table.rows]
    return lines


def e(value: Any) -> str:
    """Text escaped for HTML content and attribute values."""
    return escape(str(value), quote=True)


def html_table(table: Table) -> str:
    """An HTML table (numeric cells classed ``num``, tagged cells ``tag-<tag>``), or the empty sentence."""
    if not table.rows:
        return f'<p class="empty">{e(table.empty)}</p>'

    def cell(tag: str, col: int, text: str, row_tag: str = "") -> str:
        classes = ["num"] if col in table.numeric else []
        if row_tag and col in table.tag_columns:
            classes.append(f"tag-{re.sub(r'[^a-z]', '', row_tag)}")
        attr = f' class="{" ".join(classes)}"' if classes else ""
        return f"<{tag}{attr}>{e(text)}</{tag}>"

    head = "".join(cell("th", i, h) for i, h in enumerate(table.headers))
    tags = table.tags or ("",) * len(table.rows)
    body = "\n".join(
        "<tr>" + "".join(cell("td", i, text, tag) for i, text in enumerate(row)) + "</tr>"
        for row, tag in zip(table.rows, tags, strict=True)
    )
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>"


def html_section(section_id: str, heading: str, *body: str) -> str:
    """One ``<section>`` with its ``<h2>`` heading and body parts, one per line."""
    return f'<section id="{section_id}">\n<h2>{e(heading)}</h2>\n' + "\n".join(body) + "\n</section>"


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
    return f'<svg role="img" aria-label="{e(label)}"{body[len("<svg") :]}'


def _figure(chart_id: str, caption: str, svg: str | None) -> str:
    safe_id = re.sub(r"[^A-Za-z0-9_-]", "-", chart_id)
    inner = inline_svg(svg or "", safe_id, caption) or '<p class="empty">Chart not available.</p>'
    return f'<figure class="chart" id="chart-{safe_id}">\n{inner}\n<figcaption>{e(caption)}</figcaption>\n</figure>'


def html_charts(charts: Mapping[str, str]) -> str:
    """The charts as captioned figures: known charts in report order, then any others by id."""
    # A stable order whatever the mapping's: the page is the same for the same charts.
    order = [*CHARTS, *sorted(set(charts) - set(CHARTS))]
    figures = "\n".join(_figure(cid, CHARTS.get(cid, cid), charts.get(cid)) for cid in order)
    return f'<div class="charts">\n{figures}\n</div>'
