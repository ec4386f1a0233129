"""``sdetkit governance schema-diff``: exit codes, the JSON document and its schema, bad input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from sdetkit.cli import main
from sdetkit.evidence import schemas


def write(path: Path, doc: Any) -> Path:
    path.write_text(json.dumps(doc))
    return path


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path]:
    old = json.loads(schemas.text("decision"))
    new = json.loads(schemas.text("decision"))
    new["properties"]["note"] = {"type": "string"}
    return write(tmp_path / "old.json", old), write(tmp_path / "new.json", new)


def test_a_minor_change_passes_with_a_minor_bump_and_fails_with_a_patch(
    pair: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = pair
    assert main(["governance", "schema-diff", str(old), str(new), "--declared-bump", "minor"]) == 0
    assert capsys.readouterr().out == (
        f"schema-diff {old} -> {new}: 1 change(s) need a minor bump; declared minor (from flag): enough\n"
        "  minor  $.note: new optional field (documents may carry it now)\n"
    )
    assert main(["governance", "schema-diff", str(old), str(new), "--declared-bump", "patch"]) == 1
    assert "declared patch (from flag): NOT ENOUGH" in capsys.readouterr().out
    assert main(["governance", "schema-diff", str(old), str(new)]) == 1  # a change with no bump declared
    assert "no bump declared: NOT ENOUGH" in capsys.readouterr().out


def test_the_json_document_validates_and_a_major_schema_version_declares_the_bump(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = json.loads(schemas.text("doctor"))
    new = json.loads(schemas.text("doctor"))
    del new["properties"]["ok"]
    new["properties"]["schema_version"]["pattern"] = "^2\\.[0-9]+\\.[0-9]+$"
    out = tmp_path / "report" / "diff.json"
    args = [str(write(tmp_path / "o.json", old)), str(write(tmp_path / "n.json", new)), "--format", "json"]
    assert main(["governance", "schema-diff", *args, "--out", str(out)]) == 0
    assert capsys.readouterr().out.endswith(f"enough\nwrote {out}\n")
    doc = json.loads(out.read_text())
    jsonschema.validate(doc, json.loads(schemas.text("governance-schema-diff")))
    assert (doc["required_bump"], doc["declared_bump"], doc["declared_from"], doc["ok"]) == (
        "major",
        "major",
        "schema_version",
        True,
    )
    assert [(c["path"], c["change"]) for c in doc["changes"]] == [("$.ok", "field removed")]


def test_two_artifacts_are_compared_by_their_inferred_shapes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = write(tmp_path / "a.json", {"ok": True, "failed_steps": [], "n": 1})
    new = write(tmp_path / "b.json", {"ok": "yes", "failed_steps": [], "n": 1.5, "extra": None})
    assert main(["governance", "schema-diff", str(old), str(new), "--format", "json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["old"] == {"file": str(old), "inferred": True}
    assert [(c["path"], c["change"], c["bump"]) for c in doc["changes"]] == [
        ("$.ok", "type changed", "major"),
        ("$.n", "type widened", "minor"),
        ("$.extra", "new optional field", "minor"),
    ]


BAD = {
    "missing": (None, "no such file"),
    "not JSON": ("{", "not valid JSON"),
    "a ref outside the file": ('{"$schema": "x", "$ref": "other.json#/a"}', "$ref other.json#/a points outside"),
    "a dangling ref": ('{"$defs": {}, "properties": {"a": {"$ref": "#/$defs/b"}}}', "does not resolve"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_is_one_line_naming_the_file_exit_2_and_nothing_written(
    case: str, tmp_path: Path, pair: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    text, expected = BAD[case]
    bad = tmp_path / "bad.json"
    if text is not None:
        bad.write_text(text)
    out = tmp_path / "out" / "d.json"
    assert main(["governance", "schema-diff", str(pair[0]), str(bad), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"sdetkit: error: {bad}: ") and expected in err and len(err.splitlines()) == 1
    assert not out.parent.exists()


def deprecate(tmp_path: Path, surface: str, after: str) -> int:
    program = str(tmp_path / "sdetkit-program.toml")
    args = ["--surface", surface, "--announced", "1.0.0", "--remove-after", after]
    return main(["governance", "deprecate", "--program", program, *args, "--replacement", "r", "--note", "n"])


def test_deprecate_then_a_schema_change_that_removes_early_is_blocked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert deprecate(tmp_path, "$.policy", "2.0.0") == 0
    register = tmp_path / "governance" / "deprecations.toml"
    assert capsys.readouterr().out == f"registered '$.policy': removal not before version 2.0.0\nwrote {register}\n"
    before = register.read_bytes()
    assert deprecate(tmp_path, "$.policy", "3.0.0") == 2
    assert "already registered" in capsys.readouterr().err and register.read_bytes() == before
    old = json.loads(schemas.text("decision"))
    new = json.loads(schemas.text("decision"))
    del new["properties"]["policy"]
    files = [str(write(tmp_path / "o.json", old)), str(write(tmp_path / "n.json", new))]
    program = ["--program", str(tmp_path / "sdetkit-program.toml")]
    check = ["governance", "check-removals", *program, "--old-schema", files[0], "--new-schema", files[1]]
    assert main([*check, "--version", "1.5.0", "--format", "json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    jsonschema.validate(doc, json.loads(schemas.text("governance-removals")))
    assert [(i["surface"], i["status"], i["reason"]) for i in doc["removals"]] == [
        ("$.policy", "blocked", "removal not before version 2.0.0; this is 1.5.0")
    ]
    assert main([*check, "--version", "2.0.0"]) == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--announced", "1", "--remove-after", "2.0.0"], "--announced 1: expected a MAJOR.MINOR.PATCH version"),
        (["--announced", "1.0.0", "--remove-after", "soon"], "--remove-after soon: expected a MAJOR.MINOR.PATCH"),
        (["--announced", "1.0.0", "--remove-after", "2026-02-30"], "--remove-after 2026-02-30: expected"),
    ],
)
def test_deprecate_refuses_bad_flags_with_nothing_written(
    args: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    program = str(tmp_path / "sdetkit-program.toml")
    rest = ["--surface", "s", "--replacement", "r", "--note", "n"]
    assert main(["governance", "deprecate", "--program", program, *args, *rest]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.splitlines()) == 1
    assert not (tmp_path / "governance").exists()


def test_review_records_once_and_status_lists_the_months_exit_1_while_one_is_overdue(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text("# January compatibility review\n")
    db = str(tmp_path / "s.sqlite3")
    args = ["governance", "review", "--notes", str(notes), "--db", db, "--reviewers", "Ana, Bo", "--decision", "keep"]
    assert main([*args, "--kind", "compatibility", "--on", "2026-01-30"]) == 0
    assert main([*args, "--kind", "compatibility", "--on", "2026-01-30"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("recorded: compatibility review on 2026-01-30 (notes sha256 ")
    assert out[1].startswith("already recorded: compatibility review on 2026-01-30")
    assert main(["governance", "status", "--db", db, "--format", "json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    jsonschema.validate(doc, json.loads(schemas.text("governance-status")))
    first = doc["months"][0]
    assert (first["month"], first["overdue"]) == ("2026-01", ["deprecation"])
    assert first["reviews"]["compatibility"][0]["reviewers"] == ["Ana", "Bo"]
    assert main([*args, "--kind", "deprecation", "--on", "2026-01-31"]) == 0
    capsys.readouterr()
    assert main(["governance", "status", "--db", db, "--since", "2026-01-01"]) == 1  # later months lack theirs
    assert "  2026-01  compatibility 2026-01-30; deprecation 2026-01-31\n" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--on", "2999-01-01"], "--on 2999-01-01 is after today"),
        (["--on", "2026-02-30"], "--on 2026-02-30: there is no such day"),
        (["--decision", " "], "--decision: a decision cannot be empty"),
    ],
)
def test_review_refuses_bad_input_and_stores_nothing(
    extra: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text("notes\n")
    db = tmp_path / "s.sqlite3"
    assert main(["governance", "review", "--kind", "deprecation", "--notes", str(notes), "--db", str(db), *extra]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.splitlines()) == 1
    assert not db.exists()
