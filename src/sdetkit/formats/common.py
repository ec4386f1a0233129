"""Bits every renderer shares: shell-quoted commands, one-line failure summaries, where a finding is."""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from typing import Any

from sdetkit.model import StepResult


def command_line(argv: tuple[str, ...] | list[str]) -> str:
    return " ".join(shlex.quote(a) for a in argv)


# A listing shows this many of a long run of file arguments (a hook's selection of hundreds).
SHOWN_FILES = 3


def short_command_line(argv: tuple[str, ...] | list[str]) -> str:
    """:func:`command_line` for reading: a run of more than ``SHOWN_FILES`` file arguments (the
    files a pre-commit hook selects) shows its first few and how many more; the artifact keeps
    every argument."""
    out: list[str] = []
    run: list[str] = []
    for a in [*argv, ""]:
        if a and not a.startswith("-") and ("/" in a or "." in a.lstrip(".")) and len(out) > 0:
            run.append(a)
            continue
        more = len(run) - SHOWN_FILES
        out += run if more <= 1 else [*run[:SHOWN_FILES], f"... ({more} more files)"]
        run = []
        if a:
            out.append(a)
    return " ".join(a if a.startswith("... (") else shlex.quote(a) for a in out)


def rerun_gate(result: StepResult, path: str, profile: str = "fast") -> str:
    """The sdetkit command that re-runs just this step."""
    where = "" if path in ("", ".") else f" {shlex.quote(path)}"
    return f"sdetkit gate {profile}{where} --only {result.spec.id}"


def rerun_tool(result: StepResult, python: str) -> str:
    """The tool's own command, with ``python`` replaced by the interpreter that ran it."""
    argv = list(result.spec.rerun)
    if argv and argv[0] == "python":
        argv[0] = python
    return command_line(argv)


def failure_line(result: StepResult) -> str:
    """``file:line: message [rule]`` for the first failure, else the step's message."""
    f = result.first_failure
    if f is None:
        return result.message or f"{result.spec.tool} exited with code {result.exit_code}"
    where = f.location()
    text = f"{where}: {f.message}" if where else f.message
    if f.test_id:
        text = f"{f.test_id}: {f.message}"
    if f.rule and f.rule not in text:
        text += f" [{f.rule}]"
    return text


def finding_place(f: Mapping[str, Any]) -> str:
    """Where a triage finding is: its test, else its file and line, else the evidence it came from."""
    if f["test_id"]:
        return str(f["test_id"])
    if f["affected_file"]:
        return str(f["affected_file"]) + (f":{f['line']}" if f["line"] else "")
    return str(f["source"])


def first_triage(decision: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The triage of a decision's first blocking reason that has one."""
    return next((r["triage"] for r in decision["reasons"] if r["triage"]), None)


def decision_commit(decision: Mapping[str, Any]) -> str:
    return str(decision["commit"][:12]) if decision["commit"] else "no single commit"


def repeated(finding: Mapping[str, Any]) -> str:
    """`` (seen N times)`` after a finding the log shows more than once, else nothing."""
    times = finding.get("occurrences", 1)
    return f" (seen {times} times)" if times > 1 else ""


def nothing_found(triage: Mapping[str, Any]) -> str:
    """Every format's triage view when no failure was found: the inputs, then for each whether it
    positively shows success (the line that does) or only shows no failure signal."""
    lines = ["no failure found in " + ", ".join(triage["inputs"])]
    for name, shown in zip(triage["inputs"], triage.get("success", []), strict=False):
        lines.append(
            f"  {name}: shows success: {shown}"
            if shown
            else f"  {name}: no failure signal, but no line shows success either"
        )
    return "\n".join(lines) + "\n"
