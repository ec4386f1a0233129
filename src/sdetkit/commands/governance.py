"""``sdetkit governance ...``: schema compatibility, the deprecation register, monthly reviews."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Mapping
from typing import Any

from sdetkit.errors import EXIT_FAILED, EXIT_OK
from sdetkit.evidence.atomic import check_writable, emit
from sdetkit.settings import OutputSettings, SchemaDiffSettings


def _deliver(doc: Mapping[str, Any], output: OutputSettings, text: Callable[[Mapping[str, Any]], str]) -> None:
    """Print ``doc`` as JSON or text, or write it to ``--out`` (then the text view's first line)."""
    rendered = json.dumps(doc, indent=2, sort_keys=True) + "\n" if output.format == "json" else text(doc)
    summary = text(doc).splitlines()[0] + "\n" if output.out else ""
    emit(rendered, summary, output.target, output.out, sys.stdout)


def schema_diff(settings: SchemaDiffSettings) -> int:
    """Classify every change between two schemas; exit 1 when the declared bump is too small."""
    from sdetkit.governance import schema_report, shapes

    if settings.output.target is not None:
        check_writable(settings.output.target)
    old, new = shapes.load(settings.old), shapes.load(settings.new)
    doc = schema_report.diff(old, new, settings.declared)
    _deliver(doc, settings.output, schema_report.text)
    return EXIT_OK if doc["ok"] else EXIT_FAILED
