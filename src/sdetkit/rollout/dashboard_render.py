"""The program dashboard as Markdown (``docs/top-tier-program-dashboard.md``) and as one
self-contained HTML page beside it: inline CSS, no scripts, no external URLs. Both render the same
:class:`~sdetkit.rollout.dashboard.DashboardPage`, so they always say the same thing; neither
carries a generation time, so the same inputs give the same bytes."""

from __future__ import annotations

import re
from urllib.parse import quote

from sdetkit.report.markup import e, html_section, md
from sdetkit.rollout.dashboard import DashboardCell, DashboardPage, DashboardTable

HTML_NAME = "top-tier-program-dashboard.html"

_CSS = """
:root { --fg: #1d2330; --muted: #5b6472; --line: #d9dee7; --head: #f0f3f7;
  --green: #2e8b57; --amber: #b87800; --red: #c0392b; }
* { box-sizing: border-box; }
body { margin: 0; background: #f5f7fa; color: var(--fg);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1080px; margin: 0 auto; padding: 2rem 2.25rem 3rem; background: #fff; }
h1 { font-size: 1.6rem; margin: 0 0 .5rem; line-height: 1.25; }
h2 { font-size: 1.15rem; margin: 2rem 0 .6rem; padding-bottom: .25rem; border-bottom: 1px solid var(--line); }
p { margin: .4rem 0; }
.meta, .note, .empty { color: var(--muted); font-size: .9rem; }
.empty { font-style: italic; }
table { width: 100%; border-collapse: collapse; font-size: .92rem; }
th, td { text-align: left; vertical-align: top; padding: .35rem .6rem; border-bottom: 1px solid var(--line); }
th { background: var(--head); font-weight: 600; }
#snapshot td:first-child { white-space: nowrap; font-weight: 600; }
.tag-green, .tag-amber, .tag-red { font-weight: 700; }
.tag-green, .tag-done, .tag-better { color: var(--green); }
.tag-amber, .tag-unknown { color: var(--amber); }
.tag-red, .tag-at-risk, .tag-not-met, .tag-raised, .tag-worse { color: var(--red); font-weight: 600; }
@media print { body { background: #fff; } main { max-width: none; padding: 0; } tr { break-inside: avoid; } }
"""


def _href(cell: DashboardCell) -> str:
    # Evidence paths are the program repository's own file names: quote what a URL cannot hold.
    return quote(cell.href or "", safe="/-._~")


def _md_cell(cell: DashboardCell) -> str:
    return f"[{md(cell.text)}]({_href(cell)})" if cell.href else md(cell.text)


def _md_table(table: DashboardTable) -> list[str]:
    if not table.rows:
        return [md(table.empty)]
    lines = ["| " + " | ".join(md(h) for h in table.headers) + " |", "|" + "|".join("---" for _ in table.headers) + "|"]
    return lines + ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in table.rows]


def markdown(page: DashboardPage) -> str:
    """The Markdown dashboard; it links its HTML page."""
    lines = [f"# {md(page.title)}", ""]
    for line in page.lines:
        lines += [_md_cell(line), ""]
    lines += [f"HTML version: [{HTML_NAME}]({HTML_NAME})"]
    for section in page.sections:
        lines += ["", f"## {md(section.heading)}", "", *_md_table(section.table)]
        if section.notes:
            lines += ["", *(f"- {md(n)}" for n in section.notes)]
    return "\n".join(lines) + "\n"


def _html_cell(tag: str, cell: DashboardCell) -> str:
    css = re.sub(r"[^a-z-]", "", cell.tag)
    attr = f' class="tag-{css}"' if css else ""
    text = f'<a href="{e(_href(cell))}">{e(cell.text)}</a>' if cell.href else e(cell.text)
    return f"<{tag}{attr}>{text}</{tag}>"


def _html_table(table: DashboardTable) -> str:
    if not table.rows:
        return f'<p class="empty">{e(table.empty)}</p>'
    head = "".join(f"<th>{e(h)}</th>" for h in table.headers)
    body = "\n".join("<tr>" + "".join(_html_cell("td", c) for c in row) + "</tr>" for row in table.rows)
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>"


def html(page: DashboardPage) -> str:
    """The dashboard as one HTML5 page with nothing to fetch."""
    parts = [f"<h1>{e(page.title)}</h1>", *(f'<p class="meta">{e(c.text)}</p>' for c in page.lines)]
    for s in page.sections:
        notes = [f'<p class="note">{e(n)}</p>' for n in s.notes]
        parts.append(html_section(s.id, s.heading, _html_table(s.table), *notes))
    return (
        "\n".join(
            [
                "<!DOCTYPE html>",
                '<html lang="en">',
                "<head>",
                '<meta charset="utf-8">',
                '<meta name="viewport" content="width=device-width, initial-scale=1">',
                f"<title>{e(page.title)}</title>",
                f"<style>{_CSS}</style>",
                "</head>",
                "<body>",
                "<main>",
                *parts,
                "</main>",
                "</body>",
                "</html>",
            ]
        )
        + "\n"
    )
