"""The checklist's judgements of stored runs and bundles, on facts built by hand."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sdetkit.checklist.items import BundleCheck, Facts, expected_ids, judge
from sdetkit.portfolio.rows import StoredRun
from tests.rollout_support import stored_run

END = dt.date(2026, 3, 8)


def _facts(run: StoredRun, bundle: BundleCheck | None = None) -> Facts:
    from sdetkit.portfolio.program import load

    path = Path(__file__).parents[1] / "data" / "checklist" / "program.toml"
    program = load(path)
    return Facts(program, "P", "2.4.0", ("api",), END - dt.timedelta(days=6), END, (run,), {"api": bundle}, {}, {})


def _valid(run: StoredRun) -> StoredRun:
    return run._replace(schema_versions='{"sdetkit.gate.fast": "1.0.0"}', decision_ok=True)


def _missing(facts: Facts) -> dict[str, str | None]:
    return {i.id: i.missing for i in judge(facts) if i.scope == "api"}


def test_a_valid_shipped_run_passes_its_repository_items() -> None:
    run = _valid(stored_run("api", "core", "scale", "2026-03-05"))
    facts = _facts(run, BundleCheck("api.zip", run.commit_sha))
    assert _missing(facts) == {"artifacts:api": None, "decision:api": None, "bundle:api": None}


def test_what_a_run_lacks_is_named() -> None:
    run = _valid(stored_run("api", "core", "scale", "2026-03-05", release_ok=False))
    run = run._replace(commit_sha=None, schema_versions="{}", decision_ok=False)
    facts = _facts(run, BundleCheck("api.zip", "f" * 40, ("gate-fast.json: sha256 differs",)))
    assert _missing(facts) == {
        "artifacts:api": "the run was imported as a normalized record, not from validated artifacts; not ok: "
        "release preflight; failed steps: build; gate fast and release preflight do not describe one commit",
        "decision:api": "the stored decision is NO-SHIP",
        "bundle:api": "gate-fast.json: sha256 differs",
    }


def test_a_bundle_of_another_commit_fails() -> None:
    run = _valid(stored_run("api", "core", "scale", "2026-03-05"))
    assert _missing(_facts(run, BundleCheck("api.zip", "f" * 40)))["bundle:api"] == (
        f"the bundle is for commit ffffffffffff, the stored run for {str(run.commit_sha)[:12]}"
    )


def test_the_latest_complete_run_is_judged() -> None:
    good = _valid(stored_run("api", "core", "scale", "2026-03-04"))
    partial = _valid(stored_run("api", "core", "scale", "2026-03-06"))._replace(doctor_ok=None, decision_ok=False)
    facts = _facts(good)._replace(runs=(good, partial))
    assert _missing(facts)["decision:api"] is None


def test_expected_ids_are_exactly_what_judge_writes() -> None:
    # The self-check of a checklist result (evidence.consistency) reads expected_ids: if judge
    # gained an item the other did not know, a result lacking it would still read as complete.
    run = _valid(stored_run("api", "core", "scale", "2026-03-05"))
    assert [i.id for i in judge(_facts(run))] == expected_ids(["api"])
