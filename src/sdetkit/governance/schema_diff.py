"""Compare two JSON Schemas and classify every change by the version bump it needs.

A change is judged by the documents it affects: one that can make a document valid under the old
schema invalid under the new one (a field removed or renamed, a type narrowed, a new required
field, an enum value removed, a constraint added or tightened) needs a major bump; one that only
accepts more (a new optional field, an enum value added, a type widened) a minor bump; a change of
wording alone (title, description) a patch.
"""

from __future__ import annotations

import json
from typing import Any, NamedTuple

from sdetkit.errors import InputError
from sdetkit.governance.bumps import Bump
from sdetkit.governance.shapes import LoadedSchema, expanded, resolve

ANNOTATIONS = ("title", "description", "$comment", "examples", "default", "deprecated", "readOnly", "writeOnly")
# Keywords that mean nothing for validation here: identifiers, and definitions (compared where used).
_IGNORED = ("$schema", "$id", "$anchor", "$defs", "definitions", "$ref")
_LOWER = ("minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties")
_UPPER = ("maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties")
_BRANCHES = ("oneOf", "anyOf", "allOf")
_WALKED = ("type", "enum", "const", "properties", "required", "additionalProperties", "items", "patternProperties")
# Keywords holding one schema that a document must meet where it applies: a narrower one there
# narrows the documents accepted, so each is walked like a field when both sides have it.
_SUBSCHEMAS = (
    "then",
    "else",
    "contains",
    "propertyNames",
    "additionalItems",
    "unevaluatedProperties",
    "unevaluatedItems",
)
# Every keyword not named here is a constraint (see _Walk._limits).
_HANDLED = frozenset((*ANNOTATIONS, *_IGNORED, *_BRANCHES, *_WALKED))
VERSION_PATH = "$.schema_version"  # the version declaration itself: its change is the bump, not one


class SchemaChange(NamedTuple):
    """One difference between the schemas: where (a path of fields), what, and the bump it needs."""

    path: str
    change: str
    bump: Bump
    detail: str

    def document(self) -> dict[str, str]:
        """The JSON form (``changes[]``)."""
        return {"path": self.path, "change": self.change, "bump": self.bump.value, "detail": self.detail}


def _canon(node: Any) -> str:
    return json.dumps(node, sort_keys=True)


def _types(node: dict[str, Any]) -> set[str] | None:
    t = node.get("type")
    if t is None:
        return None
    return {t} if isinstance(t, str) else {str(x) for x in t}


def _accepts(wide: set[str], narrow: set[str]) -> bool:
    return all(t in wide or (t == "integer" and "number" in wide) for t in narrow)


def _values(node: dict[str, Any]) -> list[Any] | None:
    if "const" in node:
        return [node["const"]]
    enum = node.get("enum")
    return list(enum) if isinstance(enum, list) else None


class _Walk:
    """One comparison: both schemas (for their ``$ref``s), the pairs of definitions already
    compared (a recursive schema ends), and the changes found."""

    def __init__(self, old: LoadedSchema, new: LoadedSchema) -> None:
        self.old, self.new = old, new
        self.seen: set[tuple[str, str]] = set()
        self.changes: list[SchemaChange] = []

    def add(self, path: str, change: str, bump: Bump, detail: str) -> None:
        self.changes.append(SchemaChange(path, change, bump, detail))

    def node(self, old: Any, new: Any, path: str) -> None:
        old, old_ref = resolve(self.old, old)
        new, new_ref = resolve(self.new, new)
        if old_ref is not None and new_ref is not None:
            if (old_ref, new_ref) in self.seen:
                return
            self.seen.add((old_ref, new_ref))
        if not isinstance(old, dict) or not isinstance(new, dict):
            self._boolean(old, new, path)
            return
        for key in ANNOTATIONS:
            if old.get(key) != new.get(key):
                self.add(path, f"{key} changed", Bump.PATCH, f"{key}: {old.get(key)!r} -> {new.get(key)!r}")
        self._type(old, new, path)
        if path != VERSION_PATH:
            self._values(old, new, path)
        self._properties(old, new, path)
        self._additional(old, new, path)
        self._items(old, new, path)
        self._patterns(old, new, path)
        for key in _SUBSCHEMAS:
            if key in old and key in new:
                self.node(old[key], new[key], f"{path}{{{key}}}")
        for key in _BRANCHES:
            self._branches(old, new, path, key)
        self._limits(old, new, path)

    def _boolean(self, old: Any, new: Any, path: str) -> None:
        if self._same(old, new):
            return
        wider = new is True or new == {} or old is False
        bump = Bump.MINOR if wider else Bump.MAJOR
        self.add(path, "schema widened" if wider else "schema narrowed", bump, f"{_canon(old)} -> {_canon(new)}")

    def _type(self, old: dict[str, Any], new: dict[str, Any], path: str) -> None:
        before, after = _types(old), _types(new)
        if before == after:
            return
        shown = f"{sorted(before) if before else 'any'} -> {sorted(after) if after else 'any'}"
        if after is None or (before is not None and _accepts(after, before)):
            self.add(path, "type widened", Bump.MINOR, shown)
        elif before is None or _accepts(before, after):
            self.add(path, "type narrowed", Bump.MAJOR, shown)
        else:
            self.add(path, "type changed", Bump.MAJOR, shown)

    def _values(self, old: dict[str, Any], new: dict[str, Any], path: str) -> None:
        before, after = _values(old), _values(new)
        if before == after:
            return
        if after is None:
            self.add(path, "enum dropped", Bump.MINOR, "any value is accepted now")
            return
        if before is None:
            self.add(path, "enum added", Bump.MAJOR, f"only {_canon(after)} is accepted now")
            return
        for v in before:
            if v not in after:
                self.add(path, "enum value removed", Bump.MAJOR, _canon(v))
        for v in after:
            if v not in before:
                self.add(path, "enum value added", Bump.MINOR, _canon(v))

    def _properties(self, old: dict[str, Any], new: dict[str, Any], path: str) -> None:
        before, after = old.get("properties") or {}, new.get("properties") or {}
        old_req, new_req = set(old.get("required") or ()), set(new.get("required") or ())
        added = [k for k in after if k not in before]
        for name in before:
            field = f"{path}.{name}"
            if name in after:
                self.node(before[name], after[name], field)
                if name in new_req and name not in old_req:
                    self.add(field, "field became required", Bump.MAJOR, "documents without it are invalid now")
                elif name in old_req and name not in new_req:
                    self.add(field, "field no longer required", Bump.MINOR, "documents may leave it out now")
                continue
            # A field that left while one with the same schema arrived was renamed.
            twin = next((k for k in added if self._same(before[name], after[k])), None)
            if twin is not None:
                added.remove(twin)
                self.add(field, "field renamed", Bump.MAJOR, f"now {path}.{twin}")
            else:
                self.add(field, "field removed", Bump.MAJOR, "documents that have it lose it")
        for name in added:
            if name in new_req:
                self.add(f"{path}.{name}", "new required field", Bump.MAJOR, "documents without it are invalid now")
            else:
                self.add(f"{path}.{name}", "new optional field", Bump.MINOR, "documents may carry it now")

    def _additional(self, old: dict[str, Any], new: dict[str, Any], path: str) -> None:
        before, after = old.get("additionalProperties", True), new.get("additionalProperties", True)
        if isinstance(before, dict) and isinstance(after, dict):
            self.node(before, after, f"{path}.*")
        elif before != after:
            wider = after is True or before is False
            what = "other fields allowed" if wider else "other fields restricted"
            self.add(f"{path}.*", what, Bump.MINOR if wider else Bump.MAJOR, f"{_canon(before)} -> {_canon(after)}")

    def _items(self, old: dict[str, Any], new: dict[str, Any], path: str) -> None:
        before, after = old.get("items"), new.get("items")
        if before is not None and after is not None:
            self.node(before, after, f"{path}[]")
        elif before is not None:
            self.add(f"{path}[]", "items unconstrained", Bump.MINOR, "any item is accepted now")
        elif after is not None:
            self.add(f"{path}[]", "items constrained", Bump.MAJOR, f"items must match {_canon(after)} now")

    def _same(self, old: Any, new: Any) -> bool:
        """Whether two nodes accept the same documents as written, their references followed."""
        return expanded(self.old, old) == expanded(self.new, new)

    def _branches(self, old: dict[str, Any], new: dict[str, Any], path: str, key: str) -> None:
        before, after = list(old.get(key) or []), list(new.get(key) or [])
        # A branch unchanged (its references followed) matches wherever it moved; the others pair
        # with a remaining branch of the same kind and are walked, so a branch that only widened
        # is not read as one removed and one added.
        left = [(i, b) for i, b in enumerate(before)]
        right = [(i, b) for i, b in enumerate(after)]
        for i, b in list(left):
            twin = next((r for r in right if self._same(b, r[1])), None)
            if twin is not None:
                left.remove((i, b))
                right.remove(twin)
        pairs: list[tuple[int, Any, Any]] = []
        for i, b in list(left):
            twin = next((r for r in right if self._kind(self.old, b) == self._kind(self.new, r[1])), None)
            if twin is not None:
                left.remove((i, b))
                right.remove(twin)
                pairs.append((i, b, twin[1]))
        if len(left) == len(right):  # as many changed as before: the rest changed in place
            pairs += [(i, b, r) for (i, b), (_, r) in zip(left, right, strict=True)]
            left, right = [], []
        for i, a, b in sorted(pairs, key=lambda p: p[0]):
            self.node(a, b, f"{path}{{{key}#{i}}}")
        # allOf: every branch must hold, so one more narrows; oneOf/anyOf: one more widens.
        more, fewer = (Bump.MAJOR, Bump.MINOR) if key == "allOf" else (Bump.MINOR, Bump.MAJOR)
        for _, b in left:
            self.add(path, f"{key} branch removed", fewer, _canon(b))
        for _, b in right:
            self.add(path, f"{key} branch added", more, _canon(b))

    @staticmethod
    def _kind(schema: LoadedSchema, branch: Any) -> tuple[str, ...]:
        """What sort of branch this is: its types, and whether it lists values or a pattern."""
        node = resolve(schema, branch)[0]
        if not isinstance(node, dict):
            return (_canon(node),)
        types = tuple(sorted(_types(node) or ()))
        return (*types, *(k for k in ("enum", "const", "pattern") if k in node))

    def _patterns(self, old: dict[str, Any], new: dict[str, Any], path: str) -> None:
        before, after = old.get("patternProperties") or {}, new.get("patternProperties") or {}
        for pattern in before:
            field = f"{path}.<{pattern}>"
            if pattern in after:
                self.node(before[pattern], after[pattern], field)
            else:  # its keys fall to additionalProperties: wider only when that accepts anything
                wider = new.get("additionalProperties", True) is True
                self.add(field, "pattern field removed", Bump.MINOR if wider else Bump.MAJOR, _canon(before[pattern]))
        for pattern in after:
            if pattern not in before:  # its keys met additionalProperties: wider only when that refused them
                wider = old.get("additionalProperties", True) is False
                self.add(
                    f"{path}.<{pattern}>",
                    "pattern field added",
                    Bump.MINOR if wider else Bump.MAJOR,
                    _canon(after[pattern]),
                )

    def _limits(self, old: dict[str, Any], new: dict[str, Any], path: str) -> None:
        for key in sorted((set(old) | set(new)) - _HANDLED):
            if key in _SUBSCHEMAS and key in old and key in new:
                continue  # walked
            # Compared with references followed: a keyword that reads the same may reach a changed definition.
            if self._same(old.get(key), new.get(key)) or (path == VERSION_PATH and key == "pattern"):
                continue
            a, b = old.get(key), new.get(key)
            shown = f"{key}: {_canon(a)} -> {_canon(b)}"
            if a is None:
                self.add(path, f"{key} added", Bump.MAJOR, shown)
            elif b is None:
                self.add(path, f"{key} removed", Bump.MINOR, shown)
            elif key in _LOWER and isinstance(a, int | float) and isinstance(b, int | float):
                self.add(path, f"{key} {'raised' if b > a else 'lowered'}", Bump.MAJOR if b > a else Bump.MINOR, shown)
            elif key in _UPPER and isinstance(a, int | float) and isinstance(b, int | float):
                self.add(path, f"{key} {'raised' if b > a else 'lowered'}", Bump.MINOR if b > a else Bump.MAJOR, shown)
            else:
                self.add(path, f"{key} changed", Bump.MAJOR, shown)


def compare(old: LoadedSchema, new: LoadedSchema) -> list[SchemaChange]:
    """Every change from ``old`` to ``new``, in walk order (fields in the old schema's order)."""
    walk = _Walk(old, new)
    try:
        walk.node(old.root, new.root, "$")
    except RecursionError as exc:  # the walk recurses once per level of nesting
        raise InputError(f"{old.where} -> {new.where}: nested too deeply to compare") from exc
    return walk.changes
