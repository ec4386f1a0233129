"""Find how a project's own automation (tox, nox, make, just, scripts, CI) invokes a tool.

Used where a tool's configuration does not say what to check: the arguments the project's own
automation passes are the truest answer to "what does this repository mean by running it".
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping

# Automation files in the order they are trusted; pre-commit is left out (it passes file lists).
_ORDER = ("tox.ini", "noxfile.py", "Makefile", "justfile")
_SHELL_STOP = frozenset({"&&", "||", ";", "|", ">", "2>&1", "\\"})
_NOT_A_RUN = re.compile(r"(?i)\b(install|pip|uv add|poetry add|==|>=|<=|~=)\b|types-|\[mypy|mypy[_-]|mypy\.ini|mypy\]")


def _ordered(evidence: Mapping[str, str]) -> list[str]:
    first = [n for n in _ORDER if n in evidence]
    rest = sorted(n for n in evidence if n not in _ORDER and n != ".pre-commit-config.yaml")
    return first + rest


def _nox_args(text: str, tool: str) -> list[list[str]]:
    found = []
    for m in re.finditer(rf"""session\.run\(\s*["']{re.escape(tool)}["']\s*,?(?P<args>[^)]*)\)""", text):
        found.append(re.findall(r"""["']([^"']+)["']""", m["args"]))
    return found


def _shell_args(text: str, tool: str) -> list[list[str]]:
    found = []
    word = re.compile(rf"(?:^|[\s/\"'`]){re.escape(tool)}(?:$|\s)")
    for line in text.splitlines():
        if not word.search(line) or _NOT_A_RUN.search(line):
            continue
        try:
            tokens = shlex.split(line, comments=True)
        except ValueError:
            continue
        at = next((i for i, t in enumerate(tokens) if t == tool or t.endswith("/" + tool)), None)
        if at is None or (at > 0 and tokens[at - 1].endswith("=")):
            continue  # not a run: an assignment such as tox's `deps = mypy`
        args: list[str] = []
        for t in tokens[at + 1 :]:
            if t in _SHELL_STOP:
                break
            args.append(t)
        found.append(args)
    return found


def invocations(evidence: Mapping[str, str], tool: str) -> list[tuple[str, list[str]]]:
    """Every ``tool ARGS`` the automation runs, as (file, args), most trusted file first."""
    out: list[tuple[str, list[str]]] = []
    for name in _ordered(evidence):
        text = evidence[name]
        calls = _nox_args(text, tool) if name.endswith(".py") else _shell_args(text, tool)
        out += [(name, args) for args in calls]
    return out
