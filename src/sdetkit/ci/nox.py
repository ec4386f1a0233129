"""nox: the ``session.run(...)`` calls of every session in ``noxfile.py``, read with ``ast``.

A session runs by default when the project's CI runs it (see :mod:`sdetkit.ci.selection`): a bare
``nox`` call runs the sessions not decorated ``default=False`` (or those ``nox.options.sessions``
names), ``nox -s NAME``/``-t TAG`` the ones it names. Arguments that are not string constants are
left out; ``session.env`` and a run's ``env={...}`` give the command's environment.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping

from sdetkit.ci.model import CiCommand, Origin
from sdetkit.ci.selection import TRUSTED, DriverSelection
from sdetkit.ci.shell import lock_installer, lock_runner, tool_of

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


def _decorator(node: ast.FunctionDef) -> tuple[str, bool, list[str]] | None:
    """(session name, runs by default, tags) when ``node`` is a nox session."""
    for dec in node.decorator_list:
        target = dec.func if isinstance(dec, ast.Call) else dec
        if not (isinstance(target, ast.Name) and target.id == "session") and not (
            isinstance(target, ast.Attribute) and target.attr == "session"
        ):
            continue
        name, default, tags = node.name, True, []
        for kw in dec.keywords if isinstance(dec, ast.Call) else ():
            if kw.arg == "tags":
                tags = _strings(kw.value) or []
            elif isinstance(kw.value, ast.Constant):
                if kw.arg == "name" and isinstance(kw.value.value, str):
                    name = kw.value.value
                elif kw.arg == "default":
                    default = bool(kw.value.value)
        return name, default, tags
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


def _env(node: ast.expr | None) -> list[tuple[str, str]]:
    """The string items of a ``{"NAME": "value"}`` literal."""
    if not isinstance(node, ast.Dict):
        return []
    pairs = [(_text(k), _text(v)) for k, v in zip(node.keys, node.values, strict=True)]
    return [(k, v) for k, v in pairs if k is not None and v is not None]


def _text(node: ast.expr | None) -> str | None:
    """The value of a string constant, else None."""
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _session_env(node: ast.FunctionDef, param: str) -> list[tuple[str, str]]:
    """What a session sets in ``session.env`` (``session.env["X"] = "1"``, ``session.env.update({...})``)
    for every command it runs."""
    out: list[tuple[str, str]] = []
    for stmt in ast.walk(node):
        if isinstance(stmt, ast.Assign) and (value := _text(stmt.value)) is not None:
            for target in stmt.targets:
                if isinstance(target, ast.Subscript) and _is_env(target.value, param):
                    key = _text(target.slice)
                    out += [(key, value)] if key is not None else []
        elif (
            isinstance(stmt, ast.Call)
            and isinstance(stmt.func, ast.Attribute)
            and stmt.func.attr == "update"
            and _is_env(stmt.func.value, param)
            and stmt.args
        ):
            out += _env(stmt.args[0])
    return out


def _is_env(node: ast.expr, param: str) -> bool:
    """Whether ``node`` is ``session.env``."""
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "env"
        and isinstance(node.value, ast.Name)
        and node.value.id == param
    )


def read(evidence: Mapping[str, str], runs: DriverSelection = TRUSTED) -> list[CiCommand]:
    """Every tool command of every nox session, run by default as ``runs`` (what the project's CI
    runs of the noxfile) says, with the environment the session gives it."""
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
        name, default, tags = found
        listed = default if selected is None else name in selected
        run = runs.run(name, listed, tags, nox=True)
        param = node.args.args[0].arg if node.args.args else "session"
        session_env = _session_env(node, param)
        # `session.run("uv", "sync")` (or poetry/pdm install): the session runs in the locked env.
        via = lock_installer(
            "\n".join(" ".join(_strings(a) or []) for c in ast.walk(node) if isinstance(c, ast.Call) for a in c.args)
        )
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
                env = dict(session_env) | dict(_env(next((k.value for k in call.keywords if k.arg == "env"), None)))
                origin = Origin(FILE, call.lineno, KIND)
                context = f"nox session {name}"
                given = tuple(env.items())
                runs_in = lock_runner(words) or via
                out.append(
                    CiCommand(
                        tool[0],
                        tool[1],
                        origin,
                        context,
                        run.on,
                        run.why_not,
                        at=tool[2],
                        off=runs.off,
                        env=given,
                        via=runs_in,
                    )
                )
    return out
