"""Markdown report: fits a pull-request comment or a CI job summary."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sdetkit.formats.base import GateOutput, PerCommandFormat
from sdetkit.formats.common import (
    decision_commit,
    failure_line,
    finding_place,
    first_triage,
    nothing_found,
    repeated,
    rerun_gate,
)
from sdetkit.model import GateReport


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render(report: GateReport) -> str:
    repo = report.repo
    icon = "✅" if report.verdict.ok else "❌"
    out = [
        f"### {icon} sdetkit gate {report.profile}: {'OK' if report.verdict.ok else 'FAILED'}",
        "",
        f"{_cell(report.verdict.reason)}. Commit `{(repo.commit or 'none')[:12]}`"
        f"{' (dirty tree)' if repo.dirty else ''}, project `{repo.project_path}`.",
        "",
        "| step | tool | status | first failure |",
        "|---|---|---|---|",
    ]
    for r in report.results:
        first = failure_line(r) if r.spec.id in report.verdict.failed_steps else (r.message or "")
        cached = " (cached)" if r.cached else ""
        out.append(f"| `{r.spec.id}` | {r.spec.tool} | {r.status.value}{cached} | {_cell(first)} |")
    failing = [r for r in report.results if r.spec.id in report.verdict.failed_steps]
    if failing:
        out += ["", "Re-run a failing step:", "", "```sh"]
        out += [rerun_gate(r, repo.project_path, report.profile) for r in failing]
        out.append("```")
    for r in report.results:
        if r.side_effects:
            paths = ", ".join(f"`{p}`" for p in r.side_effects[:5])
            out += ["", f"Side effect: `{r.spec.id}` left {paths} in the work tree; the next gate sees a change."]
    return "\n".join(out) + "\n"


class MarkdownFormat(PerCommandFormat):
    """Fits a pull-request comment or a CI job summary."""

    name = "markdown"

    def gate(self, output: GateOutput) -> str:
        return render(output.report)

    def doctor(self, doc: Mapping[str, Any]) -> str:
        icon = "✅" if doc["ok"] else "❌"
        lines = [
            f"### {icon} sdetkit doctor: score {doc['score']}/100",
            "",
            doc["reason"] + ".",
            "",
            "| check | severity | status | message |",
            "|---|---|---|---|",
        ]
        lines += [
            f"| `{c['id']}` | {c['severity']} | {c['status']} | {c['message'].replace('|', '/')} |"
            for c in doc["checks"]
        ]
        return "\n".join(lines) + "\n"

    def decide(self, doc: Mapping[str, Any]) -> str:
        icon = "✅" if doc["ok"] else "⛔"
        lines = [f"### {icon} {doc['decision']} for `{decision_commit(doc)}`", ""]
        if not doc["reasons"]:
            lines.append(
                "Both gates passed on the same clean commit"
                + (" and the doctor found nothing blocking." if doc["inputs"]["doctor"] else ".")
            )
        lines += [f"{i}. {r['message']}" for i, r in enumerate(doc["reasons"], 1)]
        first = first_triage(doc)
        if first:
            where = "n/a"
            if first["affected_file"]:
                where = f"`{first['affected_file']}`" + (f" line {first['line']}" if first["line"] else "")
            lines += ["", f"**First failure** ({first['classification']}, {where}). Reproduce:", ""]
            lines += ["```sh", first["next_command"], "```"]
        if doc.get("requires"):
            lines += ["", "**Still required:**", ""] + [f"- {r}" for r in doc["requires"]]
        return "\n".join(lines) + "\n"

    def triage(self, doc: Mapping[str, Any]) -> str:
        if (first := doc["first"]) is None:
            return nothing_found(doc)
        lines = [
            f"### First failure: {first['classification']} ({first['tool']})",
            "",
            f"`{finding_place(first)}`: {first['message']}{repeated(first)}",
            "",
            "Reproduce:",
            "",
            "```sh",
            first["next_command"],
            "```",
        ]
        if first.get("fix"):
            lines += ["", f"Fix: {first['fix']}"]
        if first["excerpt"]:
            lines += ["", "<details><summary>evidence</summary>", "", "```", first["excerpt"], "```", "</details>"]
        others = doc["findings"][1:6]
        if others:
            lines += ["", "Then:", ""] + [
                f"- {o['classification']}: `{finding_place(o)}`: {o['message']}{repeated(o)}" for o in others
            ]
        return "\n".join(lines) + "\n"

    def verify(self, doc: Mapping[str, Any]) -> str:
        icon = "✅" if doc["ok"] else "❌"
        verdict = "verified" if doc["ok"] else "NOT verified"
        lines = [f"### {icon} `{doc['bundle']}`: {verdict} ({len(doc['files'])} artifacts listed)"]
        if doc["problems"]:
            lines += ["", "| file | problem |", "|---|---|"]
            lines += [f"| `{_cell(p['file'])}` | {_cell(p['problem'])} |" for p in doc["problems"]]
        return "\n".join(lines) + "\n"

    def rollout(self, doc: Mapping[str, Any]) -> str:
        from sdetkit.rollout import render

        return render.markdown(doc)

    def checklist(self, doc: Mapping[str, Any]) -> str:
        from sdetkit.checklist import render

        return render.markdown(doc)
