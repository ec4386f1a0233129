"""Self-contained HTML executive report: inline CSS and inline SVG charts, no scripts, no external URLs.

The page is the title and context lines, then every section of ``sections.SECTIONS`` as a
``<section>`` with its ``<h2>`` heading.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sdetkit.report import content, sections
from sdetkit.report.markup import e, html_section

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
.more { color: var(--muted); }
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


def render(model: Mapping[str, Any], charts: Mapping[str, str]) -> str:
    """The whole report as one HTML5 page; ``charts`` maps chart id to SVG text (see charts.all_charts).

    Model text is escaped; the SVG is inlined as markup, so it must come from charts.all_charts
    (or be as trusted), never from user input.
    """
    title = content.title(model)
    rendering = sections.Rendering(charts=charts)
    parts = [html_section(s.id, s.heading, *s.html(model, rendering)) for s in sections.SECTIONS]
    header = "\n".join([f"<h1>{e(title)}</h1>", *(f'<p class="meta">{e(x)}</p>' for x in content.context_lines(model))])
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{e(title)}</title>",
            f"<style>{_CSS}</style>",
            "</head>",
            "<body>",
            "<main>",
            f"<header>\n{header}\n</header>",
            *parts,
            "</main>",
            "</body>",
            "</html>",
            "",
        ]
    )
