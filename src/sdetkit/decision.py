"""The SHIP / NO-SHIP decision: a pure function of validated artifacts and the time.

SHIP only when gate-fast and release-preflight both passed with no failed steps, describe the
same commit, ran on a clean tree, are fresh enough (when a maximum age is asked for), and the
doctor (when given) has no failed check at or above the threshold. Reasons are ordered by what
blocks first; the first one carries its triage (classification, file, next command).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any, NamedTuple

from sdetkit.doctor.severity import Severity
from sdetkit.enums import values

SEVERITIES = values(Severity)  # lowest first: a threshold blocks its own rank and above
# Step kinds and what a failure of that kind is, for triage.
KIND_CLASS = {
    "lint": "lint",
    "format": "format",
    "typecheck": "type",
    "tests": "test failure",
    "build": "build or packaging",
    "package": "build or packaging",
    "version": "configuration",
    "vcs": "configuration",
    "security": "dependency resolution",
}


class Reason(NamedTuple):
    code: str
    message: str
    source: str
    triage: Mapping[str, Any] | None = None


class Decision(NamedTuple):
    ship: bool
    commit: str | None
    reasons: tuple[Reason, ...]
    # What the lane still requires before this version ships that no artifact here can show yet
    # (the Regulated lane's release checklist, which itself needs this decision).
    requires: tuple[str, ...] = ()


class Artifact(NamedTuple):
    """A validated artifact plus what is known about when it was written."""

    name: str  # "gate-fast", "release-preflight", "doctor"
    doc: Mapping[str, Any]
    written: dt.datetime | None  # from run.started_at, else the file's mtime
    written_from: str  # "run.started_at" or "file time"


def triage(doc: Mapping[str, Any], step: Mapping[str, Any], profile: str) -> dict[str, Any]:
    """Classification, location and the command that reproduces one failed step."""
    # Triage's own network pattern (imported here: only a failed step pays for the rule table). A
    # step that failed because a host was unreachable needs another next move than a code failure.
    from sdetkit.triage.rules import NETWORK

    first = step.get("first_failure") or {}
    status = step.get("status")
    message = str(first.get("message") or step.get("message") or f"{step['id']} {status}")
    if status == "timed_out":
        classification = "timeout"
    elif status == "error" and ("not installed" in message or "not found" in message):
        classification = "missing tool or module"
    elif step.get("kind") == "tests" and message.startswith("collection error"):
        classification = "test collection/import error"
    elif re.search(NETWORK, message):
        classification = "infrastructure or network"
    else:
        classification = KIND_CLASS.get(str(step.get("kind")), "unknown")
    return {
        "step": step["id"],
        "classification": classification,
        "tool": step.get("tool"),
        "affected_file": first.get("file"),
        "line": first.get("line"),
        "test_id": first.get("test_id"),
        "message": message,
        "next_command": _next_command(step, first, profile, doc.get("project_path", ".")),
    }


def _next_command(step: Mapping[str, Any], first: Mapping[str, Any], profile: str, path: str) -> str:
    """The step's tool's own command for its failure (the providers know it), else the gate re-run."""
    # Imported here: only a failed step pays for the provider registry.
    from sdetkit.steps import reproduce_command

    found = reproduce_command(step.get("tool"), step.get("kind"), first)
    if found is not None:
        return found
    where = "" if path in (".", "") else f" {path}"
    return f"sdetkit gate {profile}{where} --only {step['id']}"


def _gate_reasons(art: Artifact, profile: str) -> list[Reason]:
    doc = art.doc
    if doc.get("profile") != profile:
        return [
            Reason("wrong-profile", f"{art.name} is a {doc.get('profile')!r} gate artifact, not {profile!r}", art.name)
        ]
    if doc.get("ok") is True and not doc.get("failed_steps"):
        return []
    # In the plan's order, as the gate printed them (failed_steps itself is sorted by id).
    failed = [s for s in doc.get("steps", []) if s["id"] in doc.get("failed_steps", [])]
    if not failed:
        return [Reason(f"{art.name}-not-ok", f"{art.name}: {doc.get('reason')}", art.name)]
    out = []
    for step in failed:
        t = triage(doc, step, profile)
        out.append(
            Reason(f"{art.name}-failed", f"{art.name}: {step['id']} {step['status']}: {t['message']}", art.name, t)
        )
    return out


def decide(
    fast: Artifact,
    release: Artifact,
    doctor: Artifact | None,
    now: dt.datetime,
    max_age: dt.timedelta | None,
    doctor_threshold: str = "high",
    lane: str | None = None,
    checklist: Artifact | None = None,
) -> Decision:
    """The decision. Pure: ``now`` is passed in; the artifacts are already validated. A ``lane``
    adds its policy's required evidence (see :mod:`sdetkit.lanes`). A release ``checklist`` result,
    when given, must have passed and name this commit."""
    reasons = _gate_reasons(fast, "fast") + _gate_reasons(release, "release")
    commits = {a.name: a.doc.get("commit") for a in (fast, release)}
    if None in commits.values():
        missing = ", ".join(n for n, c in commits.items() if c is None)
        reasons.append(Reason("no-commit", f"{missing} does not name a commit", missing))
    elif commits["gate-fast"] != commits["release-preflight"]:
        reasons.append(
            Reason(
                "commit-mismatch",
                f"gate-fast is for {str(commits['gate-fast'])[:12]}, release-preflight for "
                f"{str(commits['release-preflight'])[:12]}: they describe different commits",
                "gate-fast, release-preflight",
            )
        )
    for art in (fast, release):
        if art.doc.get("dirty") is True:
            reasons.append(Reason("dirty-tree", f"{art.name} ran on uncommitted changes, not on the commit", art.name))
    if max_age is not None:
        for art in (fast, release):
            if art.written is None:
                reasons.append(Reason("age-unknown", f"{art.name}: when it was written is unknown", art.name))
            elif now - art.written > max_age:
                hours = (now - art.written).total_seconds() / 3600
                reasons.append(
                    Reason(
                        "stale", f"{art.name} is {hours:.1f} h old ({art.written_from}), older than --max-age", art.name
                    )
                )
    if doctor is not None:
        rank = SEVERITIES.index(doctor_threshold)
        for check in doctor.doc.get("checks", []):
            if check.get("status") == "fail" and SEVERITIES.index(check.get("severity", "info")) >= rank:
                reasons.append(
                    Reason(
                        "doctor", f"doctor: {check['id']} ({check['severity']}) failed: {check['message']}", "doctor"
                    )
                )
    if lane is not None:
        reasons += _lane_reasons(lane, release, doctor)
    commit = commits["gate-fast"] if commits["gate-fast"] == commits["release-preflight"] else None
    if checklist is not None:
        reasons += _checklist_reasons(checklist, commit)
    return Decision(not reasons, commit, tuple(reasons), _requires(lane, checklist, bool(reasons)))


def _checklist_reasons(checklist: Artifact, commit: str | None) -> list[Reason]:
    doc = checklist.doc
    package = f"release checklist {doc['train']} {doc['version']}"
    found = []
    if doc["ok"] is not True:
        failing = list(doc["failing"])
        shown = ", ".join(failing[:5]) + (f" and {len(failing) - 5} more" if len(failing) > 5 else "")
        found.append(Reason("checklist-failed", f"{package}: {len(failing)} item(s) fail: {shown}", checklist.name))
    named = [r["commit"] for r in doc["repos"] if r["commit"]]
    if commit is not None and commit not in named:
        covered = ", ".join(c[:12] for c in named) or "no commit"
        found.append(
            Reason("checklist-commit", f"{package} covers {covered}, not this commit {commit[:12]}", checklist.name)
        )
    return found


def _requires(lane: str | None, checklist: Artifact | None, blocked: bool) -> tuple[str, ...]:
    from sdetkit.lanes import LANES

    if lane is None or checklist is not None or not LANES[lane].checklist_required or blocked:
        return ()  # a NO-SHIP has its reasons to fix first; what shipping would also need can wait
    # Not a blocking reason: the checklist needs this decision recorded first, so it cannot exist yet.
    return (
        f"{LANES[lane].label} lane: this version ships only with a passing release checklist: ingest this "
        "decision, run `sdetkit release checklist --version V`, then decide again with --checklist "
        "docs/full-release-package-checklist.json",
    )


def _lane_reasons(lane: str, release: Artifact, doctor: Artifact | None) -> list[Reason]:
    from sdetkit.lanes import LANES, audit_status

    policy, found = LANES[lane], []
    if policy.requires_doctor and doctor is None:
        found.append(Reason("lane-doctor", f"{policy.label} lane requires doctor evidence (--doctor)", "policy"))
    audit = audit_status(release.doc)
    if policy.audit_required and audit != "passed":
        found.append(
            Reason(
                "lane-audit",
                f"{policy.label} lane: the vulnerability audit was {audit}; it may not be skipped",
                "release-preflight",
            )
        )
    return found
