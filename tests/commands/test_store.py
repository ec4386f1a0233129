"""``sdetkit portfolio check``, ``export --out-dir`` and ``import`` as a user runs them: a store filled
by the real commands moves SQLite -> PostgreSQL and back byte for byte, and reports the same
documents from either side."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from sdetkit.evidence import schemas
from sdetkit.portfolio.store import open_store
from sdetkit.portfolio.store_checklists import StoredChecklist
from sdetkit.portfolio.tables import evidence_tables, occupied
from tests.commands.test_portfolio_e2e import program, weeks  # noqa: F401 - the filled store's fixtures
from tests.portfolio_support import jsonl, record, sdetkit

WINDOW = ("--window-start", "2026-11-16", "--window-end", "2026-11-22")


def _fill_the_rest(db: str, folder: Path) -> None:
    """Every table not filled by ingest: the incident log with updates and evidence, a governance
    review, reported windows, and a release checklist result."""
    with open_store(db, create=False) as store:
        sha = str(store.query("SELECT sha256 FROM artifacts ORDER BY sha256 LIMIT 1")[0][0])
    steps = (
        ["incident", "open", "--title", "checkout down", "--severity", "sev2", "--repo", "api", "--repo", "web",
         "--opened", "2026-11-18T09:00:00Z", "--rollback", "--evidence", sha, "--id", "INC-1"],
        ["incident", "ack", "INC-1", "--at", "2026-11-18T09:10:00Z", "--by", "Bo"],
        ["incident", "update", "INC-1", "--at", "2026-11-18T09:40:00Z", "--by", "Bo", "--text", "rolling back ü"],
        ["incident", "resolve", "INC-1", "--at", "2026-11-18T11:00:00Z", "--by", "Bo", "--root-cause", "bad config",
         "--follow-up", "lint the config"],
    )  # fmt: skip
    for args in steps:
        res = sdetkit(*args, "--db", db)
        assert res.code == 0, res.stderr
    notes = folder / "notes.md"
    notes.write_text("# November compatibility review\nNothing breaks.\n")
    res = sdetkit("governance", "review", "--db", db, "--kind", "compatibility", "--notes", str(notes),
                  "--reviewers", "Ann,Bo", "--on", "2026-11-20", "--decision", "keep 1.x")  # fmt: skip
    assert res.code == 0, res.stderr
    res = sdetkit("portfolio", "scorecard", "--db", db, *WINDOW, "--out", str(folder / "claimed.json"))
    assert res.code == 0, res.stderr
    result = StoredChecklist("c" * 64, "core", "1.4.0", "2026-11-16", "2026-11-22", "2026-11-23T10:00:00Z", False,
                             (("api", "a" * 40), ("web", None)), ("signoffs",))  # fmt: skip
    with open_store(db, create=False) as store, store.recording_checklist(result) as new:
        assert new


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _reports(db: str, inventory: str, folder: Path) -> tuple[Any, Any]:
    card, kpi = folder / "scorecard.json", folder / "kpi.json"
    res = sdetkit("portfolio", "scorecard", "--db", db, "--inventory", inventory, *WINDOW, "--out", str(card))
    assert res.code == 0, res.stderr
    res = sdetkit("kpi", "weekly", "--db", db, "--inventory", inventory, "--week-ending", "2026-11-22",
                  "--out", str(kpi))  # fmt: skip
    assert res.code == 0, res.stderr
    return json.loads(card.read_text()), json.loads(kpi.read_text())


def test_a_store_moves_to_the_other_backend_and_back_byte_for_byte(
    program: dict[str, Any],  # noqa: F811
    request: pytest.FixtureRequest,
    tmp_path: Path,
) -> None:
    source: str = program["db"]
    # From SQLite to a fresh PostgreSQL database, or from PostgreSQL to a new SQLite file.
    other = (
        str(tmp_path / "moved" / "store.sqlite3")
        if source.startswith("postgres")
        else request.getfixturevalue("postgres_db")
    )
    _fill_the_rest(source, tmp_path)
    with open_store(source, create=False) as store:
        assert set(occupied(store)) == {t.name for t in evidence_tables()}  # every table has rows

    first, second = tmp_path / "first", tmp_path / "second"
    res = sdetkit("portfolio", "export", "--db", source, "--out-dir", str(first))
    assert res.code == 0 and res.stdout.endswith(f"wrote {first}\n"), res.stderr
    res = sdetkit("portfolio", "import", str(first), "--db", other)
    assert res.code == 0 and res.stdout.startswith("imported "), res.stderr
    assert sdetkit("portfolio", "export", "--db", other, "--out-dir", str(second)).code == 0
    assert _files(first) == _files(second)
    manifest = json.loads((first / "manifest.json").read_text())
    assert {t["file"] for t in manifest["tables"].values()} | {"manifest.json"} == set(_files(first))

    for db in (source, other):
        res = sdetkit("portfolio", "check", "--db", db, "--format", "json")
        assert res.code == 0, res.stdout + res.stderr
        doc = json.loads(res.stdout)
        jsonschema.validate(doc, json.loads(schemas.text("portfolio-check")))
        assert doc["counts"]["runs"] == manifest["tables"]["runs"]["rows"] and doc["findings"] == []
    here, there = tmp_path / "here", tmp_path / "there"
    here.mkdir()
    there.mkdir()
    assert _reports(source, program["inventory"], here) == _reports(other, program["inventory"], there)


def test_export_needs_one_mode_and_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    db = str(tmp_path / "s.sqlite3")
    rows = jsonl(tmp_path / "r.jsonl", [record("api", "2026-11-17")])
    assert sdetkit("portfolio", "ingest", "--db", db, "--records", str(rows)).code == 0
    both = sdetkit("portfolio", "export", "--db", db, "--out-dir", str(tmp_path / "x"), *WINDOW)
    assert both.code == 2 and both.stderr == (
        "sdetkit: error: --out-dir exports the whole store; --window-start, --window-end and --out export a window's "
        "runs as records: give one or the other\n"
    )
    neither = sdetkit("portfolio", "export", "--db", db)
    assert neither.code == 2 and neither.stderr == (
        "sdetkit: error: give --window-start and --window-end (a window's runs as records), or --out-dir DIR "
        "(the whole store, one file per table)\n"
    )
    full = tmp_path / "full"
    full.mkdir()
    (full / "keep.txt").write_text("mine\n")
    res = sdetkit("portfolio", "export", "--db", db, "--out-dir", str(full))
    assert res.code == 2 and res.stderr == (
        f"sdetkit: error: --out-dir {full}: a folder that is not empty; export into a new or empty folder "
        "(nothing was written)\n"
    )
    assert sorted(p.name for p in full.iterdir()) == ["keep.txt"]
    empty = tmp_path / "empty"
    empty.mkdir()
    assert sdetkit("portfolio", "export", "--db", db, "--out-dir", str(empty)).code == 0
    assert (empty / "runs.jsonl").read_text().count("\n") == 1
    assert not any(p.name.startswith(".") for p in tmp_path.iterdir())  # no temporary folder left


def test_check_and_import_refuse_a_path_that_is_not_a_store(tmp_path: Path) -> None:
    missing = tmp_path / "none.sqlite3"
    res = sdetkit("portfolio", "check", "--db", str(missing))
    assert res.code == 2 and res.stderr.startswith(f"sdetkit: error: {missing}: no evidence store here yet")
    res = sdetkit("portfolio", "import", str(tmp_path / "nowhere"), "--db", str(missing))
    assert res.code == 2 and res.stderr == (
        f"sdetkit: error: {tmp_path / 'nowhere'}: not a folder (give the folder `sdetkit portfolio export --out-dir` "
        "wrote)\n"
    )
    assert not missing.exists()
