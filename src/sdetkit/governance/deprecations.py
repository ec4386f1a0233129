"""The deprecation register, ``governance/deprecations.toml`` in the program repository: what is
deprecated, since which version, when it may be removed at the earliest, and what replaces it::

    [[deprecation]]
    surface = "$.week_start"          # a field path as schema-diff names it, a command, a flag...
    announced = "1.4.0"               # the version that announced it
    remove_after = "2.0.0"            # removal not before this version, or a date: 2026-12-31
    replacement = "$.window.start"
    note = "read window.start; week_start is the same day"
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any, NamedTuple

from sdetkit.errors import InputError, UsageError
from sdetkit.text import iso_day, one_line_problem

REGISTER = Path("governance") / "deprecations.toml"
HEADER = (
    "# Deprecation register: surfaces that are going away, and when they may (sdetkit governance deprecate\n"
    "# adds one; sdetkit governance check-removals fails a removal before its window closes).\n"
)
_VERSION = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")
_KEYS = ("surface", "announced", "remove_after", "replacement", "note")


class Deprecation(NamedTuple):
    """One register entry. ``remove_after`` is a version ``(major, minor, patch)`` or a date."""

    surface: str
    announced: tuple[int, int, int]
    remove_after: tuple[int, int, int] | dt.date
    replacement: str
    note: str

    def window(self) -> str:
        """When it may be removed, in words."""
        after = self.remove_after
        return f"version {show(after)}" if isinstance(after, tuple) else str(after)


def show(version: tuple[int, int, int]) -> str:
    """``(1, 4, 0)`` as ``1.4.0``."""
    return ".".join(str(p) for p in version)


def version(text: str) -> tuple[int, int, int] | None:
    """A ``MAJOR.MINOR.PATCH`` version, or None when ``text`` is not one."""
    m = _VERSION.match(text)
    return (int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None


def window_end(text: str) -> tuple[int, int, int] | dt.date | None:
    """``remove_after`` as written on the command line: a version or a YYYY-MM-DD date."""
    found = version(text)
    if found is not None:
        return found
    try:
        return iso_day(text)
    except ValueError:
        return None


def _one_line(where: str, key: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"{where}: {key} must be a non-empty string, not {value!r}")
    if one_line_problem(value):
        raise InputError(f"{where}: {key} {value!r} must be one line of printable text")
    return value.strip()


def entry(where: str, raw: Any) -> Deprecation:
    """Validate one ``[[deprecation]]`` table; ``where`` names it in the error."""
    if not isinstance(raw, dict):
        raise InputError(f"{where}: not a table")
    unknown = sorted(set(raw) - set(_KEYS))
    missing = [k for k in _KEYS if k not in raw]
    if unknown or missing:
        said = [f"unknown key(s) {', '.join(unknown)}"] * bool(unknown) + [f"missing {', '.join(missing)}"] * bool(
            missing
        )
        raise InputError(f"{where}: {'; '.join(said)} (keys: {', '.join(_KEYS)})")
    surface = _one_line(where, "surface", raw["surface"])
    announced = version(_one_line(where, "announced", raw["announced"]))
    if announced is None:
        raise InputError(f"{where}: announced {raw['announced']!r} is not a MAJOR.MINOR.PATCH version")
    after_raw = raw["remove_after"]
    after: tuple[int, int, int] | dt.date | None = None
    if isinstance(after_raw, str):
        after = window_end(after_raw)
    elif isinstance(after_raw, dt.date) and not isinstance(after_raw, dt.datetime):  # a TOML date
        after = after_raw
    if after is None:
        raise InputError(f"{where}: remove_after {after_raw!r} is neither a MAJOR.MINOR.PATCH version nor a date")
    if isinstance(after, tuple) and after <= announced:
        raise InputError(
            f"{where}: remove_after {show(after)} must be a later version than announced {show(announced)}"
        )
    replacement, note = _one_line(where, "replacement", raw["replacement"]), _one_line(where, "note", raw["note"])
    return Deprecation(surface, announced, after, replacement, note)


def load(root: Path) -> tuple[str, list[Deprecation]]:
    """The register of the program repository ``root``: its text ("" when there is none yet) and
    its entries, all validated (a duplicate surface is an error)."""
    from sdetkit.repo.config import load_toml

    path = root / REGISTER
    if not path.exists():
        return "", []
    data = load_toml(path, str(path))
    if set(data) - {"deprecation"} or not isinstance(data.get("deprecation", []), list):
        raise InputError(f"{path}: only [[deprecation]] tables belong in the register")
    found: list[Deprecation] = []
    for i, raw in enumerate(data.get("deprecation", []), 1):
        item = entry(f"{path}: deprecation {i}", raw)
        if any(d.surface == item.surface for d in found):
            raise InputError(f"{path}: deprecation {i}: surface {item.surface!r} is registered twice")
        found.append(item)
    return path.read_text(encoding="utf-8"), found


def block(d: Deprecation) -> str:
    """The TOML text of one entry (JSON strings of one printable line are TOML basic strings)."""

    def q(s: str) -> str:
        return json.dumps(s, ensure_ascii=False)

    after = q(show(d.remove_after)) if isinstance(d.remove_after, tuple) else d.remove_after.isoformat()
    return (
        f"\n[[deprecation]]\nsurface = {q(d.surface)}\nannounced = {q(show(d.announced))}\n"
        f"remove_after = {after}\nreplacement = {q(d.replacement)}\nnote = {q(d.note)}\n"
    )


def added(root: Path, new: Deprecation) -> str:
    """The register's text with ``new`` appended; refuses a surface already registered."""
    text, existing = load(root)
    if any(d.surface == new.surface for d in existing):
        raise UsageError(f"{root / REGISTER}: {new.surface!r} is already registered; one entry per surface")
    return (text or HEADER) + block(new)
