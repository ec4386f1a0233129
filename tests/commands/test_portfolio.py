"""``sdetkit portfolio export``: the store's runs as the normalized records the guide's scorecard
command reads with ``--in``, so that command works as written from a store."""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.portfolio_support import jsonl, record, sdetkit


def test_the_guides_scorecard_command_from_exported_records_matches_the_store(tmp_path: Path) -> None:
    db = str(tmp_path / "s.sqlite3")
    rows = [record("api", "2026-11-17"), record("web", "2026-11-18", ok=False), record("api", "2026-11-25")]
    assert sdetkit("portfolio", "ingest", "--db", db, "--records", str(jsonl(tmp_path / "in.jsonl", rows))).code == 0
    window = ["--window-start", "2026-11-16", "--window-end", "2026-11-22"]
    exported = tmp_path / "normalized.jsonl"
    res = sdetkit("portfolio", "export", "--db", db, *window, "--out", str(exported))
    assert res.code == 0 and res.stdout == f"exported 2 record(s) of 2026-11-16..2026-11-22\nwrote {exported}\n"
    assert [json.loads(line)["repo_id"] for line in exported.read_text().splitlines()] == ["api", "web"]
    from_file, from_store = tmp_path / "a.json", tmp_path / "b.json"
    script = Path(__file__).resolve().parents[2] / "scripts" / "build_portfolio_scorecard.py"
    guide = subprocess.run(
        [sys.executable, str(script), "--in", str(exported), "--out", str(from_file), "--schema-version", "1.0.0",
         *window],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert guide.returncode == 0, guide.stderr
    assert sdetkit("portfolio", "scorecard", "--db", db, *window, "--out", str(from_store)).code == 0
    assert json.loads(from_file.read_text())["repos"] == json.loads(from_store.read_text())["repos"]


def test_export_refuses_a_reversed_window_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "x.jsonl"
    res = sdetkit("portfolio", "export", "--db", str(tmp_path / "none.sqlite3"), "--window-start", "2026-11-22",
                  "--window-end", "2026-11-16", "--out", str(out))  # fmt: skip
    assert res.code == 2 and "--window-start 2026-11-22 is after --window-end 2026-11-16" in res.stderr
    assert not out.exists()


# --- normalized records: the hostile ones are refused with their line, and the store is unchanged ---

WINDOW = ["--window-start", "2026-11-16", "--window-end", "2026-11-22"]
INVENTORY = '[repos.api]\nteam = "payments"\nlane = "regulated"\n\n[repos.web]\nteam = "frontend"\nlane = "startup"\n'


def _stored(db: str, tmp_path: Path) -> str:
    out = tmp_path / "stored.jsonl"
    res = sdetkit("portfolio", "export", "--db", db, "--window-start", "2026-11-01", "--window-end", "2026-11-28",
                  "--out", str(out))  # fmt: skip
    assert res.code == 0, res.stderr
    return out.read_text()


HOSTILE = [
    ("future", {"source_timestamp": "2099-01-01T00:00:00Z", "evidence_window_end": "2099-01-01"},
     r"source_timestamp 2099-01-01T00:00:00Z is in the future \(now \S+Z\) \(and 1 more problems\)"),
    ("window after today", {"evidence_window_end": "2099-01-01"},
     r"evidence_window_end 2099-01-01 is after today \(\d{4}-\d\d-\d\d\)"),
    ("window before the evidence", {"evidence_window_end": "2026-11-10"},
     r"evidence_window_end 2026-11-10 is before the day of source_timestamp \(2026-11-18\): evidence cannot count "
     r"for a window that closed before it was made"),
    ("contradicting confidence", {"gate_fast_ok": False, "release_confidence_ok": True},
     r"release_confidence_ok is true but the startup lane's policy gives false: gate fast failed"),
    # A record over 1 MiB is refused by the reader before it is parsed; a long field under it by its limit.
    ("50 MB repo_id", {"repo_id": "x" * 50_000_000}, r"longer than 1048576 bytes; a record is at most 1 MiB"),
    ("5,000-character repo_id", {"repo_id": "x" * 5000}, r"repo_id is 5000 characters, over the limit of 200"),
    ("control character", {"team": "a\x1b[31mb"}, r"team holds a control character \(U\+001B at position 1\)"),
    ("repo and repo_id", {"repo": "api"}, r"give the repository as repo_id or repo, not both"),
    ("two times", {"timestamp": "2026-11-18T13:00:00Z"},
     r"timestamp '2026-11-18T13:00:00Z' and source_timestamp '2026-11-18T12:00:00Z' differ: give one"),
    ("unknown repository", {"repo_id": "ghost"},
     r"ghost: not in the inventory \(expected: api, web\); fix the id or add it to the inventory"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "change", "message"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_records_are_refused_with_their_line_and_the_store_is_unchanged(
    db: str, tmp_path: Path, case: str, change: dict[str, Any], message: str
) -> None:
    inventory = tmp_path / "inventory.toml"
    inventory.write_text(INVENTORY)
    good = record("web", "2026-11-18")
    assert sdetkit("portfolio", "ingest", "--db", db, "--records", str(jsonl(tmp_path / "ok.jsonl", [good]))).code == 0
    before = _stored(db, tmp_path)
    path = jsonl(tmp_path / "hostile.jsonl", [good, {**record("web", "2026-11-18"), **change}])
    res = sdetkit("portfolio", "ingest", "--db", db, "--inventory", str(inventory), "--records", str(path))
    assert res.code == 2 and res.stdout == ""
    assert re.fullmatch(rf"sdetkit: error: {re.escape(str(path))}:2: {message}\n", res.stderr), res.stderr
    assert _stored(db, tmp_path) == before


def test_a_records_team_and_lane_give_way_to_the_inventory_with_one_note(db: str, tmp_path: Path) -> None:
    inventory = tmp_path / "inventory.toml"
    inventory.write_text(INVENTORY)
    rows = [record("api", "2026-11-17"), record("api", "2026-11-18"), record("web", "2026-11-18")]
    res = sdetkit("portfolio", "ingest", "--db", db, "--inventory", str(inventory), "--records",
                  str(jsonl(tmp_path / "in.jsonl", rows)))  # fmt: skip
    assert res.code == 0, res.stderr
    assert res.stderr == (
        "note: 3 record(s) give a team or lane other than the inventory's (first: api: team t, lane startup; "
        "inventory: team payments, lane regulated): the inventory's are recorded, and the lane's policy judged "
        "the runs\n"
    )
    out = tmp_path / "card.json"
    assert sdetkit("portfolio", "scorecard", "--db", db, *WINDOW, "--out", str(out)).code == 0
    repos = {r["repo_id"]: r for r in json.loads(out.read_text())["repos"]}
    # Passing gates, but a record cannot show the audit the Regulated lane requires.
    assert (repos["api"]["team"], repos["api"]["lane"], repos["api"]["release_confidence_ok"]) == (
        "payments", "regulated", False)  # fmt: skip
    assert repos["web"]["release_confidence_ok"] is True


def test_the_scorecard_never_calls_failed_gates_confident(tmp_path: Path) -> None:
    rows = [record(f"r{i}", "2026-11-18", ok=i % 2 == 0) | {"gate_release_ok": i % 3 != 0} for i in range(12)]
    rows = [r | {"failed_steps_count": 0, "failed_steps": []} if r["gate_fast_ok"] and r["gate_release_ok"] else
            r | {"failed_steps_count": 1, "failed_steps": ["tests"]} for r in rows]  # fmt: skip
    out = tmp_path / "card.json"
    res = sdetkit("portfolio", "scorecard", "--in", str(jsonl(tmp_path / "in.jsonl", rows)), *WINDOW, "--out", str(out))
    assert res.code == 0, res.stderr
    for row in json.loads(out.read_text())["repos"]:
        assert row["release_confidence_ok"] is (row["gate_fast_ok"] and row["gate_release_ok"])


def test_a_scorecard_from_records_for_a_window_not_yet_begun_is_refused_as_from_the_store(tmp_path: Path) -> None:
    path = jsonl(tmp_path / "in.jsonl", [record("api", "2026-11-18")])
    window = ["--window-start", "2099-01-05", "--window-end", "2099-01-11"]
    from_file = sdetkit("portfolio", "scorecard", "--in", str(path), *window, "--out", str(tmp_path / "a.json"))
    from_store = sdetkit("portfolio", "scorecard", "--db", str(tmp_path / "s.sqlite3"), *window)
    assert from_file.code == from_store.code == 2 and from_file.stderr == from_store.stderr
    assert re.fullmatch(r"sdetkit: error: the window 2099-01-05\.\.2099-01-11 starts 2099-01-05, after today "
                        r"\(\d{4}-\d\d-\d\d\): no evidence can exist for it yet\n", from_file.stderr)  # fmt: skip
    assert not (tmp_path / "a.json").exists()


# --- the rollout guide's command on the original tooling's records ---

TEAMS = {"payments": "regulated", "frontend": "startup", "platform": "scale"}


def _original_file(tmp_path: Path) -> tuple[Path, list[dict[str, Any]]]:
    """Three dozen records as the original tooling writes them: ``repo`` or ``repo_id``, ``timestamp``,
    no window end; every repository ran several times, older runs first."""
    rng = random.Random(15)  # noqa: S311 - varied data, not secrecy
    rows = []
    for i in range(12):
        team = list(TEAMS)[i % 3]
        for run in range(3):
            fast, release, doctor = rng.random() > 0.2, rng.random() > 0.3, rng.random() > 0.2
            steps = [] if fast and release else rng.sample(["lint", "tests", "build", "audit"], rng.randint(1, 3))
            rows.append({("repo" if i % 2 else "repo_id"): f"svc-{i}", "team": team, "lane": TEAMS[team],
                         "gate_fast_ok": fast, "gate_release_ok": release, "doctor_ok": doctor,
                         "failed_steps_count": len(steps), "failed_steps": steps,
                         "timestamp": f"2026-11-{10 + 4 * run:02d}T{8 + i:02d}:15:00Z"})  # fmt: skip
    return jsonl(tmp_path / "normalized.jsonl", rows), rows


def test_the_guides_command_reads_the_original_shape_with_the_seeds_formulas(tmp_path: Path) -> None:
    path, rows = _original_file(tmp_path)
    out = tmp_path / "portfolio-scorecard.json"
    script = Path(__file__).resolve().parents[2] / "scripts" / "build_portfolio_scorecard.py"
    guide = subprocess.run(
        [sys.executable, str(script), "--in", str(path), "--out", str(out), "--schema-version", "1.0.0",
         "--window-start", "2026-11-16", "--window-end", "2026-11-22"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert guide.returncode == 0, guide.stderr
    # The seed's formulas, computed here: the latest run per repository, its risk tier, the rate.
    latest: dict[str, dict[str, Any]] = {}
    for row in rows:
        repo = str(row.get("repo_id", row.get("repo")))
        if repo not in latest or row["timestamp"] > latest[repo]["timestamp"]:
            latest[repo] = row

    def tier(r: dict[str, Any]) -> str:
        if not r["gate_release_ok"] or r["failed_steps_count"] >= 2:
            return "high"
        ok = r["gate_fast_ok"] and r["gate_release_ok"] and r["doctor_ok"] and r["failed_steps_count"] == 0
        return "low" if ok else "medium"

    doc = json.loads(out.read_text())
    assert {r["repo_id"]: r["risk_tier"] for r in doc["repos"]} == {k: tier(v) for k, v in latest.items()}
    totals = doc["totals"]
    assert totals["repo_count_reporting"] == 12
    for name in ("high", "medium", "low"):
        assert totals[f"{name}_risk_repo_count"] == sum(tier(v) == name for v in latest.values())
    failed = sum(not v["gate_release_ok"] for v in latest.values())
    assert totals["release_gate_failure_rate_percent"] == round(100 * failed / 12, 2)
    assert {tier(v) for v in latest.values()} == {"high", "medium", "low"}  # the data exercises every tier
    assert all(r["evidence_window_end"] == "2026-11-22" for r in doc["repos"])


def test_an_invalid_record_after_the_first_batch_leaves_the_store_unchanged(db: str, tmp_path: Path) -> None:
    from sdetkit.portfolio.store import open_store

    assert sdetkit("portfolio", "ingest", "--db", db, "--records", str(jsonl(tmp_path / "a.jsonl", [
        record("kept", "2026-11-02")]))).code == 0  # fmt: skip
    rows = [record(f"repo-{i}", f"2026-11-{1 + i % 28:02d}") for i in range(12_000)]
    rows[7_000] = rows[7_000] | {"doctor_ok": "yes"}  # past the first batch of 5,000 written
    rows[9_000] = rows[9_000] | {"lane": "moon"}
    big = jsonl(tmp_path / "b.jsonl", rows)
    res = sdetkit("portfolio", "ingest", "--db", db, "--records", str(big))
    assert res.code == 2 and res.stdout == ""
    assert (
        res.stderr == f"sdetkit: error: {big}:7001: doctor_ok must be true or false, not 'yes' (and 1 more problems)\n"
    )
    with open_store(db, create=False) as store:
        assert store.run_count() == 1
    del rows[9_000], rows[7_000]
    res = sdetkit("portfolio", "ingest", "--db", db, "--records", str(jsonl(big, rows)))
    assert res.code == 0 and res.stdout.endswith(": 11998 new, 0 already stored\n"), res.stderr
    assert res.stdout.startswith("ingested 11998 run(s) from 11998 repositories into ")


def test_a_file_whose_first_record_is_bad_creates_no_store(tmp_path: Path) -> None:
    db = tmp_path / "new.sqlite3"
    bad = jsonl(tmp_path / "b.jsonl", [record("a", "2026-11-02") | {"team": ""}, record("b", "2026-11-02")])
    res = sdetkit("portfolio", "ingest", "--db", str(db), "--records", str(bad))
    assert (res.code, res.stderr) == (2, f"sdetkit: error: {bad}:1: team must be a non-empty string\n")
    assert not db.exists()


def test_a_record_after_an_unreadable_line_is_not_counted(tmp_path: Path) -> None:
    bad = tmp_path / "b.jsonl"
    good = json.dumps(record("a", "2026-11-02"))
    bad.write_text(good + "\n" + json.dumps(record("b", "2026-11-02") | {"lane": "x"}) + "\n{oops\n" + good + "\n")
    res = sdetkit("portfolio", "ingest", "--db", str(tmp_path / "s.sqlite3"), "--records", str(bad))
    assert res.code == 2
    assert (
        res.stderr
        == f"sdetkit: error: {bad}:2: lane 'x' is not one of startup, scale, regulated (and 1 more problems)\n"
    )
