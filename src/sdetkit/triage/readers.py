"""Turn each kind of input (raw log, JUnit XML, gate artifact) into triage findings."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NamedTuple

from sdetkit.evidence.load import open_input
from sdetkit.triage.extract import Extractor
from sdetkit.triage.finding import TriageFinding
from sdetkit.triage.lines import candidate_lines
from sdetkit.triage.rule import CAUSAL


def kind_of(path: Path) -> str:
    """``junit``, ``artifact`` or ``log``, from the name and the first bytes."""
    if str(path) == "-":
        return "log"
    with open_input(path, "a log") as f:
        head = f.read(4096).lstrip()
    if path.suffix == ".xml" or head.startswith((b"<?xml", b"<testsuite", b"<!DOCTYPE")):
        return "junit"
    if path.suffix == ".json" and head.startswith(b"{") and b"sdetkit.gate" in head:
        return "artifact"
    return "log"


class Reading(NamedTuple):
    """What one input shows: its findings in order, and the line that shows success, if any."""

    findings: list[TriageFinding]
    success: str | None  # "source: line" of a success signal (a log's "12 passed in 0.31s")


def from_log(path: Path) -> Reading:
    name = "<stdin>" if str(path) == "-" else str(path)
    extractor = Extractor(name)
    if str(path) == "-":
        for candidate in candidate_lines(sys.stdin.buffer, name):
            extractor.feed(candidate)
    else:
        with open_input(path, "a log") as f:
            for candidate in candidate_lines(f, name):
                extractor.feed(candidate)
    return Reading(extractor.ordered(), extractor.success)


def from_junit(path: Path) -> list[TriageFinding]:
    from sdetkit.steps import junit

    root = junit.parse(path)
    suites = [root, *root.iter("testsuite")]
    tool = "pytest" if any(s.get("name") == "pytest" for s in suites) else "junit"
    found = []
    for i, f in enumerate(junit.failures(root)):
        collection = f.message.startswith("collection error")
        found.append(
            TriageFinding(
                rule="junit",
                tier=CAUSAL,
                classification="test collection/import error" if collection else "test failure",
                tool=tool,
                message=f.message,
                affected_file=f.file,
                line=f.line,
                test_id=f.test_id,
                next_command=f'python -m pytest -q "{f.test_id or f.file}"',
                source=f"{path}:testcase {i + 1}",
                position=i,
                excerpt="",
            )
        )
    return found


def from_artifact(path: Path) -> list[TriageFinding]:
    from sdetkit.decision import triage as step_triage
    from sdetkit.evidence.load import check, read_json

    raw = read_json(path)
    schema = "gate-release" if isinstance(raw, dict) and raw.get("profile") == "release" else "gate-fast"
    doc = check(raw, path, schema)
    found = []
    # The plan's order, as the gate printed it (failed_steps is sorted by id: lint before build).
    for i, step in enumerate(s for s in doc["steps"] if s["id"] in doc["failed_steps"]):
        sid = step["id"]
        t = step_triage(doc, step, doc["profile"])
        found.append(
            TriageFinding(
                rule="gate-artifact",
                tier=CAUSAL,
                classification=t["classification"],
                tool=str(t["tool"]),
                message=t["message"],
                affected_file=t["affected_file"],
                line=t["line"],
                test_id=t["test_id"],
                next_command=t["next_command"],
                source=f"{path}:steps.{sid}",
                position=i,
                excerpt=str(step.get("log_tail", ""))[-1500:],
            )
        )
    return found


def reading(path: Path) -> Reading:
    """The findings of one input of any kind; only a log can show success by a line of its own."""
    kind = kind_of(path)
    if kind == "junit":
        return Reading(from_junit(path), None)
    if kind == "artifact":
        return Reading(from_artifact(path), None)
    return from_log(path)


def read(path: Path) -> list[TriageFinding]:
    """The findings of one input of any kind, in order."""
    return reading(path).findings
