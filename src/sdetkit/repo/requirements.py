"""Where a project declares the packages it installs, read into requirement sets.

Sources: PEP 735 dependency groups, extras, poetry groups, well-known requirement files, the deps
of tox environments and nox sessions, and the requirement files and extras that CI lines install.
Requirement files are read the way pip reads them: ``-r`` includes are followed (inside the
repository, each file once, to a bounded depth), ``-e .[test]`` installs the project's extras.
Everything here reads; what counts as a test dependency is the doctor's decision.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from sdetkit.repo import automation
from sdetkit.repo.config import ProjectFacts

# Set names by role: "test" sets are what the tests run with; "dev" sets are only a fallback,
# because they usually also hold release and docs tools that running the tests does not need.
TEST_GROUPS = ("test", "tests", "testing")
DEV_GROUPS = ("dev",)
TEST_FILES = (
    "requirements-test.txt",
    "requirements-tests.txt",
    "requirements-testing.txt",
    "requirements_test.txt",
    "test-requirements.txt",
    "test_requirements.txt",
    "requirements/test.txt",
    "requirements/tests.txt",
    "requirements/testing.txt",
    "tests/requirements.txt",
)
DEV_FILES = ("requirements-dev.txt", "requirements_dev.txt", "dev-requirements.txt", "requirements/dev.txt")
MAX_FILES = 50
MAX_DEPTH = 8
MAX_BYTES = 1 << 20
# pip options that take a value (the value is not a requirement).
_VALUED = frozenset(
    {
        *("-i", "--index-url", "--extra-index-url", "-f", "--find-links", "-t", "--target", "--prefix"),
        *("--root", "--src", "--python", "--trusted-host", "--platform", "--python-version", "--abi"),
        *("--implementation", "--only-binary", "--no-binary", "--cache-dir", "--log", "--timeout"),
        *("--retries", "--proxy", "--cert", "--client-cert", "--upgrade-strategy", "--config-settings"),
        *("-C", "--report", "--progress-bar", "--exists-action"),
    }
)
_LOCAL_EXTRAS = re.compile(r"^(?:\.|\{toxinidir\}|\{tox_root\}|file:\.?)/?\[(?P<extras>[^\]]+)\]$")
_COMMENT = re.compile(r"(^|\s)#.*$")
# Requirement files and extras for documentation are installed by docs jobs, never by the tests.
_DOCS = automation.DOCS


class ReqSet(NamedTuple):
    """One declared set of requirements. ``install`` is the command that installs it (None for
    inline deps, which are installed by naming them); ``role`` is "test", "dev" or "other"."""

    source: str
    install: str | None
    requirements: tuple[str, ...]
    role: str
    inline: bool = False  # declared right there (pins are read from inline sets and from files)


class Parsed(NamedTuple):
    files: tuple[str, ...] = ()
    extras: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    requirements: tuple[str, ...] = ()


class Sources(NamedTuple):
    sets: tuple[ReqSet, ...]
    files: Mapping[str, tuple[str, ...]]  # every requirement file read -> its own requirement lines


class Reader:
    """Reads requirement files and pip arguments of one repository, each file once."""

    def __init__(self, root: Path, pyproject: Mapping[str, Any]) -> None:
        self.root = root
        self.pyproject = pyproject
        self.own: dict[str, tuple[str, ...]] = {}
        self._flat: dict[str, tuple[str, ...]] = {}
        self._reading: set[str] = set()

    def file(self, rel: str, depth: int = 0) -> tuple[str, ...]:
        """The requirements ``pip install -r REL`` installs, includes followed."""
        if rel in self._flat:
            return self._flat[rel]
        path = self.root / rel
        if rel in self._reading or depth > MAX_DEPTH or len(self.own) >= MAX_FILES:
            return ()  # a cycle, or past the bounds: what was read so far stands
        try:
            if not path.is_file() or path.stat().st_size > MAX_BYTES:
                return ()
            text = path.read_text("utf-8", errors="replace")
        except OSError:
            return ()
        self._reading.add(rel)
        own: list[str] = []
        flat: list[str] = []
        for line in _logical_lines(text):
            if line.startswith("-"):
                flat += self.expand(self.args(_tokens(line), path.parent), depth + 1)
            elif _LOCAL_EXTRAS.match(line):
                flat += self.expand(self.args([line], path.parent), depth + 1)
            elif not _is_path(line):
                requirement = re.split(r"\s--", line, maxsplit=1)[0].strip()  # drop `--hash=...`
                own.append(requirement)
                flat.append(requirement)
        self._reading.discard(rel)
        self.own[rel] = tuple(own)
        self._flat[rel] = tuple(flat)
        return self._flat[rel]

    def args(self, tokens: Sequence[str], base: Path) -> Parsed:
        """pip install arguments (one token each) as the files, extras, groups and requirements
        they install. Files that do not exist inside the repository are left out."""
        files: list[str] = []
        extras: list[str] = []
        groups: list[str] = []
        reqs: list[str] = []
        it = iter(tokens)
        for token in it:
            tok, value = token, None
            if tok in ("-r", "--requirement", "-e", "--editable", "-c", "--constraint", "--group"):
                value = next(it, "")
            elif tok.startswith(("--requirement=", "--editable=", "--group=")):
                tok, value = tok.split("=", 1)
            elif tok.startswith("-r") and len(tok) > 2:
                tok, value = "-r", tok[2:]
            elif tok in _VALUED:
                next(it, None)
                continue
            if tok in ("-r", "--requirement") and value:
                rel = self._resolve(value, base)
                if rel is not None and not _DOCS.search(rel):
                    files.append(rel)
            elif tok in ("-e", "--editable", "--group") and value:
                m = _LOCAL_EXTRAS.match(value)
                if tok == "--group":
                    groups.append(value.rsplit(":", 1)[-1])
                elif m:
                    extras += [x.strip() for x in m["extras"].split(",") if x.strip()]
            elif tok.startswith("-") or value is not None:
                continue
            elif m := _LOCAL_EXTRAS.match(tok):
                extras += [x.strip() for x in m["extras"].split(",") if x.strip()]
            elif not _is_path(tok):
                reqs.append(tok)
        extras = [x for x in extras if not _DOCS.search(x)]
        return Parsed(tuple(files), tuple(extras), tuple(groups), tuple(reqs))

    def expand(self, parsed: Parsed, depth: int = 0) -> list[str]:
        """Every requirement ``parsed`` installs, files, extras and groups included."""
        out = list(parsed.requirements)
        for rel in parsed.files:
            out += self.file(rel, depth)
        for x in parsed.extras:
            out += self.extra(x)
        for g in parsed.groups:
            out += self.group(g)
        return out

    def _resolve(self, value: str, base: Path) -> str | None:
        value = value.replace("{toxinidir}", str(self.root)).replace("{tox_root}", str(self.root))
        try:
            return (base / value).resolve().relative_to(self.root.resolve()).as_posix()
        except (ValueError, OSError):
            return None  # outside the repository: not the project's declaration

    def extra(self, name: str, seen: frozenset[str] = frozenset()) -> list[str]:
        """An extra of the project, with its references to the project's other extras expanded."""
        from packaging.requirements import InvalidRequirement, Requirement
        from packaging.utils import canonicalize_name

        project = self.pyproject.get("project", {})
        table = project.get("optional-dependencies", {})
        own = canonicalize_name(str(project.get("name", "")))
        out: list[str] = []
        for item in table.get(name, []) if name not in seen else []:
            try:
                req = Requirement(str(item))
            except InvalidRequirement:
                continue
            if own and canonicalize_name(req.name) == own:  # `pkg[test,docs]` inside another extra
                for x in sorted(req.extras):
                    out += self.extra(x, seen | {name})
            else:
                out.append(str(item))
        return out

    def group(self, name: str, seen: frozenset[str] = frozenset()) -> list[str]:
        """A PEP 735 dependency group with its ``include-group`` entries expanded (no cycles)."""
        groups = self.pyproject.get("dependency-groups", {})
        out: list[str] = []
        for item in groups.get(name, []) if name not in seen else []:
            if isinstance(item, str):
                out.append(item)
            elif isinstance(item, dict) and isinstance(item.get("include-group"), str):
                out += self.group(item["include-group"], seen | {name})
        return out


def _logical_lines(text: str) -> Iterable[str]:
    pending = ""
    for raw in text.splitlines():
        line = _COMMENT.sub("", raw).strip()
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line = (pending + line).strip()
        pending = ""
        if line:
            yield line


def _tokens(line: str) -> list[str]:
    try:
        return shlex.split(line)
    except ValueError:
        return []


def _is_path(text: str) -> bool:
    """A local path or archive, not a requirement (what pip installs from it is unknowable here)."""
    return text.startswith((".", "/", "~", "file:")) or text.endswith((".whl", ".tar.gz", ".zip"))


def collect(facts: ProjectFacts) -> Sources:
    """Every requirement set the project declares, with its role."""
    reader = Reader(facts.root, facts.pyproject)
    sets = _pyproject_sets(reader, facts.pyproject)
    for rel in (*TEST_FILES, *DEV_FILES):
        if (facts.root / rel).is_file():
            sets.append(ReqSet(rel, f"pip install -r {rel}", reader.file(rel), "test" if rel in TEST_FILES else "dev"))
    for env in automation.tox_envs(facts):
        role = "test" if env.runs_pytest and env.default else "other"
        lines = [reader.args(_tokens(ln) if ln.startswith("-") else [ln], facts.root) for ln in env.lines]
        parsed = _merge(*lines, Parsed(extras=env.extras, groups=env.groups))
        sets += _installed(reader, parsed, f"{env.where} deps", role)
    if "noxfile.py" in facts.evidence:
        for session in automation.nox_sessions(facts.evidence["noxfile.py"]):
            role = "test" if session.runs_pytest else "other"
            calls = [reader.args(call, facts.root) for call in session.calls]
            sets += _installed(reader, _merge(*calls), session.where, role)
    for ci in automation.ci_installs(facts.evidence):
        # Bare package names on a CI line are usually the tools of that job (tox, twine, a
        # linter); the files and extras it installs are the project's declared sets.
        installed = _merge(*(reader.args(call, facts.root) for call in ci.calls))
        sets += _installed(reader, installed._replace(requirements=()), f"installed by {ci.where}", "test")
    return Sources(tuple(sets), dict(reader.own))


def _merge(*parts: Parsed) -> Parsed:
    return Parsed(*(tuple(dict.fromkeys(x for p in parts for x in getattr(p, f))) for f in Parsed._fields))


def _installed(reader: Reader, parsed: Parsed, where: str, role: str) -> list[ReqSet]:
    out = [ReqSet(f"{rel} ({where})", f"pip install -r {rel}", reader.file(rel), role) for rel in parsed.files]
    out += [
        ReqSet(f"[project.optional-dependencies] {x} ({where})", f"pip install -e '.[{x}]'", (*reader.extra(x),), role)
        for x in parsed.extras
    ]
    out += [
        ReqSet(f"[dependency-groups] {g} ({where})", f"pip install --group {g}", tuple(reader.group(g)), role)
        for g in parsed.groups
    ]
    if parsed.requirements:
        out.append(ReqSet(where, None, parsed.requirements, role, inline=True))
    return out


def _pyproject_sets(reader: Reader, data: Mapping[str, Any]) -> list[ReqSet]:
    def role(name: str) -> str:
        return "test" if name in TEST_GROUPS else "dev" if name in DEV_GROUPS else "other"

    # PEP 735 groups, then extras: (the table, how a set is named, how it is installed, its reader).
    standard = (
        (data.get("dependency-groups", {}), "[dependency-groups] {}", "pip install --group {}", reader.group),
        (
            data.get("project", {}).get("optional-dependencies", {}),
            "[project.optional-dependencies] {}",
            "pip install -e '.[{}]'",
            reader.extra,
        ),
    )
    out: list[ReqSet] = []
    for table, where, command, read in standard:
        for name, items in table.items():
            if isinstance(items, list):
                out.append(ReqSet(where.format(name), command.format(name), tuple(read(name)), role(name), inline=True))
    poetry = data.get("tool", {}).get("poetry", {})
    tables = [(f"[tool.poetry.group.{n}]", n, g.get("dependencies")) for n, g in poetry.get("group", {}).items()]
    tables.append(("[tool.poetry.dev-dependencies]", "", poetry.get("dev-dependencies")))
    for where, name, deps in tables:
        if isinstance(deps, dict):
            # Poetry's own constraint syntax (`^1.2`) is not PEP 440: only the names are checked.
            names = tuple(n for n in deps if n != "python")
            command = f"poetry install --with {name}" if name else "poetry install"
            out.append(ReqSet(where, command, names, role(name or "dev"), inline=True))
    return out
