"""``sdetkit portfolio export``: the store's runs as the normalized records the guide's scorecard
command reads with ``--in``, so that command works as written from a store."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

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
