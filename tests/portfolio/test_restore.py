"""Reading an export back: every hostile folder is one line naming the file (and line), exit 2,
nothing stored -- no file left behind for a new SQLite store -- and a good one lands whole."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sdetkit.cli import main
from sdetkit.errors import InputError
from sdetkit.portfolio import migrations, restore
from sdetkit.portfolio.dump import export
from sdetkit.portfolio.store import Store, open_store
from sdetkit.portfolio.tables import occupied
from tests.portfolio_support import jsonl, record

Edit = Callable[[Path], object]


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An export of a store holding two runs (the first one failed two steps)."""
    root = tmp_path_factory.mktemp("export")
    db = str(root / "s.sqlite3")
    rows = jsonl(root / "r.jsonl", [record("api", "2026-11-17", ok=False), record("web", "2026-11-18")])
    assert main(["portfolio", "ingest", "--db", db, "--records", str(rows)]) == 0
    with open_store(db, create=False) as store:
        export(store, root / "good")
    return root / "good"


def _manifest(folder: Path) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((folder / "manifest.json").read_text())
    return doc


def _set_manifest(folder: Path, doc: dict[str, Any]) -> None:
    (folder / "manifest.json").write_text(json.dumps(doc))


def _runs(folder: Path, change: Callable[[list[bytes]], list[bytes]]) -> None:
    """Change runs.jsonl's lines and reseal the manifest: the edit reaches the row checks."""
    path = folder / "runs.jsonl"
    data = b"".join(change(path.read_bytes().splitlines(keepends=True)))
    path.write_bytes(data)
    doc = _manifest(folder)
    doc["tables"]["runs"]["sha256"] = hashlib.sha256(data).hexdigest()
    doc["tables"]["runs"]["rows"] = data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)
    _set_manifest(folder, doc)


def _row(change: Callable[[dict[str, Any]], object]) -> Edit:
    def edit(folder: Path) -> None:
        def first(lines: list[bytes]) -> list[bytes]:
            row = json.loads(lines[0])
            change(row)
            return [json.dumps(row).encode() + b"\n", *lines[1:]]

        _runs(folder, first)

    return edit


def _meta(change: Callable[[dict[str, Any]], object]) -> Edit:
    def edit(folder: Path) -> None:
        doc = _manifest(folder)
        change(doc)
        _set_manifest(folder, doc)

    return edit


V = migrations.VERSION
# Each hostile folder, and the message after "sdetkit: error: {folder}/" that it gets.
HOSTILE: dict[str, tuple[Edit, str]] = {
    "no manifest": (lambda f: (f / "manifest.json").unlink(), "manifest.json: missing; {folder} is not a store export"),
    "manifest not JSON": (
        lambda f: (f / "manifest.json").write_text("{"),
        "manifest.json: not valid JSON: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)",
    ),
    "older export": (
        _meta(lambda d: d.update(schema_version=V - 1)),
        f"manifest.json: exported at schema version {V - 1}; this sdetkit imports version {V}. Import it with the "
        "sdetkit that exported it, open that store once with this sdetkit (which upgrades it), and export it again "
        "(nothing was stored)",
    ),
    "newer export": (
        _meta(lambda d: d.update(schema_version=V + 1)),
        f"manifest.json: exported at schema version {V + 1}, made by a newer sdetkit; this sdetkit knows up to "
        f"version {V}: upgrade sdetkit (nothing was stored)",
    ),
    "a table that does not exist": (
        _meta(lambda d: d["tables"].update(users={"file": "users.jsonl", "rows": 0, "sha256": "0" * 64})),
        "manifest.json: lists table 'users', which this store does not have",
    ),
    "a table left out": (
        _meta(lambda d: d["tables"].pop("reports")),
        "manifest.json: does not list table 'reports'; the export is incomplete",
    ),
    "a file outside the folder": (
        _meta(lambda d: d["tables"]["runs"].update(file="../runs.jsonl")),
        "manifest.json: table runs's file must be runs.jsonl, not '../runs.jsonl'",
    ),
    "missing file": (lambda f: (f / "artifacts.jsonl").unlink(), "artifacts.jsonl: missing (the manifest lists it)"),
    "sha mismatch": (
        lambda f: (f / "runs.jsonl").write_bytes((f / "runs.jsonl").read_bytes().replace(b'"web"', b'"wob"')),
        "runs.jsonl: sha256 {sha} is not the manifest's {manifest_sha}; the file changed",
    ),
    "row count mismatch": (
        _meta(lambda d: d["tables"]["runs"].update(rows=3)),
        "runs.jsonl: 2 row(s), the manifest says 3",
    ),
    "truncated line": (
        lambda f: _runs(f, lambda lines: [lines[0], lines[1][:40]]),
        "runs.jsonl:2: truncated (the file ends in the middle of a line)",
    ),
    "huge line": (
        lambda f: _runs(f, lambda lines: [b" " * restore.MAX_LINE + lines[0], *lines[1:]]),
        f"runs.jsonl:1: longer than {restore.MAX_LINE} bytes; not a line of a store export",
    ),
    "not JSON": (
        lambda f: _runs(f, lambda lines: [lines[0], b"{oops\n"]),
        "runs.jsonl:2: not valid JSON: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)",
    ),
    "not an object": (
        lambda f: _runs(f, lambda lines: [b"[1]\n", *lines[1:]]),
        "runs.jsonl:1: not a JSON object (one row a line)",
    ),
    "a key twice": (
        lambda f: _runs(f, lambda lines: [lines[0][:-2] + b',"team":"x"}\n', *lines[1:]]),
        "runs.jsonl:1: not valid JSON: a key appears twice",
    ),
    "extra column": (
        _row(lambda r: r.update(owner="eve")),
        "runs.jsonl:1: has column(s) owner, which table runs does not have",
    ),
    "missing column": (_row(lambda r: r.pop("team")), "runs.jsonl:1: lacks column(s) team of table runs"),
    "wrong type": (
        _row(lambda r: r.update(failed_steps_count="2")),
        "runs.jsonl:1: failed_steps_count must be an integer, not str",
    ),
    "a boolean for an integer": (
        _row(lambda r: r.update(gate_fast_ok=True)),
        "runs.jsonl:1: gate_fast_ok must be an integer, not bool",
    ),
    "a float for an integer": (
        _row(lambda r: r.update(failed_steps_count=2.0)),
        "runs.jsonl:1: failed_steps_count must be an integer, not float",
    ),
    "out of range": (
        _row(lambda r: r.update(failed_steps_count=2**31)),
        f"runs.jsonl:1: failed_steps_count {2**31} is out of range for INTEGER",
    ),
    "null where required": (
        _row(lambda r: r.update(team=None)),
        "runs.jsonl:1: team is null; the column requires a value",
    ),
    "NUL in text": (_row(lambda r: r.update(team="a\x00b")), "runs.jsonl:1: team holds a NUL or invalid character"),
    "lone surrogate": (_row(lambda r: r.update(team="\ud800")), "runs.jsonl:1: team holds a NUL or invalid character"),
    "a key twice in the table": (
        lambda f: _runs(f, lambda lines: [lines[0], lines[0]]),
        "runs.jsonl:2: a second row with the key run_id={key} of table runs",
    ),
}


def _copy(good: Path, to: Path) -> Path:
    to.mkdir()
    for p in good.iterdir():
        (to / p.name).write_bytes(p.read_bytes())
    return to


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_hostile_export_is_one_line_exit_2_and_leaves_no_store(
    case: str, good: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _copy(good, tmp_path / "export")
    manifest_sha = _manifest(folder)["tables"]["runs"]["sha256"]
    key = json.loads((folder / "runs.jsonl").read_text().splitlines()[0])["run_id"]
    edit, expected = HOSTILE[case]
    edit(folder)
    new = tmp_path / "new" / "store.sqlite3"
    capsys.readouterr()
    assert main(["portfolio", "import", str(folder), "--db", str(new)]) == 2
    sha = hashlib.sha256((folder / "runs.jsonl").read_bytes()).hexdigest()
    message = expected.format(folder=folder, sha=sha, manifest_sha=manifest_sha, key=key)
    assert capsys.readouterr().err == f"sdetkit: error: {folder}/{message}\n"
    assert not (tmp_path / "new").exists()  # neither the store nor its folder


def test_a_hostile_export_leaves_an_empty_store_empty(db: str, good: Path, tmp_path: Path) -> None:
    with open_store(db):
        pass  # an existing, empty store
    folder = _copy(good, tmp_path / "export")
    HOSTILE["wrong type"][0](folder)
    assert main(["portfolio", "import", str(folder), "--db", db]) == 2
    with open_store(db, create=False) as store:
        assert occupied(store) == {}


def test_a_file_changed_between_the_checks_and_the_load_rolls_everything_back(
    db: str, good: Path, tmp_path: Path
) -> None:
    folder = _copy(good, tmp_path / "export")
    checked = restore.read_manifest(folder)
    for entry in checked.entries:
        for _ in restore.rows(entry):
            pass
    # runs.jsonl changes after it was checked: found at its end, after its rows were inserted one by one.
    (folder / "runs.jsonl").write_bytes((folder / "runs.jsonl").read_bytes().replace(b'"web"', b'"wob"'))
    with open_store(db) as store:
        with pytest.raises(InputError, match=r"runs\.jsonl: sha256 [0-9a-f]{64} is not the manifest's"):
            restore.load(store, checked, batch=1)
        assert occupied(store) == {}


def test_an_import_into_a_store_with_rows_is_refused_and_changes_nothing(
    db: str, good: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["portfolio", "import", str(good), "--db", db]) == 0
    with open_store(db, create=False) as store:
        before = occupied(store)
        name = store.name
    capsys.readouterr()
    assert main(["portfolio", "import", str(good), "--db", db]) == 2
    assert capsys.readouterr().err == (
        f"sdetkit: error: {name}: not empty (rows: runs 2); import only into a new or empty store (nothing was "
        "changed)\n"
    )
    with open_store(db, create=False) as store:
        assert occupied(store) == before == {"runs": 2}


def test_a_new_sqlite_store_whose_load_fails_is_removed_with_its_folders(
    good: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real_load = restore.load

    def failing(store: Store, checked: restore.Export, batch: int = 5000) -> dict[str, int]:
        real_load(store, checked, batch)
        raise InputError("the disk filled up")  # after every row was written and committed

    monkeypatch.setattr(restore, "load", failing)
    new = tmp_path / "a" / "b" / "store.sqlite3"
    assert main(["portfolio", "import", str(good), "--db", str(new)]) == 2
    assert capsys.readouterr().err == "sdetkit: error: the disk filled up\n"
    assert list(tmp_path.iterdir()) == []
