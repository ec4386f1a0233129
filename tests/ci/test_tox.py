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


# Modeled on a project that moved its tox configuration to tox 4's tox.toml (see
# tests/data/ci/SOURCES.md): base commands with a posargs default, one env of its own, one not listed.
TOX_TOML = """\
env_list = ["3.13", "type"]

[env_run_base]
deps = ["pytest"]
commands = [["pytest", { replace = "posargs", default = ["tests"], extend = true }]]

[env.type]
deps = ["mypy"]
commands = [["mypy", "src"]]

[env.fix]
commands = [["ruff", "check", "--fix", "."]]
"""


def test_tox_toml_envs_run_their_own_commands_else_the_base_ones() -> None:
    found = [(c.tool, c.argv, str(c.origin), c.context, c.default) for c in read({"tox.toml": TOX_TOML})]
    assert found == [
        ("pytest", ("pytest", "tests"), "tox.toml:5 (tox)", "tox env env_run_base", True),
        ("mypy", ("mypy", "src"), "tox.toml:9 (tox)", "tox env type", True),
        ("ruff", ("ruff", "check", "--fix", "."), "tox.toml:12 (tox)", "tox env fix", False),
    ]


def test_tox_ini_wins_over_tox_toml_and_a_broken_toml_runs_nothing() -> None:
    ini = "[tox]\nenv_list = py\n\n[testenv]\ncommands =\n    pytest\n"
    assert [c.origin.file for c in read({"tox.ini": ini, "tox.toml": TOX_TOML})] == ["tox.ini"]
    assert read({"tox.toml": "env_list = [\n"}) == []
