"""Declared steps, environment choice and the small commands, through the real CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from sdetkit.evidence import schemas
from tests.conftest import HEALTHY, GateRun

pytestmark = pytest.mark.slow

Make = Callable[..., Path]
Run = Callable[..., GateRun]


def sdetkit(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sdetkit", *args], capture_output=True, text=True, check=False)


def test_replaced_and_turned_off_steps(make_repo: Make, run_gate: Run) -> None:
    files = dict(HEALTHY)
    files["pyproject.toml"] = (
        HEALTHY["pyproject.toml"]
        + """
        [tool.sdetkit.gate.fast.steps.format]
        enabled = false

        [tool.sdetkit.gate.fast.steps.tests]
        argv = ["python", "-m", "pytest", "tests/test_add.py", "-q"]
        timeout = 120
        needs = ["lint"]
    """
    )
    res = run_gate(make_repo(files))
    assert res.code == 0, res.stdout
    assert res.step("format")["status"] == "skipped"
    assert res.step("format")["message"] == "turned off in pyproject.toml"
    tests = res.step("tests")
    assert tests["status"] == "passed"
    assert tests["needs"] == ["lint"]
    # The replacement runs pytest, so it keeps pytest's plumbing (JUnit report, cache outside).
    assert tests["argv"][:5] == ["python", "-m", "pytest", "tests/test_add.py", "-q"]
    assert "--junitxml=<tmp>/junit.xml" in tests["argv"]
    assert "command replaced in pyproject.toml" in tests["reason"]


def test_python_in_a_declared_argv_is_the_target_interpreter(make_repo: Make, run_gate: Run, tmp_path: Path) -> None:
    marker = tmp_path / "exe.txt"
    repo = make_repo(
        {
            "sdetkit.toml": f'[gate.fast.steps.which]\nargv = ["python", "which.py", "{marker}"]\n',
            "which.py": "import sys\nopen(sys.argv[1], 'w').write(sys.executable)\n",
        }
    )
    res = run_gate(repo)
    assert res.code == 0, res.stdout + res.stderr
    assert marker.read_text() == sys.executable


def test_missing_declared_program_is_an_error_not_a_crash(make_repo: Make, run_gate: Run) -> None:
    res = run_gate(make_repo({"sdetkit.toml": '[gate.fast.steps.x]\nargv = ["no-such-program-anywhere"]\n'}))
    assert res.code == 1
    assert res.step("x")["status"] == "error"
    assert "program not found: no-such-program-anywhere" in res.step("x")["message"]


def test_repository_venv_is_found_and_kept_out_of_the_tree_state(make_repo: Make, run_gate: Run) -> None:
    repo = make_repo({**HEALTHY, ".gitignore": ""})  # .venv deliberately not ignored
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", "--system-site-packages", str(repo / ".venv")], check=True
    )
    res = run_gate(repo, "--only", "typecheck", python=None)
    assert res.artifact is not None
    assert res.artifact["run"]["python"]["source"] == ".venv"
    assert res.artifact["dirty"] is False


def test_list_steps_reports_the_chosen_environment(make_repo: Make, run_gate: Run) -> None:
    res = run_gate(make_repo(), "--list-steps")
    assert res.stdout.startswith(f"environment: {sys.executable} (--python)")


def test_schema_show_prints_the_shipped_schema() -> None:
    listed = sdetkit("schema", "show")
    assert listed.returncode == 0 and listed.stdout.split() == list(schemas.NAMES)
    shown = sdetkit("schema", "show", "gate-fast")
    assert shown.returncode == 0
    assert json.loads(shown.stdout)["properties"]["schema_name"] == {"const": "sdetkit.gate.fast"}
    bad = sdetkit("schema", "show", "nope")
    assert (
        bad.returncode == 2
        and bad.stderr.strip()
        == "sdetkit: error: unknown schema 'nope' (known: "
        "gate-fast, gate-release, doctor, decision, triage, portfolio-scorecard, kpi-weekly, rollout-status, "
        "governance-schema-diff, governance-removals, governance-status, release-checklist, incidents, incident-slo, "
        "portfolio-check)"
    )


def test_version_and_help() -> None:
    from sdetkit import __version__

    assert sdetkit("--version").stdout.strip() == f"sdetkit {__version__}"
    helped = sdetkit("gate", "fast", "--help")
    assert helped.returncode == 0
    for flag in (
        "--only",
        "--skip",
        "--list-steps",
        "--no-cache",
        "--fix",
        "--python",
        "--stable-json",
        "--jobs",
        "--timeout",
    ):
        assert flag in helped.stdout


def test_bad_flag_values_exit_2() -> None:
    for args in (
        ("gate", "fast", "--jobs", "0"),
        ("gate", "fast", "--timeout", "-1"),
        ("gate", "fast", "--format", "xml"),
    ):
        res = sdetkit(*args)
        assert res.returncode == 2, args


def test_python_that_does_not_exist_is_a_usage_error(make_repo: Make, run_gate: Run, tmp_path: Path) -> None:
    res = run_gate(make_repo(), python=str(tmp_path / "nope" / "python"))
    assert res.code == 2
    assert "no such interpreter" in res.stderr


def test_step_environment_keeps_tool_caches_out_of_the_repository(
    make_repo: Make, run_gate: Run, cache_dir: Path
) -> None:
    repo = make_repo()
    res = run_gate(repo, "--no-cache")
    assert res.code == 0
    assert not any(p.name in {".mypy_cache", ".ruff_cache", ".pytest_cache", "__pycache__"} for p in repo.rglob("*"))
    assert any(cache_dir.rglob("*")), "tool caches should live under the sdetkit cache directory"


def test_mypy_without_configured_files_runs_as_the_projects_automation_does(make_repo: Make, run_gate: Run) -> None:
    files = dict(HEALTHY)
    files["pyproject.toml"] = HEALTHY["pyproject.toml"].replace('files = ["src"]', 'mypy_path = "src"')
    # src/ has a type error, but the project's own tox env only type-checks typing_tests/.
    files["src/pkg/__init__.py"] = 'def add(a: int, b: int) -> int:\n    return "x"  # type: ignore[return-value]\n'
    files["src/pkg/legacy.py"] = "def f(x):\n    return x\n"
    files["typing_tests/check.py"] = "from pkg import add\n\nreveal: int = add(1, 2)\n"
    files["tox.ini"] = "[testenv:typing]\ncommands =\n    mypy typing_tests {posargs}\n"
    res = run_gate(make_repo(files), "--only", "typecheck")
    step = res.step("typecheck")
    assert step["argv"][:4] == ["python", "-m", "mypy", "typing_tests"]
    assert step["reason"] == "tox env typing runs mypy typing_tests"
    assert step["origin"] == "tox.ini:3 (tox)"
    assert res.code == 0, step["log_tail"]


def test_usage_errors_are_one_line() -> None:
    res = sdetkit("gate", "fast", "--jobs", "0")
    assert res.returncode == 2
    assert res.stderr.splitlines() == [
        "sdetkit: error: argument --jobs: expected a positive whole number, got '0' (see `sdetkit gate fast --help`)"
    ]
