"""What ``schema-diff`` compares: a JSON Schema as given, or the shape of a JSON document inferred
as a schema, with ``$ref`` pointers inside the same file resolved."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

from sdetkit.errors import InputError

# A top-level object with one of these keys is read as a JSON Schema, anything else as a document.
_SCHEMA_MARKERS = ("$schema", "$defs", "definitions")


class LoadedSchema(NamedTuple):
    """A schema to compare and the file it came from (its ``$ref`` targets resolve inside it)."""

    root: Mapping[str, Any]
    where: str  # the file, for messages
    inferred: bool  # the shape of a document rather than a schema


def is_schema(doc: Any) -> bool:
    """Whether a parsed JSON file is a JSON Schema rather than a document to infer a shape from."""
    if not isinstance(doc, dict):
        return False
    if any(k in doc for k in _SCHEMA_MARKERS):
        return True
    return doc.get("type") == "object" and isinstance(doc.get("properties"), dict)


def infer(value: Any) -> dict[str, Any]:
    """The shape of a JSON value as a schema. Keys are not marked required: a document shows what
    a field holds, not whether every producer writes it."""
    if isinstance(value, dict):
        return {"type": "object", "properties": {k: infer(v) for k, v in value.items()}}
    if isinstance(value, list):
        if not value:
            return {"type": "array"}
        return {"type": "array", "items": _merge([infer(v) for v in value])}
    if value is None:
        return {"type": "null"}
    if isinstance(value, bool):
        return {"type": "boolean"}
    if isinstance(value, int):
        return {"type": "integer"}
    if isinstance(value, float):
        return {"type": "number"}
    return {"type": "string"}


def _merge(shapes: list[dict[str, Any]]) -> dict[str, Any]:
    """One shape for an array's elements: objects' properties united, other types listed."""
    types = sorted({s["type"] for s in shapes})
    objects = [s for s in shapes if s["type"] == "object"]
    if types == ["object"]:
        props: dict[str, list[dict[str, Any]]] = {}
        for s in objects:
            for k, v in s["properties"].items():
                props.setdefault(k, []).append(v)
        return {"type": "object", "properties": {k: _merge(v) for k, v in props.items()}}
    if len(types) == 1:
        arrays = [s["items"] for s in shapes if "items" in s]
        return {"type": types[0], **({"items": _merge(arrays)} if arrays else {})}
    return {"type": types}


def load(path: Path) -> LoadedSchema:
    """Read ``path`` as a JSON Schema, or infer the shape of the JSON document in it."""
    from sdetkit.evidence.load import read_json

    return _loaded(read_json(path), str(path))


def parse(text: str, where: str) -> LoadedSchema:
    """The same as :func:`load`, from text already read (a file as of a git commit)."""
    from sdetkit.evidence.load import parse_json

    return _loaded(parse_json(text, where), where)


def _loaded(doc: Any, where: str) -> LoadedSchema:
    try:
        return _as_schema(doc, where)
    except RecursionError as exc:  # inferring and checking recurse once per level of nesting
        raise InputError(f"{where}: nested too deeply to compare") from exc


def _as_schema(doc: Any, where: str) -> LoadedSchema:
    if not is_schema(doc):
        return LoadedSchema(infer(doc), where, inferred=True)
    schema = LoadedSchema(doc, where, inferred=False)
    _check_refs(schema, doc)  # every reference, used by the walk or not: a broken file is refused whole
    return schema


def _check_refs(schema: LoadedSchema, node: Any) -> None:
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            pointer(schema, node["$ref"])
        for value in node.values():
            _check_refs(schema, value)
    elif isinstance(node, list):
        for value in node:
            _check_refs(schema, value)


def resolve(schema: LoadedSchema, node: Any) -> tuple[Any, str | None]:
    """``node`` with a ``$ref`` into the same file followed (to its end), and the last reference
    followed. Other keywords beside a ``$ref`` are kept (2020-12 allows them)."""
    ref: str | None = None
    seen: set[str] = set()
    while isinstance(node, dict) and isinstance(node.get("$ref"), str):
        ref = node["$ref"]
        if ref in seen:
            raise InputError(f"{schema.where}: $ref {ref} refers to itself in a loop")
        seen.add(ref)
        target = pointer(schema, ref)
        rest = {k: v for k, v in node.items() if k != "$ref"}
        node = {**target, **rest} if isinstance(target, dict) else target
    return node, ref


def expanded(schema: LoadedSchema, node: Any) -> str:
    """``node`` as canonical JSON text with its ``#/...`` references written out in place, so two
    nodes that read the same but reach changed definitions do not compare equal. A reference
    inside its own expansion (a recursive definition) stays a reference."""
    import json

    def out(value: Any, active: frozenset[str]) -> Any:
        if isinstance(value, list):
            return [out(v, active) for v in value]
        if not isinstance(value, dict):
            return value
        ref = value.get("$ref")
        if isinstance(ref, str) and ref not in active:
            rest = {k: v for k, v in value.items() if k != "$ref"}
            target = pointer(schema, ref)
            merged = {**target, **rest} if isinstance(target, dict) else target
            return out(merged, active | {ref})
        return {k: out(v, active) for k, v in value.items()}

    return json.dumps(out(node, frozenset()), sort_keys=True)


def pointer(schema: LoadedSchema, ref: str) -> Any:
    """The value a ``#/...`` JSON pointer names inside the schema's own file."""
    if not ref.startswith("#"):
        raise InputError(f"{schema.where}: $ref {ref} points outside the file; only #/... references are followed")
    if ref != "#" and not ref.startswith("#/"):  # "#name" is an anchor, not a path from the root
        raise InputError(f"{schema.where}: $ref {ref} names an anchor; only #/... references are followed")
    node: Any = schema.root
    for raw in ref[1:].split("/")[1:] if ref != "#" else []:
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            raise InputError(f"{schema.where}: $ref {ref} does not resolve: no {part!r} there")
    return node
