"""The ``schema-diff`` result as a document (``sdetkit.governance.schema-diff``) and as text."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sdetkit.governance.bumps import Bump, covers, declared_by_versions, largest
from sdetkit.governance.schema_diff import SchemaChange, compare
from sdetkit.governance.shapes import LoadedSchema

SCHEMA_NAME = "sdetkit.governance.schema-diff"
SCHEMA_VERSION = "1.0.0"


def diff(old: LoadedSchema, new: LoadedSchema, declared: Bump | None) -> dict[str, Any]:
    """Compare the schemas and judge the bump: ``declared`` (the flag) wins over the bump the
    schemas' own ``schema_version`` declares; ``ok`` is whether the declared bump is enough."""
    changes: list[SchemaChange] = compare(old, new)
    required = largest(c.bump for c in changes)
    source = "flag" if declared is not None else None
    if declared is None:
        declared = declared_by_versions(old, new)
        source = "schema_version" if declared is not None else None
    return {
        "schema_name": SCHEMA_NAME,
        "schema_version": SCHEMA_VERSION,
        "ok": covers(declared, required),
        "old": {"file": old.where, "inferred": old.inferred},
        "new": {"file": new.where, "inferred": new.inferred},
        "required_bump": required.value if required else None,
        "declared_bump": declared.value if declared else None,
        "declared_from": source,
        "changes": [c.document() for c in changes],
    }


def text(doc: Mapping[str, Any]) -> str:
    """The text view: the verdict on one line, then one line per change (largest bump first)."""
    required, declared = doc["required_bump"], doc["declared_bump"]
    said = f"declared {declared} (from {doc['declared_from']})" if declared else "no bump declared"
    if required is None:
        head = f"no change: {said}"
    else:
        verdict = "enough" if doc["ok"] else "NOT ENOUGH"
        head = f"{len(doc['changes'])} change(s) need a {required} bump; {said}: {verdict}"
    lines = [f"schema-diff {doc['old']['file']} -> {doc['new']['file']}: {head}"]
    order = {b.value: -b.rank for b in Bump}
    for c in sorted(doc["changes"], key=lambda c: order[c["bump"]]):
        lines.append(f"  {c['bump']:<5}  {c['path']}: {c['change']} ({c['detail']})")
    return "\n".join(lines) + "\n"
