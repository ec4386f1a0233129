"""Version bumps: their order, and the bump a schema declares through its ``schema_version``."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from sdetkit.enums import StrEnum
from sdetkit.governance.shapes import LoadedSchema, resolve


class Bump(StrEnum):
    """How much a version must move for a change: patch < minor < major."""

    PATCH = "patch"
    MINOR = "minor"
    MAJOR = "major"

    @property
    def rank(self) -> int:
        """Its place in the order (patch 0, minor 1, major 2)."""
        return list(Bump).index(self)


def largest(bumps: Iterable[Bump]) -> Bump | None:
    """The largest of ``bumps``; None when there are none."""
    return max(bumps, key=lambda b: b.rank, default=None)


def covers(declared: Bump | None, required: Bump | None) -> bool:
    """Whether a declared bump is enough for the change (no declared bump covers no change only)."""
    if required is None:
        return True
    return declared is not None and declared.rank >= required.rank


_SEMVER = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")
_MAJOR_PATTERN = re.compile(r"^\^?(\d+)\\\.")  # "^1\.[0-9]+\.[0-9]+$" says major version 1


def version_field(schema: LoadedSchema) -> tuple[int, ...] | None:
    """What the schema says of its documents' ``schema_version``: ``(major, minor, patch)`` from a
    ``const``, ``(major,)`` from a pattern like ``^1\\.``, else None."""
    props = schema.root.get("properties")
    if not isinstance(props, dict) or "schema_version" not in props:
        return None
    node: Any = resolve(schema, props["schema_version"])[0]
    if not isinstance(node, dict):
        return None
    const = node.get("const")
    if isinstance(const, str) and (m := _SEMVER.match(const)):
        return tuple(int(g) for g in m.groups())
    pattern = node.get("pattern")
    if isinstance(pattern, str) and (m := _MAJOR_PATTERN.match(pattern)):
        return (int(m.group(1)),)
    return None


def declared_by_versions(old: LoadedSchema, new: LoadedSchema) -> Bump | None:
    """The bump the two schemas' ``schema_version`` declare, None when they declare none."""
    before, after = version_field(old), version_field(new)
    if before is None or after is None:
        return None
    if before[0] != after[0]:
        return Bump.MAJOR
    if len(before) == 3 and len(after) == 3:
        if before[1] != after[1]:
            return Bump.MINOR
        if before[2] != after[2]:
            return Bump.PATCH
    return None
