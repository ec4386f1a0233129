"""Plain-text report for terminals and CI logs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sdetkit.formats.base import GateOutput, PerCommandFormat
from sdetkit.formats.common import (
    command_line,
    decision_commit,
    failure_line,
    finding_place,
    first_triage,
    nothing_found,
    repeated,
    rerun_gate,
    rerun_tool,
    short_command_line,
)
from sdetkit.model import ExternalProgram, GateReport, MissingTool, Status, StepSpec
from sdetkit.steps.base import NotChosen

LABEL = {
    Status.PASSED: "PASS",
    Status.FAILED: "FAIL",
    Status.ERROR: "ERROR",
    Status.TIMED_OUT: "TIMEOUT",
    Status.SKIPPED: "SKIP",
}


def render(report: GateReport, python: str) -> str:
    """Steps table, then each failing step's first failure and how to re-run it, then the verdict."""
    repo = report.repo
    commit = (repo.commit or "no commit")[:12]
    state = "dirty" if repo.dirty else "clean"
    lines = [f"sdetkit gate {report.profile}: {repo.project_path} @ {commit} ({state})", ""]
    width = max((len(r.spec.id) for r in report.results), default=4)
    for r in report.results:
        took = "cached" if r.cached else (f"{r.duration:.2f}s" if r.status is not Status.SKIPPED else "")
        detail = r.message if r.status is Status.SKIPPED else command_line(r.spec.rerun)
        lines.append(f"  {LABEL[r.status]:<7} {r.spec.id:<{width}}  {took:>7}  {detail}")
        if r.status is Status.PASSED and r.message:  # what the pass does not prove
            lines.append(f"  {'':<7} {'':<{width}}  {'':>7}  note: {r.message}")
    blocking = [r for r in report.results if r.spec.id in report.verdict.failed_steps]
    if blocking:
        lines.append("")
        for r in blocking:
            lines.append(f"{r.spec.id} ({r.status.value}): {failure_line(r)}")
            if r.status is Status.ERROR and r.message and r.first_failure is not None:
                lines.append(f"  {r.message}")
            lines.append(f"  re-run: {rerun_gate(r, repo.project_path, report.profile)}")
            if isinstance(r.spec.program, ExternalProgram):
                lines.append(f"      or: {rerun_tool(r, python)}")
    touched = [r for r in report.results if r.side_effects]
    if touched:
        lines.append("")
        for r in touched:
            more = len(r.side_effects) - 5
            shown = ", ".join(r.side_effects[:5]) + (f" and {more} more" if more > 0 else "")
            lines.append(f"side effect: {r.spec.id} left {shown} in the work tree (the next gate sees a change)")
    lines += ["", f"{'OK' if report.verdict.ok else 'FAILED'}: {report.verdict.reason}"]
    return "\n".join(lines) + "\n"


def render_plan(
    specs: tuple[StepSpec, ...],
    skipped: dict[str, str],
    not_chosen: tuple[NotChosen, ...],
    env: str,
    passed_over: Mapping[str, list[str]] | None = None,
) -> str:
    """``--list-steps``: every planned step with why it was chosen, where its command comes from
    and the project's other commands for its tool it passed over; then what was not chosen."""
    lines = [f"environment: {env}", ""]
    for s in specs:
        state = f" [skipped: {skipped[s.id]}]" if s.id in skipped else ""
        missing = "  (tool missing: step will error)" if isinstance(s.program, MissingTool) else ""
        needs = f" needs {', '.join(s.needs)}" if s.needs else ""
        lines.append(f"{s.id} ({s.kind}, {s.tool}){needs}{state}{missing}")
        lines.append(f"  run: {short_command_line(s.rerun)}")
        lines.append(f"  why: {s.reason}")
        if s.origin:
            lines.append(f"  from: {s.origin}")
        if s.version_source:
            # An unpinned tool's environment not made yet: CI's version is the newest, known once installed.
            shown = s.tool_version or ("the newest" if s.version_source.endswith(", unpinned") else "not installed")
            lines.append(f"  version: {shown} ({s.version_source})")
        lines += [f"  passed over: {p}" for p in (passed_over or {}).get(s.id, [])]
    if not specs:
        lines.append("(no steps: the gate would fail with an empty plan)")
    if not_chosen:
        lines += ["", "not planned:"]
        lines += [f"  {n.id}: {n.reason}" for n in not_chosen]
    return "\n".join(lines) + "\n"


class TextFormat(PerCommandFormat):
    """For terminals and CI logs; also the summary printed when another format goes to ``--out``."""

    name = "text"

    def gate(self, output: GateOutput) -> str:
        return render(output.report, output.python)

    def doctor(self, doc: Mapping[str, Any]) -> str:
        lines = [f"sdetkit doctor: score {doc['score']}/100", ""]
        for c in doc["checks"]:
            lines.append(f"  {c['status'].upper():<5} {c['id']:<20} {c['severity']:<8} {c['message']}")
        fixes = [c for c in doc["checks"] if c["status"] in ("fail", "warn") and c["fix"]]
        if fixes:
            lines.append("")
            for c in fixes:
                lines.append(f"{c['id']}: {c['fix']}")
        lines += ["", f"{'OK' if doc['ok'] else 'FAILED'}: {doc['reason']}"]
        return "\n".join(lines) + "\n"

    def decide(self, doc: Mapping[str, Any]) -> str:
        lines = [f"{doc['decision']}: {decision_commit(doc)}"]
        lines += [f"  {i}. {r['message']}" for i, r in enumerate(doc["reasons"], 1)]
        first = first_triage(doc)
        if first:
            lines.append(f"first failure: {first['classification']}; reproduce with: {first['next_command']}")
        lines += [f"still required: {r}" for r in doc.get("requires", [])]
        return "\n".join(lines) + "\n"

    def triage(self, doc: Mapping[str, Any]) -> str:
        if (first := doc["first"]) is None:
            return nothing_found(doc)
        lines = [
            f"first failure: {first['classification']} ({first['tool']}) at {finding_place(first)}",
            f"  {first['message']}",
            f"  reproduce: {first['next_command']}",
            *([f"  fix: {first['fix']}"] if first.get("fix") else []),
            f"  evidence: {first['source']}{repeated(first)}",
        ]
        others = doc["findings"][1:6]
        if others:
            lines += ["", "then:"] + [
                f"  {o['classification']}: {finding_place(o)}: {o['message'][:160]}{repeated(o)}" for o in others
            ]
        return "\n".join(lines) + "\n"

    def verify(self, doc: Mapping[str, Any]) -> str:
        verdict = "verified" if doc["ok"] else "NOT verified"
        lines = [f"{doc['bundle']}: {verdict} ({len(doc['files'])} artifacts listed)"]
        lines += [f"  {p['file']}: {p['problem']}" for p in doc["problems"]]
        return "\n".join(lines) + "\n"

    def rollout(self, doc: Mapping[str, Any]) -> str:
        from sdetkit.rollout import render

        return render.text(doc)

    def checklist(self, doc: Mapping[str, Any]) -> str:
        from sdetkit.checklist import render

        return render.text(doc)
