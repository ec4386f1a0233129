"""The one ending every reporting command shares: render, write ``--out`` atomically, tell the user."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from sdetkit.evidence.atomic import check_writable, emit
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
    emit(rendered, summary, output.target, output.out, stream)


def preflight(output: OutputSettings) -> Path | None:
    """Fail before any work is done if ``--out`` cannot be written; the absolute target, or None."""
    if output.target is not None:
        check_writable(output.target)
    return output.target
