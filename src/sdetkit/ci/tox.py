"""tox: the ``commands`` of every environment in ``tox.ini``, with line numbers.

An environment without its own ``commands`` runs ``[testenv]``'s, as tox does; one not in
``env_list`` does not run by default. ``{posargs:X}`` stands for X, ``{posargs}`` for nothing.
Factor-conditional lines (``py38: cmd``) are left out: which factors apply here is unknown.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from sdetkit.ci.model import CiCommand, Origin
from sdetkit.ci.shell import commands, tool_of

KIND = "tox"
FILE = "tox.ini"
_SECTION = re.compile(r"^\[(?P<name>[^\]]+)\]\s*$")
_KEY = re.compile(r"^(?P<key>[\w-]+)\s*[=:]\s*(?P<value>.*)$")
_FACTOR = re.compile(r"^!?[\w{},.!-]+:\s")
_POSARGS = re.compile(r"\{posargs(?::(?P<default>[^}]*))?\}")


def sections(text: str) -> dict[str, dict[str, list[tuple[int, str]]]]:
    """section -> key -> its value's (line number, text) lines, continuation lines included."""
    found: dict[str, dict[str, list[tuple[int, str]]]] = {}
    section: dict[str, list[tuple[int, str]]] | None = None
    key: list[tuple[int, str]] | None = None
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith(("#", ";")):
            continue
        if (m := _SECTION.match(line)) is not None:
            section = found.setdefault(m["name"].strip(), {})
            key = None
        elif line[0] in " \t" and key is not None:
            key.append((number, line.strip()))
        elif section is not None and (m := _KEY.match(line)) is not None:
            key = section.setdefault(m["key"], [])
            key.clear()
            if m["value"].strip():
                key.append((number, m["value"].strip()))
    return found


def env_names(text: str) -> list[str]:
    """tox's env_list (``py{310,311}-django{41,42}, lint``) as the environment names it expands to."""
    names: list[str] = []
    for item in re.findall(r"(?:[^\s,{]|\{[^}]*\})+", text):
        expanded = [""]
        for literal, alternatives in re.findall(r"([^{]*)(?:\{([^}]*)\})?", item):
            options = [a.strip() for a in alternatives.split(",")] if alternatives else [""]
            expanded = [e + literal + o for e in expanded for o in options][:256]  # bounded
        names += [n for n in expanded if n]
    return names


def read(evidence: Mapping[str, str]) -> list[CiCommand]:
    """Every tool command of every tox environment."""
    if FILE not in evidence:
        return []
    table = sections(evidence[FILE])
    top = table.get("tox", {})
    listed = top.get("env_list", top.get("envlist"))
    default = set(env_names("\n".join(t for _, t in listed))) if listed is not None else None
    base = table.get("testenv", {}).get("commands", [])
    out: list[CiCommand] = []
    for name, keys in table.items():
        if name != "testenv" and not name.startswith("testenv:"):
            continue
        env = name.split(":", 1)[1] if ":" in name else ""
        runs = name == "testenv" or default is None or env in default
        for number, line in keys.get("commands", base):
            if _FACTOR.match(line):
                continue
            origin = Origin(FILE, number, KIND)
            for words in commands(_POSARGS.sub(lambda m: m["default"] or "", line)):
                found = tool_of(words)
                if found is not None:
                    tool, argv, at = found
                    out.append(CiCommand(tool, argv, origin, f"tox env {env or 'testenv'}", runs, at=at))
    return out
