"""tox: the ``commands`` of every environment, with line numbers and ``set_env``.

An environment without its own ``commands`` runs ``[testenv]``'s, as tox does. An environment runs
by default when the project's CI runs it (see :mod:`sdetkit.ci.selection`): in ``env_list`` under a
bare ``tox`` call, or named by ``tox -e``/``-m``. ``{posargs:X}`` stands for X, ``{posargs}`` for
nothing. Factor-conditional lines (``py38: cmd``) are left out: which factors apply here is unknown.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from sdetkit.ci.model import CiCommand, Origin
from sdetkit.ci.selection import TRUSTED, DriverSelection, SelectedRun, best, env_names
from sdetkit.ci.shell import commands, tool_of

KIND = "tox"
FILE = "tox.ini"
TOML_FILE = "tox.toml"  # tox 4's TOML form: env_list, [env_run_base] and [env.NAME] tables
SETUP_CFG = "setup.cfg"  # [tox:tox] and [testenv] sections
PYPROJECT = "pyproject.toml"  # [tool.tox] with legacy_tox_ini (INI text) or tox.toml's tables
_SECTION = re.compile(r"^\[(?P<name>[^\]]+)\]\s*$")
_KEY = re.compile(r"^(?P<key>[\w-]+)\s*[=:]\s*(?P<value>.*)$")
_FACTOR = re.compile(r"^!?[\w{},.!-]+:\s")
ToolCall = tuple[str, tuple[str, ...], int]  # (tool, argv, index of its first argument), as shell.tool_of gives it
Env = tuple[tuple[str, str], ...]
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


def read(evidence: Mapping[str, str], runs: DriverSelection = TRUSTED) -> list[CiCommand]:
    """Every tool command of every tox environment, from the file tox itself would read (``tox.ini``,
    ``setup.cfg`` ``[tox:tox]``, pyproject ``legacy_tox_ini`` or ``[tool.tox]``, ``tox.toml``), marked
    run by default as ``runs`` (what the project's CI runs of it) says."""
    if FILE in evidence:
        return _read_ini(FILE, sections(evidence[FILE]), runs)
    if "[tox:tox]" in evidence.get(SETUP_CFG, ""):
        table = sections(evidence[SETUP_CFG])
        table["tox"] = table.pop("tox:tox", {})
        return _read_ini(SETUP_CFG, table, runs)
    pyproject = _toml(evidence.get(PYPROJECT, "")).get("tool", {})
    tool = pyproject.get("tox") if isinstance(pyproject, dict) else None
    if isinstance(tool, dict) and isinstance(tool.get("legacy_tox_ini"), str):
        lines = evidence[PYPROJECT].splitlines()
        at = next((i for i, ln in enumerate(lines) if ln.lstrip().startswith("legacy_tox_ini")), 0)
        shift = at if not lines or not lines[at].rstrip().endswith(('"""', "'''")) else at + 1
        table = {
            name: {k: [(n + shift, t) for n, t in v] for k, v in keys.items()}
            for name, keys in sections(tool["legacy_tox_ini"]).items()
        }
        return _read_ini(PYPROJECT, table, runs)
    if isinstance(tool, dict) and tool:
        return _read_toml(PYPROJECT, tool, evidence[PYPROJECT], "tool.tox.", runs)
    if TOML_FILE in evidence:
        return _read_toml(TOML_FILE, _toml(evidence[TOML_FILE]), evidence[TOML_FILE], "", runs)
    return []


def file_of(evidence: Mapping[str, str]) -> str:
    """The file tox reads its configuration from (see :func:`read`), for messages."""
    if FILE in evidence:
        return FILE
    if "[tox:tox]" in evidence.get(SETUP_CFG, ""):
        return SETUP_CFG
    return PYPROJECT if PYPROJECT in evidence else TOML_FILE


def _runs(runs: DriverSelection, env: str, listed: set[str] | None, labels: Sequence[str]) -> SelectedRun:
    """Whether the project's CI runs environment ``env`` (and why not here, and what was assumed)."""
    return runs.run(env, listed is None or env in listed, labels)


def _command(
    tool: tuple[str, tuple[str, ...], int],
    origin: Origin,
    env: str,
    run: SelectedRun,
    off: str,
    setenv: tuple[tuple[str, str], ...],
) -> CiCommand:
    """One command of environment ``env`` as CI runs it (``run``)."""
    context = f"tox env {env}" + (f" ({run.note})" if run.note else "")
    return CiCommand(tool[0], tool[1], origin, context, run.on, run.why_not, at=tool[2], off=off, env=setenv)


def _set_env(lines: Sequence[tuple[int, str]]) -> tuple[tuple[str, str], ...]:
    """``NAME = value`` lines of tox's ``set_env``; values tox computes (``{...}``) and factor lines are left out."""
    out = []
    for _, line in lines:
        name, eq, value = line.partition("=")
        if eq and not _FACTOR.match(line) and "{" not in value and not name.strip().startswith("file|"):
            out.append((name.strip(), value.strip()))
    return tuple(out)


def _read_ini(file: str, table: dict[str, dict[str, list[tuple[int, str]]]], runs: DriverSelection) -> list[CiCommand]:
    """The commands of an INI-form tox configuration (``tox.ini``, ``setup.cfg``, ``legacy_tox_ini``)."""
    top = table.get("tox", {})
    found = top.get("env_list", top.get("envlist"))
    listed = set(env_names("\n".join(t for _, t in found))) if found is not None else None
    labels = _ini_labels(top.get("labels", []))
    if listed is not None:
        listed = _gh_mapped(table, listed)
    base = table.get("testenv", {})
    # A section may name several environments (`[testenv:py3{10,13}-cli]`): each is its own.
    sections = {n.split(":", 1)[1]: keys for n, keys in table.items() if n.startswith("testenv:")}
    own = {env: keys for section, keys in sections.items() for env in env_names(section)}
    for env, keys in own.items():
        labels.setdefault(env, []).extend(w for _, t in keys.get("labels", []) for w in re.split(r"[\s,]+", t) if w)
    # No env_list: tox runs `py`, the base commands; a call may name any environment (`tox -e py312`).
    names = set(own) | (listed or {"py"}) | set(labels) | runs.named()
    # [testenv]'s commands run in every environment that has none of its own.
    base_run = best(_runs(runs, e, listed, labels.get(e, [])) for e in names if "commands" not in own.get(e, {}))
    out: list[CiCommand] = []
    for section, keys in [("", base), *sections.items()]:
        if section and "commands" not in keys:
            continue
        envs = env_names(section)
        run = base_run if not section else best(_runs(runs, e, listed, labels.get(e, [])) for e in envs)
        setenv = _set_env(keys.get("set_env", keys.get("setenv", base.get("set_env", base.get("setenv", [])))))
        for number, line in keys.get("commands", []):
            if _FACTOR.match(line):
                continue
            origin = Origin(file, number, KIND)
            for words in commands(_POSARGS.sub(lambda m: m["default"] or "", line)):
                found_tool = tool_of(words)
                if found_tool is not None:
                    out.append(_command(found_tool, origin, section or "testenv", run, runs.off, setenv))
    return out


def _gh_mapped(table: Mapping[str, Mapping[str, list[tuple[int, str]]]], listed: set[str]) -> set[str]:
    """The environments a bare ``tox`` runs in GitHub Actions when ``[gh-actions]`` (tox-gh-actions:
    ``3.12: py312, lint``, envs holding one of the factors) or ``[gh]`` (tox-gh: ``3.12 = py312``,
    env names) maps Python versions to them: every version's, as CI's matrix runs them all."""
    for gh in ("gh-actions", "gh"):
        if gh in table and (lines := table[gh].get("python", [])):
            mapped = set(env_names(" ".join(re.split(r"[:=]", t, maxsplit=1)[-1] for _, t in lines)))
            return {e for e in listed if mapped & set(e.split("-"))} | (mapped if gh == "gh" else set())
    return listed


def _ini_labels(lines: Sequence[tuple[int, str]]) -> dict[str, list[str]]:
    """env -> its labels, from ``[tox] labels`` (``label = env1, env2`` lines)."""
    out: dict[str, list[str]] = {}
    for _, line in lines:
        label, eq, envs = line.partition("=")
        for env in env_names(envs) if eq else []:
            out.setdefault(env, []).append(label.strip())
    return out


def _toml(text: str) -> dict[str, Any]:
    """The TOML document ``text`` (empty when it is not valid TOML: tox itself reports that)."""
    import sys

    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return {}


def _read_toml(file: str, data: Mapping[str, Any], text: str, prefix: str, runs: DriverSelection) -> list[CiCommand]:
    """The commands of TOML-form tox configuration (``tox.toml``, or pyproject's ``[tool.tox]`` with
    ``prefix`` ``tool.tox.``): each ``[env.NAME]`` table's, else ``[env_run_base]``'s; a
    ``{ replace = "posargs", default = [...] }`` item stands for its default."""
    listed_names = data.get("env_list")
    listed = {str(n) for n in listed_names} if isinstance(listed_names, list) else None
    found_base, found_envs = data.get("env_run_base"), data.get("env")
    base: dict[str, Any] = found_base if isinstance(found_base, dict) else {}
    tables: dict[str, Any] = found_envs if isinstance(found_envs, dict) else {}
    envs = {str(k): v for k, v in tables.items() if isinstance(v, dict)}
    top_labels = data.get("labels") if isinstance(data.get("labels"), dict) else {}
    labels: dict[str, list[str]] = {}
    for label, members in (top_labels or {}).items():
        for env in members if isinstance(members, list) else []:
            labels.setdefault(str(env), []).append(str(label))
    for env, table in envs.items():
        labels.setdefault(env, []).extend(str(x) for x in table.get("labels", []) if isinstance(x, str))
    names = set(envs) | (listed or {"py"}) | set(labels) | runs.named()
    base_run = best(_runs(runs, e, listed, labels.get(e, [])) for e in names if "commands" not in envs.get(e, {}))
    lines = text.splitlines()
    out: list[CiCommand] = []
    for env, table in [("", base), *envs.items()]:
        if env and "commands" not in table:
            continue
        header = f"[{prefix}env_run_base]" if not env else f"[{prefix}env.{env}]"
        where = _commands_line(lines, header)
        run = base_run if not env else _runs(runs, env, listed, labels.get(env, []))
        setenv = table.get("set_env", base.get("set_env", {}))
        pairs = setenv.items() if isinstance(setenv, dict) else ()
        env_vars = tuple((str(k), v) for k, v in pairs if isinstance(v, str))
        for command in table.get("commands", []):
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
                out.append(_command(found, Origin(file, where, KIND), env or "env_run_base", run, runs.off, env_vars))
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
