"""The coverage step: the threshold the project enforces, where it is set, read on the data of the
gate's own tests step with real coverage."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from sdetkit.model import FirstFailure, Status
from sdetkit.repo.config import ProjectFacts
from sdetkit.repo.environment import Environment
from sdetkit.steps.base import NotChosen, PlanContext
from sdetkit.steps.coverage import DATA_FILE, Coverage, Threshold, threshold
from sdetkit.steps.pytest import Pytest
from tests.conftest import HEALTHY, GateRun, write_files

# Modeled on a project whose test script runs the suite under coverage and then enforces a
# threshold with `coverage report --fail-under` (see tests/data/steps/SOURCES.md).
SCRIPT = "#!/bin/bash\ncoverage run -m pytest && coverage report --fail-under=100\n"
MODULES = frozenset({"pytest", "coverage", "unittest"})


def ctx(
    tmp: Path,
    evidence: dict[str, str] | None = None,
    pyproject: Mapping[str, Any] | None = None,
    modules: frozenset[str] = MODULES,
) -> PlanContext:
    env = Environment("/env/bin/python", "test", "3.11.0", "/env", "/env/bin", modules, {}, "", True)
    return PlanContext(ProjectFacts(tmp, pyproject=pyproject or {}, evidence=evidence or {}), env, "")


def test_threshold_from_ci_lines_then_configuration(tmp_path: Path) -> None:
    assert threshold(ctx(tmp_path, {"scripts/test.sh": SCRIPT})) == Threshold(
        "100", "scripts/test.sh", ("--fail-under=100",)
    )
    cov = {"tox.ini": "[testenv]\ncommands =\n    pytest --cov=calc --cov-fail-under 85 tests\n"}
    assert threshold(ctx(tmp_path, cov)) == Threshold("85", "tox.ini", ("--fail-under=85",))
    config = {"tool": {"coverage": {"report": {"fail_under": 95}}}}
    assert threshold(ctx(tmp_path, {}, config)) == Threshold("95", "pyproject.toml [tool.coverage.report]", ())
    write_files(tmp_path, {".coveragerc": "[run]\nbranch = True\n\n[report]\nfail_under = 80\n"})
    assert threshold(ctx(tmp_path)) == Threshold("80", ".coveragerc [report]", ())
    (tmp_path / ".coveragerc").unlink()
    assert threshold(ctx(tmp_path, {"Makefile": "cov:\n\tcoverage report --fail-under=$(MIN)\n"})) is None
    assert Coverage().discover(ctx(tmp_path)) == NotChosen(
        "coverage", "no coverage threshold (--fail-under in CI or fail_under configured)"
    )


def test_the_coverage_step_needs_the_tests_step_and_reads_its_data(tmp_path: Path) -> None:
    spec = Coverage().discover(ctx(tmp_path, {"scripts/test.sh": SCRIPT}))
    assert not isinstance(spec, NotChosen)
    assert (spec.command, spec.needs, spec.env) == (
        ("python", "-m", "coverage", "report", "--fail-under=100"),
        ("tests",),
        (("COVERAGE_FILE", DATA_FILE),),
    )
    tests = Pytest().discover(ctx(tmp_path, {"scripts/test.sh": SCRIPT}, {"tool": {"pytest": {}}}))
    assert not isinstance(tests, NotChosen)
    assert tests.command == ("python", "-m", "coverage", "run", "-m", "pytest")
    assert tests.env == spec.env
    assert tests.reason.endswith("; measured for the coverage step (scripts/test.sh enforces 100%) under coverage run")


def test_parallel_runs_are_measured_by_pytest_cov_or_run_serially(tmp_path: Path) -> None:
    evidence = {"Makefile": "test:\n\tpytest -n auto\n\tcoverage report --fail-under=90\n"}
    config: dict[str, Any] = {"tool": {"pytest": {}}}
    with_cov = Pytest().discover(ctx(tmp_path, evidence, config, MODULES | {"xdist", "pytest_cov"}))
    assert not isinstance(with_cov, NotChosen)
    assert with_cov.command == ("python", "-m", "pytest", "-n", "auto", "--cov", "--cov-report=")
    serial = Pytest().discover(ctx(tmp_path, evidence, config, MODULES | {"xdist"}))
    assert not isinstance(serial, NotChosen)
    assert serial.command == ("python", "-m", "coverage", "run", "-m", "pytest")
    assert serial.reason.endswith(
        "serially: measuring coverage across xdist workers needs pytest-cov, which is not installed"
    )


def test_reading_the_result() -> None:
    c = Coverage()
    assert [c.status(code) for code in (0, 2, 1)] == [Status.PASSED, Status.FAILED, Status.ERROR]
    out = "TOTAL    10    2    80%\nCoverage failure: total of 80 is less than fail-under=90\n"
    assert c.first_failure(out, Path(), Path()) == FirstFailure("total coverage 80% is below the threshold of 90%")
    assert c.first_failure("No data to report.\n", Path(), Path()) == FirstFailure(
        "no coverage data from this run: the tests step did not run under coverage"
    )


WORKFLOW = """
    jobs:
      test:
        runs-on: ubuntu-latest
        steps:
          - run: coverage run -m unittest discover -s calc/tests -t .
          - run: coverage report --fail-under={under}
"""
CALC = {
    "pyproject.toml": '[project]\nname = "calc"\nversion = "0.1"\n\n[tool.coverage.run]\nsource = ["calc"]\n',
    "calc/__init__.py": (
        "def add(a: int, b: int) -> int:\n    return a + b\n\n\ndef sub(a: int, b: int) -> int:\n    return a - b\n"
    ),
    "calc/tests/__init__.py": "",
    "calc/tests/test_add.py": (
        "import unittest\n\nfrom calc import add\n\n\nclass AddTest(unittest.TestCase):\n"
        "    def test_add(self) -> None:\n        self.assertEqual(add(1, 2), 3)\n"
    ),
}


@pytest.mark.slow
def test_threshold_met_and_not_met_with_real_coverage(
    make_repo: Callable[..., Path], run_gate: Callable[..., GateRun]
) -> None:
    below = make_repo({**CALC, ".github/workflows/ci.yml": WORKFLOW.format(under=100)})
    run = run_gate(below)
    assert run.code == 1, run.stdout + run.stderr
    assert run.step("tests")["status"] == "passed"
    step = run.step("coverage")
    assert step["status"] == "failed"
    assert step["first_failure"]["message"] == "total coverage 89% is below the threshold of 100%"
    met = make_repo({**CALC, ".github/workflows/ci.yml": WORKFLOW.format(under=85)}, name="met")
    run = run_gate(met)
    assert (run.code, run.step("coverage")["status"]) == (0, "passed"), run.stdout + run.stderr
    # Measured in sdetkit's own run folder: nothing is written into the repository.
    assert not (met / ".coverage").exists() and not (below / ".coverage").exists()
    pytest_repo = make_repo({**HEALTHY, "scripts/test.sh": SCRIPT.replace("100", "100.0")}, name="pytest-coverage")
    run = run_gate(pytest_repo)
    assert (run.code, run.step("coverage")["status"]) == (0, "passed"), run.stdout + run.stderr


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        # Modeled on projects that enforce full coverage through the covdefaults plugin alone
        # (see tests/data/steps/SOURCES.md): the plugin sets fail_under 100.
        ({"setup.cfg": "[coverage:run]\nplugins = covdefaults\n"},
         Threshold("100", "setup.cfg [coverage:run] plugins = covdefaults (fail_under 100)", ())),
        ({"pyproject.toml": "[project]\nname = 'x'\n\n[tool.coverage.run]\nplugins = ['covdefaults']\n"},
         Threshold("100", "pyproject.toml [tool.coverage.run] plugins = covdefaults (fail_under 100)", ())),
        # A fail_under of the project's own wins over the plugin's default.
        ({".coveragerc": "[run]\nplugins = covdefaults\n\n[report]\nfail_under = 90\n"},
         Threshold("90", ".coveragerc [report]", ())),
        ({".coveragerc": "[run]\nplugins =\n    other_plugin\n"}, None),
    ],
)  # fmt: skip
def test_the_covdefaults_plugin_enforces_full_coverage(
    tmp_path: Path, files: dict[str, str], expected: Threshold | None
) -> None:
    from sdetkit.repo import config

    write_files(tmp_path, files)
    facts = config.load(tmp_path)  # the files as the gate reads them
    assert threshold(ctx(tmp_path)._replace(facts=facts)) == expected


# Modeled on a nox session whose pytest line measures its package and enforces 100% through
# pytest-cov (see tests/data/steps/SOURCES.md): the figure is over the package, not the tests too.
NOX_COV = (
    "import nox\n\n\n@nox.session\ndef test(session):\n    session.install('.', 'pytest-cov')\n"
    "    session.run('pytest', '--cov=calc', '--cov-fail-under=100', 'tests')\n"
)


@pytest.mark.parametrize(
    ("modules", "parallel", "expected"),
    [
        (MODULES, False, ("python", "-m", "coverage", "run", "--source=calc", "-m", "pytest", "tests")),
        (MODULES | {"pytest_cov", "xdist"}, True,
         ("python", "-m", "pytest", "tests", "-n", "auto", "--cov=calc", "--cov-report=")),
    ],
)  # fmt: skip
def test_the_tests_step_measures_what_ci_measures(
    tmp_path: Path, modules: frozenset[str], parallel: bool, expected: tuple[str, ...]
) -> None:
    from sdetkit.steps.coverage import measured

    command = ("python", "-m", "pytest", "tests", *(("-n", "auto") if parallel else ()))
    run = measured(ctx(tmp_path, {"noxfile.py": NOX_COV}, modules=modules), command, parallel)
    assert run is not None and run.command == expected
    assert run.note.startswith("measured for the coverage step (noxfile.py enforces 100%), over calc as CI measures")


@pytest.mark.slow
def test_parallel_data_files_are_combined_in_the_gates_folder_before_the_report(
    make_repo: Callable[..., Path], run_gate: Callable[..., GateRun], tmp_path: Path
) -> None:
    # Modeled on projects that set `parallel = true` and run `coverage combine` before `coverage
    # report` in CI (see tests/data/steps/SOURCES.md): each process writes its own data file, and a
    # coverage before reports combined by themselves (7.6 here) reports "No data" without combine.
    venv = tmp_path / "old-coverage"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", "coverage==7.6.0"], check=True, capture_output=True)
    parallel = CALC["pyproject.toml"] + "parallel = true\n"
    repo = make_repo({**CALC, "pyproject.toml": parallel, ".github/workflows/ci.yml": WORKFLOW.format(under=100)})
    listing = run_gate(repo, "--list-steps", "--python", str(python))
    assert "; combines the parallel data files first (parallel = true in pyproject.toml [tool.coverage.run])\n" in (
        listing.stdout
    )
    run = run_gate(repo, "--python", str(python))
    step = run.step("coverage")
    assert (run.code, step["status"]) == (1, "failed"), run.stdout + run.stderr
    assert step["first_failure"]["message"] == "total coverage 89% is below the threshold of 100%"
    assert not list(repo.glob(".coverage*"))  # combined in the gate's own folder, never the project's


def test_the_coverage_step_comes_from_the_ci_line_it_runs_and_never_passes_it_over(
    make_repo: Callable[..., Path], run_gate: Callable[..., GateRun]
) -> None:
    # Modeled on hynek/hatch-fancy-pypi-readme's coverage job (`coverage combine`, then `coverage
    # report --fail-under=100`; see tests/data/steps/SOURCES.md).
    workflow = WORKFLOW.format(under=90).replace(
        "- run: coverage report", "- run: coverage html\n          - run: coverage report"
    )
    run = run_gate(make_repo({**CALC, ".github/workflows/ci.yml": workflow}), "--list-steps")
    assert run.code == 0, run.stderr
    listed = run.stdout[run.stdout.index("coverage (coverage, coverage)") :]
    assert "  from: .github/workflows/ci.yml:7 (github)\n" in listed, listed
    assert "coverage report --fail-under=90 - " not in listed  # its own line is not "passed over"
    assert "  passed over: .github/workflows/ci.yml:6 (github) [job test]: coverage html - " in listed
