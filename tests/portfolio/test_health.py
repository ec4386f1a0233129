"""``portfolio check``: a healthy store passes; each kind of damage is a finding naming its table,
key and problem (exit 1) on SQLite and PostgreSQL; a damaged SQLite file is a finding too."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import jsonschema
import pytest

from sdetkit.cli import main
from sdetkit.evidence import schemas
from sdetkit.portfolio import health, migrations
from sdetkit.portfolio.store import open_store
from tests.portfolio_support import jsonl, record


def _filled(db: str, tmp_path: Path, n: int = 2) -> None:
    rows = [record(f"repo{i:04d}", "2026-11-17", ok=i % 2 == 0) for i in range(n)]
    assert main(["portfolio", "ingest", "--db", db, "--records", str(jsonl(tmp_path / "r.jsonl", rows))]) == 0


def test_a_healthy_store_has_no_findings(db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _filled(db, tmp_path)
    capsys.readouterr()
    assert main(["portfolio", "check", "--db", db, "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    jsonschema.validate(doc, json.loads(schemas.text("portfolio-check")))
    assert doc["ok"] is True and doc["findings"] == []
    assert doc["migrations"] == {"recorded": migrations.VERSION, "expected": migrations.VERSION}
    assert doc["counts"]["runs"] == 2 and doc["counts"]["incident_log"] == 0
    assert doc["integrity"]["result"] == ("not-checked" if db.startswith("postgres") else "ok")


def test_orphans_and_inconsistent_rows_are_each_named(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _filled(db, tmp_path)
    with open_store(db, create=False) as store:
        run_id = str(store.query("SELECT run_id FROM runs ORDER BY run_id LIMIT 1")[0][0])
        with store.transaction() as cur:
            for sql, params in (
                ("INSERT INTO incident_scope (incident_id, kind, name, position) VALUES (?, ?, ?, ?)",
                 ("INC-9", "repo", "api", 0)),
                ("INSERT INTO incident_updates (incident_id, position, at, author, body) VALUES (?, ?, ?, ?, ?)",
                 ("INC-9", 0, "2026-11-17T10:00:00Z", "Bo", "gone")),
                ("INSERT INTO incident_evidence (incident_id, sha256, path, attached_at) VALUES (?, ?, ?, ?)",
                 ("INC-9", "b" * 64, None, "2026-11-17T10:00:00Z")),
                ("INSERT INTO artifacts (sha256, repo_id, run_id) VALUES (?, ?, ?)", ("a" * 64, "api", "no-such-run")),
                ("UPDATE runs SET failed_steps = ?, gate_fast_ok = ? WHERE run_id = ?", ('["lint"]', 2, run_id)),
            ):  # fmt: skip
                cur.execute(store.sql(sql), params)
    capsys.readouterr()
    assert main(["portfolio", "check", "--db", db, "--format", "json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    jsonschema.validate(doc, json.loads(schemas.text("portfolio-check")))
    assert doc["ok"] is False
    assert doc["findings"] == [
        {"check": "orphans", "table": "incident_scope", "key": "incident_id=INC-9 kind=repo name=api",
         "problem": "incident_id INC-9 is not in incident_log"},
        {"check": "orphans", "table": "incident_updates", "key": "incident_id=INC-9 position=0",
         "problem": "incident_id INC-9 is not in incident_log"},
        {"check": "orphans", "table": "incident_evidence", "key": f"incident_id=INC-9 sha256={'b' * 64}",
         "problem": "incident_id INC-9 is not in incident_log"},
        {"check": "orphans", "table": "artifacts", "key": f"sha256={'a' * 64}",
         "problem": "run_id no-such-run is not in runs"},
        {"check": "consistency", "table": "runs", "key": f"run_id={run_id}",
         "problem": "failed_steps lists 1 step(s), failed_steps_count says 0"},
        {"check": "consistency", "table": "runs", "key": f"run_id={run_id}",
         "problem": "gate_fast_ok is 2; a boolean is stored as 0 or 1"},
    ]  # fmt: skip
    assert main(["portfolio", "check", "--db", db]) == 1
    out = capsys.readouterr().out
    assert out.splitlines()[0].endswith(": 6 problem(s) found")
    assert "problem (orphans): artifacts [sha256=" in out


def test_a_missing_table_or_column_is_found_against_the_migrations(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "s.sqlite3")
    _filled(db, tmp_path)
    conn = sqlite3.connect(db)
    conn.executescript("DROP TABLE incident_updates; ALTER TABLE runs DROP COLUMN audit_status;")
    conn.close()
    capsys.readouterr()
    assert main(["portfolio", "check", "--db", db, "--format", "json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert [f for f in doc["findings"] if f["check"] == "migrations"] == [
        {"check": "migrations", "table": "incident_updates", "key": "",
         "problem": "table missing (the migrations create it)"},
        {"check": "migrations", "table": "runs", "key": "audit_status",
         "problem": "column missing (the migrations create it)"},
    ]  # fmt: skip
    assert "runs" not in doc["counts"] and "incident_updates" not in doc["counts"]


def test_a_damaged_sqlite_file_is_a_finding_not_a_crash(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "s.sqlite3"
    _filled(str(db), tmp_path, n=3000)
    size = db.stat().st_size
    page = 4096
    with db.open("r+b") as f:  # garbage over a page in the middle of the runs table, not the schema's
        f.seek((size // page // 2) * page)
        f.write(b"\xa5" * page)
    capsys.readouterr()
    assert main(["portfolio", "check", "--db", str(db), "--format", "json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    jsonschema.validate(doc, json.loads(schemas.text("portfolio-check")))
    assert doc["integrity"]["result"] == "damaged"
    assert doc["findings"] and all(f["problem"] for f in doc["findings"])
    assert doc["findings"][0]["check"] == "integrity"


def test_the_text_view_lists_rows_per_table() -> None:
    doc = {"store": "sqlite:s", "ok": True, "findings": [], "integrity": {"result": "ok", "detail": "PRAGMA"},
           "migrations": {"recorded": 6, "expected": 6}, "counts": {"runs": 3, "reports": 0}}  # fmt: skip
    assert health.text(doc) == (
        "sqlite:s: healthy\nintegrity: ok (PRAGMA)\nmigrations: schema version 6 (this sdetkit: 6)\n"
        "rows: runs 3, reports 0\n"
    )
