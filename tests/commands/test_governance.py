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
