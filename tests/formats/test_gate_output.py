"""The gate's views go through the same format classes, wrapping its renderers unchanged."""

from __future__ import annotations

from sdetkit.evidence import gate as artifact
from sdetkit.formats import markdown, text
from sdetkit.formats.base import GateOutput
from sdetkit.formats.json import JsonFormat
from sdetkit.formats.markdown import MarkdownFormat
from sdetkit.formats.text import TextFormat
from sdetkit.model import GateReport, RepoFacts, Verdict

REPORT = GateReport(
    "fast", RepoFacts("/r", "0123456789abcdef", "main", False), (), Verdict(False, (), "no steps: naïve plan")
)
OUTPUT = GateOutput(REPORT, stable=True, python=".venv/bin/python")


def test_text_and_markdown_are_the_gate_renderers() -> None:
    assert TextFormat().render(OUTPUT) == text.render(REPORT, ".venv/bin/python")
    assert MarkdownFormat().render(OUTPUT) == markdown.render(REPORT)


def test_json_is_the_artifact_with_utf8_kept() -> None:
    rendered = JsonFormat().render(OUTPUT)
    assert rendered == artifact.dumps(artifact.document(REPORT, True))
    assert "naïve" in rendered and "run" not in artifact.document(REPORT, True)
