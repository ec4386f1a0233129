"""In-process triage of a log given as text (no subprocess, no file)."""

from __future__ import annotations

import io

from sdetkit.triage.extract import Extractor
from sdetkit.triage.finding import TriageFinding
from sdetkit.triage.lines import candidate_lines


def triage_text(text: str, name: str = "ci.log") -> list[TriageFinding]:
    """The ordered findings of ``text`` read as a raw log."""
    extractor = Extractor(name)
    for candidate in candidate_lines(io.BytesIO(text.encode()), name):
        extractor.feed(candidate)
    return extractor.ordered()
