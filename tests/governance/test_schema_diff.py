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
