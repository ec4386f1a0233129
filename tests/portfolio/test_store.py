"""The evidence store on SQLite and PostgreSQL: ingest, de-duplication, migrations, refusals,
concurrent writers, the scorecard's schema freeze, and lanes as policy."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs

from sdetkit.errors import InputError
from sdetkit.portfolio import connection, migrations, rows
from sdetkit.portfolio import store as st
from tests.portfolio_support import jsonl, record, sdetkit


def _seed(db: str, tmp_path: Path, rows: list[dict[str, Any]]) -> None:
    """Store normalized records through the real command (for tests about what comes after)."""
    res = sdetkit("portfolio", "ingest", "--db", db, "--records", str(jsonl(tmp_path / "seed.jsonl", rows)))
    assert res.code == 0, res.stderr


def _fake_gate(tmp: Path, *, release_ok: bool = True, audit: str = "passed") -> Path:
    """Schema-valid artifacts without running tools: for store behaviour, not gate behaviour."""
    from tests.commands.test_decide import gate, step

    out = tmp / "build"
    out.mkdir(parents=True)
    run = {"started_at": "2026-11-04T09:50:00Z", "duration_s": 60.0, "sdetkit_version": "0.1.0",
           "python": {"path": "python3", "version": "3.11", "source": "PATH"}, "jobs": 2, "steps": {}}  # fmt: skip
    fast = gate("fast", [step("lint")]) | {"run": run}
    release = gate(
        "release", [step("clean-tree"), step("audit", audit), step("build", "passed" if release_ok else "failed")]
    )
    release["run"] = run | {"started_at": "2026-11-04T09:55:00Z"}
    (out / "gate-fast.json").write_text(json.dumps(fast))
    (out / "release-preflight.json").write_text(json.dumps(release))
    return out


def test_ingest_stores_once_and_scores_from_the_store(db: str, tmp_path: Path) -> None:
    evidence = _fake_gate(tmp_path / "api")
    first = sdetkit("portfolio", "ingest", "--db", db, "--repo", "api", "--team", "payments", "--lane", "scale",
                    "--ci-run-url", "https://ci.example.invalid/run/1", str(evidence))  # fmt: skip
    assert first.code == 0, first.stderr
    assert "1 new, 0 already stored" in first.stdout
    again = sdetkit("portfolio", "ingest", "--db", db, "--repo", "api", str(evidence))
    assert again.code == 0 and "0 new, 1 already stored" in again.stdout
    with st.open_store(db, create=False) as store:
        (run,) = store.runs_between("2026-11-01", "2026-11-08")
    assert (run.repo_id, run.team, run.lane, run.ci_run_url) == (
        "api",
        "payments",
        "scale",
        "https://ci.example.invalid/run/1",
    )
    assert (run.started_at, run.finished_at, run.evidence_window_end) == (
        "2026-11-04T09:50:00Z",
        "2026-11-04T09:56:00Z",
        "2026-11-04",
    )
    assert (run.gate_fast_ok, run.gate_release_ok, run.doctor_ok, run.decision_ok) == (True, True, None, None)
    assert run.commit_sha == "a" * 40 and run.audit_status == "passed"
    # Scale requires doctor evidence: without it the run is not release-confident.
    assert run.release_confidence_ok is False
    assert json.loads(run.schema_versions) == {"sdetkit.gate.fast": "1.0.0", "sdetkit.gate.release": "1.0.0"}
    out = tmp_path / "card.json"
    res = sdetkit("portfolio", "scorecard", "--db", db, "--window-start", "2026-11-02", "--window-end", "2026-11-08",
                  "--out", str(out))  # fmt: skip
    assert res.code == 0, res.stderr
    card = json.loads(out.read_text())
    assert card["totals"]["repo_count_reporting"] == 1
    assert card["repos"][0] | {"source_timestamp": None} == {
        "repo_id": "api", "team": "payments", "lane": "scale", "risk_tier": "medium", "release_confidence_ok": False,
        "gate_fast_ok": True, "gate_release_ok": True, "doctor_ok": False, "failed_steps_count": 0,
        "evidence_window_end": "2026-11-04", "source_timestamp": None,
    }  # fmt: skip


@pytest.mark.parametrize(("lane", "audit", "confident"), [
    ("startup", "skipped", True), ("scale", "skipped", False), ("regulated", "skipped", False),
    ("regulated", "passed", False),  # still no doctor evidence
])  # fmt: skip
def test_lane_policy_decides_release_confidence(tmp_path: Path, lane: str, audit: str, confident: bool) -> None:
    evidence = _fake_gate(tmp_path / "r", audit=audit)
    db = str(tmp_path / "s.sqlite3")
    assert sdetkit("portfolio", "ingest", "--db", db, "--repo", "r", "--lane", lane, str(evidence)).code == 0
    with st.open_store(db) as store:
        (run,) = store.runs_between("2026-11-04", "2026-11-04")
    assert run.release_confidence_ok is confident and run.audit_status == audit


def test_regulated_lane_with_doctor_and_audit_is_confident_and_skipped_audit_is_not() -> None:
    from sdetkit.lanes import blockers

    assert blockers("regulated", fast_ok=True, release_ok=True, doctor_ok=True, audit="passed") == []
    assert blockers("regulated", fast_ok=True, release_ok=True, doctor_ok=True, audit="skipped") == [
        "Regulated lane: vulnerability audit skipped, it may not be skipped"
    ]
    assert blockers("startup", fast_ok=True, release_ok=None, doctor_ok=None, audit=None) == [
        "no release preflight evidence"
    ]


def test_migrations_upgrade_an_old_store_in_place(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with monkeypatch.context() as m:  # a store made by the sdetkit that knew only migration 1
        m.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:1])
        old = st.open_store(db)
    try:
        assert migrations.schema_version(old) == 1
        cols = [c for c in rows.COLUMNS if c != "audit_status"]
        values = {c: None for c in cols} | {
            "run_id": "r1", "repo_id": "api", "team": "t", "lane": "startup",
            "source_timestamp": "2026-11-04T10:00:00Z",
            "evidence_window_end": "2026-11-04", "gate_fast_ok": 1, "gate_release_ok": 1, "doctor_ok": 1,
            "release_confidence_ok": 1, "failed_steps": "[]", "failed_steps_count": 0, "schema_versions": "{}",
            "ingested_at": "2026-11-04T10:00:00Z",
        }  # fmt: skip
        with old.transaction() as cur:
            cur.execute(old.sql(f"INSERT INTO runs ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"),  # noqa: S608
                        tuple(values[c] for c in cols))  # fmt: skip
    finally:
        old.close()
    with st.open_store(db) as new:
        assert migrations.schema_version(new) == migrations.VERSION == len(migrations.MIGRATIONS)
        (run,) = new.runs_between("2026-11-01", "2026-11-30")
        assert run.run_id == "r1" and run.audit_status is None and run.gate_fast_ok is True
        assert new.incident_count() == 0  # the incident tables exist
        assert new.query("SELECT COUNT(*) FROM artifacts") == [(0,)]  # and version 3's
        assert new.reviews("2026-12-31") == []  # and version 4's


def _digest(db: str) -> str:
    return hashlib.sha256(Path(db).read_bytes()).hexdigest() if not connection.is_postgres(db) else ""


def test_store_from_a_newer_sdetkit_is_refused_unchanged(db: str, tmp_path: Path) -> None:
    with st.open_store(db) as store, store.transaction() as cur:
        cur.execute(store.sql("UPDATE sdetkit_meta SET value = ? WHERE key = 'schema_version'"), ("99",))
    before = _digest(db)
    with pytest.raises(InputError, match="schema version 99, made by a newer sdetkit"):
        st.open_store(db)
    res = sdetkit(
        "portfolio", "ingest", "--db", db, "--records", str(jsonl(tmp_path / "r.jsonl", [record("a", "2026-11-04")]))
    )
    assert res.code == 2 and len(res.stderr.strip().splitlines()) == 1 and "newer sdetkit" in res.stderr
    assert _digest(db) == before


def test_unreachable_postgres_is_one_line_exit_2(tmp_path: Path) -> None:
    url = "postgresql://nobody:secret@127.0.0.1:1/none"
    res = sdetkit("portfolio", "scorecard", "--db", url, "--window-start", "2026-11-01", "--window-end", "2026-11-07")
    assert res.code == 2, res.stderr
    assert res.stderr.startswith("sdetkit: error: postgresql://nobody@127.0.0.1:1/none: cannot connect")
    assert "secret" not in res.stderr and len(res.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(("content", "expected"), [
    ('{"schema_name": "sdetkit.gate.fast", "ok": "false"}', "not a valid gate-fast artifact"),
    ('{"name": "left-pad"}', "not an sdetkit evidence artifact"),
    ("{not json", "not valid JSON"),
    ("", "empty file"),
])  # fmt: skip
def test_bad_evidence_is_one_line_exit_2_and_no_store(tmp_path: Path, content: str, expected: str) -> None:
    bad = tmp_path / "x.json"
    bad.write_text(content)
    db = tmp_path / "store.sqlite3"
    res = sdetkit("portfolio", "ingest", "--db", str(db), "--repo", "r", str(bad))
    assert res.code == 2 and expected in res.stderr and str(bad) in res.stderr, res.stderr
    assert len(res.stderr.strip().splitlines()) == 1 and not db.exists()


def test_bad_ingests_leave_the_store_unchanged(db: str, tmp_path: Path) -> None:
    good = _fake_gate(tmp_path / "api")
    assert sdetkit("portfolio", "ingest", "--db", db, "--repo", "api", str(good)).code == 0
    before = _digest(db)
    copy = tmp_path / "web"
    copy.mkdir()
    (copy / "gate-fast.json").write_text((good / "gate-fast.json").read_text())
    cases = [
        (["--repo", "api", str(good), str(tmp_path / "absent")], "no such file or folder"),
        ([str(good.parent), str(copy)], "the same evidence is given for api and web"),
        (["--repo", "x", "--at", "2099-01-01T00:00:00Z", str(good)], "is in the future"),
        (["--repo", "x", "--lane", "enterprise", str(good)], "--lane enterprise: not one of startup, scale, regulated"),
        (["--records", str(jsonl(tmp_path / "b.jsonl", [record("a", "2026-11-04") | {"doctor_ok": "yes"}]))],
         "doctor_ok must be true or false"),
    ]  # fmt: skip
    for args, expected in cases:
        res = sdetkit("portfolio", "ingest", "--db", db, *args)
        assert res.code == 2 and expected in res.stderr, (args, res.stderr)
    assert _digest(db) == before
    with st.open_store(db) as store:
        assert store.run_count() == 1


def test_evidence_already_stored_for_another_repository_is_refused(db: str, tmp_path: Path) -> None:
    evidence = _fake_gate(tmp_path / "zipp")
    assert sdetkit("portfolio", "ingest", "--db", db, "--repo", "zipp", str(evidence)).code == 0
    again = sdetkit("portfolio", "ingest", "--db", db, "--repo", "zipp", str(evidence))
    assert again.code == 0 and "0 new, 1 already stored" in again.stdout
    fork = sdetkit("portfolio", "ingest", "--db", db, "--repo", "zipp-fork", "--team", "t", "--lane", "startup",
                   str(evidence))  # fmt: skip
    assert fork.code == 2 and "was already ingested for zipp" in fork.stderr and "nothing was stored" in fork.stderr
    with st.open_store(db) as store:
        assert store.run_count() == 1


def test_unknown_repository_with_an_inventory_is_refused_and_without_one_is_noted(tmp_path: Path) -> None:
    inv = tmp_path / "inventory.toml"
    inv.write_text('[repos.itsdangerous]\nteam = "web"\nlane = "startup"\n')
    typo = tmp_path / "itsdangerus"
    _fake_gate(typo)
    db = tmp_path / "s.sqlite3"
    res = sdetkit("portfolio", "ingest", "--db", str(db), "--inventory", str(inv), str(typo))
    assert res.code == 2 and "itsdangerus: not in the inventory (expected: itsdangerous)" in res.stderr
    assert not db.exists()
    res = sdetkit("portfolio", "ingest", "--db", str(db), str(typo))
    assert res.code == 0 and "note: itsdangerus: no team or lane known" in res.stderr


def test_the_inventory_decides_team_and_lane_at_reporting_time(db: str, tmp_path: Path) -> None:
    evidence = _fake_gate(tmp_path / "api")  # gate fast + release, no doctor
    assert sdetkit("portfolio", "ingest", "--db", db, "--repo", "api", str(evidence)).code == 0  # unassigned, startup
    window = ["--window-start", "2026-11-02", "--window-end", "2026-11-08"]
    (row,) = json.loads(sdetkit("portfolio", "scorecard", "--db", db, *window).stdout)["repos"]
    assert (row["team"], row["lane"], row["release_confidence_ok"]) == ("unassigned", "startup", True)
    inv = tmp_path / "inventory.toml"
    inv.write_text('[repos.api]\nteam = "payments"\nlane = "scale"\n')
    card = json.loads(sdetkit("portfolio", "scorecard", "--db", db, "--inventory", str(inv), *window).stdout)
    (row,) = card["repos"]
    # Scale requires doctor evidence, which this run lacks: the lane's policy is applied again.
    assert (row["team"], row["lane"], row["release_confidence_ok"]) == ("payments", "scale", False)
    assert list(card["by_lane"]) == ["scale"]


def test_other_json_in_an_evidence_folder_is_ignored_but_broken_evidence_is_not(tmp_path: Path) -> None:
    evidence = _fake_gate(tmp_path / "api")
    (evidence / "notes.json").write_text("{broken")
    (evidence / "package.json").write_text('{"name": "left-pad"}')
    db = str(tmp_path / "s.sqlite3")
    assert sdetkit("portfolio", "ingest", "--db", db, "--repo", "api", str(evidence)).code == 0
    (evidence / "doctor.json").write_text('{"schema_name": "sdetkit.doctor", "ok": tr')
    res = sdetkit("portfolio", "ingest", "--db", db, "--repo", "api", str(evidence))
    assert res.code == 2 and "doctor.json: not valid JSON" in res.stderr
    (evidence / "doctor.json").write_text('{"ok": true}')  # named like evidence, but is not
    res = sdetkit("portfolio", "ingest", "--db", db, "--repo", "api", str(evidence))
    assert res.code == 2 and "doctor.json: not an sdetkit evidence artifact (no schema_name" in res.stderr


def test_decision_must_come_from_the_ingested_gates(tmp_path: Path) -> None:
    src = _fake_gate(tmp_path / "a")
    fast, release = src / "gate-fast.json", src / "release-preflight.json"
    made = sdetkit("decide", "--fast", str(fast), "--release", str(release), "--format", "json",
                   "--out", str(src / "decision.json"))  # fmt: skip
    assert made.code == 0, made.stderr
    db = str(tmp_path / "s.db")
    assert sdetkit("portfolio", "ingest", "--db", db, "--repo", "a", "--at", "2026-11-04T10:00:00Z", str(src)).code == 0
    fast.write_text(fast.read_text() + "\n")  # same content, other bytes: not the evidence decided on
    res = sdetkit("portfolio", "ingest", "--db", db, "--repo", "a", str(src))
    assert res.code == 2 and "this decision was made from a different fast artifact" in res.stderr


def test_concurrent_ingests_lose_nothing(db: str, tmp_path: Path) -> None:
    files = []
    for w in range(4):
        rows = [record(f"repo-{w}-{i}", f"2026-11-{1 + i % 28:02d}") for i in range(300)]
        files.append(jsonl(tmp_path / f"w{w}.jsonl", rows))
    st.open_store(db).close()  # created once, so every writer finds the same store
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "sdetkit", "portfolio", "ingest", "--db", db, "--records", str(f)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for f in files
    ]
    results = [(*p.communicate(timeout=120), p.returncode) for p in procs]
    assert all(code == 0 for _, _, code in results), results
    with st.open_store(db) as store:
        assert store.run_count() == 1200


def test_concurrent_first_opens_create_the_store_once(db: str) -> None:
    code = f"from sdetkit.portfolio import store; store.open_store({db!r}).close()"
    procs = [subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE, text=True) for _ in range(4)]
    errors = [p.communicate(timeout=60)[1] for p in procs]
    assert all(p.returncode == 0 for p in procs), errors
    with st.open_store(db) as store:
        assert migrations.schema_version(store) == migrations.VERSION


def test_window_schema_is_frozen_unless_allowed(db: str, tmp_path: Path) -> None:
    _seed(db, tmp_path, [record("a", "2026-11-04")])
    window = ["--window-start", "2026-11-02", "--window-end", "2026-11-08"]
    assert sdetkit("portfolio", "scorecard", "--db", db, *window, "--schema-version", "1.0.0").code == 0
    assert sdetkit("portfolio", "scorecard", "--db", db, *window, "--schema-version", "1.0.0").code == 0
    refused = sdetkit(
        "portfolio", "scorecard", "--db", db, *window, "--schema-version", "1.1.0", "--out", str(tmp_path / "o.json")
    )
    assert refused.code == 2 and "was reported with scorecard schema 1.0.0" in refused.stderr
    assert not (tmp_path / "o.json").exists()
    allowed = sdetkit(
        "portfolio", "scorecard", "--db", db, *window, "--schema-version", "1.1.0", "--allow-schema-change"
    )
    assert allowed.code == 0 and json.loads(allowed.stdout)["schema_version"] == "1.1.0"
    other_window = sdetkit(
        "portfolio",
        "scorecard",
        "--db",
        db,
        "--window-start",
        "2026-11-09",
        "--window-end",
        "2026-11-15",
        "--schema-version",
        "1.1.0",
    )
    assert other_window.code == 0


def test_inventory_makes_missing_and_stale_visible(tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    inv = tmp_path / "inventory.toml"
    inv.write_text('[repos.api]\nteam = "payments"\nlane = "scale"\n\n[repos.web]\nteam = "web"\nlane = "startup"\n\n'
                   '[repos.new]\nteam = "web"\nlane = "startup"\n')  # fmt: skip
    rows = [record("api", "2026-11-04"), record("web", "2026-10-20")]
    _seed(db, tmp_path, rows)
    window = ["--window-start", "2026-11-02", "--window-end", "2026-11-08"]
    res = sdetkit("portfolio", "scorecard", "--db", db, "--inventory", str(inv), *window)
    card = json.loads(res.stdout)
    assert card["missing_repos"] == ["new", "web"]
    assert card["stale_repos"] == [{"repo_id": "web", "last_seen": "2026-10-20"}]
    assert card["totals"]["repo_count_expected"] == 3 and card["totals"]["high_risk_repo_count"] == 0
    assert card["ok"] is False
    inv.write_text('[repos.api]\nteam = "payments"\nlane = "enterprise"\n')
    bad = sdetkit("portfolio", "scorecard", "--db", db, "--inventory", str(inv), *window)
    assert bad.code == 2 and "repos.api: lane 'enterprise' is not one of startup, scale, regulated" in bad.stderr


def test_incidents_belong_to_known_repositories_and_past_times(tmp_path: Path) -> None:
    db = str(tmp_path / "s.sqlite3")
    _seed(db, tmp_path, [record("api", "2026-11-04")])
    ok = sdetkit(
        "portfolio", "incident", "--db", db, "--repo", "api", "--kind", "rollback", "--opened", "2026-11-05T10:00:00Z"
    )
    assert ok.code == 0 and "recorded" in ok.stdout and "already" not in ok.stdout
    again = sdetkit(
        "portfolio", "incident", "--db", db, "--repo", "api", "--kind", "rollback", "--opened", "2026-11-05T10:00:00Z"
    )
    assert again.code == 0 and "already recorded" in again.stdout
    cases = [
        (["--repo", "apii", "--kind", "rollback", "--opened", "2026-11-05T10:00:00Z"], "apii: not in the store"),
        (["--repo", "api", "--kind", "failure", "--opened", "2099-01-01T00:00:00Z"], "is in the future"),
        (["--repo", "api", "--kind", "rollback", "--opened", "2026-11-05T10:00:00Z",
          "--triaged", "2026-11-05T11:00:00Z"], "--triaged applies to a failure"),
    ]  # fmt: skip
    for args, expected in cases:
        res = sdetkit("portfolio", "incident", "--db", db, *args)
        assert res.code == 2 and expected in res.stderr, (args, res.stderr)
    with st.open_store(db) as store:
        assert store.incident_count() == 1


def test_periods_that_have_not_begun_are_refused(tmp_path: Path) -> None:
    db = str(tmp_path / "s.sqlite3")
    _seed(db, tmp_path, [record("a", "2026-11-04")])
    for args in (
        ["portfolio", "scorecard", "--window-start", "2099-01-01", "--window-end", "2099-01-07"],
        ["kpi", "weekly", "--week-ending", "2099-01-07", "--out", str(tmp_path / "k.json")],
        ["report", "monthly", "--month", "2099-01", "--out-dir", str(tmp_path / "docs")],
    ):
        res = sdetkit(*args, "--db", db)
        assert res.code == 2 and "after today" in res.stderr and "no evidence can exist" in res.stderr, res.stderr
    assert not (tmp_path / "k.json").exists() and not (tmp_path / "docs").exists()


def test_reading_a_store_that_does_not_exist_is_exit_2(tmp_path: Path) -> None:
    db = tmp_path / "nothing.sqlite3"
    res = sdetkit("kpi", "weekly", "--db", str(db), "--week-ending", "2026-11-08", "--out", str(tmp_path / "k.json"))
    assert res.code == 2 and "no evidence store here yet" in res.stderr and not db.exists()


def test_default_store_lives_at_the_project_top(tmp_path: Path, make_repo: Callable[..., Path]) -> None:
    repo = make_repo()
    (repo / "sub").mkdir()
    env = {k: v for k, v in os.environ.items() if k != "SDETKIT_DB"}
    rows = jsonl(tmp_path / "r.jsonl", [record("a", "2026-11-04")])
    res = subprocess.run([sys.executable, "-m", "sdetkit", "portfolio", "ingest", "--records", str(rows)],
                         cwd=repo / "sub", env=env, capture_output=True, text=True, check=False)  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert (repo / ".sdetkit" / "portfolio.sqlite3").is_file()
    assert str(repo / ".sdetkit" / "portfolio.sqlite3") in res.stdout


_RECORD = hs.fixed_dictionaries({
    "repo_id": hs.sampled_from(["api", "web", "billing", "docs", "cli"]),
    "team": hs.sampled_from(["payments", "frontend", "platform"]),
    "lane": hs.sampled_from(["startup", "scale", "regulated"]),
    "gate_fast_ok": hs.booleans(), "gate_release_ok": hs.booleans(), "doctor_ok": hs.booleans(),
    "failed_steps": hs.lists(hs.sampled_from(["lint", "tests", "build", "audit"]), unique=True, max_size=3),
    "evidence_window_end": hs.dates(dt.date(2026, 11, 1), dt.date(2026, 11, 28)).map(dt.date.isoformat),
    "hour": hs.integers(0, 23),
})  # fmt: skip


def _normalized(raw: dict[str, Any]) -> dict[str, Any]:
    raw = dict(raw)
    hour = raw.pop("hour")
    if raw["gate_fast_ok"] and raw["gate_release_ok"]:  # a consistent record: passing gates failed no step
        raw["failed_steps"] = []
    raw["failed_steps_count"] = len(raw["failed_steps"])
    raw["source_timestamp"] = f"{raw['evidence_window_end']}T{hour:02d}:00:00Z"
    return raw


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(hs.lists(_RECORD, max_size=25), hs.sets(hs.sampled_from(["api", "web", "billing", "ops"])))
def test_totals_agree_with_rows_and_the_store_agrees_with_the_file(
    tmp_path: Path, raws: list[dict[str, Any]], expected: set[str]
) -> None:
    from sdetkit.portfolio import ingest, records, scorecard

    path = jsonl(tmp_path / f"{uuid.uuid4().hex}.jsonl", [_normalized(r) for r in raws] or [record("x", "2026-10-01")])
    loaded = records.load(path)
    start, end = dt.date(2026, 11, 9), dt.date(2026, 11, 15)
    card = scorecard.build(loaded, "1.0.0", start, end, expected=sorted(expected))
    rows, t = card["repos"], card["totals"]
    assert t["repo_count_reporting"] == len(rows) == len({r["repo_id"] for r in rows})
    for tier in ("high", "medium", "low"):
        assert t[f"{tier}_risk_repo_count"] == sum(r["risk_tier"] == tier for r in rows)
    failed = sum(not r["gate_release_ok"] for r in rows)
    assert t["release_gate_failure_rate_percent"] == (round(100 * failed / len(rows), 2) if rows else 0.0)
    for key in ("by_team", "by_lane"):
        assert sum(g["repo_count_reporting"] for g in card[key].values()) == len(rows)
        assert sum(g["high_risk_repo_count"] for g in card[key].values()) == t["high_risk_repo_count"]
    reporting = {r["repo_id"] for r in rows}
    assert set(card["missing_repos"]) == expected - reporting
    assert all(start.isoformat() <= r["evidence_window_end"] <= end.isoformat() for r in rows)

    with st.open_store(str(tmp_path / f"{uuid.uuid4().hex}.sqlite3")) as store:
        now = dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc)
        store.add_runs([ingest.from_record(r, now) for r in loaded])
        stored = [ingest.to_record(r) for r in store.runs_between(start.isoformat(), end.isoformat())]
    from_store = scorecard.build(stored, "1.0.0", start, end, expected=sorted(expected))
    # The store holds only the window's runs, so only the repository total may differ.
    assert {**from_store, "totals": {**from_store["totals"], "repo_count_total": 0}} == {
        **card, "totals": {**card["totals"], "repo_count_total": 0}}  # fmt: skip


def test_at_cannot_date_evidence_before_it_was_made(tmp_path: Path) -> None:
    """--at dates evidence written without times; it may not back-date an artifact that carries its own."""
    src = _fake_gate(tmp_path / "a")
    doc = json.loads((src / "gate-fast.json").read_text())
    made = doc["run"]["started_at"]
    db = str(tmp_path / "s.db")
    res = sdetkit("portfolio", "ingest", "--db", db, "--repo", "a", "--at", "2020-01-01T00:00:00Z", str(src))
    assert res.code == 2 and not Path(db).exists()
    assert res.stderr.strip().endswith(
        f"gate-fast.json: --at 2020-01-01T00:00:00Z is before this artifact's own run time ({made}): evidence "
        "cannot be dated before it was made (leave --at out: the artifact carries its time)"
    )
    future = sdetkit("portfolio", "ingest", "--db", db, "--repo", "a", "--at", "2999-01-01T00:00:00Z", str(src))
    assert future.code == 2 and future.stderr.startswith("sdetkit: error: --at 2999-01-01T00:00:00Z is in the future")


def test_a_store_at_the_previous_version_upgrades_with_its_windows_and_records_reviews(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sdetkit.governance.reviews import GovernanceReview

    db = str(tmp_path / "old.sqlite3")
    # The store as it was before the migration that adds the governance reviews.
    previous = next(i for i, m in enumerate(migrations.MIGRATIONS) if any("governance_reviews" in q for q in m))
    with monkeypatch.context() as m:
        m.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:previous])
        with st.open_store(db) as old, old.transaction() as cur:
            cur.execute(
                "INSERT INTO reports (kind, window_start, window_end, schema_version, written_at) "
                "VALUES ('scorecard', '2026-03-02', '2026-03-08', '1.0.0', '2026-03-09T00:00:00Z')"
            )
    with st.open_store(db) as store:
        assert migrations.schema_version(store) == migrations.VERSION
        assert store.changed_windows() == []  # the version a window had when upgraded is where it started
        assert (
            store.claim_window("scorecard", "2026-03-02", "2026-03-08", "1.1.0", "2026-03-10T00:00:00Z", True) is None
        )
        assert store.changed_windows() == [
            ("scorecard", "2026-03-02", "2026-03-08", "1.0.0", "1.1.0", "2026-03-10T00:00:00Z")
        ]
        review = GovernanceReview("r1", "compatibility", "2026-03-31", ("a", "b"), ("keep",), "0" * 64, "n.md", "t")
        assert store.add_review(review) and not store.add_review(review)
        assert store.reviews("2026-03-30") == [] and store.reviews("2026-03-31") == [review]


def test_a_program_store_not_created_yet_reads_as_empty_and_is_not_created(tmp_path: Path) -> None:
    path = tmp_path / ".sdetkit" / "portfolio.sqlite3"
    with st.program_store(str(path)) as store:
        assert store.name == f"sqlite:{path} (not created yet: no runs)"
        assert migrations.schema_version(store) == migrations.VERSION
        assert store.runs_between("0001-01-01", "9999-12-31") == []
        assert (store.first_evidence_date(), store.incident_count(), store.reviews("9999-12-31")) == (None, 0, [])
    assert not path.parent.exists()  # reading never creates the user's file, nor its folder


def test_a_program_store_that_exists_is_the_store_itself(tmp_path: Path) -> None:
    from tests.rollout_support import stored_run

    path = str(tmp_path / "portfolio.sqlite3")
    with st.open_store(path) as store:
        store.add_runs([stored_run("api", "payments", "scale", "2026-01-09")])
    with st.program_store(path) as store:
        assert store.name == f"sqlite:{path}"
        assert [r.repo_id for r in store.runs_between("0001-01-01", "9999-12-31")] == ["api"]


def test_a_confidence_taken_on_trust_before_records_were_judged_does_not_count(db: str, tmp_path: Path) -> None:
    """A store may hold record runs stored when a record's ``release_confidence_ok: true`` was
    trusted with a failed gate; every report judges them again by the lane's policy."""
    import datetime as dt

    from sdetkit.portfolio.ingest import from_record
    from sdetkit.portfolio.records import Record

    stamp = dt.datetime(2026, 11, 4, 12, tzinfo=dt.timezone.utc)
    trusted = Record("payments", "pay", "startup", False, False, True, 2, stamp.date(), stamp, True, ("build", "tests"))
    with st.open_store(db) as store:  # stored as an older sdetkit stored it, without a judgement
        store.add_runs([from_record(trusted, stamp)])
    res = sdetkit("portfolio", "scorecard", "--db", db, "--window-start", "2026-11-02", "--window-end", "2026-11-08")
    assert res.code == 0, res.stderr
    doc = json.loads(res.stdout)
    assert doc["repos"][0]["release_confidence_ok"] is False
    assert doc["totals"]["release_confidence_rate_percent"] == 0.0


def test_a_postgres_role_without_temporary_tables_ingests_the_same_runs(postgres_db: str, tmp_path: Path) -> None:
    """Runs reach a PostgreSQL store through a temporary table (COPY, then one INSERT); a locked-down
    database that grants no TEMPORARY stores them with plain INSERTs, the same runs either way."""
    import uuid

    import psycopg

    day = [f"2026-11-{1 + i % 28:02d}" for i in range(6000)]
    rows = [record(f"repo-{i % 7}", d) | {"source_timestamp": f"{d}T{i % 24:02d}:{i % 60:02d}:{i // 60 % 60:02d}Z"}
            for i, d in enumerate(day)]  # fmt: skip
    rows += rows[:100]  # the same runs again, in a later batch: stored once
    records = jsonl(tmp_path / "runs.jsonl", rows)
    role = f"sdetkit_t_{uuid.uuid4().hex[:12]}"
    st.open_store(postgres_db).close()
    database = postgres_db.rsplit("/", 1)[1]
    with psycopg.connect(postgres_db, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {role} LOGIN")
        conn.execute(f"REVOKE TEMPORARY ON DATABASE {database} FROM PUBLIC")
        conn.execute(f"GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA public TO {role}")
        try:
            limited = postgres_db.replace("postgres@", f"{role}@", 1)
            res = sdetkit("portfolio", "ingest", "--db", limited, "--records", str(records))
            assert res.code == 0 and res.stdout.endswith(": 6000 new, 100 already stored\n"), res.stderr
            res = sdetkit("portfolio", "ingest", "--db", postgres_db, "--records", str(records))  # with COPY
            assert res.code == 0 and res.stdout.endswith(": 0 new, 6100 already stored\n"), res.stderr
        finally:
            conn.execute(f"DROP OWNED BY {role}")
            conn.execute(f"DROP ROLE {role}")
    with st.open_store(postgres_db) as store:
        assert store.run_count() == 6000
