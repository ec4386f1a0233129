"""Pending towncrier news fragments: where the project's towncrier configuration says they are.

Follows towncrier's own rules (its ``_settings/load.py`` and ``_builder.py``): the configuration
is ``towncrier.toml`` if present, else ``[tool.towncrier]`` in ``pyproject.toml``; fragments live
in ``directory``, or else in ``{package_dir}/{package}/newsfragments``, once per ``section``; a
fragment is a file whose name has a known type as one of its dotted parts (``123.feature.md``),
and ``.gitignore``, ``.gitkeep``, ``.keep``, READMEs, the template and ``ignore`` patterns are not.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from fnmatch import fnmatch
from pathlib import Path
from typing import Any, NamedTuple

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

DEFAULT_TYPES = ("feature", "bugfix", "doc", "removal", "misc")
ALWAYS_IGNORED = (".gitignore", ".gitkeep", ".keep", "readme", "readme.md", "readme.rst")


class Towncrier(NamedTuple):
    """The project's towncrier set-up and the fragments waiting for the next ``towncrier build``."""

    config: str  # "towncrier.toml" or "pyproject.toml [tool.towncrier]"
    filename: str | None  # the changelog file it writes, when the configuration names one
    folders: tuple[str, ...]  # root-relative fragment folders
    fragments: tuple[str, ...]  # root-relative paths of pending fragments, sorted

    def pending(self) -> str:
        """``31 towncrier fragments pending in changelog.d``, or an empty string."""
        if not self.fragments:
            return ""
        n = len(self.fragments)
        return f"{n} towncrier fragment{'s' if n != 1 else ''} pending in {', '.join(self.folders)}"


def _table(root: Path, pyproject: Mapping[str, Any]) -> tuple[str, Mapping[str, Any]] | None:
    own = root / "towncrier.toml"
    if own.is_file():
        try:
            data = tomllib.loads(own.read_text("utf-8", errors="replace"))
        except tomllib.TOMLDecodeError:
            return None  # towncrier itself would refuse it; nothing to count
        table = data.get("tool", {}).get("towncrier")
        return ("towncrier.toml", table) if isinstance(table, Mapping) else None
    table = pyproject.get("tool", {}).get("towncrier")
    return ("pyproject.toml [tool.towncrier]", table) if isinstance(table, Mapping) else None


def _types(table: Mapping[str, Any]) -> set[str]:
    fragment = table.get("fragment")
    if isinstance(fragment, Mapping) and fragment:
        return {str(k) for k in fragment}
    declared = table.get("type")
    if isinstance(declared, list) and declared:
        return {str(t["directory"]) for t in declared if isinstance(t, Mapping) and "directory" in t}
    return set(DEFAULT_TYPES)


def _folders(table: Mapping[str, Any]) -> list[str]:
    directory = table.get("directory")
    if isinstance(directory, str):
        base, tail = directory, ""
    else:
        base = f"{table.get('package_dir', '.')}/{table.get('package', '')}"
        tail = "newsfragments"
    sections = table.get("section")
    paths = [s.get("path", "") for s in sections if isinstance(s, Mapping)] if isinstance(sections, list) else [""]
    out = []
    for section in paths or [""]:
        parts = [p for p in (base, str(section), tail) if p not in ("", ".")]
        out.append(Path(*parts).as_posix() if parts else ".")
    return list(dict.fromkeys(out))


def _is_fragment(name: str, types: set[str], ignored: list[str]) -> bool:
    if any(fnmatch(name.lower(), pattern) for pattern in ignored):
        return False
    parts = name.split(".")
    return len(parts) > 1 and any(p in types for p in parts[1:])


def find(root: Path, pyproject: Mapping[str, Any]) -> Towncrier | None:
    """The towncrier set-up of the project at ``root``, or None when it does not use towncrier."""
    found = _table(root, pyproject)
    if found is None:
        return None
    config, table = found
    types = _types(table)
    ignored = list(ALWAYS_IGNORED) + [str(p).lower() for p in table.get("ignore", []) or []]
    template = table.get("template")
    if isinstance(template, str) and ":" not in template:
        ignored.append(Path(template).name.lower())  # a template inside the folder is not news
    folders = _folders(table)
    fragments: list[str] = []
    for rel in folders:
        folder = root / rel
        if folder.is_dir():
            fragments += [
                f"{rel}/{p.name}" if rel != "." else p.name
                for p in folder.iterdir()
                if p.is_file() and _is_fragment(p.name, types, ignored)
            ]
    filename = table.get("filename")
    return Towncrier(config, filename if isinstance(filename, str) else None, tuple(folders), tuple(sorted(fragments)))
