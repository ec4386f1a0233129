"""The executive report as Markdown: the title and context lines, then every section of
``sections.SECTIONS`` as a ``##`` heading and its blocks."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sdetkit.report import sections
from sdetkit.report.content import context_lines, title
from sdetkit.report.markup import md


def render(model: Mapping[str, Any], html_name: str | None = None) -> str:
    """The whole report as Markdown; ``html_name`` is the HTML report's file name to link the charts to."""
    rendering = sections.Rendering(html_name=html_name)
    blocks: list[list[str]] = [[f"# {md(title(model))}"], *([md(line)] for line in context_lines(model))]
    for section in sections.SECTIONS:
        blocks += [[f"## {section.heading}"], *section.markdown(model, rendering)]
    return "\n\n".join("\n".join(block) for block in blocks) + "\n"
