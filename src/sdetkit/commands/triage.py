"""``sdetkit triage`` (alias ``sdetkit investigate failure``): the first meaningful failure in CI
evidence, and the exact command that reproduces it."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any, NamedTuple

from sdetkit.errors import EXIT_OK, UsageError
from sdetkit.evidence.atomic import check_writable, emit
from sdetkit.settings import OutputSettings
from sdetkit.triage.finding import TriageFinding as Finding
from sdetkit.triage.rule import CAUSAL

SCHEMA_NAME = "sdetkit.triage"
SCHEMA_VERSION = "1.0.0"
SHOWN = 50


class TriageSettings(NamedTuple):
    inputs: tuple[Path, ...]
    output: OutputSettings


def _finding(f: Finding) -> dict[str, Any]:
    return {
        "classification": f.classification,
        "tool": f.tool,
        "affected_file": f.affected_file,
        "line": f.line,
        "test_id": f.test_id,
        "message": f.message,
        "next_command": f.next_command,
        "source": f.source,
        "rule": f.rule,
        "excerpt": f.excerpt,
    }


def run(settings: TriageSettings) -> int:
    from sdetkit.triage.readers import read

    if not settings.inputs:
        raise UsageError("give at least one log, JUnit XML report or gate artifact (or - for standard input)")
    out = settings.output.out.absolute() if settings.output.out else None
    if out is not None:
        check_writable(out)
    findings: list[Finding] = []
    for path in settings.inputs:
        findings += read(path)  # per input: causal first, then weak, then wrappers
    # Across inputs too, a cause in any input beats wrapper noise in an earlier one.
    ordered = sorted(findings, key=lambda f: f.tier)
    doc = {
        "schema_name": SCHEMA_NAME,
        "schema_version": SCHEMA_VERSION,
        "ok": not ordered,  # the contract every artifact keeps: true only when no failure was found
        "inputs": [str(p) for p in settings.inputs],
        "first": _finding(ordered[0]) if ordered else None,
        "findings": [_finding(f) for f in ordered[:SHOWN]],
        "total_findings": len(ordered),
        "causal_findings": sum(1 for f in ordered if f.tier == CAUSAL),
        "counts": dict(sorted(Counter(f.classification for f in ordered).items())),
    }
    fmt = settings.output.format
    rendered = json.dumps(doc, indent=2, sort_keys=True) + "\n" if fmt == "json" else render(doc, fmt == "markdown")
    emit(rendered, render(doc, False) if fmt != "text" else "", out, settings.output.out, sys.stdout)
    return EXIT_OK


def _where(f: dict[str, Any]) -> str:
    if f["test_id"]:
        return str(f["test_id"])
    if f["affected_file"]:
        return str(f["affected_file"]) + (f":{f['line']}" if f["line"] else "")
    return str(f["source"])


def render(doc: dict[str, Any], markdown: bool) -> str:
    first = doc["first"]
    if first is None:
        return "no failure found in " + ", ".join(doc["inputs"]) + "\n"
    others = doc["findings"][1:6]
    if markdown:
        lines = [
            f"### First failure: {first['classification']} ({first['tool']})",
            "",
            f"`{_where(first)}`: {first['message']}",
            "",
            "Reproduce:",
            "",
            "```sh",
            first["next_command"],
            "```",
        ]
        if first["excerpt"]:
            lines += ["", "<details><summary>evidence</summary>", "", "```", first["excerpt"], "```", "</details>"]
        if others:
            lines += ["", "Then:", ""] + [f"- {o['classification']}: `{_where(o)}`: {o['message']}" for o in others]
        return "\n".join(lines) + "\n"
    lines = [
        f"first failure: {first['classification']} ({first['tool']}) at {_where(first)}",
        f"  {first['message']}",
        f"  reproduce: {first['next_command']}",
        f"  evidence: {first['source']}",
    ]
    if others:
        lines += ["", "then:"] + [f"  {o['classification']}: {_where(o)}: {o['message'][:160]}" for o in others]
    return "\n".join(lines) + "\n"
