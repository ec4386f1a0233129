"""Each kind of schema change and the bump it needs, on sdetkit's own schemas and edited copies."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from sdetkit.evidence import schemas
from sdetkit.governance.bumps import Bump
from sdetkit.governance.schema_diff import compare
from sdetkit.governance.shapes import LoadedSchema


def shipped(name: str) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(schemas.text(name))
    return doc


def changes(old: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, str, Bump]]:
    found = compare(LoadedSchema(old, "old", False), LoadedSchema(new, "new", False))
    return [(c.path, c.change, c.bump) for c in found]


@pytest.mark.parametrize("name", schemas.NAMES)
def test_a_shipped_schema_against_itself_has_no_change(name: str) -> None:
    assert changes(shipped(name), shipped(name)) == []


def test_removed_field_narrowed_type_and_removed_enum_value_are_major() -> None:
    old = shipped("decision")
    new = copy.deepcopy(old)
    del new["properties"]["policy"]
    new["properties"]["commit"]["type"] = "string"
    new["properties"]["decision"]["enum"] = ["SHIP"]
    assert changes(old, new) == [
        ("$.decision", "enum value removed", Bump.MAJOR),
        ("$.commit", "type narrowed", Bump.MAJOR),
        ("$.policy", "field removed", Bump.MAJOR),
    ]


def test_a_field_that_leaves_while_one_with_its_schema_arrives_was_renamed() -> None:
    old = shipped("decision")
    new = copy.deepcopy(old)
    new["properties"]["verdict"] = new["properties"].pop("decision")
    assert changes(old, new) == [("$.decision", "field renamed", Bump.MAJOR)]


def test_new_fields_are_major_when_required_and_minor_when_optional() -> None:
    old = shipped("triage")
    new = copy.deepcopy(old)
    new["properties"]["owner"] = {"type": "string"}
    new["properties"]["team"] = {"type": "string"}
    new["required"] = [*new["required"], "team"]
    assert changes(old, new) == [
        ("$.owner", "new optional field", Bump.MINOR),
        ("$.team", "new required field", Bump.MAJOR),
    ]


def test_enum_value_added_and_type_widened_are_minor_and_wording_is_patch() -> None:
    old = shipped("kpi-weekly")
    new = copy.deepcopy(old)
    new["properties"]["program_status"]["enum"].append("grey")
    new["properties"]["repos"]["properties"]["reporting"]["type"] = "number"  # integer -> number
    new["properties"]["ok"]["description"] = "reworded"
    new["title"] = "retitled"
    assert changes(old, new) == [
        ("$", "title changed", Bump.PATCH),
        ("$.ok", "description changed", Bump.PATCH),
        ("$.program_status", "enum value added", Bump.MINOR),
        ("$.repos.reporting", "type widened", Bump.MINOR),
    ]


def test_changes_inside_defs_are_found_through_ref_once_per_definition() -> None:
    old = shipped("kpi-weekly")
    new = copy.deepcopy(old)
    new["$defs"]["kpi"]["properties"]["quality"]["enum"].remove("seed")
    new["$defs"]["kpi"]["required"].remove("source")
    # Six KPIs point at the one definition: its change is reported at the first that uses it.
    assert changes(old, new) == [
        ("$.kpis.first_time_success_onboarding_rate.quality", "enum value removed", Bump.MAJOR),
        ("$.kpis.first_time_success_onboarding_rate.source", "field no longer required", Bump.MINOR),
    ]


def test_array_items_branches_and_limits_are_walked() -> None:
    old = shipped("decision")
    new = copy.deepcopy(old)
    item = new["properties"]["reasons"]["items"]
    item["properties"]["triage"]["oneOf"][1]["properties"]["line"]["type"] = "integer"
    item["properties"]["code"]["minLength"] = 1
    assert changes(old, new) == [
        ("$.reasons[].code", "minLength added", Bump.MAJOR),
        ("$.reasons[].triage{oneOf#1}.line", "type narrowed", Bump.MAJOR),
    ]


def test_a_schema_version_const_moving_is_the_declaration_not_a_change() -> None:
    old = {"type": "object", "properties": {"schema_version": {"const": "1.0.0"}}}
    new = {"type": "object", "properties": {"schema_version": {"const": "1.1.0"}}}
    assert changes(old, new) == []


def test_other_fields_closed_is_major_and_opened_is_minor() -> None:
    closed = {"type": "object", "additionalProperties": False}
    assert changes({"type": "object"}, closed) == [("$.*", "other fields restricted", Bump.MAJOR)]
    assert changes(closed, {"type": "object"}) == [("$.*", "other fields allowed", Bump.MINOR)]


def test_a_recursive_definition_ends() -> None:
    tree = {
        "$defs": {"n": {"type": "object", "properties": {"kids": {"type": "array", "items": {"$ref": "#/$defs/n"}}}}}
    }
    root = {**tree, "$ref": "#/$defs/n"}
    assert changes(root, copy.deepcopy(root)) == []


def _enabled(values: list[str]) -> dict[str, Any]:
    """A config schema whose one option takes a named value or a list of them, both through one definition."""
    return {
        "$defs": {"feature": {"enum": values}},
        "type": "object",
        "properties": {
            "enable": {"oneOf": [{"$ref": "#/$defs/feature"}, {"type": "array", "items": {"$ref": "#/$defs/feature"}}]}
        },
    }


def test_a_definition_narrowed_behind_unchanged_references_is_major_wherever_they_stand() -> None:
    # Branches, renamed fields and other keywords that read the same text can still reach a
    # definition that changed: each is compared with its references followed.
    old, new = _enabled(["alpha", "beta"]), _enabled(["beta"])
    assert changes(old, new) == [("$.enable{oneOf#0}", "enum value removed", Bump.MAJOR)]
    old["properties"]["other"] = {"not": {"$ref": "#/$defs/feature"}}
    new["properties"]["other"] = {"not": {"$ref": "#/$defs/feature"}}
    assert ("$.other", "not changed", Bump.MAJOR) in changes(old, new)
    old["properties"]["legacy"] = {"$ref": "#/$defs/feature"}
    new["properties"]["renamed"] = {"$ref": "#/$defs/feature"}
    assert ("$.legacy", "field renamed", Bump.MAJOR) not in changes(old, new)
    assert ("$.legacy", "field removed", Bump.MAJOR) in changes(old, new)


def _frontend(names: list[str], with_args: list[str]) -> dict[str, Any]:
    """An option given as a name, as "name; args:" text, or as a table with the name."""
    return {
        "type": "object",
        "properties": {
            "frontend": {
                "oneOf": [
                    {"enum": [*names, "default"]},
                    *({"type": "string", "pattern": f"^{n}; ?args:"} for n in with_args),
                    {"type": "object", "required": ["name"], "properties": {"name": {"enum": names}}},
                ]
            }
        },
    }


def test_a_branch_added_beside_branches_that_widened_is_minor_not_removed_and_added() -> None:
    old, new = _frontend(["pip", "build"], ["pip", "build"]), _frontend(["pip", "build", "uv"], ["pip", "build", "uv"])
    assert changes(old, new) == [
        ("$.frontend{oneOf#0}", "enum value added", Bump.MINOR),
        ("$.frontend{oneOf#3}.name", "enum value added", Bump.MINOR),
        ("$.frontend", "oneOf branch added", Bump.MINOR),
    ]
    # Reordered branches are no change; a branch gone with nothing of its kind left is major.
    moved = copy.deepcopy(old)
    moved["properties"]["frontend"]["oneOf"].reverse()
    assert changes(old, moved) == []
    assert changes(old, _frontend(["pip", "build"], ["pip"])) == [("$.frontend", "oneOf branch removed", Bump.MAJOR)]


def test_pattern_fields_and_conditional_schemas_are_walked_like_fields() -> None:
    def tasks(task: dict[str, Any], extra: dict[str, Any] | None = None) -> dict[str, Any]:
        node = {"type": "object", "patternProperties": {"^.*$": task}, **(extra or {})}
        return {"type": "object", "properties": {"tasks": node}}

    task = {"type": "object", "properties": {"cmd": {"type": "string"}}}
    wider = {"type": "object", "properties": {"cmd": {"type": "string"}, "if": {"type": "string"}}}
    assert changes(tasks(task), tasks(wider)) == [("$.tasks.<^.*$>.if", "new optional field", Bump.MINOR)]
    closed, more = {"additionalProperties": False}, {"patternProperties": {"^.*$": task, "^x-": {}}}
    assert changes(tasks(task, closed), tasks(task, {**closed, **more})) == [
        ("$.tasks.<^x->", "pattern field added", Bump.MINOR)
    ]
    assert changes(tasks(task, more), tasks(task, closed)) == [
        ("$.tasks.*", "other fields restricted", Bump.MAJOR),
        ("$.tasks.<^x->", "pattern field removed", Bump.MAJOR),
    ]
    cond = {"if": {"required": ["a"]}, "then": {"required": ["b"]}}
    wider = {"if": {"required": ["a"]}, "then": {"required": ["b"], "properties": {"c": {"type": "string"}}}}
    assert changes(cond, wider) == [("${then}.c", "new optional field", Bump.MINOR)]


def test_schemas_nested_deeper_than_the_walk_goes_are_bad_input_naming_both() -> None:
    from sdetkit.errors import InputError

    def deep(leaf: str) -> dict[str, Any]:
        node: dict[str, Any] = {"type": leaf}
        for _ in range(2000):
            node = {"type": "object", "properties": {"a": node}}
        return node

    with pytest.raises(InputError, match=r"^old -> new: nested too deeply to compare$"):
        changes(deep("string"), deep("integer"))
