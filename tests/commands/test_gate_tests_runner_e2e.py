"""Tests nobody would run never pass: test modules inside a package, and CI running them only where
this machine cannot (a job that needs its service containers), make the gate fail and the doctor's
test check fail (never skip)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.commands.test_doctor_e2e import doctor, status
from tests.conftest import GateRun

# Modeled on a project that keeps its tests in the package and runs them with nose2 in GitLab CI
# (see tests/data/steps/SOURCES.md).
FILES = {
    "pyproject.toml": '[project]\nname = "calc"\nversion = "0.1"\n',
    "calc/__init__.py": "def add(a: int, b: int) -> int:\n    return a + b\n",
    "calc/tests/__init__.py": "",
    "calc/tests/test_add.py": """
        import unittest

        from calc import add


        class AddTest(unittest.TestCase):
            def test_add(self) -> None:
                self.assertEqual(add(1, 2), 3)
    """,
    ".gitlab-ci.yml": """
        test:
          image: python:3.12
          services:
            - postgres:16
          script:
            - pip install nose2 .
            - nose2 -v -s calc/tests
    """,
}
WHY = (
    "no test runner could be planned: 1 test file under calc/tests, 1 with unittest suites, but no pytest "
    "configuration and .gitlab-ci.yml runs the tests with nose2; the project's automation does not run "
    "python -m unittest; no CI line that can run here runs another test runner"
)


def test_test_files_without_a_runner_fail_the_gate_and_the_doctor(
    make_repo: Callable[..., Path], run_gate: Callable[..., GateRun], cache_dir: Path
) -> None:
    repo = make_repo(FILES)
    run = run_gate(repo)
    assert run.code == 1, run.stderr
    assert run.artifact is not None and run.artifact["ok"] is False
    step = run.step("tests")
    assert step["status"] == "error" and step["message"].startswith(WHY), step
    _, doc, log = doctor(repo, cache_dir)
    assert status(doc)["tests.discoverable"] == "fail", log
    found = next(c for c in doc["checks"] if c["id"] == "tests.discoverable")
    assert found["message"].startswith(WHY)
