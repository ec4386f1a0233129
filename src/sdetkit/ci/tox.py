"""tox: the ``commands`` of every environment in ``tox.ini`` or ``tox.toml``, with line numbers.

An environment without its own ``commands`` runs ``[testenv]``'s, as tox does; one not in
``env_list`` does not run by default. ``{posargs:X}`` stands for X, ``{posargs}`` for nothing.
Factor-conditional lines (``py38: cmd``) are left out: which factors apply here is unknown.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sdetkit.ci.model import CiCommand, Origin
from sdetkit.ci.shell import commands, tool_of

KIND = "tox"
FILE = "tox.ini"
TOML_FILE = "tox.toml"  # tox 4's TOML form: env_list, [env_run_base] and [env.NAME] tables
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
    """Every tool command of every tox environment (``tox.ini`` first, as tox picks it)."""
    if FILE not in evidence:
        return _read_toml(evidence[TOML_FILE]) if TOML_FILE in evidence else []
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


def _read_toml(text: str) -> list[CiCommand]:
    """The commands of ``tox.toml``: each ``[env.NAME]`` table's, else ``[env_run_base]``'s; a
    ``{ replace = "posargs", default = [...] }`` item stands for its default."""
    import sys

    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return []  # tox itself reports a broken file; nothing to mirror
    listed = data.get("env_list")
    default = {str(n) for n in listed} if isinstance(listed, list) else None
    found_base, found_envs = data.get("env_run_base"), data.get("env")
    base: dict[str, Any] = found_base if isinstance(found_base, dict) else {}
    tables: dict[str, Any] = found_envs if isinstance(found_envs, dict) else {}
    envs = {"": base} | {str(k): v for k, v in tables.items() if isinstance(v, dict)}
    lines = text.splitlines()
    out: list[CiCommand] = []
    for env, table in envs.items():
        header = "[env_run_base]" if not env else f"[env.{env}]"
        own = "commands" in table
        where = _commands_line(lines, header if own else "[env_run_base]")
        runs = not env or default is None or env in default
        for command in table.get("commands", base.get("commands", [])):
            if not isinstance(command, list):
                continue
            words: list[str] = []
            for item in command:
                if isinstance(item, str):
                    words.append(item)
                elif isinstance(item, dict) and item.get("replace") == "posargs":
                    words += [str(w) for w in item.get("default", []) if isinstance(w, str)]
            found = tool_of(words)
            if found is not None:
                tool, argv, at = found
                origin = Origin(TOML_FILE, where, KIND)
                out.append(CiCommand(tool, argv, origin, f"tox env {env or 'env_run_base'}", runs, at=at))
    return out


def _commands_line(lines: list[str], header: str) -> int:
    """The line of ``commands`` in the table ``header`` starts (0: not found, shown without a line)."""
    inside = False
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        if stripped.startswith("["):
            inside = stripped == header
        elif inside and stripped.startswith("commands"):
            return number
    return 0
