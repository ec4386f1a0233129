"""tox: each environment's commands, inherited from [testenv], default or not."""

from __future__ import annotations

from sdetkit.ci.model import CiCommand, Origin
from sdetkit.ci.tox import env_names, read

TOX = """\
[tox]
env_list = py{311,312}, lint

[testenv]
deps = pytest
commands =
    pytest {posargs:tests}
    py311: pytest --doctest-modules src

[testenv:lint]
commands = ruff check src

[testenv:mypy-test]
commands =
    mypy tests/mypy_test_cases {posargs}
"""


def test_environment_commands_with_lines_and_defaults() -> None:
    def origin(line: int) -> Origin:
        return Origin("tox.ini", line, "tox")

    assert read({"tox.ini": TOX}) == [
        CiCommand("pytest", ("pytest", "tests"), origin(7), "tox env testenv"),
        CiCommand("ruff", ("ruff", "check", "src"), origin(11), "tox env lint"),
        CiCommand("mypy", ("mypy", "tests/mypy_test_cases"), origin(15), "tox env mypy-test", default=False),
    ]


def test_env_list_expands_factors() -> None:
    assert env_names("py{311,312}-django{41,42}, lint") == [
        "py311-django41",
        "py311-django42",
        "py312-django41",
        "py312-django42",
        "lint",
    ]
