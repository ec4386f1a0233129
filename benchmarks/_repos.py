"""Temporary repositories the benchmarks measure: generated, committed, with no network.

- ``make_custom_repo``: custom steps only (sleep, CPU-bound loop, ``true``), for parallelism, cache
  and fixed overhead without any tool's own cost;
- ``make_real_repo``: a typed package with tests for ruff, mypy --strict and pytest;
- ``make_ci_repo``: the same package with a GitHub workflow whose ``run:`` lines are its CI;
- ``make_quick_repos``: two small repositories for the per-step overhead benchmark.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from _common import git_commit


def toml_str(value: str) -> str:
    return json.dumps(value)  # a JSON string is a valid TOML basic string for this content


def custom_steps_toml(steps: Mapping[str, Sequence[str]]) -> str:
    out = []
    for sid, argv in steps.items():
        out.append(f"[tool.sdetkit.gate.fast.steps.{sid}]")
        out.append("argv = [" + ", ".join(toml_str(a) for a in argv) + "]")
        out.append("")
    return "\n".join(out)


def make_custom_repo(root: Path, name: str, steps: Mapping[str, Sequence[str]]) -> Path:
    """A repository whose only steps are ``steps`` (id -> argv), as custom gate steps."""
    repo = root / name
    repo.mkdir(parents=True)
    head = f'[project]\nname = "{name}"\nversion = "0"\n\n'
    (repo / "pyproject.toml").write_text(head + custom_steps_toml(steps), "utf-8")
    git_commit(repo)
    return repo


SLEEP_CODE = "import time; time.sleep({d})"
CPU_CODE = "\n".join(
    [
        "import time",
        "end = time.process_time() + {d}",
        "while time.process_time() < end:",
        "    pass",
    ],
)

MODULE = '''"""Generated module {i}."""

from __future__ import annotations

from dataclasses import dataclass, field

{imports}

@dataclass(frozen=True)
class Item{i}:
    """A weighted item."""

    name: str
    weight: int
    tags: tuple[str, ...] = field(default_factory=tuple)

    def scaled(self, factor: int) -> Item{i}:
        return Item{i}(self.name, self.weight * factor, self.tags)

    def tagged(self, tag: str) -> Item{i}:
        return Item{i}(self.name, self.weight, (*self.tags, tag))


def total_{i}(items: list[Item{i}]) -> int:
    return sum(item.weight for item in items)


def by_tag_{i}(items: list[Item{i}]) -> dict[str, list[Item{i}]]:
    out: dict[str, list[Item{i}]] = {{}}
    for item in items:
        for tag in item.tags:
            out.setdefault(tag, []).append(item)
    return out


def fib_{i}(n: int) -> int:
    return n if n < 2 else fib_{i}(n - 1) + fib_{i}(n - 2)


def combined_{i}(n: int) -> int:
    return fib_{i}(n) + {prev_call}
'''

TEST = '''"""Tests of generated module {i}."""

from __future__ import annotations

import pytest

from benchpkg.mod_{i} import Item{i}, by_tag_{i}, combined_{i}, fib_{i}, total_{i}


@pytest.mark.parametrize("n", list(range({params})))
def test_fib_{i}(n: int) -> None:
    assert fib_{i}(n) >= 0


@pytest.mark.parametrize("factor", [1, 2, 3, 4, 5])
def test_scaled_{i}(factor: int) -> None:
    items = [Item{i}(f"x{{k}}", k).scaled(factor) for k in range(50)]
    assert total_{i}(items) == factor * sum(range(50))


def test_by_tag_{i}() -> None:
    items = [Item{i}(f"x{{k}}", k).tagged("even" if k % 2 == 0 else "odd") for k in range(10)]
    assert len(by_tag_{i}(items)["even"]) == 5


def test_combined_{i}() -> None:
    assert combined_{i}(10) >= 55
'''

REAL_PYPROJECT = """[project]
name = "benchpkg"
version = "0"

[tool.ruff]
line-length = 100
src = ["src", "tests"]

[tool.ruff.lint]
select = ["E", "F", "W", "I", "B", "UP"]

[tool.ruff.format]

[tool.mypy]
strict = true
files = ["src", "tests"]
mypy_path = "src"

[[tool.mypy.overrides]]
module = ["pytest.*", "_pytest.*"]
follow_imports = "silent"

[tool.pytest.ini_options]
testpaths = ["tests"]
pythonpath = ["src"]
"""


def make_real_repo(root: Path, modules: int, fib_params: int, name: str = "real-tools") -> Path:
    """A package of ``modules`` typed modules (each importing the previous one) and a test file
    for every other module (so mypy and pytest take similar time), configured for ruff lint +
    format, strict mypy and pytest."""
    repo = root / name
    pkg = repo / "src" / "benchpkg"
    tests = repo / "tests"
    pkg.mkdir(parents=True)
    tests.mkdir()
    (repo / "pyproject.toml").write_text(REAL_PYPROJECT, "utf-8")
    (pkg / "__init__.py").write_text('"""Generated package."""\n', "utf-8")
    (pkg / "py.typed").write_text("", "utf-8")
    for i in range(modules):
        if i == 0:
            imports, prev = "", "0"
        else:
            imports = f"from benchpkg.mod_{i - 1} import combined_{i - 1}\n"
            prev = f"combined_{i - 1}(3)"
        text = MODULE.format(i=i, imports=imports, prev_call=prev).replace("\n\n\n\n", "\n\n\n")
        (pkg / f"mod_{i}.py").write_text(text, "utf-8")
        if i % 2 == 0:
            (tests / f"test_mod_{i}.py").write_text(TEST.format(i=i, params=fib_params), "utf-8")
    git_commit(repo)
    return repo


# The CI of a typical small typed package: lint, format check, mypy on the package, the tests under
# coverage and a threshold (the package's odd modules are only partly tested: about 89 % covered).
CI_LINES = (
    "ruff check .",
    "ruff format --check .",
    "mypy src/benchpkg",
    "coverage run -m pytest",
    "coverage report --fail-under=80",
)


def github_workflow(lines: Sequence[str]) -> str:
    """A GitHub workflow with one job that checks out the project and runs ``lines`` in order."""
    steps = "".join(f"      - run: {line}\n" for line in lines)
    head = "name: ci\non: [push, pull_request]\njobs:\n  check:\n    runs-on: ubuntu-latest\n    steps:\n"
    return head + "      - uses: actions/checkout@v4\n" + steps


def make_ci_repo(root: Path, name: str, modules: int, fib_params: int, lines: Sequence[str] = CI_LINES) -> Path:
    """``make_real_repo``'s package whose CI is ``.github/workflows/ci.yml`` running ``lines``."""
    repo = make_real_repo(root, modules, fib_params, name)
    write(repo, {".github/workflows/ci.yml": github_workflow(lines)})
    git_commit(repo)
    return repo


@dataclass(frozen=True)
class Scenario:
    """One generated repository the gate benchmarks run on, and the ``--jobs`` values they try."""

    name: str
    description: str
    repo: Path
    jobs: tuple[int | None, ...] = (None,)
    similar: bool = True  # steps of similar duration: the parallel target applies


SCENARIOS = ("sleep", "cpu", "real")


def gate_scenarios(root: Path, quick: bool, only: Collection[str]) -> list[Scenario]:
    """The fast gate's scenarios: 4 sleeping steps, 4 CPU-bound steps (both also with --jobs 4) and
    the real tools on a generated package. ``--quick`` shortens the steps and the package."""
    step_s = 0.3 if quick else 0.5
    modules, fib_params = (40, 8) if quick else (120, 8)
    out = []
    for kind, template, what in (
        ("sleep", SLEEP_CODE, f"`time.sleep({step_s})` (waiting, no CPU)"),
        ("cpu", CPU_CODE, f"a {step_s} s CPU-bound busy loop"),
    ):
        if kind in only:
            code = template.format(d=step_s)
            repo = make_custom_repo(root, f"{kind}-4", {f"{kind}{i}": ["python", "-c", code] for i in range(4)})
            out.append(Scenario(f"{kind}-4", f"4 custom steps, each {what}", repo, jobs=(None, 4)))
    if "real" in only:
        repo = make_real_repo(root, modules, fib_params)
        what = f"a generated package ({modules} modules, {(modules + 1) // 2} test files)"
        out.append(Scenario("real-tools", f"ruff check + ruff format --check + mypy --strict + pytest on {what}", repo))
    return out


CLI_INIT = '''"""A small command-line tool whose tests run it as a subprocess."""

from __future__ import annotations

import argparse
import json
import logging
import textwrap
from decimal import Decimal


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="subproc-cli")
    parser.add_argument("amount")
    parser.add_argument("--width", type=int, default=40)
    args = parser.parse_args(argv)
    logging.getLogger(__name__).debug("amount %s", args.amount)
    total = Decimal(args.amount) * 2
    print(json.dumps({"total": str(total), "text": textwrap.shorten(str(total), args.width)}))
    return 0
'''
CLI_MAIN = "import sys\n\nfrom subproc_cli import main\n\nsys.exit(main())\n"
CLI_TEST = """import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SRC = str(Path(__file__).resolve().parents[1] / "src")


@pytest.mark.parametrize("amount", [{amounts}])
def test_cli_doubles(amount: str) -> None:
    env = {{**os.environ, "PYTHONPATH": SRC}}
    out = subprocess.run(
        [sys.executable, "-m", "subproc_cli", amount], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert json.loads(out)["total"] == str(2 * int(amount))
"""
CLI_PYPROJECT = """[project]
name = "subproc-cli"
version = "0"

[tool.pytest.ini_options]
testpaths = ["tests"]
pythonpath = ["src"]
"""
LIB_PYPROJECT = """[project]
name = "typed-lib"
version = "0"

[tool.ruff]
line-length = 100

[tool.mypy]
strict = true
files = ["src"]

[tool.pytest.ini_options]
testpaths = ["tests"]
pythonpath = ["src"]
"""
LIB_MODULE = '''"""Generated module {i}."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Item{i}:
    """A weighted item."""

    name: str
    weight: int

    def scaled(self, factor: int) -> Item{i}:
        return Item{i}(self.name, self.weight * factor)


def total_{i}(items: list[Item{i}]) -> int:
    return sum(item.weight for item in items)
'''
LIB_TEST = """from typedlib.mod_{i} import Item{i}, total_{i}


def test_total_{i}() -> None:
    assert total_{i}([Item{i}("a", 1).scaled(3), Item{i}("b", 2)]) == 5
"""


def write(root: Path, files: Mapping[str, str]) -> None:
    """Write ``files`` (relative path -> text) below ``root``."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")


def make_quick_repos(root: Path) -> list[Path]:
    """``subproc-cli`` (tests start the package as Python subprocesses, where a bytecode prefix hurts
    most) and ``typed-lib`` (ruff lint, mypy --strict, pytest)."""
    cli = root / "subproc-cli"
    amounts = ", ".join(f'"{n}"' for n in range(6))
    write(
        cli,
        {
            "pyproject.toml": CLI_PYPROJECT,
            "src/subproc_cli/__init__.py": CLI_INIT,
            "src/subproc_cli/__main__.py": CLI_MAIN,
            "tests/test_cli.py": CLI_TEST.format(amounts=amounts),
            ".gitignore": "build/\n",
        },
    )
    lib = root / "typed-lib"
    files = {"pyproject.toml": LIB_PYPROJECT, "src/typedlib/__init__.py": '"""Generated."""\n'}
    files["src/typedlib/py.typed"] = ""
    for i in range(6):
        files[f"src/typedlib/mod_{i}.py"] = LIB_MODULE.format(i=i)
        files[f"tests/test_mod_{i}.py"] = LIB_TEST.format(i=i)
    write(lib, files)
    for repo in (cli, lib):
        git_commit(repo)
    return [cli, lib]
