"""`sdetkit decide`: the decision rule, its reasons and triage, invalid input, determinism."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sdetkit.decision import Artifact, decide
from sdetkit.doctor.base import CheckStatus, Severity, score_of, verdict
from sdetkit.evidence import schemas
from sdetkit.model import Status
from sdetkit.verdict import summarize

A = "a" * 40
B = "b" * 40


def step(sid: str, status: str = "passed", kind: str = "custom", first: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "id": sid, "kind": kind, "tool": "ruff" if kind == "lint" else "t", "argv": ["t"], "needs": [], "reason": "r",
        "status": status, "exit_code": 0 if status == "passed" else 1, "message": "", "log_tail": "",
        "first_failure": None if first is None else {"message": "m", "file": None, "line": None, "column": None,
                                                     "rule": None, "test_id": None, **first},
    }  # fmt: skip


def gate(profile: str, steps: list[dict[str, Any]], commit: str | None = A, dirty: bool = False) -> dict[str, Any]:
    # A consistent artifact: its summary is what its steps give (decide refuses one that is not).
    verdict = summarize((s["id"], Status(s["status"])) for s in steps)
    counts = {k: sum(s["status"] == k for s in steps) for k in ("passed", "failed", "error", "timed_out", "skipped")}
    doc = {
        "schema_name": f"sdetkit.gate.{profile}", "schema_version": "1.0.0", "profile": profile,
        "ok": verdict.ok, "failed_steps": list(verdict.failed_steps), "reason": verdict.reason, "commit": commit,
        "branch": "main",
        "dirty": dirty, "project_path": ".", "selection": {"only": [], "skip": []}, "counts": counts, "steps": steps,
    }  # fmt: skip
    if profile == "release":
        doc |= {"version": "1.0.0", "dists": [], "sbom": None, "dry_run": False}
    return doc


def doctor_doc(checks: list[tuple[str, str, str, str]], fail_on: str = "high") -> dict[str, Any]:
    """A consistent doctor artifact of (id, severity, status, message) checks."""
    outcomes = [(cid, Severity(sev), CheckStatus(status)) for cid, sev, status, _ in checks]
    ok, reason = verdict(outcomes, Severity(fail_on))
    return {
        "schema_name": "sdetkit.doctor", "schema_version": "1.0.0", "ok": ok, "reason": reason,
        "score": score_of([(sev, status) for _, sev, status in outcomes]), "fail_on": fail_on,
        "failed": sorted(c[0] for c in checks if c[2] == "fail"), "commit": A,
        "checks": [{"id": cid, "category": cid.split(".")[0], "severity": sev, "title": "t", "status": status,
                    "message": message, "fix": "f"} for cid, sev, status, message in checks],
    }  # fmt: skip


def write(tmp: Path, name: str, doc: Any) -> Path:
    p = tmp / name
    p.write_text(json.dumps(doc) if not isinstance(doc, str) else doc)
    return p


def run_decide(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sdetkit", "decide", *args], capture_output=True, text=True, check=False
    )


def decision(tmp: Path, fast: Any, release: Any, *extra: str) -> tuple[int, dict[str, Any], str]:
    out = tmp / "decision.json"
    res = run_decide("--fast", str(write(tmp, "f.json", fast)), "--release", str(write(tmp, "r.json", release)),
                     "--format", "json", "--out", str(out), *extra)  # fmt: skip
    doc = json.loads(out.read_text()) if out.exists() else {}
    if doc:
        jsonschema.validate(doc, json.loads(schemas.text("decision")))
    return res.returncode, doc, res.stderr


def test_ship_when_both_gates_passed_on_the_same_clean_commit(tmp_path: Path) -> None:
    code, doc, _ = decision(tmp_path, gate("fast", [step("lint")]), gate("release", [step("build")]))
    assert code == 0
    assert (doc["decision"], doc["ok"], doc["commit"], doc["reasons"]) == ("SHIP", True, A, [])


def test_reasons_in_blocking_order_with_triage_first(tmp_path: Path) -> None:
    lint = step(
        "lint", "failed", "lint", {"message": "`os` imported but unused", "file": "src/a.py", "line": 3, "rule": "F401"}
    )
    tests = step(
        "tests",
        "failed",
        "tests",
        {"message": "assert 1 == 2", "file": "tests/t.py", "line": 9, "test_id": "tests/t.py::test_x"},
    )
    code, doc, _ = decision(
        tmp_path, gate("fast", [lint, tests], dirty=True), gate("release", [step("build", "failed", "build")], commit=B)
    )
    assert code == 1 and doc["decision"] == "NO-SHIP" and doc["commit"] is None
    codes = [r["code"] for r in doc["reasons"]]
    assert codes == [
        "gate-fast-failed",
        "gate-fast-failed",
        "release-preflight-failed",
        "commit-mismatch",
        "dirty-tree",
    ]
    first = doc["reasons"][0]["triage"]
    assert first["classification"] == "lint" and first["affected_file"] == "src/a.py" and first["line"] == 3
    assert first["next_command"] == "ruff check --no-fix src/a.py"
    assert doc["reasons"][1]["triage"]["next_command"] == 'python -m pytest -q "tests/t.py::test_x"'
    assert doc["reasons"][2]["triage"]["next_command"] == "sdetkit gate release --only build"


def test_empty_plan_is_no_ship(tmp_path: Path) -> None:
    code, doc, _ = decision(tmp_path, gate("fast", []), gate("release", [step("build")]))
    assert code == 1 and doc["reasons"][0]["code"] == "gate-fast-not-ok"


def test_stale_evidence_and_doctor_threshold(tmp_path: Path) -> None:
    old = gate("fast", [step("lint")])
    python = {"path": "p", "version": "3", "source": "s"}
    old["run"] = {"started_at": "2020-01-01T00:00:00Z", "duration_s": 1, "sdetkit_version": "0", "python": python}
    old["run"] |= {"jobs": 1, "steps": {}}
    code, doc, _ = decision(tmp_path, old, gate("release", [step("build")]), "--max-age", "24h")
    assert code == 1 and doc["reasons"][0]["code"] == "stale" and "run.started_at" in doc["reasons"][0]["message"]
    doctor = doctor_doc([("docs.license", "low", "fail", "no LICENSE file")])
    path = write(tmp_path, "d.json", doctor)
    assert decision(tmp_path, gate("fast", [step("l")]), gate("release", [step("b")]), "--doctor", str(path))[0] == 0
    code, doc, _ = decision(
        tmp_path,
        gate("fast", [step("l")]),
        gate("release", [step("b")]),
        "--doctor",
        str(path),
        "--doctor-fail-on",
        "low",
    )
    assert code == 1 and doc["reasons"][0]["message"] == "doctor: docs.license (low) failed: no LICENSE file"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"ok": "false"}', "at ok: 'false' is not of type 'boolean'"),
        ('{"schema_name": ', "not valid JSON"),
        ("", "empty file"),
        ("\x00\xff\xfe binary", "not UTF-8 text"),
        ("[1, 2]", "expected a JSON object, found list"),
    ],
)
def test_invalid_input_is_one_line_exit_2_and_nothing_written(tmp_path: Path, content: str, expected: str) -> None:
    bad = tmp_path / "f.json"
    bad.write_bytes(content.encode("latin-1"))
    out = tmp_path / "decision.json"
    res = run_decide(
        "--fast", str(bad), "--release", str(write(tmp_path, "r.json", gate("release", [step("b")]))), "--out", str(out)
    )
    assert res.returncode == 2
    assert res.stderr.startswith(f"sdetkit: error: {bad}: ") and expected in res.stderr
    assert len(res.stderr.splitlines()) == 1 and not out.exists()


def test_missing_file_and_wrong_artifact_kind(tmp_path: Path) -> None:
    res = run_decide("--fast", str(tmp_path / "nope.json"), "--release", str(tmp_path / "r.json"))
    assert res.returncode == 2 and "nope.json: no such file" in res.stderr
    release = write(tmp_path, "r.json", gate("release", [step("b")]))
    res = run_decide("--fast", str(release), "--release", str(release))
    assert res.returncode == 2 and "this is a gate-release artifact (sdetkit.gate.release); expected a gate-fast" in (
        res.stderr
    )


statuses = st.sampled_from(["passed", "failed", "error", "timed_out", "skipped"])


@settings(max_examples=60, deadline=None)
@given(
    fast_steps=st.lists(statuses, max_size=4),
    release_steps=st.lists(statuses, max_size=4),
    same_commit=st.booleans(),
    dirty=st.booleans(),
)
def test_decision_is_deterministic_and_ships_only_on_full_evidence(
    fast_steps: list[str], release_steps: list[str], same_commit: bool, dirty: bool
) -> None:
    fast = gate("fast", [step(f"f{i}", s) for i, s in enumerate(fast_steps)], dirty=dirty)
    release = gate("release", [step(f"r{i}", s) for i, s in enumerate(release_steps)], commit=A if same_commit else B)
    now = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    arts = (Artifact("gate-fast", fast, now, "x"), Artifact("release-preflight", release, now, "x"))
    first = decide(*arts, None, now, None)
    assert first == decide(*arts, None, now, None)
    expected = fast["ok"] and release["ok"] and same_commit and not dirty
    assert first.ship is expected


@pytest.mark.slow
def test_real_gates_feed_a_ship_decision(make_repo: Callable[..., Path], tmp_path: Path, cache_dir: Path) -> None:
    repo = make_repo({"sdetkit.toml": '[gate.fast.steps.check]\nargv = ["true"]\n', ".gitignore": "build/\n"})
    env = {**os.environ, "SDETKIT_CACHE_DIR": str(cache_dir)}
    for cmd in (
        ["gate", "fast", "--format", "json", "--stable-json", "--out", "build/gate-fast.json"],
        ["gate", "release", "--only", "check,clean-tree", "--format", "json", "--out", "build/release-preflight.json"],
    ):
        subprocess.run([sys.executable, "-m", "sdetkit", *cmd], cwd=repo, env=env, check=True, capture_output=True)
    res = subprocess.run(
        [sys.executable, "-m", "sdetkit", "decide", "--fast", "build/gate-fast.json",
         "--release", "build/release-preflight.json", "--max-age", "1h", "--format", "markdown"],
        cwd=repo, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert res.returncode == 0, res.stdout + res.stderr
    assert res.stdout.startswith("### ✅ SHIP for `")


@pytest.mark.parametrize(
    ("lane", "audit", "with_doctor", "codes"),
    [
        (None, "skipped", False, []),
        ("startup", "skipped", False, []),
        ("scale", "skipped", False, ["lane-doctor"]),
        ("scale", "skipped", True, []),
        ("regulated", "skipped", True, ["lane-audit"]),
        ("regulated", "passed", False, ["lane-doctor"]),
        ("regulated", "passed", True, []),
    ],
)
def test_lane_policy_adds_required_evidence(
    tmp_path: Path, lane: str | None, audit: str, with_doctor: bool, codes: list[str]
) -> None:
    doctor = doctor_doc([("git.head", "high", "pass", "")])
    extra = ["--lane", lane] if lane else []
    if with_doctor:
        extra += ["--doctor", str(write(tmp_path, "d.json", doctor))]
    release = gate("release", [step("build"), step("audit", audit)])
    code, doc, err = decision(tmp_path, gate("fast", [step("lint")]), release, *extra)
    assert [r["code"] for r in doc["reasons"]] == codes, err
    assert code == (0 if not codes else 1) and doc["policy"]["lane"] == lane
    # Only the Regulated lane still requires something no artifact here can show, its checklist,
    # and says so only beside a SHIP: a NO-SHIP has its own reasons to fix first.
    assert len(doc["requires"]) == (lane == "regulated" and not codes)


def checklist_doc(
    commit: str | None = A, failing: tuple[str, ...] = (), train: str = "payments", version: str = "3.1.0"
) -> dict[str, Any]:
    """A consistent, complete release checklist result for one repository ("api"), failing the items named."""
    from sdetkit.checklist.items import expected_ids

    def scope(i: str) -> str:
        return "api" if i.endswith(":api") else "program"

    items: list[dict[str, Any]] = [
        {"id": i, "scope": scope(i), "title": i, "status": "fail" if i in failing else "pass", "evidence": [],
         "missing": "m" if i in failing else None} for i in expected_ids(["api"])
    ]  # fmt: skip
    signed = [{"role": i["id"].removeprefix("signoff:"), "name": "N", "at": "2026-03-09T09:00:00Z"}
              for i in items if i["id"].startswith("signoff:") and i["status"] == "pass"]  # fmt: skip
    return {
        "schema_name": "sdetkit.release.checklist", "schema_version": "1.0.0", "ok": not failing,
        "program": "p", "train": train, "version": version, "window_start": "2026-03-02",
        "window_end": "2026-03-08", "checked_at": "2026-03-09T10:00:00Z",
        "repos": [{"repo_id": "api", "commit": commit}], "items": items, "failing": list(failing), "signoffs": signed,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("checklist", "codes", "message"),
    [
        (checklist_doc(), [], None),
        (checklist_doc(failing=("signoff:qa-governance",)), ["checklist-failed"],
         "release checklist payments 3.1.0: 1 item(s) fail: signoff:qa-governance"),
        (checklist_doc(commit=B), ["checklist-commit"],
         f"release checklist payments 3.1.0 covers {B[:12]}, not this commit {A[:12]}"),
        (checklist_doc(commit=None), ["checklist-commit"],
         f"release checklist payments 3.1.0 covers no commit, not this commit {A[:12]}"),
    ],
)  # fmt: skip
def test_a_regulated_release_ships_only_with_a_passing_checklist_of_its_commit(
    tmp_path: Path, checklist: dict[str, Any], codes: list[str], message: str | None
) -> None:
    doctor = write(tmp_path, "d.json", doctor_doc([("git.head", "high", "pass", "")]))
    given = write(tmp_path, "c.json", checklist)
    release = gate("release", [step("build"), step("audit")])
    extra = ["--lane", "regulated", "--doctor", str(doctor), "--checklist", str(given)]
    code, doc, err = decision(tmp_path, gate("fast", [step("lint")]), release, *extra)
    assert [r["code"] for r in doc["reasons"]] == codes, err
    assert code == (1 if codes else 0) and doc["requires"] == []
    assert doc["inputs"]["checklist"]["file"] == str(given)
    if message:
        assert doc["reasons"][0]["message"] == message


def test_without_a_checklist_a_regulated_decision_says_what_is_still_required(tmp_path: Path) -> None:
    doctor = write(tmp_path, "d.json", doctor_doc([("git.head", "high", "pass", "")]))
    fast = write(tmp_path, "f.json", gate("fast", [step("lint")]))
    release = write(tmp_path, "r.json", gate("release", [step("build"), step("audit")]))
    res = run_decide("--fast", str(fast), "--release", str(release), "--doctor", str(doctor), "--lane", "regulated")
    assert res.returncode == 0
    assert res.stdout.splitlines()[1] == (
        "still required: Regulated lane: this version ships only with a passing release checklist: ingest this "
        "decision, run `sdetkit release checklist --version V`, then decide again with --checklist "
        "docs/full-release-package-checklist.json"
    )


def test_a_self_contradicting_checklist_is_bad_input(tmp_path: Path) -> None:
    lying = checklist_doc(failing=("signoff:qa-governance",)) | {"ok": True}
    given = write(tmp_path, "c.json", lying)
    extra = ["--checklist", str(given)]
    code, doc, err = decision(tmp_path, gate("fast", [step("lint")]), gate("release", [step("build")]), *extra)
    assert code == 2 and doc == {}
    assert err.count("\n") == 1 and str(given) in err and "ok is true with 1 failed items" in err


def test_a_step_that_could_not_reach_the_network_is_classified_so(tmp_path: Path) -> None:
    failed = step("build", "failed", kind="build")
    failed["message"] = "building failed: URLError: <urlopen error [Errno -2] Name or service not known>"
    _, doc, _ = decision(tmp_path, gate("fast", [step("lint")]), gate("release", [failed]))
    assert doc["reasons"][0]["triage"]["classification"] == "infrastructure or network"
