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
        ("uvx --with tox-uv tox run -e py", ("tox", ("tox", "run", "-e", "py"), 1)),
        ("uv run -p 3.12 --frozen pytest", ("pytest", ("pytest",), 1)),
        # A wrapper's option that takes a value is not the command it runs.
        ("uvx --with tox-uv tox run -e mypy", ("tox", ("tox", "run", "-e", "mypy"), 1)),
        ("uv run --group lint --frozen ruff check", ("ruff", ("ruff", "check"), 1)),
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


def test_assignments_carry_on_and_an_unknown_value_is_never_read_as_empty() -> None:
    from sdetkit.ci.model import Origin
    from sdetkit.ci.shell import job_commands

    known: dict[str, str] = {}
    lines = [
        'SOURCE_FILES="pkg other tests"',
        "export OUT=$(mktemp -d)",
        "ruff check $SOURCE_FILES",
        'mypy "${SOURCE_FILES}"',
        "pytest ${TESTS:-tests} --basetemp $OUT",
    ]
    origin = Origin("scripts/check", 1, "script")
    found = [c for line in lines for c in job_commands(line, origin, "", True, "", "", known)]
    assert known == {"SOURCE_FILES": "pkg other tests"}
    assert [(c.argv, c.why_not) for c in found] == [
        (("ruff", "check", "pkg", "other", "tests"), ""),
        (("mypy", "pkg other tests"), ""),  # quoted: one word, as the shell passes it
        (("pytest", "tests", "--basetemp", "$OUT"), "uses $OUT, whose value is not known here"),
    ]


def test_a_command_substitution_is_one_unknown_word() -> None:
    from sdetkit.ci.shell import commands

    line = "tox run -f py$(echo $PYTHON | tr -d .) && pytest `ls tests`"
    assert list(commands(line)) == [["tox", "run", "-f", "py$(...)"], ["pytest", "$(...)"]]
