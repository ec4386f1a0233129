"""Telling a schema from a document, inferring a document's shape, following ``$ref``."""

from __future__ import annotations

from pathlib import Path

import pytest

from sdetkit.errors import InputError
from sdetkit.governance.shapes import LoadedSchema, infer, is_schema, load, resolve


def test_a_shipped_schema_is_a_schema_and_an_artifact_is_a_document() -> None:
    assert is_schema({"$schema": "x"}) and is_schema({"type": "object", "properties": {}})
    assert not is_schema({"schema_name": "sdetkit.decision", "ok": True, "type": "object"})
    assert not is_schema([1, 2])


def test_a_documents_shape_has_types_items_and_no_required_fields() -> None:
    shape = infer({"ok": True, "n": 3, "x": 1.5, "s": "a", "z": None, "rows": [{"a": 1}, {"a": 2.0, "b": "t"}]})
    assert shape == {
        "type": "object",
        "properties": {
            "ok": {"type": "boolean"},
            "n": {"type": "integer"},
            "x": {"type": "number"},
            "s": {"type": "string"},
            "z": {"type": "null"},
            "rows": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"a": {"type": ["integer", "number"]}, "b": {"type": "string"}},
                },
            },
        },
    }


def test_a_ref_outside_the_file_or_to_nothing_is_refused_naming_the_file() -> None:
    schema = LoadedSchema({"$defs": {"a": {"type": "string"}}}, "s.json", False)
    assert resolve(schema, {"$ref": "#/$defs/a", "description": "d"}) == (
        {"type": "string", "description": "d"},
        "#/$defs/a",
    )
    with pytest.raises(InputError, match=r"^s.json: \$ref other.json#/x points outside the file"):
        resolve(schema, {"$ref": "other.json#/x"})
    with pytest.raises(InputError, match=r"^s.json: \$ref #item names an anchor; only #/... references are followed"):
        resolve(schema, {"$ref": "#item"})
    with pytest.raises(InputError, match=r"^s.json: \$ref #/\$defs/b does not resolve: no 'b' there"):
        resolve(schema, {"$ref": "#/$defs/b"})


def test_load_reads_a_document_as_its_shape(tmp_path: Path) -> None:
    f = tmp_path / "a.json"
    f.write_text('{"ok": false}')
    assert load(f) == LoadedSchema({"type": "object", "properties": {"ok": {"type": "boolean"}}}, str(f), True)


def test_a_document_nested_deeper_than_the_comparison_goes_is_bad_input_naming_it() -> None:
    from sdetkit.governance.shapes import parse

    # Deep enough that inferring its shape runs out of stack, shallow enough for the JSON reader.
    text = '{"a": ' * 700 + "1" + "}" * 700
    with pytest.raises(InputError, match=r"^deep.json: nested too deeply to compare$"):
        parse(text, "deep.json")
