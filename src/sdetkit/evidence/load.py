"""Read an evidence artifact strictly: one clear error naming the file and the problem, exit 2.

Inputs are untrusted: a size bound, UTF-8 JSON only, and validation against the shipped schema
(``"ok": "false"`` is invalid, not truthy).
"""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path
from typing import Any, BinaryIO

from sdetkit.errors import InputError
from sdetkit.evidence import schemas

LIMIT = 64 << 20


def open_input(path: Path, kind: str, missing: str = "no such file") -> BinaryIO:
    """``path`` opened for binary reading. A missing file (``missing`` says what that means), a
    directory or an unreadable file is an InputError naming it; ``kind`` is what the file should
    be ("an artifact"). Every reader of an untrusted input file opens it here."""
    try:
        return path.open("rb")
    except FileNotFoundError:
        raise InputError(f"{path}: {missing}") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, not {kind}") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from exc


def read_text(path: Path, limit: int = LIMIT) -> str:
    """An untrusted input file as text: it exists, is a file, is at most ``limit`` bytes, is not
    empty, and is UTF-8. Read once; every problem is an InputError naming the file."""
    with open_input(path, "an artifact") as f:
        size = os.fstat(f.fileno()).st_size
        if size > limit:
            raise InputError(f"{path}: {size} bytes is larger than an artifact can be ({limit} bytes)")
        data = f.read(limit + 1)
    if len(data) > limit:  # it grew after the size was read
        raise InputError(f"{path}: larger than an artifact can be ({limit} bytes)")
    if not data.strip():
        raise InputError(f"{path}: empty file, not an artifact")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text (byte {exc.start}); is it binary?") from exc


def parse_json(text: str, where: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{where}: not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from exc
    except RecursionError as exc:  # the decoder recurses once per level of nesting
        raise InputError(f"{where}: JSON nested too deeply to read") from exc


def read_json(path: Path) -> Any:
    return parse_json(read_text(path), str(path))


@functools.cache
def validator(schema: str) -> Any:
    """The compiled validator of a shipped schema (built once: ingest validates many artifacts)."""
    return _jsonschema().Draft202012Validator(json.loads(schemas.text(schema)))


def _jsonschema() -> Any:
    """``jsonschema``, imported without the optional ``rfc3987_syntax``: sdetkit checks no string
    formats, yet ``import jsonschema`` loads every installed format library, and that one builds
    38 parsers at import (about 1 s here, on every command that validates an artifact; it comes
    with cyclonedx's JSON validation). A library already imported is left alone."""
    import sys

    if "jsonschema" not in sys.modules and "rfc3987_syntax" not in sys.modules:
        sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]  # "not installed" to an import
        try:
            import jsonschema
        finally:
            del sys.modules["rfc3987_syntax"]
        return jsonschema
    import jsonschema

    return jsonschema


def load(path: Path, schema: str) -> dict[str, Any]:
    """The artifact at ``path``, validated against the shipped schema ``schema``."""
    return check(read_json(path), path, schema)


@functools.cache
def kinds() -> dict[str, str]:
    """``schema_name`` -> shipped schema name, for every artifact kind sdetkit writes."""
    return {json.loads(schemas.text(name))["properties"]["schema_name"]["const"]: name for name in schemas.NAMES}


def check(doc: Any, path: Path, schema: str) -> dict[str, Any]:
    """``doc`` (read from ``path``) validated against the shipped schema ``schema``, and checked to
    agree with itself (see :mod:`sdetkit.evidence.consistency`)."""
    from sdetkit.evidence import consistency

    if not isinstance(doc, dict):
        raise InputError(f"{path}: expected a JSON object, found {type(doc).__name__}")
    _same_kind(doc, path, schema)
    # A wrong value (``"ok": "false"``) says more than a missing key: report those first.
    errors = sorted(
        validator(schema).iter_errors(doc),
        key=lambda e: (not e.absolute_path, [str(p) for p in e.absolute_path], e.message),
    )
    if errors:
        err = errors[0]
        where = "/".join(str(p) for p in err.absolute_path) or "(top level)"
        more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
        raise InputError(f"{path}: not a valid {schema} artifact: at {where}: {err.message}{more}")
    found = consistency.problems(doc, schema)
    if found:
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        raise InputError(f"{path}: {schema} artifact contradicts itself: {found[0]}{more}")
    return doc


def _same_kind(doc: dict[str, Any], path: Path, schema: str) -> None:
    """An artifact of another kind says which kind it is, not which of the expected fields it lacks.
    (A missing or unknown ``schema_name`` is left to the schema, which names every problem.)"""
    name = doc.get("schema_name")
    kind = kinds().get(name) if isinstance(name, str) else None
    if kind is not None and kind != schema:
        raise InputError(f"{path}: this is a {kind} artifact ({name}); expected a {schema} artifact")
