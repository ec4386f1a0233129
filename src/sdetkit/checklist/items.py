"""The release package checklist, judged: one item per thing the package must hold.

Pure: the command gathers the facts (the store's runs in the window, the bundles it verified, the
program repository's files it read, the sign-offs) and :func:`judge` turns them into items, each
passed or failed with the evidence it used and, when failed, what is missing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

from sdetkit.checklist.signoffs import ReleaseSignoff, SignoffRole
from sdetkit.portfolio.program import Person, Program
from sdetkit.portfolio.rows import StoredRun

SCHEMA_NAME = "sdetkit.release.checklist"
SCHEMA_VERSION = "1.0.0"
MARKDOWN = "docs/full-release-package-checklist.md"
RESULT = "docs/full-release-package-checklist.json"
PROGRAM = "program"  # the scope of the items about the whole program


class BundleCheck(NamedTuple):
    """An evidence bundle that was read: where, the commit its manifest names, and its problems
    (none: it verified)."""

    path: str
    commit: str | None
    problems: tuple[str, ...] = ()


class Facts(NamedTuple):
    """Everything the checklist is judged from."""

    program: Program
    train: str
    version: str
    repos: tuple[str, ...]
    window_start: dt.date
    window_end: dt.date
    runs: tuple[StoredRun, ...]  # the store's runs of the train's repositories in the window
    bundles: Mapping[str, BundleCheck | None]  # by repository; None: no bundle given or found
    docs: Mapping[str, str | None]  # program repository file -> why it does not count (None: it does)
    signoffs: Mapping[SignoffRole, ReleaseSignoff]


class Item(NamedTuple):
    """One checklist item and its result."""

    id: str
    scope: str  # a repository id, or "program"
    title: str
    passed: bool
    evidence: tuple[str, ...]
    missing: str | None = None

    def document(self) -> dict[str, Any]:
        """The JSON form (``items[]`` of the result)."""
        return {"id": self.id, "scope": self.scope, "title": self.title, "status": "pass" if self.passed else "fail",
                "evidence": list(self.evidence), "missing": self.missing}  # fmt: skip


REPO_ITEMS = ("artifacts", "decision", "bundle")  # each repository's items, as "<kind>:<repo>"
PEOPLE_ITEMS = ("incident-commander", "rollback-owner")


def expected_ids(repos: Iterable[str]) -> list[str]:
    """Every item id a checklist of ``repos`` holds, in :func:`judge`'s order. A result that lacks
    one was not produced by :func:`judge` (an item deleted by hand is not a pass)."""
    program = [*doc_paths(dt.date.min), *PEOPLE_ITEMS, *(f"signoff:{role.value}" for role in SignoffRole)]
    return [f"{kind}:{r}" for r in repos for kind in REPO_ITEMS] + program


def doc_paths(end: dt.date) -> dict[str, str]:
    """The week's program evidence the package needs, by item id (the guide's paths)."""
    return {
        "kpi-payload": f"docs/kpi-weekly-{end}.json",
        "executive-weekly": f"docs/executive-weekly-{end}.md",
        "scorecard": f"docs/artifacts/portfolio-scorecard-{end}.json",
    }


def _complete(run: StoredRun) -> bool:
    return None not in (run.gate_fast_ok, run.gate_release_ok, run.doctor_ok)


def _latest(facts: Facts, repo_id: str) -> StoredRun | None:
    runs = [r for r in facts.runs if r.repo_id == repo_id and _complete(r)]
    return max(runs, key=lambda r: (r.source_timestamp, r.run_id)) if runs else None


def _describe(run: StoredRun) -> str:
    commit = run.commit_sha[:12] if run.commit_sha else "no single commit"
    return f"store: run {run.run_id[:12]} of {run.source_timestamp} ({commit})"


def _artifacts(facts: Facts, repo_id: str, run: StoredRun | None) -> Item:
    title = "Canonical artifacts stored for the release commit (gate fast, release preflight, doctor)"
    window = f"{facts.window_start}..{facts.window_end}"
    if run is None:
        partial = [r for r in facts.runs if r.repo_id == repo_id]
        why = "only incomplete runs (an artifact is absent)" if partial else "no run"
        return Item(f"artifacts:{repo_id}", repo_id, title, False, (f"store: runs of {repo_id} in {window}",),
                    f"{why} in {window}: ingest gate-fast.json, release-preflight.json and doctor.json "
                    "of the release commit (`sdetkit portfolio ingest`)")  # fmt: skip
    problems = []
    if run.schema_versions == "{}":
        problems.append("the run was imported as a normalized record, not from validated artifacts")
    failed = [n for n, ok in (("gate fast", run.gate_fast_ok), ("release preflight", run.gate_release_ok),
                              ("doctor", run.doctor_ok)) if not ok]  # fmt: skip
    if failed:
        problems.append(f"not ok: {', '.join(failed)}")
    if run.failed_steps:
        problems.append(f"failed steps: {', '.join(run.failed_steps)}")
    if run.commit_sha is None:
        problems.append("gate fast and release preflight do not describe one commit")
    missing = "; ".join(problems) if problems else None
    return Item(f"artifacts:{repo_id}", repo_id, title, not problems, (_describe(run),), missing)


def _decision(facts: Facts, repo_id: str, run: StoredRun | None) -> Item:
    title = "SHIP decision recorded, with a named owner"
    owner = facts.program.repos[repo_id].owner
    evidence = [_describe(run)] if run else []
    evidence.append(f"{facts.program.path.name}: repos.{repo_id}.owner")
    problems = []
    if run is None or run.decision_ok is None:
        problems.append("no decision stored with the release run: ingest decision.json beside the gate artifacts")
    elif not run.decision_ok:
        problems.append("the stored decision is NO-SHIP")
    if not owner:
        problems.append(f'no owner named: set repos.{repo_id}.owner = "<who>" in {facts.program.path.name}')
    measured = f"SHIP, owner {owner}" if not problems else None
    return Item(f"decision:{repo_id}", repo_id, title if measured is None else f"{title}: {measured}",
                not problems, tuple(evidence), "; ".join(problems) or None)  # fmt: skip


def _bundle(facts: Facts, repo_id: str, run: StoredRun | None) -> Item:
    title = "Evidence bundle verifies"
    found = facts.bundles.get(repo_id)
    if found is None:
        return Item(f"bundle:{repo_id}", repo_id, title, False, (),
                    f"no evidence bundle: pass --bundle {repo_id}=PATH or put it at "
                    f"release/{facts.version}/{repo_id}.zip in the program repository")  # fmt: skip
    problems = list(found.problems)
    if not problems and run is not None and run.commit_sha and found.commit != run.commit_sha:
        problems.append(f"the bundle is for commit {str(found.commit)[:12]}, the stored run for {run.commit_sha[:12]}")
    return Item(f"bundle:{repo_id}", repo_id, title, not problems, (found.path,), "; ".join(problems) or None)


def _person(facts: Facts, key: str, title: str) -> Item:
    who: Person | None = getattr(facts.program, key)
    evidence = (f"{facts.program.path.name}: program.{key}",)
    if who is None:
        hint = f'set {key} = {{ name = "<who>" }} in [program] of {facts.program.path.name}'
        return Item(key.replace("_", "-"), PROGRAM, title, False, evidence, hint)
    return Item(key.replace("_", "-"), PROGRAM, f"{title}: {who.name}", True, evidence)


def judge(facts: Facts) -> list[Item]:
    """Every item of the checklist, repositories first (in the order given), then the program's."""
    items: list[Item] = []
    for repo_id in facts.repos:
        run = _latest(facts, repo_id)
        items += [_artifacts(facts, repo_id, run), _decision(facts, repo_id, run), _bundle(facts, repo_id, run)]
    titles = {"kpi-payload": "Weekly KPI payload", "executive-weekly": "Executive weekly report",
              "scorecard": "Portfolio scorecard"}  # fmt: skip
    for item_id, rel in doc_paths(facts.window_end).items():
        problem = facts.docs.get(rel, "not found")
        items.append(Item(item_id, PROGRAM, titles[item_id], problem is None, (rel,),
                          None if problem is None else f"{rel}: {problem}"))  # fmt: skip
    items.append(_person(facts, "incident_commander", "Incident commander named"))
    items.append(_person(facts, "rollback_owner", "Rollback owner named"))
    for role in SignoffRole:
        signed = facts.signoffs.get(role)
        title = f"Sign-off: {role.value.replace('-', ' ')}"
        if signed is None:
            hint = f"no {role.value} sign-off for {facts.version}: pass --sign-off {role.value}=NAME"
            items.append(Item(f"signoff:{role.value}", PROGRAM, title, False, ("release-signoffs.toml",), hint))
        else:
            stamp = signed.document()["at"]
            wrong = _not_the_owner(facts, role, signed.name)
            items.append(Item(f"signoff:{role.value}", PROGRAM, f"{title}: {signed.name} at {stamp}", wrong is None,
                              ("release-signoffs.toml",), wrong))  # fmt: skip
    return items


def _not_the_owner(facts: Facts, role: SignoffRole, name: str) -> str | None:
    """Why ``name`` may not sign ``role`` off (None: they may). The program file names the release
    owner, so only they sign as release owner; the other roles are not named there."""
    owner = facts.program.release_owner
    if role is not SignoffRole.RELEASE_OWNER or owner is None or name.casefold() == owner.name.casefold():
        return None
    return (f"signed by {name}, but {facts.program.path.name} names {owner.name} as release owner: they sign, "
            "or program.release_owner changes")  # fmt: skip


def document(facts: Facts, items: list[Item], checked_at: str) -> dict[str, Any]:
    """The checklist result (schema ``release-checklist``)."""
    failing = [i.id for i in items if not i.passed]
    return {
        "schema_name": SCHEMA_NAME,
        "schema_version": SCHEMA_VERSION,
        "ok": not failing,
        "program": facts.program.name,
        "train": facts.train,
        "version": facts.version,
        "window_start": facts.window_start.isoformat(),
        "window_end": facts.window_end.isoformat(),
        "checked_at": checked_at,
        "repos": [
            {"repo_id": r, "commit": (run.commit_sha if (run := _latest(facts, r)) else None)} for r in facts.repos
        ],
        "items": [i.document() for i in items],
        "failing": failing,
        "signoffs": [facts.signoffs[r].document() for r in SignoffRole if r in facts.signoffs],
    }
