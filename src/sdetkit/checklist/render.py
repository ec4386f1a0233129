"""The checklist result as text (the terminal) and Markdown (``docs/full-release-package-checklist.md``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def _verdict(doc: Mapping[str, Any]) -> str:
    items = doc["items"]
    passed = sum(1 for i in items if i["status"] == "pass")
    word = "PASS" if doc["ok"] else "FAIL"
    return f"{word}: {passed} of {len(items)} items pass"


def headline(doc: Mapping[str, Any]) -> str:
    """One line: the train, the version and the verdict."""
    return f"release checklist {doc['train']} {doc['version']}: {_verdict(doc)}"


def text(doc: Mapping[str, Any]) -> str:
    """The terminal view: every item, its evidence, and what is missing."""
    lines = [headline(doc), f"window {doc['window_start']}..{doc['window_end']}, program {doc['program']}"]
    for item in doc["items"]:
        mark = "ok  " if item["status"] == "pass" else "FAIL"
        lines.append(f"  {mark} [{item['scope']}] {item['title']}")
        for used in item["evidence"]:
            lines.append(f"         evidence: {used}")
        if item["missing"]:
            lines.append(f"         missing: {item['missing']}")
    return "\n".join(lines) + "\n"


def _cell(value: str) -> str:
    return value.replace("|", "\\|").replace("\n", " ")


def markdown(doc: Mapping[str, Any]) -> str:
    """The program repository's record of the checklist."""
    out = [
        "# Full release package checklist",
        "",
        f"- Program: {doc['program']}",
        f"- Release train: {doc['train']}, version {doc['version']}",
        f"- Evidence window: {doc['window_start']} to {doc['window_end']}",
        f"- Checked: {doc['checked_at']}",
        f"- Result: **{_verdict(doc)}**",
        "",
        "| Status | Scope | Item | Evidence | Missing |",
        "|---|---|---|---|---|",
    ]
    for item in doc["items"]:
        status = "pass" if item["status"] == "pass" else "**fail**"
        evidence = "<br>".join(_cell(e) for e in item["evidence"]) or "-"
        out.append(f"| {status} | {_cell(item['scope'])} | {_cell(item['title'])} | {evidence} | "
                   f"{_cell(item['missing'] or '-')} |")  # fmt: skip
    out += ["", "## Sign-offs", ""]
    out += [f"- {s['role']}: {s['name']} at {s['at']}" for s in doc["signoffs"]] or ["- none recorded"]
    return "\n".join(out) + "\n"
