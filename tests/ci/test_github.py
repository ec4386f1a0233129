"""GitHub Actions workflows: each run line's tool command, its job, and whether it can run here."""

from __future__ import annotations

from sdetkit.ci.github import read, read_workflow
from sdetkit.ci.model import CiCommand, Origin

WORKFLOW = """\
name: CI
on: [push, pull_request]
jobs:
  types:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: pip install pyright==1.1.390
      - name: Verify the public API's types
        run: |
          pyright --ignoreexternal --verifytypes mypkg
          uv run mypy mypkg tests
  db-tests:
    runs-on: ubuntu-latest
    services:
      postgres:
        image: postgres:16
    steps:
      - run: |
          python -m pytest -n auto \\
            tests/db
  windows:
    runs-on: windows-latest
    steps:
      - run: pytest tests
  publish:
    runs-on: ubuntu-latest
    steps:
      - name: smoke test against the index
        env:
          TOKEN: ${{ secrets.PYPI_TOKEN }}
        run: pytest tests/smoke
"""


def _origin(line: int) -> Origin:
    return Origin(".github/workflows/ci.yml", line, "github")


def test_run_lines_become_commands_with_their_line_and_job() -> None:
    found = read_workflow(".github/workflows/ci.yml", WORKFLOW)
    assert found == [
        CiCommand("pyright", ("pyright", "--ignoreexternal", "--verifytypes", "mypkg"), _origin(11), "job types"),
        CiCommand(
            "mypy", ("mypy", "mypkg", "tests"), _origin(12), "job types", via="uv"
        ),  # `uv run`: the locked environment
        CiCommand(
            "pytest",
            ("python", "-m", "pytest", "-n", "auto", "tests/db"),
            _origin(20),
            "job db-tests",
            why_not="needs the job's service containers (services: at line 15)",
            at=3,
        ),
        CiCommand("pytest", ("pytest", "tests"), _origin(25), "job windows", why_not="runs on windows-latest"),
        CiCommand(
            "pytest", ("pytest", "tests/smoke"), _origin(32), "job publish", why_not="needs the secret PYPI_TOKEN"
        ),
    ]
    assert found[1].args == ("mypkg", "tests")
    assert found[2].args == ("-n", "auto", "tests/db")


def test_a_matrix_over_operating_systems_runs_here() -> None:
    text = "jobs:\n  t:\n    runs-on: ${{ matrix.os }}\n    steps:\n      - run: pytest\n"
    assert [c.why_not for c in read_workflow("w.yml", text)] == [""]


def test_steps_written_at_their_keys_indent_are_read() -> None:
    """``steps:`` then ``- run:`` below its ``s`` (the compact sequence style)."""
    workflow = (
        "on: push\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n    - uses: actions/checkout@v4\n"
        "    - run: ruff check .\n    - run: |\n        mypy src\n        pytest -n auto\n"
    )
    found = [(c.tool, c.argv, c.origin.line) for c in read({".github/workflows/ci.yml": workflow})]
    assert found == [("ruff", ("ruff", "check", "."), 7), ("mypy", ("mypy", "src"), 9),
                     ("pytest", ("pytest", "-n", "auto"), 10)]  # fmt: skip


# The workflow, job and step `env:` levels, each read before the run line uses them.
ENV_WORKFLOW = """\
env:
  SRC: pkg
jobs:
  lint:
    runs-on: ubuntu-latest
    env:
      FILES: ${SRC} tests
      PY: ${{ matrix.python }}
    steps:
      - run: ruff check $FILES
      - env:
          FILES: docs
        run: |
          TARGET="$FILES/conf.py"
          mypy $TARGET
      - run: pytest --junitxml=report-$PY.xml
"""


def test_env_at_workflow_job_and_step_level_expands_and_an_expression_value_is_unknown() -> None:
    found = [(c.argv, c.why_not) for c in read_workflow("w.yml", ENV_WORKFLOW)]
    assert found == [
        (("ruff", "check", "pkg", "tests"), ""),
        (("mypy", "docs/conf.py"), ""),
        (("pytest", "--junitxml=report-$PY.xml"), "uses $PY, whose value is not known here"),
    ]


# Modeled on python-poetry/cleo's downstream workflow (see tests/data/ci/SOURCES.md): the project is
# checked out into ./project, another project into ./other, and that one's suite runs there.
DOWNSTREAM = """\
jobs:
  downstream:
    runs-on: ubuntu-latest
    defaults:
      run:
        working-directory: ./project
    steps:
      - uses: actions/checkout@v4
        with:
          path: project
      - uses: actions/checkout@v4
        with:
          path: other
          repository: example/other
      - run: mypy src
      - working-directory: ./other
        run: poetry run pytest
      - working-directory: project/docs
        run: pytest
      - working-directory: ..
        run: ruff check .
"""


def test_a_step_in_another_projects_checkout_or_outside_the_project_is_not_this_projects_command() -> None:
    found = [(c.argv, c.why_not) for c in read_workflow("w.yml", DOWNSTREAM)]
    assert found == [
        (("mypy", "src"), ""),
        (("pytest",), "runs in ./other, another project's checkout"),
        (("pytest",), "runs in project/docs, a folder of the project the gate does not run steps in"),
        (("ruff", "check", "."), "runs in .., outside the project"),
    ]


def test_the_workflow_default_directory_applies_unless_a_step_or_job_sets_its_own() -> None:
    text = (
        "defaults:\n  run:\n    working-directory: ../elsewhere\n"
        "jobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ruff check .\n"
        "      - working-directory: ${{ matrix.dir }}\n        run: mypy src\n"
        "  b:\n    runs-on: ubuntu-latest\n    defaults:\n      run:\n        working-directory: .\n"
        "    steps:\n      - run: pytest\n"
    )
    assert [(c.tool, c.why_not) for c in read_workflow("w.yml", text)] == [
        ("ruff", "runs in ../elsewhere, outside the project"),
        ("mypy", "runs in ${{ matrix.dir }}, a directory not known here"),
        ("pytest", ""),
    ]
