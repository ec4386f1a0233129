"""The one ending every reporting command shares: render, write ``--out`` atomically, tell the user."""

from __future__ import annotations

from typing import TextIO

from sdetkit.evidence.atomic import emit
from sdetkit.formats.base import Report
from sdetkit.formats.registry import get
from sdetkit.settings import OutputSettings


def deliver(report: Report, output: OutputSettings, stream: TextIO, summary: str | None = None) -> None:
    """Render ``report`` in ``output.format``. With ``--out``: write it there atomically, then print
    ``summary`` (default: the text view, unless the file already is the text view) and the path;
    without: print it."""
    rendered = get(output.format).render(report)
    if summary is None:
        summary = get("text").render(report) if output.format != "text" and output.out else ""
    emit(rendered, summary, output.out.absolute() if output.out else None, output.out, stream)
