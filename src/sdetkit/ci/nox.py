"""nox: the ``session.run(...)`` calls of every session in ``noxfile.py``, read with ``ast``.

A session decorated ``default=False``, or left out of ``nox.options.sessions``, does not run by
default. Arguments that are not string constants are left out.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping

from sdetkit.ci.model import CiCommand, Origin
from sdetkit.ci.shell import tool_of

KIND = "nox"
FILE = "noxfile.py"


def _strings(node: ast.expr) -> list[str] | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, (ast.List, ast.Tuple)):
        out: list[str] = []
        for elt in node.elts:
            got = _strings(elt)
            if got is None:
                return None
            out += got
        return out
    return None


def _decorator(node: ast.FunctionDef) -> tuple[str, bool] | None:
    """(session name, runs by default) when ``node`` is a nox session."""
    for dec in node.decorator_list:
        target = dec.func if isinstance(dec, ast.Call) else dec
        if not (isinstance(target, ast.Name) and target.id == "session") and not (
            isinstance(target, ast.Attribute) and target.attr == "session"
        ):
            continue
        name, default = node.name, True
        for kw in dec.keywords if isinstance(dec, ast.Call) else ():
            if isinstance(kw.value, ast.Constant):
                if kw.arg == "name" and isinstance(kw.value.value, str):
                    name = kw.value.value
                elif kw.arg == "default":
                    default = bool(kw.value.value)
        return name, default
    return None


def _selected(tree: ast.Module) -> set[str] | None:
    """The names ``nox.options.sessions = [...]`` selects, or None when it is not set."""
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Attribute) and t.attr == "sessions" for t in node.targets
        ):
            got = _strings(node.value)
            return set(got) if got is not None else None
    return None


def read(evidence: Mapping[str, str]) -> list[CiCommand]:
    """Every tool command of every nox session."""
    if FILE not in evidence:
        return []
    try:
        tree = ast.parse(evidence[FILE])
    except (SyntaxError, ValueError):
        return []
    selected = _selected(tree)
    out: list[CiCommand] = []
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef) or (found := _decorator(node)) is None:
            continue
        name, default = found
        runs = default if selected is None else name in selected
        param = node.args.args[0].arg if node.args.args else "session"
        for call in ast.walk(node):
            if not (
                isinstance(call, ast.Call)
                and isinstance(call.func, ast.Attribute)
                and call.func.attr in ("run", "run_always")
                and isinstance(call.func.value, ast.Name)
                and call.func.value.id == param
            ):
                continue
            words: list[str] = []
            for arg in call.args:
                words += _strings(arg.value if isinstance(arg, ast.Starred) else arg) or []
            tool = tool_of(words)
            if tool is not None:
                origin = Origin(FILE, call.lineno, KIND)
                out.append(CiCommand(tool[0], tool[1], origin, f"nox session {name}", runs, at=tool[2]))
    return out
