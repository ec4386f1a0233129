"""Markdown report: fits a pull-request comment or a CI job summary."""

from __future__ import annotations

from sdetkit.formats.common import failure_line, rerun_gate
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
