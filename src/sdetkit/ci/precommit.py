"""pre-commit: each hook of ``.pre-commit-config.yaml`` that runs a tool the gate knows.

A hook's command is its entry plus its ``args``; the hook also says which files it is given
(``files``, ``exclude``, ``types``, ``types_or``) and pins its tool (``rev``, and
``additional_dependencies`` installed with it).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import NamedTuple

from sdetkit.ci import yamlish
from sdetkit.ci.model import CiCommand, HookRepo, HookSelection, Origin
from sdetkit.ci.shell import commands, tool_of

# `rev: <commit>  # frozen: v0.11.11`: pre-commit autoupdate --freeze writes the version as a comment.
_FROZEN = re.compile(r"#\s*frozen:\s*(?P<version>v?[\w.+-]+)")
KIND = "pre-commit"
FILE = ".pre-commit-config.yaml"


class KnownHook(NamedTuple):
    """What a well-known hook's own manifest (its repository's .pre-commit-hooks.yaml) declares."""

    tool: str
    entry: tuple[str, ...]
    args: tuple[str, ...] = ()
    types_or: tuple[str, ...] = ("python", "pyi")


# The hooks' manifests, as published by ruff-pre-commit, mirrors-mypy, pyright-python, flake8, black
# (and its mirror) and isort.
KNOWN = {
    "ruff": KnownHook("ruff", ("ruff", "check", "--force-exclude")),
    "ruff-check": KnownHook("ruff", ("ruff", "check", "--force-exclude")),
    "ruff-format": KnownHook("ruff", ("ruff", "format", "--force-exclude")),
    # mirrors-mypy's default args changed over its revs; --ignore-missing-imports is in all of them.
    "mypy": KnownHook("mypy", ("mypy",), ("--ignore-missing-imports",)),
    "pyright": KnownHook("pyright", ("pyright",)),
    "flake8": KnownHook("flake8", ("flake8",), types_or=("python",)),
    "black": KnownHook("black", ("black",)),
    "isort": KnownHook("isort", ("isort",), ("--filter-files",), ("cython", "pyi", "python")),
}
# Tools a `local` hook's entry may run for the gate to mirror it.
_LOCAL_TOOLS = frozenset({"ruff", "mypy", "pyright", "pytest", "flake8", "black", "isort"})


def repositories(text: str) -> list[HookRepo]:
    """Every ``repos:`` entry, whatever its hooks run (tool pins read every pinned repository)."""
    with yamlish.located(FILE):
        return _repositories(text)


def _repositories(text: str) -> list[HookRepo]:
    rows = yamlish.lines(text)
    lines = text.splitlines()
    top = {k: (v, b) for k, v, _, b in yamlish.children(rows)}
    out = []
    for repo in yamlish.items(top.get("repos", ("", []))[1]):
        keys = {k: (v, n, b) for k, v, n, b in yamlish.children(repo)}
        rev, rev_line, _ = keys.get("rev", ("", 0, []))
        frozen = _FROZEN.search(lines[rev_line - 1]) if rev_line else None
        deps: list[str] = []
        for hook in yamlish.items(keys.get("hooks", ("", 0, []))[2]):
            hook_keys = {k: (v, b, n) for k, v, n, b in yamlish.children(hook)}
            if "additional_dependencies" in hook_keys:
                deps += yamlish.sequence(*hook_keys["additional_dependencies"])
        url = yamlish.unquote(keys.get("repo", ("", 0, []))[0])
        out.append(HookRepo(url, yamlish.unquote(rev), rev_line, frozen["version"] if frozen else "", tuple(deps)))
    return out


def read(evidence: Mapping[str, str]) -> list[CiCommand]:
    """Every hook that runs a tool the gate mirrors (a ``local`` hook by its entry)."""
    return yamlish.read_file(evidence, FILE, _read)


def _read(text: str) -> list[CiCommand]:
    rows = yamlish.lines(text)
    text_lines = text.splitlines()
    top = {k: (v, b) for k, v, _, b in yamlish.children(rows)}
    out: list[CiCommand] = []
    for repo in yamlish.items(top.get("repos", ("", []))[1]):
        repo_keys = {k: (v, n, b) for k, v, n, b in yamlish.children(repo)}
        rev, rev_line, _ = repo_keys.get("rev", ("", 0, []))
        rev = yamlish.unquote(rev)
        url = yamlish.unquote(repo_keys.get("repo", ("", 0, []))[0])
        frozen = _FROZEN.search(text_lines[rev_line - 1]) if rev_line else None
        for hook in yamlish.items(repo_keys.get("hooks", ("", 0, []))[2]):
            keys = {k: (v, n, b) for k, v, n, b in yamlish.children(hook)}
            if "id" not in keys:
                continue
            hook_id = yamlish.text_of(keys["id"][0], keys["id"][2], keys["id"][1])

            # Any value may be written as a block scalar (`exclude: >` and a `(?x)` regex over lines),
            # quoted, commented or as a list over lines: read each as YAML gives it to pre-commit.
            def get(key: str, keys: Mapping[str, tuple[str, int, list[yamlish.Line]]] = keys) -> str:
                return yamlish.text_of(keys[key][0], keys[key][2], keys[key][1]) if key in keys else ""

            def many(key: str, keys: Mapping[str, tuple[str, int, list[yamlish.Line]]] = keys) -> tuple[str, ...]:
                return yamlish.sequence(keys[key][0], keys[key][2], keys[key][1]) if key in keys else ()

            known = KNOWN.get(hook_id)
            entry = get("entry")
            if entry:
                found = next((tool_of(w) for w in commands(entry)), None)
                if found is None or found[0] not in _LOCAL_TOOLS:
                    continue
                tool, base = found[0], found[1]
            elif known is not None:
                tool, base = known.tool, known.entry
            else:
                continue
            args = many("args") if "args" in keys else (known.args if known and not entry else ())
            types_or = many("types_or") if "types_or" in keys else (known.types_or if known and not entry else ())
            selection = HookSelection(
                hook_id,
                rev,
                get("files"),
                get("exclude"),
                many("types") or ("file",),
                types_or,
                many("additional_dependencies"),
                get("pass_filenames") != "false",
                url,
                rev_line,
                frozen["version"] if frozen else "",
            )
            stages = many("stages")
            default = not stages or bool({"pre-commit", "commit"} & set(stages))
            at = 3 if base[:2] == ("python", "-m") else 1
            origin = Origin(FILE, keys["id"][1], KIND)
            out.append(CiCommand(tool, (*base, *args), origin, f"hook {hook_id}", default, hook=selection, at=at))
    return out
