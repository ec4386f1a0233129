"""Which tox environments and nox sessions CI runs, from its calls of tox and nox."""

from __future__ import annotations

from sdetkit import ci
from sdetkit.ci import nox, tox

# Modeled on python-poetry/tomlkit (see tests/data/ci/SOURCES.md): the workflow runs pytest itself
# and a tox.ini with an old env_list is left next to it.
STALE_TOX = "[tox]\nenv_list = py38\n\n[testenv]\ncommands = pytest {posargs:tests}\n"
WORKFLOW = "jobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: {}\n"


def _tests(evidence: dict[str, str]) -> list[tuple[str, bool, str]]:
    return [(str(c.origin), c.default, c.off) for c in ci.commands(evidence) if c.tool == "pytest"]


def test_a_tox_file_no_workflow_calls_is_not_what_ci_runs() -> None:
    evidence = {"tox.ini": STALE_TOX, ".github/workflows/ci.yml": WORKFLOW.format("pytest -q tests")}
    assert _tests(evidence) == [
        ("tox.ini:5 (tox)", False, "tox.ini is not run by the project's CI (no workflow calls tox)"),
        (".github/workflows/ci.yml:5 (github)", True, ""),
    ]


def test_a_workflow_calling_tox_or_no_workflow_at_all_trusts_the_tox_file() -> None:
    called = {"tox.ini": STALE_TOX, ".github/workflows/ci.yml": WORKFLOW.format("tox")}
    assert _tests(called) == [("tox.ini:5 (tox)", True, "")]
    assert _tests({"tox.ini": STALE_TOX}) == [("tox.ini:5 (tox)", True, "")]


TOX = """\
[tox]
env_list = py
labels =
    static = types

[testenv]
commands = pytest

[testenv:lint]
commands = ruff check .

[testenv:types]
commands = mypy src

[testenv:docs]
commands = pyright
"""


def _tox_defaults(call: str) -> dict[str, bool]:
    evidence = {"tox.ini": TOX, ".github/workflows/ci.yml": WORKFLOW.format(call)}
    return {c.context: c.default for c in ci.commands(evidence) if c.origin.kind == "tox"}


def test_a_ci_call_naming_envs_or_labels_runs_them_by_default() -> None:
    base, lint, types, docs = "tox env testenv", "tox env lint", "tox env types", "tox env docs"
    assert _tox_defaults("tox") == {base: True, lint: False, types: False, docs: False}
    assert _tox_defaults("tox -e lint") == {base: False, lint: True, types: False, docs: False}
    assert _tox_defaults("tox run -e py,docs") == {base: True, lint: False, types: False, docs: True}
    assert _tox_defaults("tox -m static") == {base: False, lint: False, types: True, docs: False}
    # A CI expression selects every environment it could name.
    assert _tox_defaults("tox -e ${{ matrix.env }}") == {base: True, lint: True, types: True, docs: True}


NOXFILE = """\
import nox

nox.options.sessions = ["tests"]


@nox.session(python=["3.11", "3.12"])
def tests(session):
    session.run("pytest")


@nox.session(tags=["style"])
def lint(session):
    session.run("ruff", "check", ".")


@nox.session
def types(session):
    session.run("mypy", "src")
"""


def _nox_defaults(call: str) -> dict[str, bool]:
    evidence = {"noxfile.py": NOXFILE, ".gitlab-ci.yml": f"check:\n  script:\n    - {call}\n"}
    return {c.context: c.default for c in ci.commands(evidence) if c.origin.kind == "nox"}


def test_a_ci_call_naming_sessions_or_tags_runs_them_by_default() -> None:
    tests, lint, types = "nox session tests", "nox session lint", "nox session types"
    assert _nox_defaults("nox") == {tests: True, lint: False, types: False}
    assert _nox_defaults("nox -s tests-3.12 types") == {tests: True, lint: False, types: True}
    assert _nox_defaults("nox -t style") == {tests: False, lint: True, types: False}
    evidence = {"noxfile.py": NOXFILE, ".gitlab-ci.yml": "check:\n  script:\n    - pytest\n"}
    assert {c.default for c in ci.commands(evidence) if c.origin.kind == "nox"} == {False}


def test_a_ci_entry_script_calls_make_and_the_targets_run() -> None:
    evidence = {".ci/run": "#!/bin/sh\nmake test\n", "Makefile": "test:\n\tpytest -q\n"}
    (found,) = ci.commands(evidence)
    assert (found.tool, found.default, found.context) == ("pytest", True, "make test, called at .ci/run:2")


def test_readers_default_to_trusting_their_file() -> None:
    assert {c.default for c in tox.read({"tox.ini": TOX}) if c.context == "tox env testenv"} == {True}
    assert {c.context for c in nox.read({"noxfile.py": NOXFILE}) if c.default} == {"nox session tests"}


# Modeled on hynek/hatch-fancy-pypi-readme (see tests/data/ci/SOURCES.md): numeric-range env lists,
# a section naming several environments, and CI selecting the running Python's envs by factor.
FACTOR_TOX = """\
[tox]
env_list = lint, py3{10-13}, py3{10-13}-cli

[testenv]
commands = pytest {posargs}

[testenv:py3{10,13}-cli]
commands = coverage run -m mypkg tests/example.toml

[testenv:lint]
commands = ruff check .
"""


def _factor_runs(call: str, tox_ini: str = FACTOR_TOX) -> dict[str, tuple[bool, str]]:
    evidence = {"tox.ini": tox_ini, ".github/workflows/ci.yml": WORKFLOW.format(call)}
    return {c.context: (c.default, c.why_not) for c in ci.commands(evidence) if c.origin.kind == "tox"}


def test_a_factor_selects_the_envs_whose_factors_hold_it() -> None:
    base, cli, lint = "tox env testenv", "tox env py3{10,13}-cli", "tox env lint"
    assert _factor_runs("tox run -f py310") == {base: (True, ""), cli: (True, ""), lint: (False, "")}
    assert _factor_runs("tox run -f py311") == {base: (True, ""), cli: (False, ""), lint: (False, "")}
    # `py3` is no factor of any env (factors are whole `-`-separated parts, not prefixes).
    assert _factor_runs("tox -f py3") == {base: (False, ""), cli: (False, ""), lint: (False, "")}
    # Several factors after one -f: an env must hold them all.
    assert _factor_runs("tox -f py311 cli") == {base: (True, ""), cli: (False, ""), lint: (False, "")}
    assert _factor_runs("tox -f py313 cli") == {base: (False, ""), cli: (True, ""), lint: (False, "")}


def test_a_python_factor_the_shell_computes_is_taken_as_this_pythons() -> None:
    import sys

    here = f"py{sys.version_info[0]}{sys.version_info[1]}"
    found = _factor_runs("uvx --with tox-uv tox run --installpkg dist/*.whl -f py$(echo $PYTHON | tr -d .)")
    note = f" (tox -f py$(...) taken as {here}, this Python's factor)"
    assert found[f"tox env testenv{note}"] == (True, "")
    assert found["tox env lint"] == (False, "")


def test_env_names_globs_and_names_outside_the_list_select_what_they_name() -> None:
    base, cli, lint = "tox env testenv", "tox env py3{10,13}-cli", "tox env lint"
    # `py312` is no section of its own: it runs [testenv]'s commands; so does `py` with no env_list.
    assert _factor_runs("tox -e py312")[base] == (True, "")
    assert _factor_runs("tox -e py", "[testenv]\ncommands = pytest\n") == {base: (True, "")}
    assert _factor_runs("tox -e 'py3{10,13}-cli,lint'") == {base: (False, ""), cli: (True, ""), lint: (True, "")}
    assert _factor_runs("tox -e 'py3*-cli'") == {base: (True, ""), cli: (True, ""), lint: (False, "")}
    assert _factor_runs("tox -r -e lint") == {base: (False, ""), cli: (False, ""), lint: (True, "")}


def test_a_call_in_a_job_that_cannot_run_here_passes_its_reason_on() -> None:
    windows = "jobs:\n  w:\n    runs-on: windows-latest\n    steps:\n      - run: tox -e lint\n"
    linux = WORKFLOW.format("tox -e py310-cli")
    evidence = {"tox.ini": FACTOR_TOX, ".github/workflows/a.yml": windows, ".github/workflows/b.yml": linux}
    found = {c.context: (c.default, c.why_not) for c in ci.commands(evidence) if c.origin.kind == "tox"}
    assert found == {
        "tox env testenv": (False, ""),
        "tox env py3{10,13}-cli": (True, ""),
        "tox env lint": (True, "runs on windows-latest (tox called at .github/workflows/a.yml:5)"),
    }
    # The same env called from a job that can run here too: it runs here.
    evidence[".github/workflows/b.yml"] = WORKFLOW.format("tox -e lint")
    assert {c.why_not for c in ci.commands(evidence) if c.context == "tox env lint"} == {""}
    noxed = {"noxfile.py": NOXFILE, ".github/workflows/a.yml": windows.replace("tox -e lint", "nox -s lint")}
    found = {c.context: (c.default, c.why_not) for c in ci.commands(noxed) if c.origin.kind == "nox"}
    assert found["nox session lint"] == (True, "runs on windows-latest (nox called at .github/workflows/a.yml:5)")
