"""tox: each environment's commands, inherited from [testenv], default or not."""

from __future__ import annotations

from sdetkit.ci.model import CiCommand, Origin
from sdetkit.ci.selection import env_names
from sdetkit.ci.tox import read

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


# Modeled on PyCQA/pyflakes (see tests/data/ci/SOURCES.md): the test env sets a variable the tests read.
SETENV = """\
[tox]
envlist = py

[testenv]
setenv =
    CHECK_UNKNOWN=1
    py311: ONLY_311=1
    COVERAGE_FILE={toxworkdir}/.coverage
commands = python -m unittest discover checker

[testenv:style]
set_env = STYLE=strict
commands = ruff check .
"""


def test_set_env_of_the_environment_goes_with_its_commands() -> None:
    assert [(c.context, c.env) for c in read({"tox.ini": SETENV})] == [
        ("tox env testenv", (("CHECK_UNKNOWN", "1"),)),  # factor lines and tox substitutions left out
        ("tox env style", (("STYLE", "strict"),)),
    ]


def test_tox_configuration_in_setup_cfg_and_pyproject_is_read_where_tox_reads_it() -> None:
    setup_cfg = "[metadata]\nname = x\n\n[tox:tox]\nenvlist = py\n\n[testenv]\ncommands = pytest tests\n"
    assert [str(c.origin) for c in read({"setup.cfg": setup_cfg})] == ["setup.cfg:8 (tox)"]
    legacy = (
        '[project]\nname = "x"\n\n[tool.tox]\nlegacy_tox_ini = """\n[tox]\nenv_list = py\n\n'
        '[testenv]\ncommands = pytest tests\n"""\n'
    )
    assert [(str(c.origin), c.argv) for c in read({"pyproject.toml": legacy})] == [
        ("pyproject.toml:10 (tox)", ("pytest", "tests"))
    ]
    native = (
        '[tool.tox]\nenv_list = ["lint"]\n\n[tool.tox.env.lint]\nset_env = { STRICT = "1" }\n'
        'commands = [["ruff", "check", "."]]\n'
    )
    (found,) = read({"pyproject.toml": native})
    assert (str(found.origin), found.context, found.default, found.env) == (
        "pyproject.toml:6 (tox)",
        "tox env lint",
        True,
        (("STRICT", "1"),),
    )
    # tox.ini wins over them all, as tox picks it.
    assert {c.origin.file for c in read({"tox.ini": TOX, "setup.cfg": setup_cfg, "pyproject.toml": native})} == {
        "tox.ini"
    }


def test_gh_actions_mapping_runs_the_mapped_envs_of_a_bare_call() -> None:
    """tox-gh-actions (``[gh-actions]``: factors) and tox-gh (``[gh]``: names) run, under a bare
    ``tox``, the environments mapped to CI's Python versions, not the whole env_list."""
    from sdetkit.ci.selection import DriverCall, DriverSelection

    text = (
        "[tox]\nenv_list = py3{11,12}-django{41,42}, lint, docs\n\n[gh-actions]\npython =\n"
        "    3.11: py311, lint\n    3.12: py312\n\n[testenv]\ncommands = pytest\n\n"
        "[testenv:lint]\ncommands = ruff check .\n\n[testenv:docs]\ncommands = mypy docs\n"
    )
    bare = DriverSelection(True, (DriverCall(),))
    assert {c.context: c.default for c in read({"tox.ini": text}, bare)} == {
        "tox env testenv": True, "tox env lint": True, "tox env docs": False,
    }  # fmt: skip
    gh = text.replace("[gh-actions]", "[gh]").replace("3.11: py311, lint", "3.11 = docs").replace("3.12: py312", "")
    assert {c.context: c.default for c in read({"tox.ini": gh}, bare)} == {
        "tox env testenv": False, "tox env lint": False, "tox env docs": True,
    }  # fmt: skip
