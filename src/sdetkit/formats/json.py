"""JSON: the report's canonical document, the artifact other tools and ``sdetkit decide`` read."""

from __future__ import annotations

import json

from sdetkit.formats.base import GateOutput, OutputFormat, Report


class JsonFormat(OutputFormat):
    """Sorted keys, two-space indent, a trailing newline: the same tree gives the same bytes."""

    name = "json"

    def render(self, report: Report) -> str:
        if isinstance(report, GateOutput):
            from sdetkit.evidence import gate as artifact

            return artifact.dumps(dict(report.document()))  # UTF-8 kept as is: log tails are long
        return json.dumps(report.document(), indent=2, sort_keys=True) + "\n"
