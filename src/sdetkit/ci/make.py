"""Makefile and justfile targets: the recipe lines of the targets a CI file (or tox) calls.

``make lint`` in a workflow runs the ``lint`` target's recipe (and its prerequisites' first); a
target no CI file calls is still read, as a candidate that does not run by default.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import NamedTuple

from sdetkit.ci.model import CiCommand, Origin
from sdetkit.ci.shell import commands, expand, tool_of, variables

# The files each tool reads, in its own lookup order: the first present is the one it runs.
FILES = {"make": ("GNUmakefile", "makefile", "Makefile"), "just": ("justfile", "Justfile", ".justfile")}
_MAKE_TARGET = re.compile(r"^(?P<names>[A-Za-z0-9_.\-/ ]+?)\s*::?(?!=)\s*(?P<prereqs>[^=#]*?)\s*(?:#.*)?$")
_JUST_RECIPE = re.compile(r"^@?(?P<names>[A-Za-z0-9_-]+)(?:\s+[^:=]*)?:(?!=)\s*(?P<prereqs>[^#]*?)\s*(?:#.*)?$")


class Target(NamedTuple):
    """One target: what it needs first and its recipe lines (line number, text)."""

    prereqs: tuple[str, ...]
    recipe: tuple[tuple[int, str], ...]


def targets(kind: str, text: str) -> dict[str, Target]:
    """Every target of a Makefile (``kind`` make) or justfile (``just``), variables expanded."""
    pattern = _MAKE_TARGET if kind == "make" else _JUST_RECIPE
    known = variables(text)
    found: dict[str, Target] = {}
    current: list[str] = []
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith(("\t", " ")) and current:
            body = line.strip().lstrip("@-+ ")
            if body and not body.startswith("#"):
                for name in current:
                    t = found[name]
                    found[name] = t._replace(recipe=(*t.recipe, (number, expand(body, known))))
            continue
        m = pattern.match(line)
        if m is None or line.startswith((".", "#")):
            current = [] if line.strip() else current
            continue
        current = m["names"].split()
        prereqs = tuple(p for p in m["prereqs"].split() if not p.startswith("$"))
        for name in current:
            found.setdefault(name, Target(prereqs, ()))
    return found


def _called(calls: Iterable[CiCommand], kind: str) -> list[tuple[str, CiCommand]]:
    """(target, the call) for each target a driver call names, in call order."""
    out: list[tuple[str, CiCommand]] = []
    for call in calls:
        if call.tool != kind:
            continue
        names = [a for a in call.args if not a.startswith("-") and "=" not in a]
        out += [(n, call) for n in (names[:1] if kind == "just" else names)]
    return out


class _Walk(NamedTuple):
    """One file's targets being read, and the ones already read (each target is read once)."""

    kind: str
    file: str
    table: dict[str, Target]
    seen: set[str]
    out: list[CiCommand]

    def target(self, name: str, call: CiCommand | None, depth: int = 0) -> None:
        """The commands of ``name`` (prerequisites first), as ``call`` runs them, or uncalled."""
        if name not in self.table or name in self.seen or depth > 8:
            return
        self.seen.add(name)
        for need in self.table[name].prereqs:
            self.target(need, call, depth + 1)
        for number, line in self.table[name].recipe:
            for words in commands(line):
                found = tool_of(words)
                if found is None or found[0] in FILES:
                    continue
                tool, argv, at = found
                origin = Origin(self.file, number, self.kind)
                if call is None:
                    context = f"{self.kind} {name} (no CI file calls it)"
                    self.out.append(CiCommand(tool, argv, origin, context, False, at=at))
                else:
                    context = f"{self.kind} {name}, called at {call.origin.file}:{call.origin.line}"
                    self.out.append(CiCommand(tool, argv, origin, context, call.default, call.why_not, at=at))


def read(evidence: Mapping[str, str], calls: Iterable[CiCommand]) -> list[CiCommand]:
    """Tool commands of Makefile and justfile targets: those ``calls`` name first (as the calling
    line runs them), then every other target's, as candidates that do not run by default."""
    out: list[CiCommand] = []
    calls = list(calls)
    for kind, names in FILES.items():
        file = next((n for n in names if n in evidence), None)
        if file is None:
            continue
        walk = _Walk(kind, file, targets(kind, evidence[file]), set(), out)
        for name, call in _called(calls, kind):
            walk.target(name, call)
        for name in walk.table:
            walk.target(name, None)
    return out
