"""The mypy provider reads mypy's output, with and without columns."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sdetkit.model import FirstFailure
from sdetkit.steps.mypy import Mypy
from tests.conftest import GateRun


def test_mypy_with_and_without_columns() -> None:
    out = "src/a.py:1: note: x\nsrc/a.py:7:5: error: Incompatible return value type  [return-value]\n"
    assert Mypy().first_failure(out, Path(), Path()) == FirstFailure(
        "Incompatible return value type", "src/a.py", 7, 5, "return-value"
    )
    f = Mypy().first_failure("a.py:2: error: Name 'x' is not defined  [name-defined]\n", Path(), Path())
    assert f is not None and (f.line, f.column, f.rule) == (2, None, "name-defined")


# Modeled on asottile/pyupgrade (tests/data/steps/SOURCES.md): a mirrors-mypy hook written in the
# `-   repo:` / `-   id:` style beside a setup.cfg [mypy] section that names no files.
HOOK_AND_CONFIG = {
    "setup.cfg": "[metadata]\nname = upg\n\n[mypy]\ncheck_untyped_defs = true\ndisallow_any_generics = true\n",
    ".pre-commit-config.yaml": (
        "repos:\n"
        "-   repo: https://github.com/pre-commit/pre-commit-hooks\n    rev: v6.0.0\n    hooks:\n"
        "    -   id: trailing-whitespace\n"
        "-   repo: https://github.com/pre-commit/mirrors-mypy\n    rev: v0.0.3\n    hooks:\n"
        "    -   id: mypy\n"
    ),
    "upg/__init__.py": "import tokenize_rt\n",
    "tests/test_upg.py": "def test_a() -> None:\n    assert True\n",
    "README.md": "upg\n",
}


def test_a_mypy_hook_gives_the_step_its_args_its_files_and_its_version(
    make_repo: Callable[..., Path], run_gate: Callable[..., GateRun]
) -> None:
    run = run_gate(make_repo(HOOK_AND_CONFIG), "--list-steps", "--only", "typecheck")
    assert run.code == 0, run.stderr
    assert run.stdout.split("typecheck (typecheck, mypy)\n", 1)[1].split("\ntests (", 1)[0] == (
        "  run: python -m mypy --ignore-missing-imports tests/test_upg.py upg/__init__.py"
        " --no-pretty --no-color-output\n"
        "  why: hook mypy runs mypy --ignore-missing-imports on the 2 files the hook selects\n"
        "  from: .pre-commit-config.yaml:9 (pre-commit)\n"
        "  version: 0.0.3 (pinned in .pre-commit-config.yaml:7)"
    )
