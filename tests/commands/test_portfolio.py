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
