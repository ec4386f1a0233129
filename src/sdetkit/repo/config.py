"""Read a project's configuration files into plain facts, and validate sdetkit's own table.

Everything here reads; nothing decides what to run (that is ``plan.py``).
"""

from __future__ import annotations

import contextlib
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

from sdetkit.ci.model import CiCommand
from sdetkit.errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

INI_FILES = ("setup.cfg", "tox.ini", "mypy.ini", ".mypy.ini", "pytest.ini", ".pytest.ini")
TOML_FILES = ("ruff.toml", ".ruff.toml")
JSON_FILES = ("pyrightconfig.json",)
# Files that configure a tool by being there (their content is the tool's to read).
MARKER_FILES = (".flake8", ".isort.cfg")
# Files searched for evidence of how the project runs its tools (pre-commit hooks, CI, task runners).
EVIDENCE_FILES = (
    ".pre-commit-config.yaml",
    "GNUmakefile",
    "makefile",
    "Makefile",
    "noxfile.py",
    "tox.ini",
    "tox.toml",
    "justfile",
    "Justfile",
    ".justfile",
    ".gitlab-ci.yml",
)
EVIDENCE_LIMIT = 1 << 20
NOT_PACKAGES = frozenset(
    {
        "tests",
        "test",
        "testing",
        "docs",
        "doc",
        "examples",
        "example",
        "build",
        "dist",
        "scripts",
        "benchmarks",
        "tools",
        "site-packages",
        "node_modules",
    }
)
STEP_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")


# Shared, never mutated: a NamedTuple field cannot have a default factory.
_EMPTY: Mapping[str, Any] = MappingProxyType({})


class StepConfig(NamedTuple):
    """One ``[...gate.fast.steps.ID]`` table: a new step, or a change to a discovered one."""

    id: str
    argv: tuple[str, ...] | None = None
    timeout: float | None = None
    needs: tuple[str, ...] | None = None
    enabled: bool = True
    kind: str | None = None
    env: tuple[tuple[str, str], ...] = ()


class GateConfig(NamedTuple):
    """sdetkit's gate settings from the repository."""

    source: str = ""
    timeout: float | None = None
    jobs: int | None = None
    steps: tuple[StepConfig, ...] = ()


class ProjectFacts(NamedTuple):
    """What the project's files say, read once."""

    root: Path
    pyproject: Mapping[str, Any] = _EMPTY
    ini: Mapping[str, Mapping[str, Mapping[str, str]]] = _EMPTY  # file -> section -> key
    toml: Mapping[str, Mapping[str, Any]] = _EMPTY
    present: frozenset[str] = frozenset()
    evidence: Mapping[str, str] = _EMPTY
    packages: tuple[str, ...] = ()
    gates: Mapping[str, GateConfig] = _EMPTY  # profile -> settings
    automation: tuple[CiCommand, ...] = ()  # what the project's own automation runs, most trusted first

    def gate(self, profile: str) -> GateConfig:
        """The gate settings for ``fast`` or ``release`` (empty when nothing is configured)."""
        found = self.gates.get(profile)
        return found if isinstance(found, GateConfig) else GateConfig()

    def tool(self, name: str) -> Mapping[str, Any] | None:
        """``[tool.NAME]`` from pyproject.toml, or None."""
        value = self.pyproject.get("tool", {}).get(name)
        return value if isinstance(value, Mapping) else None

    def ini_section(self, file: str, section: str) -> Mapping[str, str] | None:
        return self.ini.get(file, {}).get(section)

    def pytest_ini(self) -> tuple[str, Mapping[str, Any]] | None:
        """Where pytest's configuration lives and its settings, in pytest's own lookup order
        (pytest.ini, .pytest.ini, pyproject.toml, tox.ini, setup.cfg); None when there is none."""
        for name, section in (("pytest.ini", "pytest"), (".pytest.ini", "pytest")):
            sec = self.ini_section(name, section)
            if sec is not None:
                return f"{name} [{section}]", sec
        tool = self.tool("pytest")
        if tool is not None:
            ini = tool.get("ini_options")
            if isinstance(ini, Mapping):
                return "pyproject.toml [tool.pytest.ini_options]", ini
            return "pyproject.toml [tool.pytest]", tool
        for name, section in (("tox.ini", "pytest"), ("setup.cfg", "tool:pytest")):
            sec = self.ini_section(name, section)
            if sec is not None:
                return f"{name} [{section}]", sec
        return None

    def mentions(self, pattern: str) -> str | None:
        """The first evidence file whose text matches ``pattern``."""
        rx = re.compile(pattern)
        for name in sorted(self.evidence):
            if rx.search(self.evidence[name]):
                return name
        return None


def _read_text(path: Path, display: str) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{display}: cannot read: {exc.strerror or exc}") from exc
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{display}: not UTF-8 text (byte {exc.start})") from exc


def load_toml(path: Path, display: str) -> dict[str, Any]:
    """Parse a TOML file; a syntax error names the file, line and column."""
    try:
        data: dict[str, Any] = tomllib.loads(_read_text(path, display))
    except tomllib.TOMLDecodeError as exc:
        # "file:line:column:" like every other located problem (editors jump to it), not the
        # parser's trailing "(at line L, column C)".
        where = re.search(r" \(at line (\d+), column (\d+)\)$", str(exc))
        if where is None:
            raise ConfigError(f"{display}: invalid TOML: {exc}") from exc
        message = str(exc)[: where.start()]
        raise ConfigError(f"{display}:{where.group(1)}:{where.group(2)}: invalid TOML: {message}") from exc
    return data


def _load_ini(path: Path, display: str) -> dict[str, dict[str, str]]:
    import configparser  # only projects with INI files pay for it

    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(_read_text(path, display), source=display)
    except configparser.Error as exc:
        first = str(exc).splitlines()[0]
        raise ConfigError(f"{display}: invalid INI: {first}") from exc
    return {name: dict(parser.items(name)) for name in parser.sections()}


def _evidence(root: Path) -> dict[str, str]:
    found: dict[str, str] = {}
    candidates = [root / n for n in EVIDENCE_FILES]
    workflows = root / ".github" / "workflows"
    if workflows.is_dir():
        candidates += sorted(p for p in workflows.iterdir() if p.suffix in {".yml", ".yaml"})
    for folder in ("scripts", ".ci"):  # shell scripts CI calls, e.g. scripts/check, .ci/run
        scripts = root / folder
        if scripts.is_dir():
            candidates += sorted(p for p in scripts.iterdir() if p.suffix in {"", ".sh"})[:20]
    # tox reads setup.cfg's [tox:tox] and pyproject's [tool.tox] when there is no tox.ini.
    for name, marker in (("setup.cfg", "[tox:tox]"), ("pyproject.toml", "[tool.tox")):
        with contextlib.suppress(OSError, UnicodeDecodeError):
            text = (root / name).read_text("utf-8")
            if marker in text and len(text) <= EVIDENCE_LIMIT:
                found[name] = text
    for p in candidates:
        try:
            if p.is_file() and p.stat().st_size <= EVIDENCE_LIMIT:
                found[p.relative_to(root).as_posix()] = p.read_text("utf-8", errors="replace")
        except OSError:
            continue
    return found


def _packages(root: Path) -> tuple[str, ...]:
    """Top-level import packages and modules, for a type checker with no configured targets."""
    if (root / "src").is_dir():
        return ("src",)
    names: list[str] = []
    try:
        entries = sorted(root.iterdir())
    except OSError:
        return ()
    for p in entries:
        if p.name.startswith((".", "_")) or p.name in NOT_PACKAGES:
            continue
        if (p.is_dir() and (p / "__init__.py").is_file()) or (
            p.suffix == ".py" and p.is_file() and p.name not in {"setup.py", "conftest.py", "noxfile.py"}
        ):
            names.append(p.name)
    return tuple(names)


def load(root: Path) -> ProjectFacts:
    """Read every configuration file the planners look at."""
    pyproject: dict[str, Any] = {}
    present: set[str] = set()
    if (root / "pyproject.toml").exists():
        pyproject = load_toml(root / "pyproject.toml", "pyproject.toml")
        present.add("pyproject.toml")
    ini: dict[str, dict[str, dict[str, str]]] = {}
    for name in INI_FILES:
        if (root / name).is_file():
            ini[name] = _load_ini(root / name, name)
            present.add(name)
    toml: dict[str, Mapping[str, Any]] = {}
    for name in TOML_FILES:
        if (root / name).is_file():
            toml[name] = load_toml(root / name, name)
            present.add(name)
    for name in (*JSON_FILES, *MARKER_FILES, "conftest.py", "tests", "test"):
        if (root / name).exists():
            present.add(name)
    gate = _gate_config(root, pyproject)
    evidence = _evidence(root)
    from sdetkit import ci

    return ProjectFacts(
        root=root,
        pyproject=pyproject,
        ini=ini,
        toml=toml,
        present=frozenset(present),
        evidence=evidence,
        packages=_packages(root),
        gates=gate,
        automation=ci.commands(evidence),
    )


def _gate_config(root: Path, pyproject: Mapping[str, Any]) -> dict[str, GateConfig]:
    """``[tool.sdetkit]`` in pyproject.toml, or a top-level table in ``sdetkit.toml``."""
    in_pyproject = pyproject.get("tool", {}).get("sdetkit") if isinstance(pyproject.get("tool"), dict) else None
    own = root / "sdetkit.toml"
    if own.exists():
        if in_pyproject is not None:
            raise ConfigError("sdetkit.toml: sdetkit is also configured in pyproject.toml [tool.sdetkit]; keep one")
        return parse_gate_config(load_toml(own, "sdetkit.toml"), "sdetkit.toml", "")
    if in_pyproject is None:
        return {}
    return parse_gate_config(in_pyproject, "pyproject.toml", "tool.sdetkit.")


PROFILES = ("fast", "release")


def parse_gate_config(table: Any, source: str, prefix: str) -> dict[str, GateConfig]:
    """Validate sdetkit's table strictly (unknown keys and wrong types are errors, not ignored) and
    return the gate settings per profile. The release gate runs the fast plan too, so its settings
    are the fast ones with ``[gate.release]`` laid over them."""
    v = _Validator(source)
    root = v.table(table, prefix.rstrip(".") or "(top level)", {"gate"})
    gate = v.table(root.get("gate", {}), f"{prefix}gate", set(PROFILES))
    fast = _profile(v, gate.get("fast", {}), f"{prefix}gate.fast", source)
    release = _profile(v, gate.get("release", {}), f"{prefix}gate.release", source)
    merged_steps = {c.id: c for c in fast.steps} | {c.id: c for c in release.steps}
    return {
        "fast": fast,
        "release": GateConfig(
            source=source,
            timeout=release.timeout or fast.timeout,
            jobs=release.jobs or fast.jobs,
            steps=tuple(merged_steps.values()),
        ),
    }


def _profile(v: _Validator, table: Any, where: str, source: str) -> GateConfig:
    body = v.table(table, where, {"timeout", "jobs", "steps"})
    steps_table = v.table(body.get("steps", {}), f"{where}.steps", None)
    steps = []
    for step_id, step in steps_table.items():
        here = f"{where}.steps.{step_id}"
        if not STEP_ID.match(step_id):
            raise ConfigError(f"{source}: [{here}] step ids use lowercase letters, digits, '-', '_' and '.'")
        t = v.table(step, here, {"argv", "timeout", "needs", "enabled", "kind", "env"})
        env = v.table(t.get("env", {}), f"{here}.env", None)
        steps.append(
            StepConfig(
                id=step_id,
                argv=v.strings(t["argv"], f"{here}.argv", nonempty=True) if "argv" in t else None,
                timeout=v.positive(t["timeout"], f"{here}.timeout") if "timeout" in t else None,
                needs=v.strings(t["needs"], f"{here}.needs") if "needs" in t else None,
                enabled=v.boolean(t.get("enabled", True), f"{here}.enabled"),
                kind=v.string(t["kind"], f"{here}.kind") if "kind" in t else None,
                env=tuple(sorted((k, v.string(x, f"{here}.env.{k}")) for k, x in env.items())),
            )
        )
    jobs = body.get("jobs")
    return GateConfig(
        source=source,
        timeout=v.positive(body["timeout"], f"{where}.timeout") if "timeout" in body else None,
        jobs=int(v.positive(jobs, f"{where}.jobs", integer=True)) if jobs is not None else None,
        steps=tuple(steps),
    )


class _Validator:
    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, where: str, what: str) -> ConfigError:
        return ConfigError(f"{self.source}: [{where}] {what}")

    def table(self, value: Any, where: str, allowed: set[str] | None) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(where, f"must be a table, not {type(value).__name__}")
        if allowed is not None:
            unknown = sorted(set(value) - allowed)
            if unknown:
                raise self.fail(
                    where,
                    f"unknown key {unknown[0]!r} (expected one of: {', '.join(sorted(allowed))})",
                )
        return value

    def strings(self, value: Any, where: str, nonempty: bool = False) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(x, str) and x for x in value):
            raise self.fail(where, "must be a list of non-empty strings")
        if nonempty and not value:
            raise self.fail(where, "must not be empty")
        return tuple(value)

    def string(self, value: Any, where: str) -> str:
        if not isinstance(value, str) or not value:
            raise self.fail(where, "must be a non-empty string")
        return value

    def boolean(self, value: Any, where: str) -> bool:
        if not isinstance(value, bool):
            raise self.fail(where, "must be true or false")
        return value

    def positive(self, value: Any, where: str, integer: bool = False) -> float:
        ok_type = isinstance(value, int) if integer else isinstance(value, (int, float))
        if isinstance(value, bool) or not ok_type or value <= 0:
            kind = "a positive integer" if integer else "a positive number of seconds"
            raise self.fail(where, f"must be {kind}")
        return float(value)
