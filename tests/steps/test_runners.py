"""The other-runner provider: a CI line running a test runner no provider knows (nose2, a project's
own ``python -m pkg.tests.runner``) is the tests step, run as written in the target environment
and judged by its exit code."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from textwrap import dedent
from typing import Any

from sdetkit.model import ExternalProgram, MissingTool, Status
from sdetkit.repo.config import ProjectFacts, load
from sdetkit.repo.environment import Environment
from sdetkit.steps.base import NotChosen, PlanContext
from sdetkit.steps.runners import OtherTestRunner
from tests.conftest import GateRun, write_files

# Modeled on nose2's own tox.ini, whose test environment runs `nose2 -v --pretty-assert`, with the
# tests inside the package (see tests/data/steps/SOURCES.md).
TOX = """
    [tox]
    envlist = py3

    [testenv]
    deps = nose2
    commands = nose2 -v --pretty-assert {posargs}
"""
PACKAGE = {
    "pyproject.toml": '[project]\nname = "calc"\nversion = "0.1"\n',
    "calc/__init__.py": "def add(a: int, b: int) -> int:\n    return a + b\n",
    "calc/tests/__init__.py": "",
    "tox.ini": TOX,
}
PASSING = """
    import unittest

    from calc import add


    class AddTest(unittest.TestCase):
        def test_small(self) -> None:
            self.assertEqual(add(1, 2), 3)
"""
FAILING = PASSING.replace("(1, 2), 3)", "(9, 1), 11)")

# Modeled on simplejson's wheel workflow, which runs its unittest-based runner module
# `python -m simplejson.tests._cibw_runner .` (see tests/data/steps/SOURCES.md).
RUNNER_MODULE = """
    import sys
    import unittest

    if __name__ == "__main__":
        suite = unittest.defaultTestLoader.discover("calc/tests", top_level_dir=sys.argv[1])
        result = unittest.TextTestRunner(verbosity=2).run(suite)
        sys.exit(0 if result.wasSuccessful() else 1)
"""
WORKFLOW = """
    name: wheels
    on: [push]
    jobs:
      test:
        runs-on: ubuntu-latest
        steps:
          - uses: actions/checkout@v4
          - run: python -m pip install .
          - run: python -m calc.tests._runner .
"""


def _listed_and_passing(run_gate: Callable[..., GateRun], repo: Path, listed: str) -> dict[str, Any]:
    """The passing tests step of ``repo``, whose plan lists it as ``listed`` (no tool missing)."""
    listing = run_gate(repo, "--list-steps")
    assert listed in listing.stdout, listing.stdout + listing.stderr
    assert "tool missing" not in listing.stdout
    run = run_gate(repo, "--no-cache")
    assert run.code == 0, run.stdout + run.stderr
    step = run.step("tests")
    assert step["status"] == "passed"
    return step


def _failing(run_gate: Callable[..., GateRun], repo: Path, files: Mapping[str, str]) -> dict[str, Any]:
    """The tests step of ``repo`` with ``files`` written: failed on the test that adds wrong."""
    write_files(repo, files)
    run = run_gate(repo, "--no-cache")
    assert run.code == 1, run.stderr
    step = run.step("tests")
    assert (step["status"], step["first_failure"]["message"]) == ("failed", "AssertionError: 10 != 11")
    return step


def test_nose2_in_tox_passes_and_fails_as_ci_reads_its_exit_code(
    make_repo: Callable[..., Path], run_gate: Callable[..., GateRun]
) -> None:
    repo = make_repo({**PACKAGE, "calc/tests/test_add.py": PASSING})
    listed = (
        "tests (tests, nose2)\n"
        "  run: nose2 -v --pretty-assert\n"
        "  why: tox env testenv runs the tests as: nose2 -v --pretty-assert (judged by its exit code)\n"
        "  from: tox.ini:6 (tox)\n"
    )
    step = _listed_and_passing(run_gate, repo, listed)
    assert (step["argv"], step["origin"]) == (["nose2", "-v", "--pretty-assert"], "tox.ini:6 (tox)")

    step = _failing(run_gate, repo, {"calc/tests/test_add.py": FAILING})
    assert step["first_failure"]["test_id"] == "calc.tests.test_add.AddTest.test_small"


def test_a_project_runner_module_from_a_workflow_is_the_tests_step(
    make_repo: Callable[..., Path], run_gate: Callable[..., GateRun]
) -> None:
    files = {
        **{k: v for k, v in PACKAGE.items() if k != "tox.ini"},
        ".github/workflows/wheels.yml": WORKFLOW,
        "calc/tests/_runner.py": RUNNER_MODULE,
        "calc/tests/test_add.py": FAILING,
    }
    repo = make_repo(files)
    run = run_gate(repo, "--no-cache")
    assert run.code == 1, run.stderr
    step = run.step("tests")
    assert (step["status"], step["argv"], step["origin"]) == (
        "failed",
        ["python", "-m", "calc.tests._runner", "."],
        ".github/workflows/wheels.yml:9 (github)",
    )
    assert step["first_failure"]["test_id"] == "calc.tests.test_add.AddTest.test_small"
    write_files(repo, {"calc/tests/test_add.py": PASSING})
    assert run_gate(repo, "--no-cache").code == 0


def test_nose2_runs_from_the_target_environment_scripts_folder(tmp_path: Path) -> None:
    write_files(tmp_path, {**PACKAGE, "calc/tests/test_add.py": PASSING})
    scripts = tmp_path / "venv" / "bin"
    scripts.mkdir(parents=True)
    (scripts / "nose2").write_text("#!/bin/sh\n", encoding="utf-8")
    (scripts / "nose2").chmod(0o755)
    venv = str(tmp_path / "venv")
    env = Environment(sys.executable, "--python", "3.11.0", venv, str(scripts), frozenset(), {}, "", True)
    spec = OtherTestRunner().discover(PlanContext(load(tmp_path), env, ""))
    assert not isinstance(spec, NotChosen)
    assert spec.program == ExternalProgram(str(scripts / "nose2"))
    # Not in the scripts folder and not on PATH: says where it looked and how to install it.
    (scripts / "nose2").unlink()
    spec = OtherTestRunner().discover(PlanContext(load(tmp_path), env, str(tmp_path / "empty")))
    assert not isinstance(spec, NotChosen) and isinstance(spec.program, MissingTool)
    assert spec.program.install == f"{sys.executable} -m pip install nose2"


def _planned(evidence: Mapping[str, str], tmp_path: Path) -> str:
    found = OtherTestRunner().discover(_ctx_from(tmp_path, evidence))
    return found.reason if isinstance(found, NotChosen) else " ".join(found.command)


def _ctx_from(tmp_path: Path, evidence: Mapping[str, str]) -> PlanContext:
    from sdetkit import ci

    facts = ProjectFacts(tmp_path, evidence=evidence, automation=ci.commands(evidence))
    env = Environment(sys.executable, "test", "3.11.0", "/e", "/e/bin", frozenset(), {}, "", True)
    return PlanContext(facts, env, "")


def test_planned_only_from_a_runnable_ci_line_and_only_without_pytest_or_unittest(tmp_path: Path) -> None:
    nose = "test:\n  script:\n    - nose2 -v\n"
    assert _planned({".gitlab-ci.yml": nose}, tmp_path) == "nose2 -v"
    services = "test:\n  services:\n    - redis\n  script:\n    - nose2 -v\n"
    assert _planned({".gitlab-ci.yml": services}, tmp_path) == "no CI line that can run here runs another test runner"
    both = "test:\n  script:\n    - nose2 -v\n    - python -m pytest\n"
    assert _planned({".gitlab-ci.yml": both}, tmp_path) == "the project's automation runs pytest or python -m unittest"
    # A `python -m` module that names no tests is not a test runner.
    build = "test:\n  script:\n    - python -m build .\n"
    assert _planned({".gitlab-ci.yml": build}, tmp_path) == "no CI line that can run here runs another test runner"


def test_any_other_exit_code_fails(tmp_path: Path) -> None:
    runner = OtherTestRunner()
    assert [runner.status(c) for c in (0, 1, 2, 5, 127)] == [Status.PASSED] + [Status.FAILED] * 4
    first = runner.first_failure("collecting\nImportError: No module named 'calc'\n", tmp_path, tmp_path)
    assert first is not None and first.message == "ImportError: No module named 'calc'"


# Modeled on stefankoegl/python-json-pointer: its workflow runs `make coverage`, whose target runs
# the single test script under coverage (see tests/data/steps/SOURCES.md).
MAKE_WORKFLOW = """
    name: test
    on: [push]
    jobs:
      test:
        runs-on: ubuntu-latest
        steps:
          - uses: actions/checkout@v4
          - run: make coverage
"""
MAKEFILE = "coverage:\n\tcoverage run --source=calc tests.py\n\tcoverage report -m\n"
SCRIPT = {
    "pyproject.toml": '[project]\nname = "calc"\nversion = "0.1"\n',
    "calc.py": "def add(a: int, b: int) -> int:\n    return a + b\n",
    "makefile": MAKEFILE,  # make's lower-case name, as the model project spells it
    ".github/workflows/test.yml": MAKE_WORKFLOW,
}
MAIN = '\n\nif __name__ == "__main__":\n    unittest.main()\n'
WITH_MAIN, FAILING_WITH_MAIN = dedent(PASSING) + MAIN, dedent(FAILING) + MAIN


def test_a_test_script_a_make_target_runs_is_the_tests_step(
    make_repo: Callable[..., Path], run_gate: Callable[..., GateRun]
) -> None:
    repo = make_repo({**SCRIPT, "tests.py": WITH_MAIN})
    listed = (
        "tests (tests, tests.py)\n"
        "  run: python tests.py\n"
        "  why: make coverage, called at .github/workflows/test.yml:8 runs the tests as: python tests.py"
        " (judged by its exit code)\n"
        "  from: makefile:2 (make)\n"
    )
    step = _listed_and_passing(run_gate, repo, listed)
    assert (step["argv"], step.get("message", "")) == (["python", "tests.py"], "")  # counted: no note

    _failing(run_gate, repo, {"tests.py": FAILING_WITH_MAIN})


def test_a_test_script_that_prints_no_count_passes_saying_the_count_is_unknown(
    make_repo: Callable[..., Path], run_gate: Callable[..., GateRun]
) -> None:
    # TestCase classes and no unittest.main(): the script defines tests and runs none of them.
    repo = make_repo({**SCRIPT, "tests.py": PASSING})
    run = run_gate(repo, "--no-cache")
    assert run.code == 0, run.stdout + run.stderr
    step = run.step("tests")
    assert (step["status"], step["message"]) == (
        "passed",
        "exit 0; the command printed no test count, so how many tests ran is unknown",
    )
    text = run_gate(repo, "--no-cache", "--format", "text", "--out", str(repo.parent / "gate.txt"))
    assert "note: exit 0; the command printed no test count, so how many tests ran is unknown\n" in (
        repo.parent / "gate.txt"
    ).read_text(encoding="utf-8"), text.stdout


def test_a_runner_that_ran_no_test_fails_though_it_exits_0(
    make_repo: Callable[..., Path], run_gate: Callable[..., GateRun]
) -> None:
    # unittest's own runner with nothing to run, told not to exit with its status: "Ran 0 tests", exit 0.
    script = "import unittest\n\nif __name__ == '__main__':\n    unittest.main(exit=False)\n"
    repo = make_repo({**SCRIPT, "tests.py": script})
    run = run_gate(repo, "--no-cache")
    assert run.code == 1, run.stdout + run.stderr
    step = run.step("tests")
    said = step["first_failure"]["message"]
    assert (step["status"], step["exit_code"]) == ("failed", 0)
    assert said.startswith("ran no test: the command printed 'Ran 0 tests in ") and said.endswith("s'"), said
