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


# The files to check set once in a script variable (modeled on Kludex/python-multipart), tox run by
# the running Python's factor (hynek/hatch-fancy-pypi-readme) and another project's suite run in its
# own checkout (python-poetry/cleo); see tests/data/ci/SOURCES.md.
SCOPED = {
    **HEALTHY,
    "fuzz/fuzz_add.py": "import sys\nimport os\n",  # unused imports CI never checks
    "scripts/check": '#!/bin/sh -e\nSOURCE_FILES="src tests"\nruff check $SOURCE_FILES\nmypy $SOURCE_FILES $EXTRA\n',
    "tox.ini": "[tox]\nenv_list = py3{10-14}, lint\n\n[testenv]\ncommands = pytest {posargs}\n",
    ".github/workflows/ci.yml": """
        on: [push]
        jobs:
          check:
            runs-on: ubuntu-latest
            steps:
              - run: scripts/check
              - run: >
                  uvx --with tox-uv
                  tox run -f py$(echo $PYTHON | tr -d .)
          downstream:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - uses: actions/checkout@v4
                with:
                  repository: example/consumer
                  path: consumer
              - working-directory: ./consumer
                run: pytest
    """,
}


def test_ci_variables_factors_and_other_checkouts_scope_the_plan(make_repo: Make, run_gate: Run) -> None:
    import sys

    here = f"py{sys.version_info[0]}{sys.version_info[1]}"
    repo = make_repo(SCOPED)
    res = run_gate(repo, "--list-steps", "--only", "lint", "--only", "tests")
    assert res.code == 0, res.stderr
    body = res.stdout.split("\n", 2)[2]
    assert body.startswith(
        "lint (lint, ruff)\n"
        "  run: ruff check src tests --no-fix --extend-exclude=pyproject.toml --output-format=concise\n"
        "  why: script scripts/check runs ruff check src tests\n"
        "  from: scripts/check:3 (script)\n"
        "tests (tests, pytest)\n"
        "  run: python -m pytest --color=no\n"
        f"  why: tox env testenv (tox -f py$(...) taken as {here}, this Python's factor) runs pytest\n"
        "  from: tox.ini:5 (tox)\n"
    ), body
    assert (
        "  mypy: scripts/check:4 (script) [script scripts/check]: mypy src tests $EXTRA"
        " - cannot run here: uses $EXTRA, whose value is not known here\n"
    ) in body
    # Nor is mypy run over the files its configuration names in place of CI's unknown ones.
    assert (
        "  typecheck: CI runs mypy at scripts/check:4 (script) on files not known here (uses $EXTRA, whose"
        " value is not known here); the files configured in pyproject.toml [tool.mypy] are not run in their place\n"
    ) in body
    assert (
        "  pytest: .github/workflows/ci.yml:19 (github) [job downstream]: pytest"
        " - cannot run here: runs in ./consumer, another project's checkout\n"
    ) in body
    # CI checks src and tests only: the unused imports in fuzz/ are not the gate's to report.
    res = run_gate(repo, "--only", "lint", "--no-cache")
    assert res.code == 0, res.stdout + res.stderr
    assert res.step("lint")["status"] == "passed"
