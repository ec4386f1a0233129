"""Checks planned from configuration alone run only when the project's CI runs their tool; the
environment a step's CI source sets goes with it. Real repositories, real ``gate fast --list-steps``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.conftest import HEALTHY, GateRun

Make = Callable[..., Path]
Run = Callable[..., GateRun]

# Modeled on python-poetry/tomlkit (see tests/data/steps/SOURCES.md): [tool.mypy] (and ruff) are
# configured but the only workflow runs the tests; nothing runs mypy.
MYPY_ONLY_CONFIGURED = {
    **HEALTHY,
    ".github/workflows/tests.yml": """
        on: [push]
        jobs:
          tests:
            runs-on: ubuntu-latest
            steps:
              - run: pytest -q tests
    """,
}


def _not_planned(res: GateRun) -> dict[str, str]:
    assert res.code == 0, res.stderr
    lines = res.stdout.split("not planned:\n", 1)[1].splitlines()
    return dict(line.strip().split(": ", 1) for line in lines if line.strip())


def test_a_configured_check_no_ci_source_runs_is_not_planned(make_repo: Make, run_gate: Run) -> None:
    res = run_gate(make_repo(MYPY_ONLY_CONFIGURED), "--list-steps")
    assert _not_planned(res)["typecheck"] == (
        "configured in pyproject.toml [tool.mypy], but none of the project's CI sources runs mypy"
        " (checked: .github/workflows/tests.yml); declare it in [tool.sdetkit.gate.fast.steps] to run it"
    )
    assert "\ntests (tests, pytest)\n" in res.stdout  # tests are exempt: they run wherever they exist


def test_without_any_ci_source_the_configuration_still_plans_the_check(make_repo: Make, run_gate: Run) -> None:
    files = {k: v for k, v in MYPY_ONLY_CONFIGURED.items() if not k.startswith(".github/")}
    res = run_gate(make_repo(files), "--list-steps")
    assert "typecheck (typecheck, mypy)" in res.stdout
    assert "from: pyproject.toml [tool.mypy] (config)" in res.stdout


def test_ci_running_the_gate_itself_runs_the_configured_checks(make_repo: Make, run_gate: Run) -> None:
    # As this project's own CI: an entry script calls a make target that runs `sdetkit gate fast`.
    files = {
        **{k: v for k, v in MYPY_ONLY_CONFIGURED.items() if not k.startswith(".github/")},
        ".ci/run": "#!/bin/sh\nmake check\n",
        "Makefile": "check:\n\tpython -m sdetkit gate fast --skip lint\n",
    }
    res = run_gate(make_repo(files), "--list-steps")
    assert "from: pyproject.toml [tool.mypy] (config)" in res.stdout
    # The step the CI call skips is one CI does not run.
    assert _not_planned(res)["lint"].startswith(
        "configured in pyproject.toml, but none of the project's CI sources runs ruff check"
        " (checked: .ci/run, Makefile)"
    )


# Modeled on Delgan/loguru (see tests/data/steps/SOURCES.md): [tool.pyright] is configured and the
# pre-commit hooks run ruff, nothing runs pyright.
def test_a_pyright_configuration_nothing_runs_is_not_planned(make_repo: Make, run_gate: Run) -> None:
    files = {
        **HEALTHY,
        "pyproject.toml": HEALTHY["pyproject.toml"] + '\n[tool.pyright]\ntypeCheckingMode = "strict"\n',
        ".pre-commit-config.yaml": (
            "repos:\n- repo: https://github.com/astral-sh/ruff-pre-commit\n  rev: v0.15.9\n  hooks:\n  - id: ruff\n"
        ),
    }
    res = run_gate(make_repo(files), "--list-steps")
    assert _not_planned(res)["pyright"] == (
        "configured in pyproject.toml [tool.pyright], but none of the project's CI sources runs pyright"
        " (checked: .pre-commit-config.yaml); declare it in [tool.sdetkit.gate.fast.steps] to run it"
    )
    assert "from: .pre-commit-config.yaml:5 (pre-commit)" in res.stdout  # the lint step CI runs stays


# Modeled on PyCQA/pyflakes (see tests/data/steps/SOURCES.md): tox sets a variable the tests read.
def test_the_tox_envs_set_env_reaches_the_step(make_repo: Make, run_gate: Run) -> None:
    files = {
        **HEALTHY,
        "tox.ini": """
            [tox]
            envlist = py

            [testenv]
            setenv =
                PKG_STRICT=1
            commands = pytest tests
        """,
        "tests/test_env.py": "import os\n\n\ndef test_env() -> None:\n    assert os.environ['PKG_STRICT'] == '1'\n",
    }
    repo = make_repo(files)
    listed = run_gate(repo, "--list-steps", "--only", "tests")
    assert "  why: tox env testenv runs pytest tests; with PKG_STRICT=1 as its source sets\n" in listed.stdout
    res = run_gate(repo, "--only", "tests")
    assert res.code == 0, res.stdout + res.stderr
    assert res.step("tests")["status"] == "passed"
