"""The unittest provider: chosen where the project's automation runs ``python -m unittest`` and
nothing runs pytest; its failure reader; and a real failing suite inside a package failing the gate."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from sdetkit.model import FirstFailure, Status
from sdetkit.repo.config import ProjectFacts
from sdetkit.repo.environment import Environment
from sdetkit.steps.base import NotChosen, PlanContext
from sdetkit.steps.unittest import Unittest, runner_calls
from tests.conftest import GateRun

# Modeled on a project whose tests live in the package and whose GitHub workflow runs them with
# unittest discovery (see tests/data/steps/SOURCES.md).
WORKFLOW = """
    name: tests
    on: [push, pull_request]
    jobs:
      test:
        runs-on: ubuntu-latest
        steps:
          - uses: actions/checkout@v4
          - uses: actions/setup-python@v5
          - run: python -m pip install .
          - run: python -m unittest discover -s calc/tests -t . -v
"""
PACKAGE = {
    "pyproject.toml": '[project]\nname = "calc"\nversion = "0.1"\n',
    "calc/__init__.py": "def add(a: int, b: int) -> int:\n    return a + b\n",
    "calc/tests/__init__.py": "",
    ".github/workflows/tests.yml": WORKFLOW,
}
PASSING = """
    import unittest

    from calc import add


    class AddTest(unittest.TestCase):
        def test_small(self) -> None:
            self.assertEqual(add(1, 2), 3)
"""
FAILING = (
    PASSING
    + """
        def test_carry(self) -> None:
            self.assertEqual(add(9, 1), 11)
"""
)

# What unittest prints (3.11+) for one failure and one error, the project root shown as ".".
OUTPUT = """\
test_carry (calc.tests.test_add.AddTest.test_carry) ... FAIL
test_load (calc.tests.test_io.IoTest.test_load) ... ERROR

======================================================================
FAIL: test_carry (calc.tests.test_add.AddTest.test_carry)
----------------------------------------------------------------------
Traceback (most recent call last):
  File "./calc/tests/test_add.py", line 12, in test_carry
    self.assertEqual(add(9, 1), 11)
AssertionError: 10 != 11

======================================================================
ERROR: test_load (calc.tests.test_io.IoTest.test_load)
----------------------------------------------------------------------
Traceback (most recent call last):
  File "./calc/tests/test_io.py", line 5, in test_load
    open("missing")
FileNotFoundError: [Errno 2] No such file or directory: 'missing'

----------------------------------------------------------------------
Ran 2 tests in 0.001s

FAILED (failures=1, errors=1)
"""


def ctx(tmp: Path, evidence: dict[str, str], pyproject: Mapping[str, Any] | None = None) -> PlanContext:
    env = Environment("/env/bin/python", "test", "3.11.0", "/env", "/env/bin", frozenset({"unittest"}), {}, "", True)
    return PlanContext(ProjectFacts(tmp, pyproject=pyproject or {}, evidence=evidence), env, "")


def test_planned_as_the_workflow_runs_it(tmp_path: Path) -> None:
    spec = Unittest().discover(ctx(tmp_path, {".github/workflows/tests.yml": WORKFLOW}))
    assert not isinstance(spec, NotChosen)
    assert spec.command == ("python", "-m", "unittest", "discover", "-s", "calc/tests", "-t", ".", "-v")
    assert spec.reason == (
        ".github/workflows/tests.yml runs the tests as: python -m unittest discover -s calc/tests -t . -v"
    )


def test_not_chosen_where_pytest_runs_the_tests(tmp_path: Path) -> None:
    both = {"tox.ini": "[testenv]\ncommands =\n    pytest {posargs}\n", "Makefile": "test:\n\tpython -m unittest\n"}
    assert Unittest().discover(ctx(tmp_path, both)) == NotChosen(
        "tests", "pytest runs the tests (it collects unittest suites too)"
    )
    assert Unittest().discover(ctx(tmp_path, {})) == NotChosen(
        "tests", "the project's automation does not run python -m unittest"
    )


def test_other_runners_are_named() -> None:
    runs = runner_calls({"noxfile.py": 'import nox\n@nox.session\ndef t(session):\n    session.run("nose2", "-v")\n'})
    assert runs.runner_elsewhere() == "noxfile.py runs the tests with nose2"


def test_first_failure_is_the_first_block_located_in_the_project() -> None:
    assert Unittest().first_failure(OUTPUT, Path(), Path()) == FirstFailure(
        "AssertionError: 10 != 11", "calc/tests/test_add.py", 12, test_id="calc.tests.test_add.AddTest.test_carry"
    )
    error_first = OUTPUT[OUTPUT.index("ERROR: test_load") :]
    assert Unittest().first_failure(error_first, Path(), Path()) == FirstFailure(
        "FileNotFoundError: [Errno 2] No such file or directory: 'missing'",
        "calc/tests/test_io.py",
        5,
        rule="error",
        test_id="calc.tests.test_io.IoTest.test_load",
    )
    assert Unittest().first_failure("\nNO TESTS RAN\n", Path(), Path()) == FirstFailure("unittest ran no tests")


def test_status_and_reproduce() -> None:
    u = Unittest()
    assert [u.status(c) for c in (0, 1, 5, 2)] == [Status.PASSED, Status.FAILED, Status.FAILED, Status.ERROR]
    first = {"test_id": "calc.tests.test_add.AddTest.test_carry"}
    assert u.reproduce("unittest", "tests", first) == "python -m unittest calc.tests.test_add.AddTest.test_carry"
    assert u.reproduce("pytest", "tests", first) is None


@pytest.mark.slow
def test_a_failing_suite_inside_the_package_fails_the_gate(
    make_repo: Callable[..., Path], run_gate: Callable[..., GateRun]
) -> None:
    repo = make_repo({**PACKAGE, "calc/tests/test_add.py": FAILING})
    run = run_gate(repo)
    assert run.code == 1, run.stderr
    step = run.step("tests")
    assert (step["status"], step["argv"][:4]) == ("failed", ["python", "-m", "unittest", "discover"])
    assert step["first_failure"] == {
        "message": "AssertionError: 10 != 11",
        "file": "calc/tests/test_add.py",
        "line": 11,
        "column": None,
        "rule": None,
        "test_id": "calc.tests.test_add.AddTest.test_carry",
    }
    passing = make_repo({**PACKAGE, "calc/tests/test_add.py": PASSING}, name="passing")
    run = run_gate(passing, python=sys.executable)
    assert (run.code, run.step("tests")["status"]) == (0, "passed"), run.stdout


def test_the_chosen_command_is_never_also_listed_as_passed_over(tmp_path: Path) -> None:
    """Modeled on a tox env running the suite with unittest (see tests/data/steps/SOURCES.md): the step
    names the tox line it runs, so the listing does not offer that same line as passed over."""
    from sdetkit.repo import config
    from sdetkit.steps import chosen
    from sdetkit.steps.unittest import Unittest
    from tests.conftest import write_files

    tox = "[tox]\nenv_list = py\n\n[testenv]\ncommands =\n    python -m unittest discover -s pkg/test\n"
    write_files(tmp_path, {"tox.ini": tox, "pkg/__init__.py": "", "pkg/test/__init__.py": ""})
    env = Environment("/env/bin/python", "test", "3.11.0", "/env", "/env/bin", frozenset(), {}, "", True)
    spec = Unittest().discover(PlanContext(config.load(tmp_path), env, ""))
    assert not isinstance(spec, NotChosen)
    assert spec.origin == "tox.ini:6 (tox)"
    assert chosen.passed_over(config.load(tmp_path), "unittest", None, spec.origin) == []
