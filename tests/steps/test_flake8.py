"""flake8: planned only from a CI source that runs it; a pre-commit hook's args, files and pinned
rev are the step's; its reader gives the first ``file:line:col: CODE message`` finding."""

from __future__ import annotations

from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

from sdetkit.model import FirstFailure, StepSpec
from sdetkit.steps.flake8 import Flake8
from tests.conftest import GateRun

# Modeled on frostming/marko's pre-commit flake8 hook (pinned rev, with args) and a `files` filter
# (see tests/data/steps/SOURCES.md). The rev is the installed flake8's, so the test runs offline.
HOOKS = f"""
    repos:
      - repo: https://github.com/PyCQA/flake8
        rev: {version("flake8")}
        hooks:
          - id: flake8
            args: [--max-line-length=100]
            files: ^calc/
"""
FILES = {
    "pyproject.toml": '[project]\nname = "calc"\nversion = "0.1"\n',
    "calc/__init__.py": "def add(a, b):\n    return a + b  # a comment that makes this line longer than 79 chars\n",
    # Outside the hook's files: flake8 would report it, the hook never passes it.
    "scripts/tool.py": "import os\n",
    ".pre-commit-config.yaml": HOOKS,
}


def test_a_precommit_flake8_hook_runs_with_its_args_on_its_files(
    make_repo: Callable[..., Path], run_gate: Callable[..., GateRun]
) -> None:
    repo = make_repo(FILES)
    listing = run_gate(repo, "--list-steps")
    assert (
        "flake8 (lint, flake8)\n"
        "  run: flake8 --max-line-length=100 calc/__init__.py\n"
        "  why: hook flake8 runs flake8 --max-line-length=100 on the 1 files the hook selects\n"
        "  from: .pre-commit-config.yaml:5 (pre-commit)\n"
        f"  version: {version('flake8')} (pinned in .pre-commit-config.yaml:3)\n"
    ) in listing.stdout, listing.stdout + listing.stderr
    run = run_gate(repo, "--no-cache")
    assert run.code == 0, run.stderr
    assert run.step("flake8")["status"] == "passed"
    (repo / "calc" / "__init__.py").write_text("import os\n", encoding="utf-8")
    run = run_gate(repo, "--no-cache")
    assert run.code == 1, run.stderr
    step = run.step("flake8")
    assert (step["status"], step["first_failure"]["file"], step["first_failure"]["rule"]) == (
        "failed",
        "calc/__init__.py",
        "F401",
    )


def test_flake8_in_configuration_alone_is_not_planned(
    make_repo: Callable[..., Path], run_gate: Callable[..., GateRun]
) -> None:
    repo = make_repo({**{k: v for k, v in FILES.items() if k != ".pre-commit-config.yaml"}, ".flake8": "[flake8]\n"})
    listing = run_gate(repo, "--list-steps")
    assert "  flake8: no CI source runs flake8 (its configuration in .flake8 alone plans nothing)\n" in listing.stdout


def test_the_first_finding_is_read(tmp_path: Path) -> None:
    out = "calc/a.py:3:1: E302 expected 2 blank lines, found 1\ncalc/b.py:1:1: F401 'os' imported but unused\n"
    assert Flake8().first_failure(out, tmp_path, tmp_path) == FirstFailure(
        "expected 2 blank lines, found 1", "calc/a.py", 3, 1, "E302"
    )


# Modeled on PyCQA/pyflakes' tox.ini flake8 environment (see tests/data/steps/SOURCES.md).
TOX_PIN = """
    [tox]
    envlist = py3,flake8

    [testenv:flake8]
    skip_install = true
    deps = flake8==6.1.0
    commands = flake8 calc setup.py
"""


def test_a_tox_env_pins_the_version_flake8_runs_at(tmp_path: Path) -> None:
    from sdetkit.model import ExternalProgram
    from sdetkit.repo.config import load
    from sdetkit.repo.environment import Environment
    from sdetkit.steps.base import PlanContext
    from sdetkit.toolenv.planning import apply_pins
    from tests.conftest import write_files

    write_files(tmp_path, {"calc/__init__.py": "", "setup.py": "", "tox.ini": TOX_PIN})
    env = Environment("/e/bin/python", "test", "3.11.0", "/e", "/e/bin", frozenset(), {"flake8": "7.5.0"}, "", True)
    facts = load(tmp_path)
    spec = Flake8().discover(PlanContext(facts, env, ""))
    assert isinstance(spec, StepSpec) and spec.command == ("flake8", "calc", "setup.py")
    (pinned,), needed = apply_pins((spec,), facts, env, tmp_path / "cache", False)
    assert (pinned.tool_version, pinned.version_source) == ("6.1.0", "pinned in tox.ini:6")
    assert needed["flake8"].spec.version == "6.1.0"
    assert isinstance(pinned.program, ExternalProgram) and pinned.program.path.endswith("/bin/flake8")


def test_flake8_walking_the_tree_skips_the_folders_a_ci_checkout_does_not_have(
    make_repo: Callable[..., Path], run_gate: Callable[..., GateRun]
) -> None:
    # Modeled on stefankoegl/python-json-pointer's workflow, which runs a bare `flake8` over the
    # tree: a developer's ignored build folder and untracked virtual environment are not in CI's
    # checkout, and flake8 (no .gitignore support) would report their files here only.
    import subprocess
    import sys

    workflow = "jobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n      - run: flake8\n"
    repo = make_repo(
        {
            "pyproject.toml": '[project]\nname = "calc"\nversion = "0.1"\n',
            "calc.py": "def add(a, b):\n    return a + b\n",
            ".gitignore": "build/\n",
            ".github/workflows/ci.yml": workflow,
        }
    )
    (repo / "build").mkdir()
    (repo / "build" / "gen.py").write_text("import os\n", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(repo / "env")], check=True)
    (repo / "env" / "lib" / "junk.py").write_text("import sys\n", encoding="utf-8")
    run = run_gate(repo, "--no-cache", "--only", "flake8")
    step = run.step("flake8")
    assert step["status"] == "passed", step
    assert "--extend-exclude=build,env" in step["argv"]
    (repo / "calc.py").write_text("import os\n", encoding="utf-8")  # the project's own file still counts
    assert run_gate(repo, "--no-cache", "--only", "flake8").step("flake8")["first_failure"]["file"] == "calc.py"
