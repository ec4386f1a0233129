"""gate fast runs what the project's own automation runs: real repositories, real ruff and mypy."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.conftest import HEALTHY, GateRun

Make = Callable[..., Path]
Run = Callable[..., GateRun]

# The healthy project, without its ruff configuration: the hook is how it runs ruff.
PROJECT = {
    **HEALTHY,
    "pyproject.toml": HEALTHY["pyproject.toml"]
    .replace("[tool.ruff]", "[tool.other]")
    .replace("[tool.ruff.format]", ""),
    # Unused imports: the hook excludes docs/, so the gate must not report them.
    "docs/conf.py": "import os\nimport sys\n",
    ".pre-commit-config.yaml": """
        repos:
          - repo: https://github.com/astral-sh/ruff-pre-commit
            rev: v0.15.9
            hooks:
              - id: ruff
                args: [--fix]
                exclude: ^docs/
    """,
    "tox.ini": """
        [tox]
        env_list = py

        [testenv]
        commands = pytest {posargs:tests}
    """,
    ".github/workflows/ci.yml": """
        on: [push]
        jobs:
          types:
            runs-on: ubuntu-latest
            steps:
              - run: mypy src tests
              - run: make lint
          windows:
            runs-on: windows-latest
            steps:
              - run: python -m pytest tests
    """,
    "Makefile": "lint:\n\truff check .\n",
}


def test_list_steps_shows_each_steps_source_and_what_it_passed_over(make_repo: Make, run_gate: Run) -> None:
    repo = make_repo(PROJECT)
    res = run_gate(repo, "--list-steps", "--only", "lint", "--only", "typecheck", "--only", "tests")
    assert res.code == 0, res.stderr
    body = res.stdout.split("\n", 2)[2]
    assert body == (
        "lint (lint, ruff)\n"
        "  run: ruff check --force-exclude src/pkg/__init__.py tests/test_add.py --no-fix"
        " --extend-exclude=pyproject.toml --output-format=concise\n"
        "  why: hook ruff runs ruff check --force-exclude --fix on the 2 files the hook selects\n"
        "  from: .pre-commit-config.yaml:5 (pre-commit)\n"
        "  version: 0.15.9 (pinned in .pre-commit-config.yaml:3)\n"
        "  passed over: Makefile:2 (make) [make lint, called at .github/workflows/ci.yml:7]: ruff check ."
        " - a less trusted source than .pre-commit-config.yaml:5 (pre-commit)\n"
        "typecheck (typecheck, mypy)\n"
        "  run: python -m mypy src tests --no-pretty --no-color-output\n"
        "  why: job types runs mypy src tests\n"
        "  from: .github/workflows/ci.yml:6 (github)\n"
        "tests (tests, pytest)\n"
        "  run: python -m pytest --color=no\n"
        "  why: pyproject.toml [tool.pytest.ini_options] (testpaths: tests)\n"
        "  from: pyproject.toml [tool.pytest.ini_options] (config)\n"
        # No workflow calls tox: its file says nothing about what CI runs.
        "  passed over: tox.ini:5 (tox) [tox env testenv]: pytest tests"
        " - tox.ini is not run by the project's CI (no workflow calls tox)\n"
        "\n"
        "not planned:\n"
        "  pytest: .github/workflows/ci.yml:11 (github) [job windows]: python -m pytest tests"
        " - cannot run here: runs on windows-latest\n"
        "  format: no sign that the project formats with ruff ([tool.ruff.format], a ruff-format hook or a"
        " `ruff format` call)\n"
        "  pyright: no pyright configuration ([tool.pyright] or pyrightconfig.json)\n"
        "  coverage: no coverage threshold (--fail-under in CI or fail_under configured)\n"
    )


def test_the_gate_checks_the_files_the_hook_would_get(make_repo: Make, run_gate: Run) -> None:
    repo = make_repo(PROJECT)
    res = run_gate(repo, "--only", "lint", "--only", "typecheck")
    assert res.code == 0, res.stdout + res.stderr
    lint = res.step("lint")
    assert lint["status"] == "passed"
    assert lint["origin"] == ".pre-commit-config.yaml:5 (pre-commit)"
    assert res.step("typecheck")["origin"] == ".github/workflows/ci.yml:6 (github)"
    # The same unused import inside the hook's files is found.
    (repo / "src/pkg/extra.py").write_text("import os\n")
    from tests.conftest import git

    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "extra")
    res = run_gate(repo, "--only", "lint", "--no-cache")
    assert res.code == 1
    assert res.step("lint")["first_failure"]["file"] == "src/pkg/extra.py"
