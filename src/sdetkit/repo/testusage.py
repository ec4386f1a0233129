"""What a project's tests use: the modules they import, the fixtures and markers they ask for, and
the options and settings of pytest's configuration. Read with ``ast``: nothing is imported or run.

Test files are the ones pytest would collect (``python_files`` under ``testpaths``, else under
``tests/`` or ``test/``) and every ``conftest.py``; other modules there count when a test file
imports them (helpers). Imports that are guarded (``try: ... except ImportError``) or only for type
checkers (``if TYPE_CHECKING:``) are optional and do not count. Reading is bounded.
"""

from __future__ import annotations

import ast
import fnmatch
import os
import shlex
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, NamedTuple

from sdetkit.repo.config import ProjectFacts

MAX_FILES = 2000
MAX_BYTES = 512 * 1024
_PRUNE = frozenset({"__pycache__", "node_modules", "venv", "build", "dist", "site-packages"})
_GUARDS = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})


class TestUsage(NamedTuple):
    imports: frozenset[str]  # top-level modules the tests import unconditionally
    fixtures: frozenset[str]  # fixtures requested and not defined by the tests themselves
    markers: frozenset[str]
    options: tuple[str, ...]  # pytest's addopts, one token each
    ini: Mapping[str, Any]  # pytest's configuration section
    where: str  # which file and section that is
    files: int  # how many files were read


class _Visitor(ast.NodeVisitor):
    def __init__(self) -> None:
        self.imports: set[str] = set()
        self.local: set[str] = set()  # module names that may be helper files next to the tests
        self.fixtures: set[str] = set()
        self.defined: set[str] = set()
        self.markers: set[str] = set()
        self._optional = 0

    def _module(self, dotted: str, absolute: bool) -> None:
        parts = dotted.split(".")
        self.local.update(parts)
        if absolute and not self._optional:
            self.imports.add(parts[0])

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._module(alias.name, True)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.module:
            self._module(node.module, node.level == 0)
        # `from . import helpers`, `from tests import helpers`: the names may be modules too.
        self.local.update(a.name for a in node.names)

    def visit_Try(self, node: ast.Try) -> None:
        guarded = any(
            h.type is None or any(isinstance(n, ast.Name) and n.id in _GUARDS for n in ast.walk(h.type))
            for h in node.handlers
        )
        self._optional += guarded
        for stmt in node.body:
            self.visit(stmt)
        self._optional -= guarded
        for part in (*node.handlers, *node.orelse, *node.finalbody):
            self.visit(part)

    def visit_If(self, node: ast.If) -> None:
        test = node.test
        if (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
            isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
        ):
            for stmt in node.orelse:
                self.visit(stmt)
            return
        self.generic_visit(node)

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        fixture = any("fixture" in ast.unparse(d).split("(")[0] for d in node.decorator_list)
        if fixture:
            self.defined.add(node.name)
        if fixture or node.name.startswith("test"):
            args = node.args
            self.fixtures.update(a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs))
        self.generic_visit(node)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._function(node)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        self._function(node)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        # `pytest.mark.asyncio`, `mark.django_db`: the attribute after `mark`.
        parent = node.value
        if (isinstance(parent, ast.Attribute) and parent.attr == "mark") or (
            isinstance(parent, ast.Name) and parent.id == "mark"
        ):
            self.markers.add(node.attr)
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        name = ast.unparse(node.func)
        if name.endswith("importorskip"):
            return  # a module the test skips without is optional by definition
        if name.endswith("usefixtures"):
            self.fixtures.update(_strings(node.args))
        self.generic_visit(node)

    def visit_Assign(self, node: ast.Assign) -> None:
        # `pytest_plugins = ["pkg.plugin"]` imports those modules when conftest loads.
        if any(isinstance(t, ast.Name) and t.id == "pytest_plugins" for t in node.targets):
            for plugin in _strings([node.value]):
                self._module(plugin, True)
        self.generic_visit(node)


def _strings(nodes: Iterable[ast.expr]) -> Iterator[str]:
    for node in nodes:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.value
        elif isinstance(node, (ast.List, ast.Tuple)):
            yield from _strings(node.elts)


def _words(value: Any) -> list[str]:
    """An ini value (``a b`` or ``a\\nb``) or a TOML list, as words."""
    if isinstance(value, list):
        return [str(v) for v in value]
    if isinstance(value, str):
        try:
            return shlex.split(value)
        except ValueError:
            return value.split()
    return []


def _test_files(root: Path, dirs: list[Path], patterns: list[str]) -> Iterator[tuple[Path, bool]]:
    """(file, collected) for every ``.py`` file under ``dirs``; collected ones match ``patterns``."""
    count = 0
    for top in dirs:
        if top.is_file():
            yield top, True
            continue
        for folder, subdirs, files in os.walk(top):
            subdirs[:] = sorted(d for d in subdirs if not d.startswith(".") and d not in _PRUNE)
            for name in sorted(files):
                if name.endswith(".py"):
                    count += 1
                    if count > MAX_FILES:
                        return
                    collected = name == "conftest.py" or any(fnmatch.fnmatch(name, p) for p in patterns)
                    yield Path(folder) / name, collected
    if (root / "conftest.py").is_file():
        yield root / "conftest.py", True


def _parse(path: Path) -> _Visitor | None:
    try:
        if path.stat().st_size > MAX_BYTES:
            return None
        tree = ast.parse(path.read_bytes(), filename=str(path))
    except (OSError, SyntaxError, ValueError):
        return None  # a file that does not parse is pytest's error to report
    found = _Visitor()
    found.visit(tree)
    return found


def scan(facts: ProjectFacts) -> TestUsage:
    """What the tests of ``facts.root`` import, request and configure."""
    root = facts.root
    where, ini = facts.pytest_ini() or ("", {})
    paths = [root / p for p in _words(ini.get("testpaths")) if (root / p).exists()]
    dirs = paths or [root / d for d in ("tests", "test") if (root / d).is_dir()]
    patterns = _words(ini.get("python_files")) or ["test_*.py", "*_test.py"]
    if not dirs:  # tests next to the code, as small projects keep them
        dirs = sorted(p for p in root.glob("*.py") if any(fnmatch.fnmatch(p.name, pat) for pat in patterns))
    parsed: dict[Path, tuple[_Visitor, bool]] = {}
    for path, collected in _test_files(root, dirs, patterns):
        found = _parse(path)
        if found is not None:
            parsed[path] = (found, collected)
    used = {p for p, (_, collected) in parsed.items() if collected}
    # Helper modules count once a counted file imports them (by module name), until nothing changes.
    while True:
        names = {n for p in used for n in parsed[p][0].local}
        more = {p for p in parsed if p not in used and p.stem in names}
        if not more:
            break
        used |= more
    visitors = [parsed[p][0] for p in used]
    defined = {f for v in visitors for f in v.defined}
    return TestUsage(
        imports=frozenset(n for v in visitors for n in v.imports),
        fixtures=frozenset(f for v in visitors for f in v.fixtures) - defined,
        markers=frozenset(m for v in visitors for m in v.markers),
        options=tuple(_words(ini.get("addopts"))),
        ini=ini,
        where=where,
        files=len(parsed),
    )


# Folders whose test files are not the project's own: environments and copies of other projects.
_NOT_OWN = _PRUNE | frozenset({"env", "vendor", "_vendor", "vendored", "third_party", "external"})
_TEST_FILES = ("test_*.py", "*_test.py")


class FoundTestFiles(NamedTuple):
    """Test modules anywhere in a project, as a runner's default discovery would name them."""

    files: tuple[str, ...]  # project-relative, sorted
    unittest_files: tuple[str, ...]  # those defining a ``unittest.TestCase`` subclass

    def where(self) -> str:
        """The folders holding them, most populated first (``pkg/tests``), at most three."""
        counts: dict[str, int] = {}
        for f in self.files:
            folder = f.rpartition("/")[0] or "."
            counts[folder] = counts.get(folder, 0) + 1
        ranked = sorted(counts, key=lambda k: (-counts[k], k))
        return ", ".join(ranked[:3]) + (f" and {len(ranked) - 3} more" if len(ranked) > 3 else "")


def _defines_testcase(path: Path) -> bool:
    try:
        if path.stat().st_size > MAX_BYTES or b"TestCase" not in (data := path.read_bytes()):
            return False
        tree = ast.parse(data, filename=str(path))
    except (OSError, SyntaxError, ValueError):
        return False
    return any(
        isinstance(n, ast.ClassDef) and any(ast.unparse(b).split(".")[-1].endswith("TestCase") for b in n.bases)
        for n in ast.walk(tree)
    )


def find_test_files(root: Path) -> FoundTestFiles:
    """Every ``test_*.py`` / ``*_test.py`` under ``root`` (inside packages too), skipping hidden,
    environment and vendored folders; bounded like the rest of the scan. In a git work tree, only
    the files git lists (tracked, or untracked and not ignored): an ignored ``build/`` or ``.tox``
    copy never counts."""
    from sdetkit.ci.files import listed

    paths = listed(root, untracked=True)
    found: list[str] = []
    if paths is not None:
        for path in paths:
            *folders, name = path.split("/")
            own = not any(d.startswith(".") or d in _NOT_OWN for d in folders)
            if own and any(fnmatch.fnmatch(name, p) for p in _TEST_FILES) and (root / path).is_file():
                found.append(path)
        found = found[:MAX_FILES]
        return FoundTestFiles(tuple(found), tuple(f for f in found if _defines_testcase(root / f)))
    for folder, subdirs, files in os.walk(root):
        subdirs[:] = sorted(d for d in subdirs if not d.startswith(".") and d not in _NOT_OWN)
        rel = Path(folder).relative_to(root).as_posix()
        for name in sorted(files):
            if any(fnmatch.fnmatch(name, p) for p in _TEST_FILES):
                found.append(name if rel == "." else f"{rel}/{name}")
        if len(found) >= MAX_FILES:
            break
    found.sort()
    return FoundTestFiles(tuple(found), tuple(f for f in found if _defines_testcase(root / f)))
