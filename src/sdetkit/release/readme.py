"""Which of the project's files a distribution's long description comes from, and which line of
that file a renderer's complaint points at.

twine reports a docutils problem as a line of the long description, and the long description is
what the build backend made of the project's files: the readme as it is, several files joined
(setuptools' ``file:`` with a list, hatch-fancy-pypi-readme's fragments), or text assembled in
``setup.py``. So the line is mapped back by finding the file's text inside the description rather
than by assuming the two are the same.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

from sdetkit.repo.config import ProjectFacts

# Tried, in this order, when the project declares no readme (setup.py reading a file itself).
CONVENTIONAL = ("README.rst", "README.md", "README.txt", "README")
READ_LIMIT = 4 << 20  # a readme past this size is not a readme; do not read it


class Location(NamedTuple):
    """A file relative to the project root, and a 1-based line in it when known."""

    file: str
    line: int | None = None


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def _table(value: Any, *keys: str) -> Mapping[str, Any]:
    """``value[k1][k2]...`` when every step is a table, else an empty table (malformed TOML is the
    doctor's business, not a reason for this check to crash)."""
    for key in keys:
        value = value.get(key) if isinstance(value, Mapping) else None
    return value if isinstance(value, Mapping) else {}


def declared(facts: ProjectFacts) -> list[str]:
    """The files the project says its long description is read from, in the order it joins them."""
    found: list[str] = []
    readme = _table(facts.pyproject, "project").get("readme")
    found += _strings(readme.get("file")) if isinstance(readme, Mapping) else _strings(readme)
    found += _strings(_table(facts.pyproject, "tool", "poetry").get("readme"))
    fancy = _table(facts.pyproject, "tool", "hatch", "metadata", "hooks", "fancy-pypi-readme").get("fragments")
    for fragment in fancy if isinstance(fancy, list) else []:
        if isinstance(fragment, Mapping):
            found += _strings(fragment.get("path"))
    value = (facts.ini_section("setup.cfg", "metadata") or {}).get("long_description", "").strip()
    if value.startswith("file:"):
        found += [p.strip() for p in value[len("file:") :].split(",") if p.strip()]
    return list(dict.fromkeys(found))


def sources(root: Path, facts: ProjectFacts) -> list[str]:
    """Declared readme files that exist, or else the conventional README that exists."""
    found = [f for f in declared(facts) if (root / f).is_file()]
    if found:
        return found
    return [name for name in CONVENTIONAL if (root / name).is_file()][:1]


def metadata_file(root: Path, facts: ProjectFacts) -> str | None:
    """The file that declares the core metadata: where a missing or invalid field is fixed."""
    if isinstance(facts.pyproject.get("project"), Mapping):
        return "pyproject.toml"
    if facts.ini_section("setup.cfg", "metadata") is not None:
        return "setup.cfg"
    for name in ("setup.py", "pyproject.toml"):
        if (root / name).is_file():
            return name
    return None


def _lines(text: str) -> list[str]:
    # Backends normalise line endings and some strip trailing blanks; compare what survives that.
    return [ln.rstrip() for ln in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]


def _find(block: list[str], lines: list[str]) -> int | None:
    """Index in ``lines`` where ``block`` starts as a run of whole lines, if it occurs once."""
    if not block:
        return None
    size = len(block)
    hits = [i for i in range(len(lines) - size + 1) if lines[i] == block[0] and lines[i : i + size] == block]
    return hits[0] if len(hits) == 1 else None


def locate(description: str, line: int | None, root: Path, candidates: list[str]) -> Location | None:
    """Map ``line`` of the long description to a line of one of ``candidates``.

    First the candidate whose whole text sits in the description around that line; then a
    candidate holding that line's text exactly once; then, if there is only one candidate, that file
    without a line. None when nothing is knowable."""
    desc = _lines(description)
    texts: dict[str, list[str]] = {}
    for rel in candidates:
        path = root / rel
        try:
            if path.stat().st_size <= READ_LIMIT:
                texts[rel] = _lines(path.read_text("utf-8", errors="replace"))
        except OSError:
            continue
    for rel, lines in texts.items():
        lead = next((i for i, ln in enumerate(lines) if ln), len(lines))
        trail = next((i for i, ln in enumerate(reversed(lines)) if ln), 0)
        block = lines[lead : len(lines) - trail]
        start = _find(block, desc)
        if start is None:
            continue
        if line is None:
            return Location(rel)
        if start < line <= start + len(block):
            return Location(rel, line - start + lead)
    if line is not None and 0 < line <= len(desc) and desc[line - 1].strip():
        wanted = desc[line - 1]
        hits = [(rel, i + 1) for rel, lines in texts.items() for i, ln in enumerate(lines) if ln == wanted]
        if len(hits) == 1:
            return Location(*hits[0])
    if len(candidates) == 1:
        return Location(candidates[0])
    return None
