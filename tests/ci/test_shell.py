"""How one shell command becomes the tool it runs: wrappers dropped, ``python -m`` kept, and a
test runner measured by ``coverage run -m`` read as the runner."""

from __future__ import annotations

import pytest

from sdetkit.ci.shell import tool_of


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("ruff check .", ("ruff", ("ruff", "check", "."), 1)),
        ("python -m mypy src", ("mypy", ("python", "-m", "mypy", "src"), 3)),
        ("uv run pytest -n auto", ("pytest", ("pytest", "-n", "auto"), 1)),
        ("coverage run -m unittest discover -s pkg/tests",
         ("unittest", ("python", "-m", "unittest", "discover", "-s", "pkg/tests"), 3)),
        ("coverage run --branch -m pytest tests", ("pytest", ("python", "-m", "pytest", "tests"), 3)),
        ("coverage report --fail-under=100", ("coverage", ("coverage", "report", "--fail-under=100"), 1)),
        ("nose2 -v", ("nose2", ("nose2", "-v"), 1)),
        ("python tests.py", ("test-script", ("python", "tests.py"), 2)),
        ("coverage run --source=pkg tests.py", ("test-script", ("python", "tests.py"), 2)),
        ("python -m coverage run --rcfile x.cfg tests/run.py -v",
         ("test-script", ("python", "tests/run.py", "-v"), 2)),
        ("python -m coverage run -m pytest", ("pytest", ("python", "-m", "pytest"), 3)),
        ("python setup.py test", None),
        ("coverage run setup.py test", ("coverage", ("coverage", "run", "setup.py", "test"), 1)),
        ("echo hello", None),
    ],
)  # fmt: skip
def test_the_tool_a_command_runs(words: str, expected: tuple[str, tuple[str, ...], int] | None) -> None:
    assert tool_of(words.split()) == expected


def test_a_python_module_that_names_tests_is_a_test_runner_command() -> None:
    from sdetkit.ci.shell import TEST_MODULE, tool_of

    assert tool_of(["python", "-m", "simplejson.tests._cibw_runner", "."]) == (
        TEST_MODULE,
        ("python", "-m", "simplejson.tests._cibw_runner", "."),
        3,
    )
    assert tool_of(["python3", "-m", "runtests"]) is not None
    assert tool_of(["python", "-m", "build", "."]) is None
    assert tool_of(["python", "-m", "pytest_benchmark"]) is None
