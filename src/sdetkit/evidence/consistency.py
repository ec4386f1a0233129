"""Artifacts that contradict themselves are invalid.

A schema says each field has the right type; it cannot say that ``ok: true`` agrees with a
``steps[]`` that shows a failure. Every summary field an artifact carries (``ok``,
``failed_steps``, ``counts``, ``reason``; the doctor's ``score`` and ``failed``; a decision's
verdict) is recomputed here from the artifact's own details, by the same functions that wrote
it, so a hand-edited summary cannot turn NO-SHIP into SHIP. Pure: document in, problems out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

Doc = Mapping[str, Any]


def _gate(doc: Doc) -> list[str]:
    from sdetkit.model import Status
    from sdetkit.verdict import DRY_RUN_REASON, summarize

    steps = doc["steps"]
    ids = [s["id"] for s in steps]
    problems = [f"step {sid!r} appears {n} times" for sid, n in sorted(Counter(ids).items()) if n > 1]
    expected = summarize((s["id"], Status(s["status"])) for s in steps)
    reason = DRY_RUN_REASON if doc.get("dry_run") is True else expected.reason
    if doc["ok"] is not expected.ok:
        problems.append(f"ok is {_js(doc['ok'])} but its steps give {_js(expected.ok)} ({expected.reason})")
    if list(doc["failed_steps"]) != list(expected.failed_steps):
        problems.append(
            f"failed_steps is {_ids(doc['failed_steps'])} but its steps' failures are {_ids(expected.failed_steps)}"
        )
    counts = {s.value: 0 for s in Status} | dict(Counter(s["status"] for s in steps))
    if dict(doc["counts"]) != counts:
        problems.append(f"counts {_counts(doc['counts'])} disagree with its steps {_counts(counts)}")
    if doc["reason"] != reason:
        problems.append(f"reason {doc['reason']!r} disagrees with its steps ({reason!r})")
    for s in steps:
        if s["status"] == Status.PASSED.value and s.get("exit_code") not in (0, None):
            problems.append(f"step {s['id']!r} is passed with exit code {s['exit_code']}")
    return problems


def _doctor(doc: Doc) -> list[str]:
    from sdetkit.doctor.base import CheckStatus, Severity, score_of, verdict

    checks = [(c["id"], Severity(c["severity"]), CheckStatus(c["status"])) for c in doc["checks"]]
    ok, reason = verdict(checks, Severity(doc["fail_on"]))
    failed = sorted(cid for cid, _, status in checks if status is CheckStatus.FAIL)
    score = score_of([(sev, status) for _, sev, status in checks])
    problems = []
    if doc["ok"] is not ok:
        problems.append(f"ok is {_js(doc['ok'])} but its checks give {_js(ok)} ({reason})")
    if sorted(doc["failed"]) != failed:
        problems.append(f"failed is {_ids(sorted(doc['failed']))} but its failed checks are {_ids(failed)}")
    if doc["score"] != score:
        problems.append(f"score is {doc['score']} but its checks give {score}")
    if doc["reason"] != reason:
        problems.append(f"reason {doc['reason']!r} disagrees with its checks ({reason!r})")
    return problems


def _decision(doc: Doc) -> list[str]:
    ship = not doc["reasons"]
    problems = []
    if doc["ok"] is not ship:
        problems.append(f"ok is {_js(doc['ok'])} but it lists {len(doc['reasons'])} blocking reasons")
    if doc["decision"] != ("SHIP" if doc["ok"] else "NO-SHIP"):
        problems.append(f"decision is {doc['decision']} but ok is {_js(doc['ok'])}")
    return problems


def _triage(doc: Doc) -> list[str]:
    findings = doc["total_findings"]
    problems = []
    if doc["ok"] is not (findings == 0):
        problems.append(f"ok is {_js(doc['ok'])} with {findings} findings")
    if (doc["first"] is None) != (findings == 0):
        problems.append(f"first is {'empty' if doc['first'] is None else 'set'} with {findings} findings")
    if sum(doc["counts"].values()) != findings:
        problems.append(f"counts add up to {sum(doc['counts'].values())}, not total_findings {findings}")
    if doc["causal_findings"] > findings or len(doc["findings"]) > findings:
        problems.append(f"more findings listed than total_findings {findings}")
    return problems


def _checklist(doc: Doc) -> list[str]:
    failed = [i["id"] for i in doc["items"] if i["status"] == "fail"]
    problems = []
    if doc["ok"] is not (not failed):
        problems.append(f"ok is {_js(doc['ok'])} with {len(failed)} failed items")
    if sorted(doc["failing"]) != sorted(failed):
        problems.append(f"failing lists {_ids(doc['failing'])} but the failed items are {_ids(failed)}")
    return problems + _checklist_coverage(doc)


def _checklist_coverage(doc: Doc) -> list[str]:
    """``ok`` only means something over the whole package: every repository listed has its items,
    every program item (the sign-offs included) is there, and each passed sign-off names who
    signed. Without this, deleting a failing item, or a repository's items, read as a pass."""
    from sdetkit.checklist.items import PROGRAM, REPO_ITEMS, expected_ids

    repos = [r["repo_id"] for r in doc["repos"]]
    ids = [i["id"] for i in doc["items"]]
    problems = [f"repository {r!r} is listed {n} times" for r, n in sorted(Counter(repos).items()) if n > 1]
    problems += [f"item {i!r} appears {n} times" for i, n in sorted(Counter(ids).items()) if n > 1]
    if not repos:
        problems.append("it lists no repository: a release train of none proves nothing")
    expected = expected_ids(dict.fromkeys(repos))
    if lacking := [i for i in expected if i not in ids]:
        problems.append(f"items {_ids(lacking)} are missing")
    if unknown := sorted(set(ids) - set(expected)):
        problems.append(f"items {_ids(unknown)} are not items of a checklist of {_ids(repos)}")
    for item in doc["items"]:
        kind, _, repo = item["id"].partition(":")
        scope = repo if kind in REPO_ITEMS else PROGRAM
        if item["id"] in expected and item["scope"] != scope:
            problems.append(f"item {item['id']!r} has scope {item['scope']!r}, not {scope!r}")
    signed = {s["role"] for s in doc["signoffs"]}
    for item in doc["items"]:
        role = item["id"].removeprefix("signoff:")
        if role != item["id"] and (item["status"] == "pass") != (role in signed):
            state, has = ("passes", "lacks") if item["status"] == "pass" else ("fails", "has")
            problems.append(f"item {item['id']!r} {state} but signoffs[] {has} {role}")
    return problems


CHECKS: dict[str, Callable[[Doc], list[str]]] = {
    "gate-fast": _gate,
    "gate-release": _gate,
    "doctor": _doctor,
    "decision": _decision,
    "triage": _triage,
    "release-checklist": _checklist,
}


def problems(doc: Doc, schema: str) -> list[str]:
    """How a schema-valid ``doc`` of ``schema`` contradicts itself (empty when it does not)."""
    check = CHECKS.get(schema)
    return check(doc) if check else []


def _js(value: bool) -> str:
    return "true" if value else "false"


def _ids(ids: Any) -> str:
    return "[" + ", ".join(str(i) for i in ids) + "]"


def _counts(counts: Mapping[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items()) if v) or "all 0"
