"""What a project's automation installs: tox environments, nox sessions and CI install lines.

Plain parsing, nothing is imported or run: tox's configuration (the first of tox.ini, setup.cfg,
pyproject ``[tool.tox]`` and tox.toml, as tox itself picks), noxfile.py through ``ast``, and the
shell lines of CI workflows, Makefiles, justfiles and scripts. The requirement semantics (what
``-r`` or ``.[test]`` means) live in ``requirements.py``.
"""

from __future__ import annotations

import ast
import re
import shlex
from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

from sdetkit.ci.selection import env_names
from sdetkit.ci.shell import expand, variables
from sdetkit.errors import ConfigError
from sdetkit.repo.config import ProjectFacts, load_toml

# A command that runs pytest: `pytest`, `py.test`, `python -m pytest`, `coverage run -m pytest`.
_PYTEST = re.compile(r"(?:^|[\s/\"'{:])(?:py\.test|pytest)(?=$|[\s\"'},])")
# tox's factor-conditional lines (`py38: mock`, `django{41,42}: Django`) apply to some environments
# only; which ones the gate's interpreter matches is not knowable here, so they are left out.
_FACTOR = re.compile(r"^!?[\w{},.!-]+:\s")
_SUBST = re.compile(r"\{\[([^\]]+)\]([\w-]+)\}")
_SHELL_STOP = frozenset({"&&", "||", ";", "|", ">", ">>", "2>&1", "&"})
_PIP = re.compile(r"(?:^|/)pip(?:3(?:\.\d+)?)?$|^\$\{?\w*PIP\w*\}?$", re.IGNORECASE)
_YAML_KEY = re.compile(r"^\s*(?:-\s+)?(?P<key>[\w-]+:\s+)?")
# Requirement files, extras and CI files for documentation: installed by docs jobs, never by tests.
DOCS = re.compile(r"(?i)(^|[/_.-])docs?([/_.-]|$)")
# Files whose install lines are read elsewhere (tox, nox) or are not installs (pre-commit).
_NOT_CI = frozenset({".pre-commit-config.yaml", "tox.ini", "noxfile.py"})


class Installs(NamedTuple):
    """What one tox environment, nox session or CI file installs."""

    where: str
    lines: tuple[str, ...] = ()  # requirement-file style, one per line (tox deps)
    calls: tuple[tuple[str, ...], ...] = ()  # pip install argument lists (nox, CI)
    extras: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    runs_pytest: bool = False
    default: bool = True  # runs by default: tox's base environment or one its env_list names


def tox_envs(facts: ProjectFacts) -> list[Installs]:
    """Every tox environment with what it installs, from the configuration tox would read."""
    if "tox.ini" in facts.ini:
        return _ini_envs("tox.ini", facts.ini["tox.ini"], "tox")
    setup = facts.ini.get("setup.cfg", {})
    if "tox:tox" in setup:
        return _ini_envs("setup.cfg", setup, "tox:tox")
    tool = facts.tool("tox")
    if tool is not None:
        legacy = tool.get("legacy_tox_ini")
        if isinstance(legacy, str):
            return _ini_envs("pyproject.toml [tool.tox] legacy_tox_ini", _parse_ini(legacy), "tox")
        return _toml_envs(tool, "pyproject.toml [tool.tox.")
    if (facts.root / "tox.toml").is_file():
        try:
            return _toml_envs(load_toml(facts.root / "tox.toml", "tox.toml"), "tox.toml [")
        except ConfigError:
            return []  # a broken tox.toml is tox's error to report, not a dependency source
    return []


def _parse_ini(text: str) -> dict[str, dict[str, str]]:
    import configparser

    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text)
    except configparser.Error:
        return {}
    return {name: dict(parser.items(name)) for name in parser.sections()}


def _split(value: str) -> tuple[str, ...]:
    return tuple(v for ln in value.splitlines() if not _FACTOR.match(ln.strip()) for v in re.split(r"[\s,]+", ln) if v)


def _ini_envs(file: str, sections: Mapping[str, Mapping[str, str]], tox_section: str) -> list[Installs]:
    base = sections.get("testenv", {})
    top = sections.get(tox_section, {})
    listed = top.get("env_list", top.get("envlist"))
    default = set(env_names(listed)) if listed is not None else None

    def subst(text: str) -> str:
        for _ in range(2):  # `{[testenv]deps}` may itself name another section once more
            text = _SUBST.sub(lambda m: sections.get(m[1], {}).get(m[2], ""), text)
        return text

    out = []
    for name in (s for s in sections if s == "testenv" or s.startswith("testenv:")):
        own = sections[name]

        # An environment inherits every setting it does not set from [testenv], as tox does.
        def get(key: str, own: Mapping[str, str] = own) -> str:
            return subst(own[key] if key in own else base.get(key, ""))

        deps = tuple(ln.strip() for ln in get("deps").splitlines() if ln.strip() and not _FACTOR.match(ln.strip()))
        out.append(
            Installs(
                f"{file} [{name}]",
                lines=deps,
                extras=_split(get("extras")),
                groups=_split(get("dependency_groups")),
                runs_pytest=bool(_PYTEST.search(get("commands"))),
                default=name == "testenv" or default is None or name.split(":", 1)[1] in default,
            )
        )
    return out


def _strings(value: Any) -> Iterator[str]:
    """Every string inside a tox.toml value (commands hold lists and `{replace = ...}` tables)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)
    elif isinstance(value, dict):
        yield from _strings(value.get("default"))


def _toml_envs(table: Mapping[str, Any], prefix: str) -> list[Installs]:
    base = table.get("env_run_base", {})
    base = base if isinstance(base, Mapping) else {}
    envs: list[tuple[str, Mapping[str, Any]]] = [("env_run_base", base)]
    named = table.get("env", {})
    if isinstance(named, Mapping):
        envs += [(f"env.{n}", t) for n, t in named.items() if isinstance(t, Mapping)]
    listed = table.get("env_list")
    default = {n for n in listed if isinstance(n, str)} if isinstance(listed, list) else None
    out = []
    for key, env in envs:
        # An environment inherits what it does not set from env_run_base, as tox does.
        def get(k: str, env: Mapping[str, Any] = env) -> tuple[str, ...]:
            return tuple(_strings(env[k] if k in env else base.get(k)))

        commands = env["commands"] if "commands" in env else base.get("commands", [])
        runs = isinstance(commands, list) and any(_PYTEST.search(" ".join(_strings(c))) for c in commands)
        out.append(
            Installs(
                f"{prefix}{key}]",
                get("deps"),
                (),
                get("extras"),
                get("dependency_groups"),
                runs_pytest=runs,
                default=key == "env_run_base" or default is None or key[4:] in default,
            )
        )
    return out


def nox_sessions(text: str) -> list[Installs]:
    """Every nox session with the arguments of its ``session.install(...)`` calls, read with ``ast``.
    Arguments that are not string constants (or module-level lists of them) are left out."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return []
    consts: dict[str, list[str]] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            found = _const_strings(node.value, {})
            if found is not None:
                consts[node.targets[0].id] = found
    out = []
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef) or not any(_is_session(d) for d in node.decorator_list):
            continue
        param = node.args.args[0].arg if node.args.args else "session"
        installs: list[tuple[str, ...]] = []
        runs = False
        for call in ast.walk(node):
            if not (
                isinstance(call, ast.Call)
                and isinstance(call.func, ast.Attribute)
                and isinstance(call.func.value, ast.Name)
                and call.func.value.id == param
            ):
                continue
            args = [a for arg in call.args for a in (_const_strings(arg, consts) or [])]
            if call.func.attr == "install":
                installs.append(tuple(args))
            elif call.func.attr in ("run", "run_always") and {"pytest", "py.test"} & set(args[:5]):
                runs = True
        out.append(Installs(f"noxfile.py session {_session_name(node)}", calls=tuple(installs), runs_pytest=runs))
    return out


def _const_strings(node: ast.expr, consts: Mapping[str, list[str]]) -> list[str] | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.Name) and node.id in consts:
        return consts[node.id]
    if isinstance(node, ast.Starred):
        return _const_strings(node.value, consts)
    if isinstance(node, (ast.List, ast.Tuple)):
        out: list[str] = []
        for elt in node.elts:
            got = _const_strings(elt, consts)
            if got is None:
                return None
            out += got
        return out
    return None


def _is_session(dec: ast.expr) -> bool:
    target = dec.func if isinstance(dec, ast.Call) else dec
    return (isinstance(target, ast.Name) and target.id == "session") or (
        isinstance(target, ast.Attribute) and target.attr == "session"
    )


def _session_name(node: ast.FunctionDef) -> str:
    for dec in node.decorator_list:
        if isinstance(dec, ast.Call):
            for kw in dec.keywords:
                if kw.arg == "name" and isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str):
                    return kw.value.value
    return node.name


def ci_installs(evidence: Mapping[str, str]) -> list[Installs]:
    """The ``pip install`` (and ``uv pip install``) argument lists of every CI workflow, Makefile,
    justfile and script line, with the file's simple shell or make variables expanded."""
    out = []
    for name in sorted(evidence):
        if name in _NOT_CI or DOCS.search(name):
            continue  # a docs job's installs are not what the tests run with
        text = evidence[name]
        known = variables(text)
        calls = []
        for line in _logical_lines(text):
            if "install" in line:
                calls += _pip_calls(_unwrap(expand(line, known)))
        if calls:
            out.append(Installs(name, calls=tuple(calls)))
    return out


def _logical_lines(text: str) -> Iterator[str]:
    pending = ""
    for line in text.splitlines():
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        yield pending + line
        pending = ""
    if pending:
        yield pending


def _unwrap(line: str) -> str:
    """A YAML step (`- run: "pip install -r x"`) as the shell line it runs."""
    m = _YAML_KEY.match(line)
    body = line[m.end() :].strip() if m else line.strip()
    if m and m["key"] and len(body) > 1 and body[0] == body[-1] and body[0] in "\"'":
        body = body[1:-1]  # a quoted YAML scalar, not shell quoting
    return body


def _pip_calls(line: str) -> list[tuple[str, ...]]:
    try:
        tokens = shlex.split(line, comments=True)
    except ValueError:
        return []
    calls = []
    for i, tok in enumerate(tokens):
        if tok == "install" and i > 0 and _PIP.search(tokens[i - 1]):
            args: list[str] = []
            for t in tokens[i + 1 :]:
                if t in _SHELL_STOP:
                    break
                args.append(t)
            calls.append(tuple(args))
    return calls
